/**
 * The chain of image file directories as raw entries (tag, type, count, where the value
 * is), read with our own bounded reads: nothing here allocates by a count the file
 * declares. A directory that is cut off, loops back or dangles after the first one ends
 * the chain with a warning (GDAL reads the same images); only a bad first one refuses the file.
 */
import type { FileHandle } from 'node:fs/promises';
import { rasterError } from './errors.ts';
import { readAt, uint64, type TiffHeader } from './tiff-header.ts';

/** libtiff's own sanity bound on entries per directory ("probably not a valid IFD offset"). */
const MAX_ENTRIES = 4096;
/** GDAL reads every page; past this many, a chain is more likely garbage than overviews. */
const MAX_IFDS = 256;

export interface RawEntry {
  tag: number;
  type: number;
  count: number;
  /** Byte offset of the value: inside the entry when it fits there, else where the entry points. */
  valueAt: number;
  /** True when the value lies inside the entry itself. */
  inline: boolean;
}

export interface RawDir {
  offset: number;
  entries: Map<number, RawEntry>;
  next: number;
}

const typeSizes: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

/** Bytes per value of a TIFF field type; 0 for a type TIFF does not define. */
export function typeSize(type: number): number {
  return typeSizes[type] ?? 0;
}

async function readDir(fh: FileHandle, h: TiffHeader, offset: number, fileSize: number): Promise<RawDir | string> {
  const le = h.littleEndian;
  const countBytes = h.bigTiff ? 8 : 2;
  const entrySize = h.bigTiff ? 20 : 12;
  const head = await readAt(fh, offset, countBytes, fileSize);
  if (head.length < countBytes) return `its image directory at byte ${offset} lies past the end of the ${fileSize}-byte file`;
  const n = h.bigTiff ? uint64(head, 0, le) : le ? head.readUInt16LE(0) : head.readUInt16BE(0);
  if (n === 0) return `its image directory at byte ${offset} has no entries`;
  if (n > MAX_ENTRIES) return `its image directory at byte ${offset} declares ${n} entries (at most ${MAX_ENTRIES} make sense)`;
  const end = offset + countBytes + n * entrySize + (h.bigTiff ? 8 : 4);
  if (end > fileSize) return `is truncated: its image directory at byte ${offset} runs to byte ${end} but the file has ${fileSize}`;
  const b = await readAt(fh, offset, end - offset, fileSize);
  const entries = new Map<number, RawEntry>();
  const inlineBytes = h.bigTiff ? 8 : 4;
  for (let i = 0; i < n; i++) {
    const p = countBytes + i * entrySize;
    const tag = le ? b.readUInt16LE(p) : b.readUInt16BE(p);
    const type = le ? b.readUInt16LE(p + 2) : b.readUInt16BE(p + 2);
    const count = h.bigTiff ? uint64(b, p + 4, le) : le ? b.readUInt32LE(p + 4) : b.readUInt32BE(p + 4);
    const valuePos = p + (h.bigTiff ? 12 : 8);
    const inline = typeSize(type) * count <= inlineBytes;
    const pointer = h.bigTiff ? uint64(b, valuePos, le) : le ? b.readUInt32LE(valuePos) : b.readUInt32BE(valuePos);
    // The first entry of a tag wins, as in libtiff (a duplicate is ignored with a warning there).
    if (!entries.has(tag)) entries.set(tag, { tag, type, count, valueAt: inline ? offset + valuePos : pointer, inline });
  }
  const np = countBytes + n * entrySize;
  const next = h.bigTiff ? uint64(b, np, le) : le ? b.readUInt32LE(np) : b.readUInt32BE(np);
  return { offset, entries, next };
}

export interface DirChain {
  dirs: RawDir[];
  warnings: string[];
}

export async function readDirChain(fh: FileHandle, h: TiffHeader, fileSize: number, file: string): Promise<DirChain> {
  const dirs: RawDir[] = [];
  const warnings: string[] = [];
  const seen = new Set<number>();
  let offset = h.firstIfd;
  while (offset !== 0) {
    if (seen.has(offset)) {
      warnings.push(`${file}: image directory ${dirs.length + 1} loops back to byte ${offset}; the first ${dirs.length} read`);
      break;
    }
    if (dirs.length >= MAX_IFDS) {
      warnings.push(`${file}: more than ${MAX_IFDS} image directories; the first ${MAX_IFDS} read`);
      break;
    }
    if (offset < h.headerSize || offset >= fileSize) {
      warnings.push(`${file}: image directory ${dirs.length + 1} would be at byte ${offset}, outside the ${fileSize}-byte file; the first ${dirs.length} read`);
      break;
    }
    seen.add(offset);
    const dir = await readDir(fh, h, offset, fileSize);
    if (typeof dir === 'string') {
      if (dirs.length === 0) throw rasterError(dir.startsWith('is truncated') ? 'E_TRUNCATED' : 'E_CORRUPT', file, dir.startsWith('is ') ? dir : `is corrupt: ${dir}`);
      warnings.push(`${file}: image directory ${dirs.length + 1} skipped (${dir.replace(/^is truncated: /, '')}); the first ${dirs.length} read`);
      break;
    }
    dirs.push(dir);
    offset = dir.next;
  }
  return { dirs, warnings };
}

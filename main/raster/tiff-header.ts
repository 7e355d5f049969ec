/**
 * The TIFF header (byte order, classic or BigTIFF, first directory pointer) and GDAL's
 * structural-metadata ghost area, read with our own bounded reads. A first-directory
 * pointer of 0 or one into the header is a broken file, not a truncated one, and says so.
 */
import type { FileHandle } from 'node:fs/promises';
import { rasterError } from './errors.ts';

export interface TiffHeader {
  littleEndian: boolean;
  bigTiff: boolean;
  /** 8 (classic) or 16 (BigTIFF): where the first directory may start at the earliest. */
  headerSize: number;
  firstIfd: number;
}

/** Reads `length` bytes at `offset`, never past the end of the file. */
export async function readAt(fh: FileHandle, offset: number, length: number, fileSize: number): Promise<Buffer> {
  const n = Math.max(0, Math.min(length, fileSize - offset));
  const buf = Buffer.alloc(n);
  if (n > 0) await fh.read(buf, 0, n, offset);
  return buf;
}

/** 64-bit offsets and counts as numbers; one above 2^53 cannot point into any real file. */
export function uint64(buf: Buffer, at: number, le: boolean): number {
  const v = le ? buf.readBigUInt64LE(at) : buf.readBigUInt64BE(at);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(v);
}

export async function readHeader(fh: FileHandle, fileSize: number, file: string): Promise<TiffHeader> {
  const b = await readAt(fh, 0, 16, fileSize);
  if (b.length < 8) throw rasterError('E_TRUNCATED', file, `is truncated: a TIFF header needs 8 bytes, the file has ${fileSize}`);
  const littleEndian = b[0] === 0x49;
  const version = littleEndian ? b.readUInt16LE(2) : b.readUInt16BE(2);
  const bigTiff = version === 43;
  if (bigTiff && b.length < 16) throw rasterError('E_TRUNCATED', file, `is truncated: a BigTIFF header needs 16 bytes, the file has ${fileSize}`);
  if (bigTiff) {
    const offsetSize = littleEndian ? b.readUInt16LE(4) : b.readUInt16BE(4);
    if (offsetSize !== 8) throw rasterError('E_CORRUPT', file, `is not a valid BigTIFF: its header gives ${offsetSize}-byte offsets (8 expected)`);
  }
  const headerSize = bigTiff ? 16 : 8;
  const firstIfd = bigTiff ? uint64(b, 8, littleEndian) : littleEndian ? b.readUInt32LE(4) : b.readUInt32BE(4);
  if (firstIfd === 0) throw rasterError('E_CORRUPT', file, 'has no image: its header\'s first image directory pointer is 0');
  if (firstIfd < headerSize) {
    throw rasterError('E_CORRUPT', file, `is corrupt: its header's first image directory pointer (byte ${firstIfd}) points inside the ${headerSize}-byte header`);
  }
  if (firstIfd >= fileSize) {
    throw rasterError('E_TRUNCATED', file, `is truncated: its first image directory is at byte ${firstIfd} but the file has ${fileSize}`);
  }
  return { littleEndian, bigTiff, headerSize, firstIfd };
}

const GHOST_KEY = 'GDAL_STRUCTURAL_METADATA_SIZE=';
/** GDAL writes a few hundred bytes there; more is not a ghost area. */
const MAX_GHOST_BYTES = 64 * 1024;

/** GDAL's COG ghost-area values (LAYOUT=COG ...) right after the header, or null. */
export async function readGhost(fh: FileHandle, h: TiffHeader, fileSize: number): Promise<Record<string, string> | null> {
  const head = (await readAt(fh, h.headerSize, GHOST_KEY.length + 16, fileSize)).toString('latin1');
  if (!head.startsWith(GHOST_KEY)) return null;
  const size = Number(/^\d+/.exec(head.slice(GHOST_KEY.length))?.[0]);
  if (!Number.isFinite(size) || size > MAX_GHOST_BYTES) return null;
  const text = (await readAt(fh, h.headerSize, GHOST_KEY.length + 16 + size, fileSize)).toString('latin1');
  const out: Record<string, string> = {};
  for (const line of text.split('\n').slice(1)) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

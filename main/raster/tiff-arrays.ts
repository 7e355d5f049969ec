/**
 * Reads the TIFF array tags geotiff.js leaves deferred (tile/strip offsets and byte
 * counts, colour maps) ourselves, after checking they lie inside the file.
 *
 * Why not DeferredArray.loadAll(): in geotiff.js 3.0.5 it decodes with a hard-coded
 * little-endian DataSlice, so big-endian ("MM") files get garbage offsets; and it
 * would read past the end of a truncated file as zeros instead of failing.
 */
import type { FileHandle } from 'node:fs/promises';
import type { ImageFileDirectory } from 'geotiff';
import { rasterError } from './errors.ts';
import { fieldTypeSize } from './tiff-tags.ts';

/** Largest tag array we read (a 1e6 x 1e6 px image in 256 px tiles needs ~120 MB of offsets). */
const MAX_ARRAY_BYTES = 256 * 1024 * 1024;

const TAG_NAMES: Record<number, string> = {
  273: 'strip offsets',
  279: 'strip byte counts',
  324: 'tile offsets',
  325: 'tile byte counts',
  320: 'colour map',
};

function tagName(tag: string | number): string {
  return TAG_NAMES[Number(tag)] ?? `tag ${String(tag)}`;
}

interface DeferredLike {
  arrayOffset: number;
  fieldType: number;
  length: number;
}

export async function actualizeArrays(
  ifd: ImageFileDirectory,
  fh: FileHandle,
  fileSize: number,
  littleEndian: boolean,
  file: string,
): Promise<void> {
  for (const [tag, raw] of [...ifd.deferredArrays.entries()]) {
    const d = raw as unknown as DeferredLike;
    const itemSize = fieldTypeSize(d.fieldType);
    const bytes = itemSize * d.length;
    if (itemSize === 0) throw rasterError('E_CORRUPT', file, `${tagName(tag)} have unknown field type ${d.fieldType}`);
    if (bytes > MAX_ARRAY_BYTES) throw rasterError('E_TOO_LARGE', file, `${tagName(tag)} declare ${d.length} values (${bytes} bytes)`);
    if (d.arrayOffset + bytes > fileSize) {
      throw rasterError('E_TRUNCATED', file, `is truncated: its ${tagName(tag)} run to byte ${d.arrayOffset + bytes} but the file has ${fileSize} bytes`);
    }
    const buf = Buffer.alloc(bytes);
    await fh.read(buf, 0, bytes, d.arrayOffset);
    const values = decodeValues(buf, d.fieldType, d.length, littleEndian);
    ifd.actualizedFields.set(tag, values as unknown as number[]);
    ifd.deferredArrays.delete(tag);
  }
}

function decodeValues(buf: Buffer, type: number, n: number, le: boolean): ArrayLike<number> {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  switch (type) {
    case 1: case 7: return new Uint8Array(buf.buffer, buf.byteOffset, n).slice();
    case 6: return new Int8Array(buf.buffer, buf.byteOffset, n).slice();
    case 3: return fill(new Uint16Array(n), (i) => dv.getUint16(i * 2, le));
    case 8: return fill(new Int16Array(n), (i) => dv.getInt16(i * 2, le));
    case 4: case 13: return fill(new Uint32Array(n), (i) => dv.getUint32(i * 4, le));
    case 9: return fill(new Int32Array(n), (i) => dv.getInt32(i * 4, le));
    case 11: return fill(new Float32Array(n), (i) => dv.getFloat32(i * 4, le));
    case 12: return fill(new Float64Array(n), (i) => dv.getFloat64(i * 8, le));
    case 16: case 18: return fill(new Float64Array(n), (i) => Number(dv.getBigUint64(i * 8, le)));
    case 17: return fill(new Float64Array(n), (i) => Number(dv.getBigInt64(i * 8, le)));
    case 5: return fill(new Uint32Array(n * 2), (i) => dv.getUint32(i * 4, le));
    case 10: return fill(new Int32Array(n * 2), (i) => dv.getInt32(i * 4, le));
    default: return [];
  }
}

function fill<T extends { length: number; [i: number]: number }>(arr: T, get: (i: number) => number): T {
  for (let i = 0; i < arr.length; i++) arr[i] = get(i);
  return arr;
}

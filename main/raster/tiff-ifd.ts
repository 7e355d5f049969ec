/**
 * Serialises one TIFF image file directory (entries sorted by tag, values that do not
 * fit in the entry written right after it), little-endian, classic or BigTIFF. The
 * size of a directory depends only on its value counts, so the writer can reserve
 * room for every directory before any tile offset is known.
 */
import { FieldType, fieldTypeSize } from './tiff-tags.ts';

export interface IfdEntry {
  tag: number;
  type: number;
  values: ArrayLike<number> | string;
}

function count(e: IfdEntry): number {
  return typeof e.values === 'string' ? Buffer.byteLength(e.values, 'latin1') + 1 : e.values.length;
}

function valueBytes(e: IfdEntry): number {
  return count(e) * fieldTypeSize(e.type);
}

const even = (n: number) => n + (n & 1);

export function ifdSize(entries: IfdEntry[], bigTiff: boolean): number {
  const inline = bigTiff ? 8 : 4;
  let size = bigTiff ? 8 + entries.length * 20 + 8 : 2 + entries.length * 12 + 4;
  for (const e of entries) {
    const n = valueBytes(e);
    if (n > inline) size += even(n);
  }
  return even(size);
}

/** Bytes of the directory placed at `offset`, pointing to `next` (0 for the last). */
export function serializeIfd(entries: IfdEntry[], offset: number, next: number, bigTiff: boolean): Buffer {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const buf = Buffer.alloc(ifdSize(sorted, bigTiff));
  const inline = bigTiff ? 8 : 4;
  let p = 0;
  if (bigTiff) {
    buf.writeBigUInt64LE(BigInt(sorted.length), 0);
    p = 8;
  } else {
    buf.writeUInt16LE(sorted.length, 0);
    p = 2;
  }
  let extra = p + sorted.length * (bigTiff ? 20 : 12) + (bigTiff ? 8 : 4);
  for (const e of sorted) {
    buf.writeUInt16LE(e.tag, p);
    buf.writeUInt16LE(e.type, p + 2);
    if (bigTiff) buf.writeBigUInt64LE(BigInt(count(e)), p + 4);
    else buf.writeUInt32LE(count(e), p + 4);
    const valuePos = p + (bigTiff ? 12 : 8);
    const n = valueBytes(e);
    if (n <= inline) {
      writeValues(buf, valuePos, e);
    } else {
      writeValues(buf, extra, e);
      if (bigTiff) buf.writeBigUInt64LE(BigInt(offset + extra), valuePos);
      else buf.writeUInt32LE(offset + extra, valuePos);
      extra += even(n);
    }
    p += bigTiff ? 20 : 12;
  }
  if (bigTiff) buf.writeBigUInt64LE(BigInt(next), p);
  else buf.writeUInt32LE(next, p);
  return buf;
}

function writeValues(buf: Buffer, at: number, e: IfdEntry): void {
  if (typeof e.values === 'string') {
    buf.write(e.values, at, 'latin1');
    buf[at + Buffer.byteLength(e.values, 'latin1')] = 0;
    return;
  }
  const v = e.values;
  for (let i = 0; i < v.length; i++) {
    switch (e.type) {
      case FieldType.BYTE: buf.writeUInt8(v[i], at + i); break;
      case FieldType.SHORT: buf.writeUInt16LE(v[i], at + i * 2); break;
      case FieldType.LONG: buf.writeUInt32LE(v[i], at + i * 4); break;
      case FieldType.DOUBLE: buf.writeDoubleLE(v[i], at + i * 8); break;
      case FieldType.LONG8: buf.writeBigUInt64LE(BigInt(v[i]), at + i * 8); break;
      default: throw new Error(`cannot write TIFF field type ${e.type}`);
    }
  }
}

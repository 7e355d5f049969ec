/**
 * The numeric tags of a TIFF's first image directory, parsed here by hand (no tiffinfo on
 * this machine, and not our reader: it is what is under test). Classic and BigTIFF, either
 * byte order; BYTE/SHORT/LONG/LONG8 values only, which is what the layout checks need
 * (BitsPerSample, SampleFormat, Predictor, Compression, TileWidth...).
 */
import { openSync, readSync, closeSync } from 'node:fs';

export const TAG = { BitsPerSample: 258, Compression: 259, TileWidth: 322, TileLength: 323, Predictor: 317, SampleFormat: 339, SamplesPerPixel: 277 } as const;

export function firstIfdTags(path: string): Map<number, number[]> {
  const fd = openSync(path, 'r');
  const read = (pos: number, n: number) => {
    const b = Buffer.alloc(n);
    readSync(fd, b, 0, n, pos);
    return b;
  };
  try {
    const head = read(0, 16);
    const le = head.toString('latin1', 0, 2) === 'II';
    const u16 = (b: Buffer, p: number) => (le ? b.readUInt16LE(p) : b.readUInt16BE(p));
    const u32 = (b: Buffer, p: number) => (le ? b.readUInt32LE(p) : b.readUInt32BE(p));
    const u64 = (b: Buffer, p: number) => Number(le ? b.readBigUInt64LE(p) : b.readBigUInt64BE(p));
    const big = u16(head, 2) === 43;
    const ifd = big ? u64(head, 8) : u32(head, 4);
    const count = big ? u64(read(ifd, 8), 0) : u16(read(ifd, 2), 0);
    const entrySize = big ? 20 : 12;
    const entries = read(ifd + (big ? 8 : 2), count * entrySize);
    const sizes: Record<number, number> = { 1: 1, 3: 2, 4: 4, 16: 8 };
    const tags = new Map<number, number[]>();
    for (let i = 0; i < count; i++) {
      const p = i * entrySize;
      const tag = u16(entries, p);
      const type = u16(entries, p + 2);
      const n = big ? u64(entries, p + 4) : u32(entries, p + 4);
      const size = sizes[type];
      if (!size) continue;
      const inline = big ? 8 : 4;
      const valueAt = p + (big ? 12 : 8);
      const data = n * size <= inline ? entries.subarray(valueAt, valueAt + n * size) : read(big ? u64(entries, valueAt) : u32(entries, valueAt), n * size);
      const values: number[] = [];
      for (let k = 0; k < n; k++) {
        values.push(size === 1 ? data[k] : size === 2 ? u16(data, k * 2) : size === 4 ? u32(data, k * 4) : u64(data, k * 8));
      }
      tags.set(tag, values);
    }
    return tags;
  } finally {
    closeSync(fd);
  }
}

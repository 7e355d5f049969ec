/**
 * Turns one tile's bands into the bytes stored in the file: pixel-interleaved samples
 * (Float32 narrowed to IEEE half when the file stores 16-bit floats), optional TIFF
 * predictor (2: horizontal differencing; 3: floating-point byte planes, TIFF Technical
 * Note 3, on 2-byte samples for halves), then DEFLATE on Node's zlib thread pool.
 */
import { deflate } from 'node:zlib';
import { promisify } from 'node:util';
import type { DataType } from '../api.ts';
import { makeArray, bytesPerSample } from './data-type.ts';
import type { NumericArray } from './types.ts';
import { toHalf } from './float16.ts';

const deflateAsync = promisify(deflate);

export interface TileEncoding {
  dataType: DataType;
  compression: 'deflate' | 'none';
  level: number;
  predictor: 1 | 2 | 3;
  /** Float32 samples stored as half floats (float16.ts rounds to nearest even). */
  float16?: boolean;
}

/**
 * bands: one array per band of w x h values; the tile is `size` x `size` and the part
 * outside w x h is filled with `fill`.
 */
export async function encodeTile(bands: NumericArray[], w: number, h: number, size: number, fill: number, enc: TileEncoding): Promise<Buffer> {
  const spp = bands.length;
  const tile = makeArray(enc.dataType, size * size * spp);
  if (fill !== 0 && (w < size || h < size)) tile.fill(fill);
  for (let b = 0; b < spp; b++) {
    const src = bands[b];
    for (let y = 0; y < h; y++) {
      let d = y * size * spp + b;
      const s = y * w;
      for (let x = 0; x < w; x++, d += spp) tile[d] = src[s + x];
    }
  }
  const stored = enc.float16 ? toHalf(tile, new Uint16Array(tile.length)) : tile;
  let bytes = new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
  if (enc.predictor === 2) horizontalDiff(stored, size, spp);
  else if (enc.predictor === 3) bytes = floatPredict(bytes, size, spp, enc.float16 ? 2 : bytesPerSample(enc.dataType));
  if (enc.compression === 'none') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return deflateAsync(bytes, { level: enc.level });
}

/** In place, right to left so each difference uses the original left neighbour. */
function horizontalDiff(a: NumericArray, size: number, spp: number): void {
  const row = size * spp;
  for (let y = 0; y < size; y++) {
    const base = y * row;
    for (let i = row - 1; i >= spp; i--) a[base + i] = a[base + i] - a[base + i - spp];
  }
}

/** Floating-point predictor: per row, bytes regrouped most-significant plane first, then byte differences. */
function floatPredict(src: Uint8Array, size: number, spp: number, bps: number): Uint8Array {
  const out = new Uint8Array(src.length);
  const wc = size * spp;
  const rowBytes = wc * bps;
  for (let y = 0; y < size; y++) {
    const base = y * rowBytes;
    for (let i = 0; i < wc; i++) {
      for (let b = 0; b < bps; b++) {
        // little-endian source: byte b of a value is plane (bps - 1 - b)
        out[base + (bps - 1 - b) * wc + i] = src[base + i * bps + b];
      }
    }
    for (let i = rowBytes - 1; i >= spp; i--) out[base + i] = (out[base + i] - out[base + i - spp]) & 0xff;
  }
  return out;
}

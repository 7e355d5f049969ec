/**
 * Fetches and decodes one tile or strip: our own positioned read, geotiff.js's decoder
 * (native zlib for DEFLATE), then big-endian samples swapped to native order so typed
 * arrays can view them directly, and half floats widened to Float32 (the type the file
 * reads as), so every reader downstream sees plain Float32 blocks.
 */
import { libraryError, rasterError } from './errors.ts';
import { compressionNames } from './tiff-tags.ts';
import { bytesPerSample } from './data-type.ts';
import { fromHalf } from './float16.ts';
import type { TiffFile, TiffLevel } from './tiff-file.ts';

export interface DecodedBlock {
  /** Null for a sparse block (offset and size 0): read as nodata. */
  buffer: ArrayBufferLike | null;
  byteLength: number;
}

export async function loadBlock(tf: TiffFile, level: TiffLevel, index: number, blockRow: number): Promise<DecodedBlock> {
  const n = level.byteCounts[index];
  if (n === 0) return { buffer: null, byteLength: 0 };
  const offset = level.offsets[index];
  const raw = new Uint8Array(n);
  const { bytesRead } = await tf.fh.read(raw, 0, n, offset);
  if (bytesRead < n) throw rasterError('E_TRUNCATED', tf.path, `is truncated: block ${index} ends at byte ${offset + n}`);
  let buffer: ArrayBufferLike;
  try {
    buffer = await level.decoder.decode(raw.buffer);
  } catch (err) {
    const codec = compressionNames[tf.compression] ?? (tf.compression === 1 ? 'uncompressed' : `compression ${tf.compression}`);
    throw libraryError('E_CORRUPT', tf.path, `is corrupt: ${level.tiled ? 'tile' : 'strip'} ${index} at byte ${offset} cannot be decoded as ${codec}`, err);
  }
  const bps = tf.half ? 2 : bytesPerSample(tf.dataType);
  const rows = level.tiled ? level.blockHeight : Math.min(level.blockHeight, level.height - blockRow * level.blockHeight);
  const need = rows * level.blockWidth * bps * (tf.planar === 1 ? tf.samplesPerPixel : 1);
  if (buffer.byteLength < need) {
    throw rasterError('E_CORRUPT', tf.path, `block ${index} decodes to ${buffer.byteLength} bytes, ${need} expected`);
  }
  // A corrupt stream may decode to a few stray bytes more: typed-array views need whole samples.
  if (buffer.byteLength % bps !== 0) buffer = buffer.slice(0, buffer.byteLength - (buffer.byteLength % bps));
  if (!tf.littleEndian && bps > 1) swapBytes(new Uint8Array(buffer), bps);
  if (tf.ycbcrJpeg) ycbcrToRgb(new Uint8Array(buffer));
  if (tf.half) buffer = fromHalf(new Uint16Array(buffer, 0, Math.floor(buffer.byteLength / 2)), new Float32Array(Math.floor(buffer.byteLength / 2))).buffer;
  return { buffer, byteLength: buffer.byteLength };
}

/** JFIF YCbCr -> RGB in place (geotiff.js's JPEG decoder returns the raw components). */
function ycbcrToRgb(p: Uint8Array): void {
  for (let i = 0; i + 2 < p.length; i += 3) {
    const y = p[i];
    const cb = p[i + 1] - 128;
    const cr = p[i + 2] - 128;
    p[i] = clamp(y + 1.402 * cr);
    p[i + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
    p[i + 2] = clamp(y + 1.772 * cb);
  }
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i + size <= b.length; i += size) {
    for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
      const t = b[lo];
      b[lo] = b[hi];
      b[hi] = t;
    }
  }
}

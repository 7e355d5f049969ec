/**
 * IEEE 754 half precision (binary16) <-> Float32, for feature GeoTIFFs stored with
 * BitsPerSample 16 / SampleFormat 3. Node 20 has no Float16Array or Math.f16round, so the
 * bits are made here.
 *
 * Float32 -> half rounds to nearest, ties to even (what numpy's astype(float16) and
 * libtiff/GDAL 3.11's Float16 do), so a stored value is the closest half to the feature;
 * magnitudes from 65520 up become +-Inf, below 2^-14 they become half subnormals (down to
 * 2^-24; below 2^-25 zero), and NaN stays NaN (its top payload bits kept, always quiet).
 * Decoding goes through a 65536-entry table: one lookup per sample on read.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The half bit pattern nearest to `value` (first rounded to Float32, as the arrays hold it). */
export function floatToHalfBits(value: number): number {
  f32[0] = value;
  return bitsToHalf(u32[0]);
}

function bitsToHalf(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) {
    if (mant === 0) return sign | 0x7c00;
    // Keep the payload's top bits; the quiet bit makes it a NaN even when they are all zero.
    return sign | 0x7e00 | (mant >>> 13);
  }
  const e = exp - 112; // rebias 127 -> 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e >= 1) {
    let h = (e << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    // A carry out of the mantissa moves into the exponent; 0x7bff + 1 is Inf, as it must be.
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++;
    return sign | h;
  }
  // Subnormal half (or zero): the 24-bit significand shifted right by 14 - e.
  if (e < -10) return sign;
  const m = mant | 0x800000;
  const shift = 14 - e;
  let h = m >>> shift;
  const rest = m & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  if (rest > halfway || (rest === halfway && (h & 1) === 1)) h++;
  return sign | h;
}

/** The value of a half bit pattern (exact: every half is a Float32). */
export function halfBitsToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : Number.NaN;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

let table: Float32Array | null = null;

function decodeTable(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = halfBitsToFloat(h);
  }
  return table;
}

/** Float32 values -> half bit patterns, `dst[i]` for `src[i]`. */
export function toHalf(src: ArrayLike<number>, dst: Uint16Array): Uint16Array {
  if (src instanceof Float32Array) {
    const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
    for (let i = 0; i < bits.length; i++) dst[i] = bitsToHalf(bits[i]);
  } else {
    for (let i = 0; i < src.length; i++) dst[i] = floatToHalfBits(src[i]);
  }
  return dst;
}

/** Half bit patterns -> Float32 values. */
export function fromHalf(src: Uint16Array, dst: Float32Array): Float32Array {
  const t = decodeTable();
  for (let i = 0; i < src.length; i++) dst[i] = t[src[i]];
  return dst;
}

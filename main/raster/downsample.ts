/**
 * Overview resampling the way GDAL's gdaladdo does it, so our overviews match GDAL's:
 * AVERAGE weights every source pixel by the area it shares with the output pixel
 * (overview sizes are ceil(n / 2^k), so the ratio is rarely exactly 2), ignores nodata
 * and NaN, and rounds integers half up; NEAREST takes the source pixel under the output
 * pixel's centre.
 */
import type { NumericArray } from './types.ts';

export type Resampling = 'average' | 'nearest';

/** For each output index, the source indices it covers and their overlap weights. */
export interface AxisWeights {
  first: Int32Array;
  count: Int32Array;
  weight: Float64Array[];
  /** Every output pixel covers exactly source pixels 2i and 2i+1 (even size, ratio 2). */
  exactHalf: boolean;
}

export function axisWeights(inSize: number, outSize: number): AxisWeights {
  const r = inSize / outSize;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weight: Float64Array[] = [];
  for (let i = 0; i < outSize; i++) {
    const a = i * r;
    const b = Math.min((i + 1) * r, inSize);
    const x0 = Math.floor(a);
    const x1 = Math.min(inSize, Math.ceil(b - 1e-12));
    first[i] = x0;
    count[i] = Math.max(1, x1 - x0);
    const w = new Float64Array(count[i]);
    for (let k = 0; k < count[i]; k++) {
      const x = x0 + k;
      w[k] = Math.max(0, Math.min(b, x + 1) - Math.max(a, x));
    }
    weight.push(w);
  }
  return { first, count, weight, exactHalf: inSize === 2 * outSize };
}

export function nearestIndex(inSize: number, outSize: number): Int32Array {
  const r = inSize / outSize;
  const idx = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) idx[i] = Math.min(inSize - 1, Math.floor((i + 0.5) * r + 1e-10));
  return idx;
}

/**
 * One output row from source rows `rows` (with vertical weights `wy`), for one band.
 * Integers round half up. Exact .5 ties can land either side of GDAL's by floating-point
 * summation order (about 1 pixel in 5000 on L7_ETMs), so those differ by 1.
 */
export function averageRow(
  rows: NumericArray[],
  wy: Float64Array,
  xw: AxisWeights,
  out: NumericArray,
  nodata: number | null,
  isInteger: boolean,
): void {
  if (isInteger && nodata === null && xw.exactHalf && rows.length === 2 && wy[0] === 1 && wy[1] === 1) {
    // The common case (even sizes, no nodata): a plain 2x2 mean, rounded half up.
    const [a, b] = rows;
    for (let i = 0, x = 0; i < out.length; i++, x += 2) out[i] = Math.floor((a[x] + a[x + 1] + b[x] + b[x + 1] + 2) / 4);
    return;
  }
  const fill = nodata ?? 0;
  for (let i = 0; i < out.length; i++) {
    const x0 = xw.first[i];
    const wx = xw.weight[i];
    let sum = 0;
    let wsum = 0;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const w0 = wy[r];
      for (let k = 0; k < wx.length; k++) {
        const v = row[x0 + k];
        if (Number.isNaN(v) || (nodata !== null && v === nodata)) continue;
        const w = w0 * wx[k];
        sum += v * w;
        wsum += w;
      }
    }
    if (wsum === 0) out[i] = fill;
    else out[i] = isInteger ? Math.floor(sum / wsum + 0.5) : sum / wsum;
  }
}

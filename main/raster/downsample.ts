/**
 * 2:1 reduction of a pair of rows for overviews: AVERAGE of the valid pixels of each
 * 2x2 cell (nodata and NaN ignored, integers rounded half up, all-invalid cells stay
 * nodata) or NEAREST (the cell's lower-right pixel, the one GDAL's nearest picks for a
 * factor of 2; clamped at odd edges).
 */
import type { NumericArray } from './types.ts';

export type Resampling = 'average' | 'nearest';

export function downsampleRows(
  top: NumericArray,
  bottom: NumericArray | null,
  width: number,
  out: NumericArray,
  outOffset: number,
  method: Resampling,
  nodata: number | null,
  isInteger: boolean,
): void {
  const outW = Math.ceil(width / 2);
  const bot = bottom ?? top;
  if (method === 'nearest') {
    for (let i = 0; i < outW; i++) out[outOffset + i] = bot[Math.min(2 * i + 1, width - 1)];
    return;
  }
  const fill = nodata ?? 0;
  for (let i = 0; i < outW; i++) {
    const x0 = 2 * i;
    const x1 = Math.min(x0 + 1, width - 1);
    let sum = 0;
    let n = 0;
    const take = (v: number) => {
      if (Number.isNaN(v) || (nodata !== null && v === nodata)) return;
      sum += v;
      n++;
    };
    take(top[x0]);
    if (x1 !== x0) take(top[x1]);
    if (bottom) {
      take(bottom[x0]);
      if (x1 !== x0) take(bottom[x1]);
    }
    out[outOffset + i] = n === 0 ? fill : isInteger ? Math.floor(sum / n + 0.5) : sum / n;
  }
}

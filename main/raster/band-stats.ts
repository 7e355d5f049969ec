/**
 * Per-band statistics for display stretch: from an overview or a decimated read of about
 * 512 px a side (readWindow picks the level), ignoring nodata and NaN. validCount counts
 * the valid pixels of that sample, not of the full-resolution image. Percentiles
 * interpolate linearly between order statistics (numpy's default).
 */
import type { BandStats } from '../api.ts';
import type { Raster } from './types.ts';

const SAMPLE_SIDE = 512;

export async function bandStats(raster: Raster, bands?: number[], signal?: AbortSignal): Promise<BandStats[]> {
  const info = raster.info;
  const scale = Math.min(1, SAMPLE_SIDE / Math.max(info.width, info.height));
  const outWidth = Math.max(1, Math.round(info.width * scale));
  const outHeight = Math.max(1, Math.round(info.height * scale));
  const which = bands ?? info.bandNames.map((_, i) => i + 1);
  const data = await raster.readWindow({ x: 0, y: 0, width: info.width, height: info.height }, { bands: which, outWidth, outHeight, signal });
  const nodata = info.nodata;
  const nodata32 = nodata === null ? null : Math.fround(nodata);
  return data.map((arr, k) => {
    const f32 = arr instanceof Float32Array;
    const valid = new Float64Array(arr.length);
    let n = 0;
    let sum = 0;
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (Number.isNaN(v) || (nodata !== null && (v === nodata || (f32 && v === nodata32)))) continue;
      valid[n++] = v;
      sum += v;
    }
    const sorted = valid.subarray(0, n).sort();
    const q = (p: number) => {
      if (n === 0) return 0;
      const pos = p * (n - 1);
      const lo = Math.floor(pos);
      const hi = Math.min(n - 1, lo + 1);
      return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    };
    return {
      band: which[k],
      min: n ? sorted[0] : 0,
      max: n ? sorted[n - 1] : 0,
      p2: q(0.02),
      p98: q(0.98),
      mean: n ? sum / n : 0,
      validCount: n,
    };
  });
}

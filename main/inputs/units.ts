/**
 * What units the raster's values are in, detected from a sample, and the conversion to
 * the units the manifest's mean/std were computed in. Detection looks at a few small
 * windows (bounded memory whatever the raster size), ignoring nodata and NaN; when all of
 * them are nodata (a masked, mostly clouded scene), at a decimated read of the whole raster:
 *
 * - S2 (manifest 'reflectance' x scale, or 'DN'): a sample whose 99th percentile is at most
 *   2 is surface reflectance (0..1.2 in practice) and is multiplied by the manifest's scale
 *   (default 10000); larger values are already DN (reflectance x 10000, mostly 0..12000).
 * - S1 (manifest 'dB'): any negative value means dB already; all values >= 0 with a
 *   99th percentile below 10 is linear power (backscatter is 0..1 apart from bright
 *   targets), converted with 10 log10(max(v, 1e-10)).
 * - HR (manifest '0-255'): floats whose 99th percentile is at most 1.5 are 0..1 and are
 *   multiplied by 255; otherwise the values are taken as 8-bit.
 */
import { ApiError } from '../api.ts';
import type { Modality, ModalityId } from '../model/index.ts';
import type { Raster } from '../raster/index.ts';
import { isNodata } from '../raster/index.ts';

export interface UnitsDetection {
  /** What the input holds. */
  input: 'DN' | 'reflectance' | 'linear' | 'dB' | '0-255' | '0-1';
  /** Applied before normalisation: v -> v * multiply, or 10 log10(v) for 'dB'. */
  convert: { kind: 'scale'; multiply: number } | { kind: 'dB' };
  /** One line for the report: what was seen and why. */
  reason: string;
  sample: { count: number; min: number; p99: number; max: number };
}

const SAMPLE_SIDE = 64;

/** Up to 5 windows (centre and the four quadrant centres), SAMPLE_SIDE px each. */
export async function sampleValues(raster: Raster, bands: number[], signal?: AbortSignal): Promise<Float64Array> {
  const { width: W, height: H, nodata } = raster.info;
  const w = Math.min(SAMPLE_SIDE, W);
  const h = Math.min(SAMPLE_SIDE, H);
  const centres = [[0.5, 0.5], [0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]];
  const seen = new Set<string>();
  const values: number[] = [];
  const keep = (arrs: ArrayLike<number>[]) => {
    for (const a of arrs) {
      for (let i = 0; i < a.length; i++) {
        const v = a[i];
        if (v !== v || !Number.isFinite(v) || (nodata !== null && isNodata(v, nodata))) continue;
        values.push(v);
      }
    }
  };
  for (const [fx, fy] of centres) {
    const x = Math.max(0, Math.min(W - w, Math.round(fx * W - w / 2)));
    const y = Math.max(0, Math.min(H - h, Math.round(fy * H - h / 2)));
    if (seen.has(`${x},${y}`)) continue;
    seen.add(`${x},${y}`);
    keep(await raster.readWindow({ x, y, width: w, height: h }, { bands, signal }));
  }
  if (values.length === 0 && (W > w || H > h)) {
    // Every window is nodata (a masked, mostly clouded scene): one decimated read of the whole raster instead.
    keep(await raster.readWindow({ x: 0, y: 0, width: W, height: H }, { bands, outWidth: Math.min(W, 256), outHeight: Math.min(H, 256), signal }));
  }
  return Float64Array.from(values).sort();
}

export function detectUnits(modalityId: ModalityId, modality: Modality, sorted: Float64Array, file: string): UnitsDetection {
  if (sorted.length === 0) throw new ApiError('E_EMPTY', `${file}: the sampled windows hold only nodata; cannot tell the units`, file);
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
  const sample = { count: sorted.length, min, p99, max };
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
  const range = `sample of ${sorted.length} values: min ${fmt(min)}, p99 ${fmt(p99)}, max ${fmt(max)}`;
  if (modalityId === 's2') {
    const scale = modality.scale ?? 10000;
    if (p99 <= 2) return { input: 'reflectance', convert: { kind: 'scale', multiply: scale }, reason: `reflectance (p99 <= 2; ${range}): multiplied by ${scale}`, sample };
    return { input: 'DN', convert: { kind: 'scale', multiply: 1 }, reason: `reflectance x ${scale} DN (p99 > 2; ${range}): used as is`, sample };
  }
  if (modalityId === 's1') {
    if (min < 0) return { input: 'dB', convert: { kind: 'scale', multiply: 1 }, reason: `dB (negative values; ${range}): used as is`, sample };
    if (p99 < 10) return { input: 'linear', convert: { kind: 'dB' }, reason: `linear power (all >= 0, p99 < 10; ${range}): converted to dB`, sample };
    throw new ApiError('E_UNSUPPORTED', `${file}: S1 values are all positive yet large (${range}): neither dB nor linear power`, file);
  }
  if (p99 <= 1.5) return { input: '0-1', convert: { kind: 'scale', multiply: 255 }, reason: `0..1 values (p99 <= 1.5; ${range}): multiplied by 255`, sample };
  return { input: '0-255', convert: { kind: 'scale', multiply: 1 }, reason: `8-bit values (${range}): used as is`, sample };
}

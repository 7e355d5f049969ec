/**
 * Heads on several encoder taps (`--taps`, e.g. the HR encoder's feat_s4 .. feat_s32): each
 * labelled cell of the finest tap's grid takes its own features and, from every coarser tap,
 * the features of the cell that holds it (nearest, as the exported graph's Resize reads them),
 * side by side. Fine taps carry the detail thin classes need, coarse ones the context.
 */
import { ApiError, type RasterInfo } from '../api.ts';
import type { ModuleSpec } from '../model/index.ts';
import { gatherFeatures, type FeatureGrid } from './feature-cache.ts';

export interface TapSpec {
  name: string;
  stride: number;
  channels: number;
}

/** The taps named (or every output for "all"), finest first; each a whole multiple of the finest's stride. */
export function tapPlan(names: readonly string[], spec: ModuleSpec, moduleName: string, manifestPath: string): TapSpec[] {
  const outputs = names.length === 1 && names[0] === 'all' ? spec.outputs.map((o) => o.name) : names;
  const taps = outputs.map((name) => {
    const out = spec.outputs.find((o) => o.name === name);
    if (!out) throw new ApiError('E_BAD_REQUEST', `taps: "${name}" is not an output of ${moduleName} in ${manifestPath} (it has ${spec.outputs.map((o) => o.name).join(', ')})`, manifestPath);
    const channels = out.channels ?? (typeof out.shape[1] === 'number' ? out.shape[1] : undefined);
    if (!out.stride || !Number.isInteger(out.stride) || !channels) throw new ApiError('E_CORRUPT', `${manifestPath}: modules.${moduleName}: output ${name} needs a whole stride and channels to train on`, manifestPath);
    return { name, stride: out.stride, channels };
  });
  if (new Set(taps.map((t) => t.name)).size !== taps.length) throw new ApiError('E_BAD_REQUEST', `taps: ${outputs.join(', ')} names a tap twice`);
  taps.sort((a, b) => a.stride - b.stride);
  const bad = taps.find((t) => t.stride % taps[0].stride !== 0);
  if (bad) throw new ApiError('E_BAD_REQUEST', `taps: ${bad.name} (stride ${bad.stride}) is not a whole multiple of ${taps[0].name} (stride ${taps[0].stride})`);
  return taps;
}

/** The feature grids' shapes against the raster: each tap's grid covers it at its stride. */
export function checkTapGrids(grids: FeatureGrid[], info: RasterInfo, where: string): void {
  for (const g of grids) {
    if (g.width !== Math.ceil(info.width / g.stride) || g.height !== Math.ceil(info.height / g.stride)) {
      throw new ApiError('E_INTERNAL', `${where}: tap features ${g.width} x ${g.height} at stride ${g.stride} for a ${info.width} x ${info.height} raster`);
    }
  }
}

/** n x (sum of the taps' channels) features of cells on the finest grid (row-major, ascending). */
export async function gatherTaps(grids: FeatureGrid[], fineWidth: number, cells: Int32Array, signal?: AbortSignal): Promise<Float32Array> {
  const C = grids.reduce((a, g) => a + g.channels, 0);
  const n = cells.length;
  const x = new Float32Array(n * C);
  const fine = grids[0].stride;
  let offset = 0;
  for (const g of grids) {
    const k = g.stride / fine;
    // Ascending fine cells give non-decreasing coarse rows, which is all gatherFeatures needs.
    const mapped = cells.map((i) => Math.floor(Math.floor(i / fineWidth) / k) * g.width + Math.floor((i % fineWidth) / k));
    const part = await gatherFeatures(g, mapped, signal);
    for (let i = 0; i < n; i++) x.set(part.subarray(i * g.channels, (i + 1) * g.channels), i * C + offset);
    offset += g.channels;
  }
  return x;
}

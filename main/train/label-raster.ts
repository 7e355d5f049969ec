/**
 * Labels from a label raster, as one class per cell of the encoder's output grid (stride x
 * stride input pixels): the most frequent labelled class among the cell's pixels, or none
 * where no pixel of the cell carries a label. Label values map to class names through
 * `labelValues` (values not named there, and the raster's nodata, are unlabelled); without a
 * mapping, value i is the i-th class.
 *
 * The label raster must lie on the input's grid: same size, and where it is georeferenced the
 * same CRS and geotransform (a shifted label would teach the head the shift). One without
 * georeferencing is taken as pixel-aligned when its size equals the input's, and the run
 * says so. Read one strip of cells at a time: memory follows the width, not the area.
 */
import { ApiError, type RasterInfo } from '../api.ts';
import { crsLabel, isNodata, openRaster, sameCrs, sameGeoTransform } from '../raster/index.ts';

export interface CellLabels {
  /** Output grid size (cells). */
  width: number;
  height: number;
  stride: number;
  /** Class index per cell, row-major; -1 = unlabelled. */
  labels: Int16Array;
  /** Labelled cells per class. */
  counts: number[];
  /** Set when the labels were taken as pixel-aligned (no georeferencing). */
  note: string | null;
  /** Multi-label: 1 per cell and class present in it (cells x classes); absent for single-label. */
  present?: Uint8Array;
}

/** value -> class index, checked against the classes; null mapping = value i is class i. */
export function valueMap(labelValues: Record<string, string> | null, classes: readonly string[], source: string): Map<number, number> {
  const map = new Map<number, number>();
  if (!labelValues) {
    classes.forEach((_, i) => map.set(i, i));
    return map;
  }
  for (const [key, name] of Object.entries(labelValues)) {
    const value = Number(key);
    if (key.trim() === '' || !Number.isFinite(value)) throw new ApiError('E_BAD_REQUEST', `${source}: labelValues key "${key}" is not a number`, source);
    const index = classes.indexOf(name);
    if (index < 0) throw new ApiError('E_BAD_REQUEST', `${source}: labelValues "${key}" names class "${name}", which is not one of the classes (${classes.join(', ')})`, source);
    map.set(value, index);
  }
  return map;
}

function checkGrid(label: RasterInfo, input: RasterInfo): string | null {
  const where = `${label.path} and ${input.path}`;
  if (label.width !== input.width || label.height !== input.height) {
    throw new ApiError('E_BAD_REQUEST', `${label.path}: the labels are ${label.width} x ${label.height} px, the input ${input.path} is ${input.width} x ${input.height}: a label raster must lie on the input's grid`, label.path);
  }
  if (!label.georeferenced) return `${label.path} has no georeferencing; its labels were taken as pixel-aligned with ${input.path} (same size)`;
  if (!sameCrs(label, input)) throw new ApiError('E_BAD_REQUEST', `${where}: different CRS (${crsLabel(label)} vs ${crsLabel(input)}); reproject the labels onto the input's grid`, label.path);
  if (!sameGeoTransform(label, input)) throw new ApiError('E_BAD_REQUEST', `${where}: different geotransforms (origin or pixel size); the labels must lie on the input's grid`, label.path);
  return null;
}

export async function labelCells(
  path: string,
  input: RasterInfo,
  stride: number,
  classes: readonly string[],
  labelValues: Record<string, string> | null,
  signal?: AbortSignal,
  /** Multi-label: a class is present in a cell when it holds at least this share of the cell's labelled pixels. */
  minFraction?: number,
): Promise<CellLabels> {
  const values = valueMap(labelValues, classes, path);
  const raster = await openRaster([path], { signal });
  try {
    const info = raster.info;
    const note = checkGrid(info, input);
    const W = Math.ceil(info.width / stride);
    const H = Math.ceil(info.height / stride);
    const labels = new Int16Array(W * H).fill(-1);
    const counts = new Array<number>(classes.length).fill(0);
    const votes = new Int32Array(W * classes.length);
    const present = minFraction === undefined ? undefined : new Uint8Array(W * H * classes.length);
    for (let r = 0; r < H; r++) {
      const y = r * stride;
      const h = Math.min(stride, info.height - y);
      const [band] = await raster.readWindow({ x: 0, y, width: info.width, height: h }, { bands: [1], signal });
      votes.fill(0);
      for (let yy = 0; yy < h; yy++) {
        for (let x = 0; x < info.width; x++) {
          const v = band[yy * info.width + x];
          if (info.nodata !== null && isNodata(v, info.nodata)) continue;
          const k = values.get(v);
          if (k !== undefined) votes[Math.floor(x / stride) * classes.length + k]++;
        }
      }
      for (let c = 0; c < W; c++) {
        let best = -1;
        let most = 0;
        for (let k = 0; k < classes.length; k++) {
          const n = votes[c * classes.length + k];
          if (n > most) {
            most = n;
            best = k;
          }
        }
        if (best >= 0) {
          labels[r * W + c] = best;
          counts[best]++;
        }
        if (present && best >= 0) {
          let sum = 0;
          for (let k = 0; k < classes.length; k++) sum += votes[c * classes.length + k];
          for (let k = 0; k < classes.length; k++) if (votes[c * classes.length + k] >= minFraction! * sum) present[(r * W + c) * classes.length + k] = 1;
        }
      }
    }
    return { width: W, height: H, stride, labels, counts, note, present };
  } finally {
    await raster.close();
  }
}

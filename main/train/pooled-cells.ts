/**
 * The features a classify head sees: one vector per grid cell of `grid` x `grid` input pixels,
 * the mean of the encoder's feature cells inside it, as the head's graph averages its tile's
 * features. The features come from embed run with tile = grid and no overlap, so each cell's
 * features are exactly one encoder pass over that cell, as `skysense run --task classify`
 * makes them. Cells that pass the raster's edge are left out of training: classify mirror-pads
 * them, which whole-raster features do not reproduce. Reads one row of cells at a time.
 */
import { ApiError } from '../api.ts';
import { openRaster } from '../raster/index.ts';
import type { FeatureGrid } from './feature-cache.ts';

/** Mean features of the given cells (ascending, row-major on the cell grid): n x channels; NaN where a cell has no valid feature. */
export async function pooledFeatures(features: FeatureGrid, grid: number, cells: Int32Array, signal?: AbortSignal): Promise<Float32Array> {
  const k = grid / features.stride;
  if (!Number.isInteger(k)) throw new ApiError('E_BAD_REQUEST', `grid ${grid} px: must be a multiple of the encoder's output stride (${features.stride} px)`);
  const C = features.channels;
  const cellsAcross = Math.ceil(features.width / k);
  const x = new Float32Array(cells.length * C);
  const raster = await openRaster([features.path], { signal });
  try {
    const bands = Array.from({ length: C }, (_, i) => i + 1);
    let i = 0;
    while (i < cells.length) {
      const row = Math.floor(cells[i] / cellsAcross);
      const y = row * k;
      const h = Math.min(k, features.height - y);
      const data = await raster.readWindow({ x: 0, y, width: features.width, height: h }, { bands, signal });
      for (; i < cells.length && Math.floor(cells[i] / cellsAcross) === row; i++) {
        const x0 = (cells[i] % cellsAcross) * k;
        const x1 = Math.min(features.width, x0 + k);
        for (let c = 0; c < C; c++) {
          let sum = 0;
          let n = 0;
          for (let yy = 0; yy < h; yy++) {
            for (let xx = x0; xx < x1; xx++) {
              const v = data[c][yy * features.width + xx];
              if (Number.isFinite(v)) {
                sum += v;
                n++;
              }
            }
          }
          x[i * C + c] = n ? sum / n : Number.NaN;
        }
      }
    }
    return x;
  } finally {
    await raster.close();
  }
}

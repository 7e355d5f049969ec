/**
 * Which tiles can be skipped without reading them: those whose window is all nodata in
 * a cheap decimated read (one value every `step` pixels, taken from an overview when
 * the file has one). One read per row of tiles, full width: memory is
 * width / step x tileHeight / step values per band, whatever the raster height.
 *
 * A decimated read only samples, so a valid feature thinner than `step` pixels inside an
 * otherwise empty tile can be missed; 'auto' therefore uses it only when the raster has
 * an overview at most `step` times coarser (cheap to read). Every tile that is read is
 * checked exactly as well (tile-read.ts), so without overviews nothing is lost, only the
 * read of an empty tile is not saved.
 */
import type { Raster } from '../raster/index.ts';
import type { TilePlan } from './tile-plan.ts';
import { isNodata } from '../raster/index.ts';

export type EmptyCheck = 'auto' | 'decimated' | 'exact';

export const SCAN_STEP = 4;

/** True when the raster has an overview no coarser than `step` (so the scan reads little). */
export function hasCheapOverview(raster: Raster, step = SCAN_STEP): boolean {
  const { width, height, overviews } = raster.info;
  return overviews.some((o) => width / o.width <= step * (1 + 1e-9) && height / o.height <= step * (1 + 1e-9));
}

/** Plan indices (Tile.index) of the tiles whose decimated window holds only nodata. */
export async function findEmptyTiles(
  raster: Raster,
  plan: TilePlan,
  bands: number[],
  nodata: number,
  signal?: AbortSignal,
  step = SCAN_STEP,
): Promise<Set<number>> {
  const empty = new Set<number>();
  const { width, height } = raster.info;
  const outW = Math.max(1, Math.ceil(width / step));
  for (let row = plan.rowFrom; row < plan.rowTo; row++) {
    const y0 = plan.ys[row];
    const y1 = Math.min(height, y0 + plan.tileHeight);
    const outH = Math.max(1, Math.ceil((y1 - y0) / step));
    const data = await raster.readWindow({ x: 0, y: y0, width, height: y1 - y0 }, { bands, outWidth: outW, outHeight: outH, signal });
    // Sample column i covers input columns [i * width / outW, (i + 1) * width / outW).
    const colScale = width / outW;
    for (let col = 0; col < plan.xs.length; col++) {
      const x0 = plan.xs[col];
      const x1 = Math.min(width, x0 + plan.tileWidth);
      const c0 = Math.max(0, Math.floor(x0 / colScale));
      const c1 = Math.min(outW, Math.ceil(x1 / colScale));
      let allEmpty = true;
      for (let b = 0; b < data.length && allEmpty; b++) {
        const a = data[b];
        for (let r = 0; r < outH && allEmpty; r++) {
          for (let c = c0; c < c1; c++) {
            if (!isNodata(a[r * outW + c], nodata)) {
              allEmpty = false;
              break;
            }
          }
        }
      }
      if (allEmpty) empty.add(row * plan.xs.length + col);
    }
  }
  return empty;
}

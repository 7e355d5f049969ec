/**
 * The feature of a `similar` query: the mean of the blended encoder features over the
 * query's output pixels, computed before the full run by running the encoder on only the
 * tiles that touch the query's box.
 *
 * It reproduces the full run exactly: the same plan (featurePlan), the same empty-tile
 * policy, the same blend windows and margin, and the same BlendAccumulator fed in the same
 * row-major order, so a pixel's feature here is bit for bit the one the full run (and
 * `embed`) produces there — and the similarity at a point query's own pixel is 1.
 * Tiles that do not touch the box add nothing to its pixels and are left out; that is
 * why the accumulator is released by tile row here rather than by the pipeline.
 */
import { ApiError } from '../../api.ts';
import { BlendAccumulator } from '../../tiler/index.ts';
import { blendWindows } from '../../tiler/index.ts';
import type { FeatureSource } from '../embed/index.ts';
import { featurePlan, knownEmptyTiles } from '../../tiler/index.ts';
import type { QueryRegion } from './query.ts';
import { readTile } from '../../tiler/index.ts';
import { tileAt, type Tile } from '../../tiler/index.ts';

export interface QueryFeature {
  feature: Float64Array;
  /** Query pixels with data that went into the mean. */
  pixels: number;
  /** Query pixels that were nodata. */
  nodataPixels: number;
  tiles: number;
  ms: number;
}

export async function queryFeature(run: FeatureSource, region: QueryRegion, signal?: AbortSignal): Promise<QueryFeature> {
  const t0 = performance.now();
  const { raster, stride, tile, channels: C } = run;
  const plan = featurePlan(raster, tile, run.overlap, stride);
  const knownEmpty = await knownEmptyTiles(raster, plan, run.bands, signal);
  const tileOut = tile / stride;
  const windows = blendWindows(plan.xs.map((x) => x / stride), plan.ys.map((y) => y / stride), tileOut, tileOut, Math.ceil(run.margin / stride));
  const cols = plan.xs.map((_, i) => i).filter((i) => plan.xs[i] / stride < region.c1 && plan.xs[i] / stride + tileOut > region.c0);
  const rows = plan.ys.map((_, j) => j).filter((j) => plan.ys[j] / stride < region.r1 && plan.ys[j] / stride + tileOut > region.r0);
  const acc = new BlendAccumulator(plan.outWidth, region.r0, region.r1, C, tileOut, 'Float32', Number.NaN);
  const sum = new Float64Array(C);
  let pixels = 0;
  let nodataPixels = 0;
  let tiles = 0;

  const consume = (released: ReturnType<BlendAccumulator['release']>) => {
    if (!released) return;
    const W = plan.outWidth;
    for (let r = 0; r < released.rows; r++) {
      const y = released.y + r;
      for (let x = region.c0; x < region.c1; x++) {
        if (!region.inside(x, y)) continue;
        const i = r * W + x;
        let ok = true;
        for (let c = 0; c < C && ok; c++) ok = released.bands[c][i] === released.bands[c][i];
        if (!ok) {
          nodataPixels++;
          continue;
        }
        for (let c = 0; c < C; c++) sum[c] += released.bands[c][i];
        pixels++;
      }
    }
  };

  for (const row of rows) {
    const rowTiles: Tile[] = cols.map((col) => tileAt(plan, col, row)).filter((t) => !knownEmpty.has(t.index));
    consume(acc.release(plan.ys[row] / stride));
    for (let b = 0; b < rowTiles.length; b += run.batch) {
      if (signal?.aborted) throw new ApiError('E_CANCELLED', 'similar run cancelled');
      const read = await Promise.all(rowTiles.slice(b, b + run.batch).map((t) => readTile(raster, t, run.bands, raster.info.nodata, stride, signal)));
      const live = read.filter((e) => e.data !== null);
      if (live.length === 0) continue;
      const outs = await run.infer(live.map((e) => e.data!), { tiles: live.map((e) => e.tile), signal });
      live.forEach((e, k) => {
        const t = e.tile;
        acc.add(outs[k], t.outX, t.outY, t.outWidth, t.outHeight, windows.cols[t.col], windows.rows[t.row], e.valid);
      });
      tiles += live.length;
    }
  }
  consume(acc.release(Infinity));
  const feature = new Float64Array(C);
  for (let c = 0; c < C; c++) feature[c] = pixels > 0 ? sum[c] / pixels : Number.NaN;
  return { feature, pixels, nodataPixels, tiles, ms: performance.now() - t0 };
}

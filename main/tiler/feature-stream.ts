/**
 * The tiler's pipeline (plan, empty-tile scan, read -> infer -> blend) with the blended
 * feature rows handed to a callback instead of a GeoTIFF writer: for tasks that need the
 * features of the whole raster before they can write anything (cluster samples them and
 * keeps them for its second pass).
 *
 * Same plan, blend windows, margin, empty-tile policy and accumulator as runTiled, so a
 * row here is bit for bit the row `embed` writes for the same settings.
 */
import { ApiError } from '../api.ts';
import type { Raster } from '../raster/index.ts';
import { BlendAccumulator } from './blend-accumulator.ts';
import { blendWindows } from './blend-weights.ts';
import { findEmptyTiles, hasCheapOverview } from './empty-tiles.ts';
import type { RowSink } from './output-writer.ts';
import { runPipeline, type InferFn, type StageTimings } from './pipeline.ts';
import type { TiledProgress } from './progress.ts';
import { planTiles, planTilesInOrder, tileCount, type TilePlan } from './tile-plan.ts';

/** A raster and how its features are made: what the stream, the query and the tasks share. */
export interface FeatureTiling {
  raster: Raster;
  /** 1-based raster bands read per tile. */
  bands: number[];
  tile: number;
  overlap: number;
  margin: number;
  /** Input pixels per feature. */
  stride: number;
  batch: number;
  channels: number;
  infer: InferFn;
}

/** The tiler's share of a FeatureTiling (runTiled's raster, tiling and infer options). */
export function tiledOptions(t: FeatureTiling) {
  return { raster: t.raster, bands: t.bands, tile: t.tile, overlap: t.overlap, margin: t.margin, stride: t.stride, batch: t.batch, outChannels: t.channels, infer: t.infer };
}

export interface FeatureStreamOptions extends FeatureTiling {
  /**
   * Called with consecutive output rows, top to bottom: one Float32Array of rows x width
   * per channel, NaN where there is no data. Awaited before the next rows are released.
   */
  onRows(bands: Float32Array[], y: number, rows: number): Promise<void> | void;
  signal?: AbortSignal;
  progress?: (p: TiledProgress) => void;
}

export interface FeatureStreamResult {
  plan: TilePlan;
  inferred: number;
  skipped: number;
  total: number;
  timings: StageTimings;
}

/** The tile plan runTiled lays for these settings (whole raster, no shard). */
export function featurePlan(raster: Raster, tile: number, overlap: number, stride: number): TilePlan {
  const { width, height } = raster.info;
  return planTiles({ width, height, tileWidth: tile, tileHeight: tile, overlapX: overlap, overlapY: overlap, stride });
}

/** Tiles skipped by runTiled's 'auto' empty check (decimated scan when the raster has a cheap overview). */
export async function knownEmptyTiles(raster: Raster, plan: TilePlan, bands: number[], signal?: AbortSignal): Promise<Set<number>> {
  const nodata = raster.info.nodata;
  if (nodata === null || !hasCheapOverview(raster)) return new Set();
  return findEmptyTiles(raster, plan, bands, nodata, signal);
}

export async function streamFeatures(o: FeatureStreamOptions): Promise<FeatureStreamResult> {
  const t0 = performance.now();
  const timings: StageTimings = { scan: 0, read: 0, infer: 0, blend: 0, write: 0, total: 0 };
  const plan = featurePlan(o.raster, o.tile, o.overlap, o.stride);
  const ts = performance.now();
  const knownEmpty = await knownEmptyTiles(o.raster, plan, o.bands, o.signal);
  timings.scan = performance.now() - ts;
  const tileOut = o.tile / o.stride;
  const windows = blendWindows(plan.xs.map((x) => x / o.stride), plan.ys.map((y) => y / o.stride), tileOut, tileOut, Math.ceil(o.margin / o.stride));
  const acc = new BlendAccumulator(plan.outWidth, 0, plan.outHeight, o.channels, tileOut, 'Float32', Number.NaN);
  let y = 0;
  const sink: RowSink = {
    writeRows: async (bands, rows) => {
      if (!bands.every((b) => b instanceof Float32Array)) throw new ApiError('E_INTERNAL', 'feature rows must be Float32');
      await o.onRows(bands as Float32Array[], y, rows);
      y += rows;
    },
    finish: async () => undefined,
    abort: async () => undefined,
  };
  const { inferred, skipped } = await runPipeline({
    raster: o.raster,
    bands: o.bands,
    tiles: planTilesInOrder(plan),
    totalTiles: tileCount(plan),
    knownEmpty,
    nodata: o.raster.info.nodata,
    stride: o.stride,
    batch: o.batch,
    readConcurrency: 2,
    outChannels: o.channels,
    infer: o.infer,
    windows,
    acc,
    sink,
    signal: o.signal,
    progress: o.progress,
    timings,
  });
  timings.total = performance.now() - t0;
  return { plan, inferred, skipped, total: tileCount(plan), timings };
}

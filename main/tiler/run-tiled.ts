/**
 * runTiled: the one streaming run every model task goes through.
 *
 * runTiled lays tiles over a raster (tile-plan.ts), skips all-nodata ones
 * (empty-tiles.ts, tile-read.ts), streams read -> infer -> blend -> write
 * (pipeline.ts) and writes one tiled, compressed GeoTIFF with overviews on the input's
 * grid, or on the grid scaled by the model's stride (output-writer.ts). The output is
 * written under a temporary name and renamed when complete; on failure or cancel
 * nothing is left behind.
 *
 * Memory depends on tile size, batch and raster width, never on the raster height:
 *   blend rows in flight   tileOutH x outW x (C_out + 1) x 4 B      (blend-accumulator.ts)
 * + writer tile rows       ~2 x 256 x outW x C_out x bytes/sample   (one tile row per overview level)
 * + tiles in the pipeline  ~6 batches x batch x C x tileW x tileH x 4 B
 * + the raster's block cache (64 MiB, main/raster).
 * E.g. 8192 px wide, 4 bands, 512 px tiles, batch 4: 80 + 32 + 96 + 64 MiB (the measured
 * peak with Node itself: README, Benchmarks: tiler).
 */
import { access, constants, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ApiError, type DataType } from '../api.ts';
import type { NumericArray, Raster } from '../raster/index.ts';
import { typeRange } from '../raster/index.ts';
import { BlendAccumulator } from './blend-accumulator.ts';
import { writeCategoryNames } from '../raster/index.ts';
import { blendWindows } from './blend-weights.ts';
import { findEmptyTiles, hasCheapOverview, type EmptyCheck } from './empty-tiles.ts';
import { openRowSink, outputGeoTransform, type OutputSpec, type Resampling, type RowSink } from './output-writer.ts';
import { WorkerSink, writerWorkerEntry } from './worker-sink.ts';
import { cancelled, runPipeline, type InferFn, type StageTimings } from './pipeline.ts';
import type { TiledProgress } from './progress.ts';
import { parseShard, planTiles, planTilesInOrder, tileCount, type Shard, type TilePlan } from './tile-plan.ts';


export interface RunTiledOptions {
  raster: Raster;
  /** 1-based input bands fed to the model, in order (default all). */
  bands?: number[];
  /** Tile size in input pixels: a side, or [width, height]. */
  tile: number | [number, number];
  /** Overlap between neighbouring tiles in input pixels (default 0). */
  overlap?: number | [number, number];
  /**
   * Input pixels at each interior tile edge whose output is dropped rather than blended
   * (the model's edge effect; default 0). Needs overlap >= 2 x margin.
   */
  margin?: number;
  /** Input pixels per output pixel (default 1): the output grid is the input's scaled by it. */
  stride?: number;
  /** Tiles per infer call (default 4). */
  batch?: number;
  infer: InferFn;
  outChannels: number;
  /** Default Float32. Integer types are rounded and clamped. */
  outDataType?: DataType;
  /** Store a Float32 output as IEEE half floats (16-bit samples; see raster/float16.ts). */
  outFloat16?: boolean;
  outPath: string;
  /**
   * Output nodata: where the input is nodata (whole stride cells) and over skipped tiles.
   * Default: the input's nodata (an error when an integer output type cannot hold it).
   */
  nodata?: number | null;
  /** "I/N" or { index, count }: run the I-th of N row blocks (see tile-plan.ts). */
  shard?: string | Shard;
  /**
   * Output rows [from, to) to write (not with `shard`): the file then holds only those rows,
   * equal to the whole run's; its geotransform starts at row `from`.
   */
  outRows?: [number, number];
  signal?: AbortSignal;
  progress?: (p: TiledProgress) => void;
  /** 'auto' (default): decimated pre-scan when the raster has overviews; every read tile is checked exactly. */
  emptyCheck?: EmptyCheck;
  /** Overview resampling of the output (default 'average'; 'nearest' for class maps). */
  resampling?: Resampling;
  bandNames?: string[];
  metadata?: Record<string, string>;
  /** Tiles read at once (default 2). */
  readConcurrency?: number;
  /**
   * Write the output on a worker thread: 'auto' (default) when the output holds at least
   * WORKER_MIN_VALUES values (starting the thread costs more than it saves on small
   * outputs) and the worker's entry file exists.
   */
  writerThread?: boolean | 'auto';
  /**
   * Turns blended model outputs into what is written (class maps from probabilities,
   * cluster ids...). The blend stays Float32 with NaN where there is no data; transform gets
   * outChannels full-width row bands and returns post.bandCount bands of post.dataType.
   * outDataType/nodata then describe the written file.
   */
  post?: PostTransform;
  /**
   * Wraps the sink of the rows written (after `post`): a filter that needs neighbouring
   * rows, such as the median over class rows (tasks/deepness/median-rows.ts). It may hold rows back and
   * write them at finish.
   */
  rowFilter?: (sink: RowSink) => RowSink;
  /** Palette of a single-band Byte/UInt16 class output: [r, g, b] per value. */
  colorTable?: [number, number, number][];
  /**
   * Names of the class values (index = value; '' for unnamed). GeoTIFF has no tag for them,
   * so they go where GDAL and QGIS look: <out>.aux.xml (CategoryNames), written after the
   * raster, under a temporary name, and renamed.
   */
  categoryNames?: string[];
}

export interface PostTransform {
  bandCount: number;
  dataType: DataType;
  /**
   * May be async: a task that writes a second file from the same blended rows (segment's
   * class probabilities) awaits that writer here, so both files advance at the writer's pace.
   * The bands passed belong to the transform afterwards.
   */
  transform(bands: Float32Array[], rows: number, width: number): NumericArray[] | Promise<NumericArray[]>;
}

export interface RunTiledResult {
  outPath: string;
  /** Tiles inferred. */
  tiles: number;
  /** Tiles skipped as all nodata. */
  skipped: number;
  /** Of those, skipped from the decimated scan without being read. */
  skippedUnread: number;
  /** Tiles of this run (inferred + skipped). */
  total: number;
  width: number;
  height: number;
  plan: TilePlan;
  /** Bytes of the blend's rows in flight. */
  blendBytes: number;
  /** Whether the output was written on a worker thread. */
  writerThread: boolean;
  timings: StageTimings;
}

/**
 * 4096 x 4096 x 4 values: below this the writer stays on the main thread, where the
 * thread's start-up costs more than it saves (README, Benchmarks: tiler).
 */
export const WORKER_MIN_VALUES = 2 ** 26;

const pair = (v: number | [number, number]): [number, number] => (Array.isArray(v) ? v : [v, v]);

function bad(msg: string): ApiError {
  return new ApiError('E_BAD_REQUEST', msg);
}

function outputNodata(o: RunTiledOptions, dataType: DataType): number | null {
  const inNodata = o.raster.info.nodata;
  const float = dataType === 'Float32' || dataType === 'Float64';
  if (o.nodata !== undefined) {
    if (o.nodata !== null && !float) {
      const [lo, hi] = typeRange(dataType);
      if (!Number.isInteger(o.nodata) || o.nodata < lo || o.nodata > hi) throw bad(`nodata ${o.nodata} does not fit the output type ${dataType}`);
    }
    return o.nodata;
  }
  if (inNodata === null) return null;
  if (float) return inNodata;
  const [lo, hi] = typeRange(dataType);
  if (Number.isInteger(inNodata) && inNodata >= lo && inNodata <= hi) return inNodata;
  throw bad(`the input's nodata ${inNodata} does not fit the output type ${dataType}; give an output nodata`);
}

/** The output path, resolved: a .tif that is not an input, in a writable folder (checked before any work). */
export async function checkOutPath(o: Pick<RunTiledOptions, 'outPath' | 'raster'>): Promise<string> {
  const out = resolve(o.outPath);
  if (!/\.tiff?$/i.test(out)) throw bad(`${o.outPath}: the output must be a .tif file`);
  if (o.raster.info.files.some((f) => resolve(f) === out)) throw bad(`${o.outPath}: the output would overwrite the input`);
  const dir = dirname(out);
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a folder');
    await access(dir, constants.W_OK);
  } catch (err) {
    throw new ApiError('E_NOT_FOUND', `${dir}: output folder does not exist or is not writable (${(err as Error).message})`, dir);
  }
  return out;
}

export async function runTiled(o: RunTiledOptions): Promise<RunTiledResult> {
  const t0 = performance.now();
  const timings: StageTimings = { scan: 0, read: 0, infer: 0, blend: 0, write: 0, total: 0 };
  const info = o.raster.info;
  const bands = o.bands ?? info.bandNames.map((_, i) => i + 1);
  for (const b of bands) if (!Number.isInteger(b) || b < 1 || b > info.bandCount) throw bad(`${info.path}: band ${b} does not exist (the raster has ${info.bandCount})`);
  const [tileWidth, tileHeight] = pair(o.tile);
  const [overlapX, overlapY] = pair(o.overlap ?? 0);
  const stride = o.stride ?? 1;
  const batch = o.batch ?? 4;
  if (!Number.isInteger(batch) || batch < 1) throw bad(`batch must be a whole number >= 1 (got ${batch})`);
  if (!Number.isInteger(o.outChannels) || o.outChannels < 1) throw bad(`outChannels must be a whole number >= 1 (got ${o.outChannels})`);
  const margin = o.margin ?? 0;
  if (!Number.isInteger(margin) || margin < 0) throw bad(`margin must be a whole number of pixels >= 0 (got ${margin})`);
  if (margin > 0 && (2 * margin > overlapX || 2 * margin > overlapY)) throw bad(`a margin of ${margin} px needs an overlap of at least ${2 * margin} px`);
  const shard = typeof o.shard === 'string' ? parseShard(o.shard) : o.shard;
  const dataType = o.post?.dataType ?? o.outDataType ?? 'Float32';
  const nodata = outputNodata(o, dataType);
  const outPath = await checkOutPath(o);
  const plan = planTiles({ width: info.width, height: info.height, tileWidth, tileHeight, overlapX, overlapY, stride }, shard, o.outRows);
  if (o.signal?.aborted) throw cancelled();

  const inNodata = info.nodata;
  let knownEmpty = new Set<number>();
  const check = o.emptyCheck ?? 'auto';
  if (inNodata !== null && (check === 'decimated' || (check === 'auto' && hasCheapOverview(o.raster)))) {
    const ts = performance.now();
    knownEmpty = await findEmptyTiles(o.raster, plan, bands, inNodata, o.signal);
    timings.scan = performance.now() - ts;
  }

  const tileOutW = tileWidth / stride;
  const tileOutH = tileHeight / stride;
  const marginOut = Math.ceil(margin / stride);
  const windows = blendWindows(plan.xs.map((x) => x / stride), plan.ys.map((y) => y / stride), tileOutW, tileOutH, marginOut);
  const height = plan.outRowTo - plan.outRowFrom;
  const acc = o.post
    ? new BlendAccumulator(plan.outWidth, plan.outRowFrom, plan.outRowTo, o.outChannels, tileOutH, 'Float32', Number.NaN)
    : new BlendAccumulator(plan.outWidth, plan.outRowFrom, plan.outRowTo, o.outChannels, tileOutH, dataType, nodata);
  let sink: RowSink | null = null;
  let entry: ReturnType<typeof writerWorkerEntry> = null;
  try {
    const spec: OutputSpec = {
      path: outPath,
      width: plan.outWidth,
      height,
      bandCount: o.post?.bandCount ?? o.outChannels,
      dataType,
      float16: o.outFloat16 === true,
      geoTransform: info.georeferenced ? outputGeoTransform(info.geoTransform, stride, plan.outRowFrom) : null,
      crs: info.crs,
      nodata,
      bandNames: o.bandNames,
      metadata: o.metadata,
      resampling: o.resampling ?? 'average',
      colorTable: o.colorTable,
    };
    const wantWorker = o.writerThread === true || ((o.writerThread ?? 'auto') === 'auto' && plan.outWidth * height * spec.bandCount >= WORKER_MIN_VALUES);
    entry = wantWorker ? writerWorkerEntry() : null;
    sink = entry ? await WorkerSink.open(spec, entry) : await openRowSink(spec);
    // post first, then the filter, then the file: the filter sees the rows as written.
    if (o.rowFilter) sink = o.rowFilter(sink);
    if (o.post) sink = postSink(sink, o.post, plan.outWidth);
    const { inferred, skipped } = await runPipeline({
      raster: o.raster,
      bands,
      tiles: planTilesInOrder(plan),
      totalTiles: tileCount(plan),
      knownEmpty,
      nodata: inNodata,
      stride,
      batch,
      readConcurrency: o.readConcurrency ?? 2,
      outChannels: o.outChannels,
      infer: o.infer,
      windows,
      acc,
      sink,
      signal: o.signal,
      progress: o.progress,
      timings,
    });
    const tw = performance.now();
    await sink.finish();
    if (o.categoryNames) await writeCategoryNames(outPath, o.categoryNames);
    timings.write += performance.now() - tw;
    timings.total = performance.now() - t0;
    return { outPath, tiles: inferred, skipped, skippedUnread: knownEmpty.size, total: tileCount(plan), width: plan.outWidth, height, plan, blendBytes: acc.bytes, writerThread: entry !== null, timings };
  } catch (err) {
    await sink?.abort().catch(() => undefined);
    throw err;
  }
}

function postSink(inner: RowSink, post: PostTransform, width: number): RowSink {
  return {
    writeRows: async (bands, rows) => {
      const out = await post.transform(bands as Float32Array[], rows, width);
      if (out.length !== post.bandCount) throw new ApiError('E_INTERNAL', `post transform returned ${out.length} bands, ${post.bandCount} expected`);
      return inner.writeRows(out, rows);
    },
    finish: () => inner.finish(),
    abort: () => inner.abort(),
  };
}

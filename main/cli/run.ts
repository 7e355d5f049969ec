/**
 * `skysense run --task TASK ...`: runs a model task over a raster from the command line.
 * Progress goes to stderr (a bar on a TTY, a plain line per ~10% otherwise); the run
 * report's path is the last line on stdout. Errors: one line `skysense: <problem>`, exit 1;
 * usage errors exit 2; Ctrl-C exits 130 and leaves no output.
 */
import { ApiError } from '../api.ts';
import type { TiledProgress } from '../tiler/index.ts';
import type { MaskSpec } from '../inputs/index.ts';
import { isChangeSeries, isFeatureSeries, isFused, isSeries, parseRunArgs, UsageError, type CliSeries, type RunArgs } from './run-args.ts';
import { commandLine, usageFailure } from './usage.ts';

const USAGE = `Usage: skysense run --task TASK --out FILE [options]

Runs a SkySense task over a raster and writes its outputs plus OUT.report.json.

Tasks
  embed      per-location encoder features (Float32 or --dtype float16, one band per channel)
             several --input (dates) and/or --s1: the fused S2 + S1 time-series features,
             with --hr also the HR image's (HR + S2 + S1 fused)
  cluster    label-free segmentation: k-means on the features (--k N)
  similar    cosine similarity to the features at --point X,Y | --lonlat LON,LAT | --polygon FILE.geojson
             (cluster and similar also run on a fused series: --input per date, --s1, --hr)
  segment    per-pixel classes from a head (--head DIR) or a Deepness model (--model FILE.onnx);
             a fused head reads a series: --input per S2 date and/or --s1 per S1 date
             (and --hr for an HR image)
  change     bi-temporal change from a change head: --input BEFORE --input AFTER;
             a fused change head compares two series: --a FILE per S2 date of series a
             (before) and --b FILE per S2 date of series b (after), --a-s1/--b-s1 for S1
  classify   scene classes of each --grid N px cell and of the whole raster, from a head;
             a fused classify head reads a series (--input per date, --s1, --hr)
  detect     boxes from a detect head or a Deepness detector; --out FILE.gpkg|.geojson

Inputs
  --model DIR|FILE   model folder (manifest.json + ONNX), or a Deepness .onnx model
  --head DIR         head folder (manifest.json of kind "head" + ONNX); its encoder is
                     the model folder it ships in unless --model is given
  --input FILE...    a raster: a file, a band folder, or the single-band files of one scene;
                     repeat --input for more dates
  --s1 FILE...       a Sentinel-1 raster of the same ground (repeat for dates) [embed, segment]
  --hr FILE          an HR (aerial) raster of the same ground, in the series' CRS, fused with
                     the S2/S1 series (one S2 pixel = 32 HR pixels; output: the part it covers)
  --dates D,D,...    acquisition date of each --input, ISO (default: metadata or file names)
  --s1-dates D,...   the same for --s1
  --resample nearest read other dates/S1 onto the first input's grid (same CRS)
  --a FILE, --b FILE series a / b of change with a fused head: one S2 raster per date
                     (repeat); --a-s1/--b-s1 FILE for S1; --a-dates/--b-dates D,D,... and
                     --a-s1-dates/--b-s1-dates D,... their dates. a and b share one grid
  --modality M       s2 | s1 | hr (default: from the band names)
  --bands LIST       1-based raster bands in the model's band order, e.g. 2,3,4,5,6,7,8,9,12,13
  --gsd G            model | native: read the raster at the model's ground sample distance
                     (0.3 m for hr: resampled when >25 % off; default for hr) or at its own
                     pixel size (default for s2/s1). Outputs then lie on that grid.
  --mask FILE        one-band raster on the input's grid; the pixels it marks become nodata
                     (outputs nodata there, fully masked tiles skipped)
  --mask-values LIST mask values marking invalid pixels (default: any non-zero),
                     e.g. Sentinel-2 SCL 3,8,9,10 (cloud shadow, clouds, cirrus)
  --mask-threshold X mask values above X mark invalid pixels (cloud probability)

Task options
  --k N              clusters                                            [cluster]
  --seed N           k-means seed (default 1)                            [cluster]
  --grid N           cell size in input pixels (default: the head's tile) [classify]
  --probabilities    also write OUT-stem.prob.tif (class probabilities)
  --vectors FILE     also write polygons (.gpkg or .geojson)             [segment, change]
  --output-grid G    input (default) | model: the grid of class rasters
  --threshold X      decision threshold 0..1 (default: the head's / model's)
  --iou X            NMS IoU threshold (default 0.5)                     [detect]
  --small-segment N  remove small areas: median filter of (N // 2) * 2 + 1 px, as the
                     Deepness plugin (default: the model's seg_small_segment) [segment, Deepness]
  --dtype T          float32 (default) | float16: sample type of the features,
                     float16 halves the file (IEEE half, ~3 digits)      [embed]

Running
  --out FILE         output (.tif; .gpkg/.geojson for detect)
  --provider LIST    execution providers to try in order, e.g. cuda,cpu (default: auto)
  --tile N           tile size in input pixels (default: the encoder's)
  --overlap N        overlap between tiles in input pixels (default: the encoder's)
  --batch N          tiles per inference call (default 4)
  --threads N        CPU threads per model (default: every core; SKYSENSE_THREADS)
  --fp16             use the model's fp16 files on a GPU provider where it has them
  --shard I/N        run the I-th of N blocks of tile rows (see docs/cluster.md)`;

const COMMAND = { name: 'skysense run', help: USAGE };

function progressPrinter(task: string): (p: TiledProgress) => void {
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  let stage: string | undefined;
  return (p) => {
    const label = p.stage ? `${task} (${p.stage})` : task;
    if (p.stage !== stage) {
      stage = p.stage;
      lastDecile = -1;
    }
    const frac = p.total ? p.done / p.total : 1;
    const eta = p.etaS === null ? '' : ` ETA ${p.etaS.toFixed(0)} s`;
    if (tty) {
      const width = 30;
      const fill = Math.round(frac * width);
      process.stderr.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${p.done}/${p.total} tiles${eta}   `);
      if (p.done >= p.total) process.stderr.write('\n');
      return;
    }
    const decile = Math.floor(frac * 10);
    if (decile > lastDecile) {
      lastDecile = decile;
      process.stderr.write(`${label}: ${(frac * 100).toFixed(0)}% (${p.done}/${p.total} tiles, ${p.elapsedS.toFixed(1)} s${eta})\n`);
    }
  };
}

interface AnyReport {
  provider?: string;
  timings?: { total?: number };
  outputs?: { path: string; dataType?: string }[];
  warnings?: string[];
}

/** --mask and its rule as the tasks' `mask` option. */
function maskOption(r: RunArgs): MaskSpec | undefined {
  return r.mask ? { path: r.mask, values: r.maskValues, threshold: r.maskThreshold } : undefined;
}

const common = (r: RunArgs, progress: (p: TiledProgress) => void, signal: AbortSignal) => ({
  out: r.out,
  gsd: r.gsd,
  mask: maskOption(r),
  modality: r.modality,
  bands: r.bands,
  providers: r.providers,
  tile: r.tile,
  overlap: r.overlap,
  batch: r.batch,
  progress,
  signal,
});

async function dispatch(r: RunArgs, progress: (p: TiledProgress) => void, signal: AbortSignal): Promise<{ report: AnyReport; extra: string[] }> {
  const c = common(r, progress, signal);
  const extra: string[] = [];
  switch (r.task) {
    case 'embed': {
      if (isFused(r)) {
        const { runFusedEmbed } = await import('../tasks/index.ts');
        const report = await runFusedEmbed({
          model: r.model!, ...seriesInputs(r), mask: maskOption(r),
          out: r.out, providers: r.providers, tile: r.tile, overlap: r.overlap, batch: r.batch, shard: r.shard, dataType: r.dtype, progress, signal,
        });
        return { report, extra };
      }
      const { runEmbed } = await import('../tasks/index.ts');
      return { report: await runEmbed({ ...c, model: r.model!, inputs: r.inputs[0], shard: r.shard, dataType: r.dtype }), extra };
    }
    case 'cluster': {
      const { runCluster } = await import('../tasks/index.ts');
      return { report: await runCluster({ ...c, model: r.model!, ...featureInputs(r), k: r.k!, seed: r.seed }), extra };
    }
    case 'similar': {
      const { runSimilar } = await import('../tasks/index.ts');
      const query = r.point ? { xy: r.point } : r.lonLat ? { lonLat: r.lonLat } : { polygon: r.polygon! };
      return { report: await runSimilar({ ...c, model: r.model!, ...featureInputs(r), query, shard: r.shard }), extra };
    }
    default:
      break;
  }
  if (r.model && /\.onnx$/i.test(r.model) && !r.head) {
    const report = await runDeepnessTask(r, progress, signal);
    if (r.vectors) extra.push(...(await vectorize(r, report, signal)));
    return { report, extra };
  }
  const head = { ...c, head: r.head!, model: r.model, shard: r.shard };
  let report: AnyReport;
  switch (r.task) {
    case 'segment': {
      const { runSegment } = await import('../tasks/index.ts');
      report = await runSegment({ ...head, ...(isSeries(r) ? seriesInputs(r) : { inputs: r.inputs[0] }), probabilities: r.probabilities, grid: r.outputGrid });
      break;
    }
    case 'change': {
      const { runChange } = await import('../tasks/index.ts');
      const pair = isChangeSeries(r)
        ? { seriesA: cliSeries(r.seriesA), seriesB: cliSeries(r.seriesB), resample: r.resample }
        : { inputsA: r.inputs[0], inputsB: r.inputs[1] };
      report = await runChange({ ...head, ...pair, grid: r.outputGrid });
      break;
    }
    case 'classify': {
      const { runClassify } = await import('../tasks/index.ts');
      report = await runClassify({ ...head, ...(isSeries(r) ? seriesInputs(r) : { inputs: r.inputs[0] }), grid: r.grid, probabilities: r.probabilities });
      break;
    }
    case 'detect': {
      const { runDetect } = await import('../tasks/index.ts');
      report = await runDetect({ ...head, inputs: r.inputs[0], threshold: r.threshold, iouThreshold: r.iou });
      break;
    }
    default:
      throw new UsageError(`unknown task ${r.task as string}`);
  }
  if (r.vectors) extra.push(...(await vectorize(r, report, signal)));
  return { report, extra };
}

/** A series to fuse as the tasks take it: --input per S2 date, --s1 per S1 date, --hr, the dates. */
function seriesInputs(r: RunArgs): { s2?: string[]; s1?: string[]; hr?: string; dates?: string[]; s1Dates?: string[]; resample?: 'none' | 'nearest' } {
  return { s2: r.inputs.length ? r.inputs.map(single) : undefined, s1: r.s1.length ? r.s1.map(single) : undefined, hr: r.hr && single(r.hr), dates: r.dates, s1Dates: r.s1Dates, resample: r.resample };
}

/** cluster / similar: one raster, or a series to fuse. */
function featureInputs(r: RunArgs): { inputs: string[] } | ReturnType<typeof seriesInputs> {
  return isFeatureSeries(r) ? seriesInputs(r) : { inputs: r.inputs[0] };
}

/** One series of change (--a ... or --b ...) as runChange takes it. */
function cliSeries(s: CliSeries): { s2?: string[]; s1?: string[]; dates?: string[]; s1Dates?: string[] } {
  return { s2: s.s2.length ? s.s2.map(single) : undefined, s1: s.s1.length ? s.s1.map(single) : undefined, dates: s.dates, s1Dates: s.s1Dates };
}

/** A raster given as one --input: a single path, or the files of one scene. */
function single(files: string[]): string {
  if (files.length !== 1) throw new UsageError(`each dated raster must be one file or band folder (got ${files.length} files after one flag)`);
  return files[0];
}

async function runDeepnessTask(r: RunArgs, progress: (p: TiledProgress) => void, signal: AbortSignal): Promise<AnyReport> {
  const { runDeepness } = await import('../tasks/index.ts');
  if (r.task !== 'segment' && r.task !== 'detect') throw new UsageError(`Deepness models run as --task segment (Segmentor, Regressor) or --task detect (Detector), not ${r.task}`);
  return runDeepness({
    task: r.task,
    model: r.model!,
    input: r.inputs[0],
    out: r.out,
    bands: r.bands,
    threshold: r.task === 'segment' ? r.threshold : undefined,
    smallSegment: r.smallSegment,
    confidence: r.task === 'detect' ? r.threshold : undefined,
    iouThreshold: r.iou,
    providers: r.providers,
    // A Deepness model's GSD is its `resolution` metadata; --gsd native ignores it.
    resolutionCm: r.gsd === 'native' ? 'native' : undefined,
    mask: maskOption(r),
    shard: r.shard,
    progress,
    signal,
  }) as Promise<AnyReport>;
}

async function vectorize(r: RunArgs, report: AnyReport, signal: AbortSignal): Promise<string[]> {
  const { polygonizeToFile } = await import('../vector/index.ts');
  const classRaster = report.outputs?.[0]?.path ?? r.out;
  const res = await polygonizeToFile(classRaster, r.vectors!, { sourceFile: (r.inputs.at(-1) ?? r.seriesB.s2.at(-1) ?? r.seriesB.s1.at(-1) ?? []).join(','), signal });
  return [`${r.vectors} (${res.polygons} polygons)`];
}

export async function runRun(args: string[]): Promise<number> {
  const cli = commandLine(COMMAND, args, parseRunArgs);
  if ('exit' in cli) return cli.exit;
  const parsed = cli.args;
  // Ctrl-C / SIGTERM stop the run within one batch; the tasks remove their partial output.
  if (parsed.threads) process.env.SKYSENSE_THREADS = String(parsed.threads);
  if (parsed.fp16) process.env.SKYSENSE_PRECISION = 'fp16';
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const { report, extra } = await dispatch(parsed, progressPrinter(parsed.task), controller.signal);
    const secs = ((report.timings?.total ?? 0) / 1000).toFixed(1);
    const lines = [`${parsed.task}: done on ${report.provider ?? 'cpu'} in ${secs} s`];
    for (const w of report.warnings ?? []) lines.push(`warning: ${w}`);
    for (const o of report.outputs ?? []) lines.push(`wrote ${o.path}${o.dataType ? ` (${o.dataType})` : ''}`);
    for (const e of extra) lines.push(`wrote ${e}`);
    lines.push(`${parsed.out}.report.json`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (err) {
    if (controller.signal.aborted) {
      process.stderr.write('skysense: run cancelled; no output written\n');
      return 130;
    }
    if (err instanceof UsageError) return usageFailure(COMMAND, err);
    const line = err instanceof ApiError ? err.message : `internal error (${err instanceof Error ? err.message : String(err)})`;
    process.stderr.write(`skysense: ${line.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/**
 * `skysense run --task TASK ...`: runs a model task over a raster from the command line.
 * Progress goes to stderr (progress-output.ts: a bar on a TTY, plain lines or JSON); the run
 * report's path is the last line on stdout. Errors: one line `skysense: <problem>`, exit 1;
 * usage errors exit 2; Ctrl-C exits 130 and leaves no output. The flags become a job request
 * run by the same dispatch as the API's `job.start` (main/jobs), here on this thread: the CLI
 * serves nothing else while it runs.
 */
import { ApiError } from '../api.ts';
import { runTask } from '../jobs/index.ts';
import { removeStaleParts } from '../raster/index.ts';
import { progressOutput } from './progress-output.ts';
import { parseRunArgs, UsageError } from './run-args.ts';
import { jobRequestOf } from './run-request.ts';
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
  --model DIR|NAME   model folder (manifest.json + ONNX) or its name as \`skysense models\`
                     lists it, or a Deepness .onnx model
  --head DIR|NAME    head folder (manifest.json of kind "head" + ONNX), or its name (HEAD or
                     ENCODER/HEAD); its encoder is the model folder it ships in, else the
                     installed model of its name and weights, unless --model is given
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
  --shard I/N        run the I-th of N blocks of tile rows (see docs/cluster.md)
  --progress MODE    bar (default on a terminal), plain (a line per ~10 %, default when
                     piped), json (one object per line on stderr: task, stage, done, total,
                     elapsed, eta) or none`;

const COMMAND = { name: 'skysense run', help: USAGE };

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
    const request = jobRequestOf(parsed);
    // A run killed with SIGKILL left its hidden temporaries; this output's are ours to clear.
    const stale = [...(await removeStaleParts(parsed.out)), ...(await removeStaleParts(`${parsed.out}.report.json`))];
    if (stale.length > 0) process.stderr.write(`skysense: removed ${stale.length} stale temporar${stale.length === 1 ? 'y' : 'ies'} of an earlier run: ${stale.join(', ')}\n`);
    const shown = progressOutput(parsed.progress, parsed.task);
    const { report, vectors } = await runTask(request, { progress: (p) => shown.update(p), signal: controller.signal }).finally(() => shown.stop());
    const secs = ((report.timings?.total ?? 0) / 1000).toFixed(1);
    const lines = [`${parsed.task}: done on ${report.provider ?? 'cpu'} in ${secs} s`];
    for (const w of report.warnings ?? []) lines.push(`warning: ${w}`);
    for (const o of report.outputs ?? []) lines.push(`wrote ${o.path}${o.dataType ? ` (${o.dataType})` : ''}`);
    if (vectors) lines.push(`wrote ${vectors.path} (${vectors.polygons} polygons)`);
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

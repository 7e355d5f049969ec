/**
 * `skysense train`: a task head on the analyst's labels over a model's frozen encoder,
 * written as a head folder `skysense run --head` runs. Prints the feature extraction's
 * progress, one line per epoch (loss, validation macro F1, ETA) and the validation metrics.
 * Ctrl-C stops it with nothing written (exit 130); bad options exit 2, naming the option.
 */
import { ApiError } from '../api.ts';
import { defaultCacheDir } from '../service/index.ts';
import { trainTaskHead, type HeadType, type TrainSeries, type TrainTaskOptions } from '../train/index.ts';
import type { ModalityId } from '../model/index.ts';
import { TILE_VIEWS, type TileView } from '../encoder/index.ts';
import { metricsJson, trainSummary } from './metrics-text.ts';
import { commandLine, parseOptions, UsageError } from './usage.ts';

export const TRAIN_USAGE =
  'usage: skysense train --task segment|change|classify|detect --model DIR (--dataset SPEC.json | (--input FILE... | --fused --input S2_DATE... [--s1 S1_DATE...] [--dates D,...] [--s1-dates D,...] [--hr FILE]) --labels FILE.tif|FILE.geojson|FILE.gpkg|FILE.txt --classes A,B[,...] [--label-values V=CLASS,...] [--class-field NAME] [--layer NAME]) --out HEAD_DIR [--grid PX] [--multi-label [--min-fraction F]] (classify) [--oriented] [--tap NAME] (detect) [--head-type linear|mlp] [--hidden N] [--epochs N] [--seed N] [--loss ce|focal] [--focal-gamma G] [--augment hflip,vflip,rot90] [--taps TAP,...|all] (segment) [--resume] [--modality s2|s1|hr] [--provider LIST] [--json]';

const int = (name: string, v: string | undefined, min: number): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} needs a whole number >= ${min}, got "${v}"`);
  return Number(v);
};

export const fraction = (v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const f = Number(v);
  if (!/^\d*\.?\d+$/.test(v) || !(f > 0 && f <= 1)) throw new UsageError(`--min-fraction needs a share above 0 and at most 1, got "${v}"`);
  return f;
};

/** "0=not water,1=water" -> { "0": "not water", "1": "water" }. */
export function parseLabelValues(v: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of v.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0 || at === part.length - 1) throw new UsageError(`--label-values: "${part}" is not VALUE=CLASS`);
    out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

/** The flags of a fused series, shared by train and eval. */
export const SERIES_OPTIONS = {
  fused: { type: 'boolean' },
  s1: { type: 'string', multiple: true },
  dates: { type: 'string' },
  's1-dates': { type: 'string' },
  hr: { type: 'string' },
} as const;

/** A fused series from the flags: each --input one S2 date, each --s1 one S1 date, as `skysense run` takes them. */
export function seriesFlags(values: { input?: string[]; fused?: boolean; s1?: string[]; dates?: string; 's1-dates'?: string; hr?: string }): TrainSeries | undefined {
  const list = (v: string | undefined) => v?.split(',').map((d) => d.trim());
  if (!values.fused && !values.s1) {
    if (values.dates || values['s1-dates']) throw new UsageError('--dates and --s1-dates date a series: add --fused (each --input one S2 date) or --s1');
    if (values.hr) throw new UsageError('--hr is fused with a series: add --fused (each --input one S2 date) or --s1');
    return undefined;
  }
  return { s2: values.input, s1: values.s1, dates: list(values.dates), s1Dates: list(values['s1-dates']), ...(values.hr ? { hr: values.hr } : {}) };
}

/** --loss ce|focal and --focal-gamma G (a number >= 0, only with the focal loss). */
function lossFlags(loss: string | undefined, gamma: string | undefined): Pick<TrainTaskOptions, 'loss' | 'focalGamma'> {
  if (loss !== undefined && loss !== 'ce' && loss !== 'focal') throw new UsageError(`--loss "${loss}": use ce or focal`);
  if (gamma === undefined) return { loss };
  if (loss !== 'focal') throw new UsageError('--focal-gamma applies to --loss focal');
  if (!/^\d+(\.\d+)?$/.test(gamma) || Number(gamma) > 100) throw new UsageError(`--focal-gamma needs a number from 0 to 100, got "${gamma}"`);
  return { loss, focalGamma: Number(gamma) };
}

/** --augment hflip,vflip,rot90: the views of every training tile added to the training cells. */
function augmentFlag(value: string | undefined): TileView[] | undefined {
  if (value === undefined) return undefined;
  const views = value.split(',').map((v) => v.trim());
  for (const v of views) if (!TILE_VIEWS.includes(v as TileView)) throw new UsageError(`--augment "${v}": use ${TILE_VIEWS.join(', ')} (comma-separated)`);
  return [...new Set(views)] as TileView[];
}

export function parseTrainArgs(args: string[]): TrainTaskOptions & { json: boolean } {
  const { values } = parseOptions(args, {
    task: { type: 'string' },
    grid: { type: 'string' },
    'multi-label': { type: 'boolean' },
    'min-fraction': { type: 'string' },
    oriented: { type: 'boolean' },
    tap: { type: 'string' },
    model: { type: 'string' },
    dataset: { type: 'string' },
    input: { type: 'string', multiple: true },
    ...SERIES_OPTIONS,
    labels: { type: 'string' },
    classes: { type: 'string' },
    'label-values': { type: 'string' },
    'class-field': { type: 'string' },
    layer: { type: 'string' },
    out: { type: 'string' },
    'head-type': { type: 'string' },
    hidden: { type: 'string' },
    epochs: { type: 'string' },
    seed: { type: 'string' },
    loss: { type: 'string' },
    'focal-gamma': { type: 'string' },
    augment: { type: 'string' },
    taps: { type: 'string' },
    resume: { type: 'boolean' },
    modality: { type: 'string' },
    provider: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.task !== 'segment' && values.task !== 'change' && values.task !== 'classify' && values.task !== 'detect') throw new UsageError(values.task === undefined ? '--task is required (segment, change, classify or detect)' : `--task "${values.task}": this build trains segment, change, classify and detect heads`);
  if ((values.oriented || values.tap !== undefined) && values.task !== 'detect') throw new UsageError(`--${values.oriented ? 'oriented' : 'tap'}: applies to detect heads`);
  if (values.grid !== undefined && values.task !== 'classify') throw new UsageError('--grid: only classify heads answer per grid cell');
  if (values['multi-label'] && values.task !== 'classify') throw new UsageError('--multi-label: only classify heads answer with several classes at once');
  if (values['min-fraction'] !== undefined && !values['multi-label']) throw new UsageError('--min-fraction: applies to --multi-label heads');
  if (values.task === 'change' && values.input && values.input.length !== 2) throw new UsageError(`--input: a change head takes two, date a (before) then date b (after); got ${values.input.length}`);
  if (!values.model) throw new UsageError('--model is required (the encoder\'s model folder)');
  if (!values.out) throw new UsageError('--out is required (the head folder to write)');
  if (values.dataset && (values.input || values.labels)) throw new UsageError('--dataset and --input/--labels exclude each other');
  if (!values.dataset && ((!values.input && !values.s1) || !values.labels || !values.classes)) throw new UsageError('give --dataset SPEC.json, or --input, --labels and --classes');
  const headType = values['head-type'] ?? 'linear';
  if (headType !== 'linear' && headType !== 'mlp') throw new UsageError(`--head-type "${headType}": use linear or mlp`);
  const modality = values.modality;
  if (modality !== undefined && !['s2', 's1', 'hr'].includes(modality)) throw new UsageError(`--modality "${modality}": use s2, s1 or hr`);
  const change = values.task === 'change';
  const series = seriesFlags(values);
  const fused = series !== undefined;
  if (fused && change) throw new UsageError('--fused: change heads are trained on two single rasters (--input BEFORE --input AFTER)');
  if (fused && values.modality) throw new UsageError('--modality applies to one raster; a series is fused from its S2 and S1 rasters');
  return {
    task: values.task,
    grid: int('grid', values.grid, 1),
    multiLabel: values['multi-label'] ?? false,
    minFraction: fraction(values['min-fraction']),
    oriented: values.oriented,
    tap: values.tap,
    model: values.model,
    dataset: values.dataset,
    inputs: fused ? undefined : change && values.input ? [values.input[0]] : values.input,
    series,
    inputsB: change && values.input ? [values.input[1]] : undefined,
    labels: values.labels,
    classes: values.classes?.split(',').map((c) => c.trim()),
    labelValues: values['label-values'] === undefined ? undefined : parseLabelValues(values['label-values']),
    classField: values['class-field'],
    labelsLayer: values.layer,
    out: values.out,
    headType: headType as HeadType,
    hidden: int('hidden', values.hidden, 1),
    epochs: int('epochs', values.epochs, 1),
    seed: int('seed', values.seed, 0),
    ...lossFlags(values.loss, values['focal-gamma']),
    augment: augmentFlag(values.augment),
    taps: values.taps === undefined ? undefined : values.taps.split(',').map((t) => t.trim()).filter(Boolean),
    resume: values.resume,
    modality: modality as ModalityId | undefined,
    providers: values.provider,
    cacheDir: defaultCacheDir(),
    json: values.json ?? false,
  };
}

export async function runTrain(args: string[]): Promise<number> {
  const line = commandLine({ name: 'skysense train', help: TRAIN_USAGE }, args, parseTrainArgs);
  if ('exit' in line) return line.exit;
  const o = line.args;
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let lastDecile = -1;
  try {
    const report = await trainTaskHead({
      ...o,
      signal: controller.signal,
      progress: (p) => {
        const d = Math.floor((p.total ? p.done / p.total : 1) * 10);
        if (d > lastDecile) {
          lastDecile = d;
          process.stderr.write(`features: ${d * 10}% (${p.done}/${p.total} tiles${p.etaS === null ? '' : `, ETA ${p.etaS.toFixed(0)} s`})\n`);
        }
        if (p.done >= p.total) lastDecile = -1;
      },
      onEpoch: (p) => {
        process.stderr.write(`epoch ${p.epoch}/${p.epochs}  loss ${p.loss.toFixed(4)}  validation macro F1 ${p.valMacroF1.toFixed(3)} (best ${p.best.toFixed(3)})  ETA ${p.etaS.toFixed(0)} s\n`);
      },
    });
    process.stdout.write(o.json ? `${JSON.stringify({ ...report, validation: metricsJson(report.validation) }, null, 2)}\n` : `${trainSummary(report)}\n`);
    return 0;
  } catch (err) {
    if (controller.signal.aborted) {
      process.stderr.write('skysense: training cancelled; nothing written (--resume continues after the last whole epoch)\n');
      return 130;
    }
    const line = err instanceof ApiError ? err.message : `internal error (${err instanceof Error ? err.message : String(err)})`;
    process.stderr.write(`skysense: ${line.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

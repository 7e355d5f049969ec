/**
 * `skysense run` arguments: parsed once into a typed record, checked per task, so every
 * usage error is found before a model is loaded. `--input` may be repeated: each
 * occurrence is one raster (a file, a band folder, or the single-band files of one scene)
 * and several occurrences are dates (the S2 series of a fused embed or of segment with a
 * fused head, or change's before and after). `--s1` works the same way for Sentinel-1.
 * change with a fused head reads two series instead: `--a` / `--b` (one S2 raster per date of
 * series a / b, repeated), `--a-s1` / `--b-s1` (S1), `--a-dates` / `--b-dates`,
 * `--a-s1-dates` / `--b-s1-dates`.
 */
import type { ModalityId } from '../model/index.ts';

export const TASKS = ['embed', 'cluster', 'similar', 'segment', 'change', 'classify', 'detect'] as const;
export type TaskName = (typeof TASKS)[number];

export class UsageError extends Error {}

export interface CliSeries {
  /** One entry per --a (or --b) occurrence. */
  s2: string[][];
  s1: string[][];
  dates?: string[];
  s1Dates?: string[];
}

const seriesGiven = (s: CliSeries) => s.s2.length > 0 || s.s1.length > 0 || s.dates !== undefined || s.s1Dates !== undefined;

export interface RunArgs {
  task: TaskName;
  model?: string;
  head?: string;
  /** One entry per --input occurrence. */
  inputs: string[][];
  s1: string[][];
  /** An HR raster fused with the S2/S1 series (embed, segment with a fused head). */
  hr?: string[];
  dates?: string[];
  s1Dates?: string[];
  resample?: 'none' | 'nearest';
  /** change on two series (fused change head): series a and b, as --input/--s1/--dates/--s1-dates are for one. */
  seriesA: CliSeries;
  seriesB: CliSeries;
  out: string;
  modality?: ModalityId;
  bands?: number[];
  providers?: string;
  tile?: number;
  overlap?: number;
  batch?: number;
  shard?: string;
  k?: number;
  seed?: number;
  point?: [number, number];
  lonLat?: [number, number];
  polygon?: string;
  grid?: number;
  outputGrid?: 'input' | 'model';
  probabilities: boolean;
  vectors?: string;
  threshold?: number;
  iou?: number;
  /** Deepness segment: the plugin's small-segment median window (px). */
  smallSegment?: number;
  threads?: number;
  fp16: boolean;
  gsd?: 'model' | 'native';
  mask?: string;
  maskValues?: number[];
  maskThreshold?: number;
  /** Sample type of embed's feature GeoTIFF. */
  dtype?: 'float32' | 'float16';
}

/** One of the allowed words, or a usage error listing them. */
function choice<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(v)) return v as T;
  const words = allowed.length === 2 ? `${allowed[0]} or ${allowed[1]}` : `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
  throw new UsageError(`${flag} must be ${words} (got "${v}")`);
}

function wholeNumber(flag: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`${flag} expects a whole number (got "${v}")`);
  return Number(v);
}

function fraction(flag: string, v: string): number {
  const n = Number(v);
  if (!/^\d*\.?\d+$/.test(v) || n < 0 || n > 1) throw new UsageError(`${flag} expects a number between 0 and 1 (got "${v}")`);
  return n;
}

function pair(flag: string, v: string): [number, number] {
  const m = /^\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*,\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/i.exec(v);
  if (!m) throw new UsageError(`${flag} expects two numbers separated by a comma, e.g. 10.41,43.72 (got "${v}")`);
  return [Number(m[1]), Number(m[2])];
}

function number(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} expects a number (got "${v}")`);
  return n;
}

function list(flag: string, v: string): string[] {
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`${flag} needs at least one value`);
  return items;
}

export function parseRunArgs(args: string[]): RunArgs {
  const p: Partial<RunArgs> & { inputs: string[][]; s1: string[][]; probabilities: boolean; fp16: boolean; seriesA: CliSeries; seriesB: CliSeries } = {
    inputs: [],
    s1: [],
    probabilities: false,
    fp16: false,
    seriesA: { s2: [], s1: [] },
    seriesB: { s2: [], s1: [] },
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = () => {
      const v = args[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      i++;
      return v;
    };
    const files = () => {
      const group = [value()];
      while (i + 1 < args.length && !args[i + 1].startsWith('--')) group.push(args[++i]);
      return group;
    };
    switch (flag) {
      case '--task': {
        const t = value();
        if (!(TASKS as readonly string[]).includes(t)) throw new UsageError(`unknown task "${t}" (tasks: ${TASKS.join(', ')})`);
        p.task = t as TaskName;
        break;
      }
      case '--model': p.model = value(); break;
      case '--head': p.head = value(); break;
      case '--out': p.out = value(); break;
      case '--provider': p.providers = value(); break;
      case '--shard': p.shard = value(); break;
      case '--tile': p.tile = wholeNumber(flag, value()); break;
      case '--overlap': p.overlap = wholeNumber(flag, value()); break;
      case '--batch': p.batch = wholeNumber(flag, value()); break;
      case '--threads': p.threads = wholeNumber(flag, value()); if (p.threads < 1) throw new UsageError('--threads must be at least 1'); break;
      case '--k': p.k = wholeNumber(flag, value()); break;
      case '--seed': p.seed = wholeNumber(flag, value()); break;
      case '--grid': p.grid = wholeNumber(flag, value()); break;
      case '--point': p.point = pair(flag, value()); break;
      case '--lonlat': p.lonLat = pair(flag, value()); break;
      case '--polygon': p.polygon = value(); break;
      case '--vectors': p.vectors = value(); break;
      case '--threshold': p.threshold = fraction(flag, value()); break;
      case '--iou': p.iou = fraction(flag, value()); break;
      case '--small-segment': p.smallSegment = wholeNumber(flag, value()); break;
      case '--probabilities': p.probabilities = true; break;
      case '--fp16': p.fp16 = true; break;
      case '--dates': p.dates = list(flag, value()); break;
      case '--s1-dates': p.s1Dates = list(flag, value()); break;
      case '--mask': p.mask = value(); break;
      case '--mask-values': p.maskValues = list(flag, value()).map((v) => number(flag, v)); break;
      case '--mask-threshold': p.maskThreshold = number(flag, value()); break;
      case '--gsd': p.gsd = choice(flag, value(), ['model', 'native'] as const); break;
      case '--dtype': p.dtype = choice(flag, value(), ['float32', 'float16'] as const); break;
      case '--output-grid': p.outputGrid = choice(flag, value(), ['input', 'model'] as const); break;
      case '--resample': p.resample = choice(flag, value(), ['none', 'nearest'] as const); break;
      case '--modality': p.modality = choice(flag, value(), ['s2', 's1', 'hr'] as const); break;
      case '--bands': {
        const v = value();
        if (!/^\d+(,\d+)*$/.test(v)) throw new UsageError(`--bands expects 1-based band numbers separated by commas (got "${v}")`);
        p.bands = v.split(',').map(Number);
        break;
      }
      case '--input': p.inputs.push(files()); break;
      case '--s1': p.s1.push(files()); break;
      case '--hr':
        if (p.hr) throw new UsageError('--hr is given twice: one HR raster is fused with the series');
        p.hr = files();
        break;
      case '--a': p.seriesA.s2.push(files()); break;
      case '--b': p.seriesB.s2.push(files()); break;
      case '--a-s1': p.seriesA.s1.push(files()); break;
      case '--b-s1': p.seriesB.s1.push(files()); break;
      case '--a-dates': p.seriesA.dates = list(flag, value()); break;
      case '--b-dates': p.seriesB.dates = list(flag, value()); break;
      case '--a-s1-dates': p.seriesA.s1Dates = list(flag, value()); break;
      case '--b-s1-dates': p.seriesB.s1Dates = list(flag, value()); break;
      default:
        throw new UsageError(flag.startsWith('-') ? `unknown option ${flag}` : `unexpected argument "${flag}"`);
    }
  }
  if (!p.task) throw new UsageError('--task is required');
  if (!p.out) throw new UsageError('--out is required');
  const r = p as RunArgs;
  checkTask(r);
  return r;
}

function refuse(r: RunArgs, flags: [keyof RunArgs, string][]): void {
  for (const [key, flag] of flags) {
    const v = r[key];
    if (v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0)) throw new UsageError(`${flag} does not apply to --task ${r.task}`);
  }
}

/** What each task needs and refuses. */
function checkTask(r: RunArgs): void {
  const headTask = r.task === 'segment' || r.task === 'change' || r.task === 'classify' || r.task === 'detect';
  const deepness = headTask && !!r.model && /\.onnx$/i.test(r.model);
  if (headTask && !r.head && !deepness) throw new UsageError(`--task ${r.task} needs --head DIR (a head folder), or --model FILE.onnx for a Deepness model`);
  if (!headTask && !r.model) throw new UsageError('--model is required');
  if (!headTask) refuse(r, [['head', '--head'], ['grid', '--grid'], ['vectors', '--vectors'], ['probabilities', '--probabilities'], ['threshold', '--threshold'], ['iou', '--iou'], ['outputGrid', '--output-grid']]);
  const series = r.task === 'embed' || r.task === 'segment' || r.task === 'cluster' || r.task === 'similar' || r.task === 'classify';
  const twoSeries = isChangeSeries(r);
  if (r.task !== 'change' && (seriesGiven(r.seriesA) || seriesGiven(r.seriesB))) {
    throw new UsageError(`--a/--b/--a-s1/--b-s1/--a-dates/--b-dates/--a-s1-dates/--b-s1-dates apply only to --task change (two series for a fused change head)`);
  }
  if (r.inputs.length === 0 && !(series && r.s1.length > 0) && !twoSeries) throw new UsageError('--input is required');
  if (r.task !== 'cluster') refuse(r, [['k', '--k'], ['seed', '--seed']]);
  if (r.task !== 'embed') refuse(r, [['dtype', '--dtype']]);
  if (r.task !== 'similar') refuse(r, [['point', '--point'], ['lonLat', '--lonlat'], ['polygon', '--polygon']]);
  if (!series) refuse(r, [['s1', '--s1'], ['hr', '--hr'], ['dates', '--dates'], ['s1Dates', '--s1-dates']]);
  if (!series && !twoSeries) refuse(r, [['resample', '--resample']]);
  if (r.task !== 'classify') refuse(r, [['grid', '--grid']]);
  if (r.task !== 'detect') refuse(r, [['iou', '--iou']]);
  if (r.smallSegment !== undefined && !(r.task === 'segment' && r.model && /\.onnx$/i.test(r.model) && !r.head)) {
    throw new UsageError('--small-segment applies to --task segment with a Deepness model (--model FILE.onnx)');
  }
  if (twoSeries) {
    if (r.inputs.length > 0) throw new UsageError('--task change takes two rasters (--input BEFORE --input AFTER) or two series (--a/--a-s1 ... and --b/--b-s1 ...), not both');
    for (const [k, s] of [['a', r.seriesA], ['b', r.seriesB]] as const) {
      if (s.s2.length === 0 && s.s1.length === 0) throw new UsageError(`--task change on two series needs series ${k}: --${k} FILE per S2 date and/or --${k}-s1 FILE per S1 date`);
    }
  } else if (r.task === 'change') {
    if (r.inputs.length !== 2) throw new UsageError(`--task change needs two rasters: --input BEFORE --input AFTER (got ${r.inputs.length})`);
  } else if (!series && r.inputs.length > 1) {
    throw new UsageError(`--task ${r.task} takes one raster (one --input; several files after it are the bands of one scene)`);
  }
  if (r.task === 'cluster') {
    if (r.k === undefined) throw new UsageError('--task cluster needs --k N (number of clusters)');
    if (r.shard) throw new UsageError('--shard does not apply to --task cluster: the clusters are fitted over the whole raster');
  }
  if (r.task === 'similar') {
    const given = [r.point, r.lonLat, r.polygon].filter((v) => v !== undefined).length;
    if (given !== 1) throw new UsageError('--task similar needs exactly one query: --point X,Y (raster CRS), --lonlat LON,LAT or --polygon FILE.geojson');
  }
  if ((r.maskValues || r.maskThreshold !== undefined) && !r.mask) throw new UsageError('--mask-values and --mask-threshold need --mask FILE');
  if (r.maskValues && r.maskThreshold !== undefined) throw new UsageError('give --mask-values or --mask-threshold, not both');
  if (r.gsd && isFeatureSeries(r)) throw new UsageError(`--gsd does not apply to ${r.task} on a series: the series are fused on their own 10 m grid`);
  if (r.gsd && isFused(r)) throw new UsageError('--gsd does not apply to a fused S2/S1 embed: the series are fused on their own 10 m grid');
  if (r.gsd && twoSeries) throw new UsageError('--gsd does not apply to change on two series (a fused head): the series are fused on their own 10 m grid');
  if (r.gsd && isSeries(r)) throw new UsageError(`--gsd does not apply to ${r.task} on a series (a fused head): the series are fused on their own 10 m grid`);
  if (r.vectors && r.task !== 'segment' && r.task !== 'change') throw new UsageError('--vectors applies to segment and change (detect writes its boxes to --out)');
  if (r.vectors && !/\.(geojson|json|gpkg)$/i.test(r.vectors)) throw new UsageError(`--vectors ${r.vectors}: must end in .gpkg, .geojson or .json`);
}

/**
 * segment on a series (for a fused head): several --input (dates), --s1, or any series flag.
 * The CLI cannot tell a fused head from a single-date one before reading it; runSegment
 * refuses the wrong kind of input by name.
 */
export function isSeries(r: RunArgs): boolean {
  return (r.task === 'segment' || r.task === 'classify') && (r.inputs.length > 1 || r.s1.length > 0 || r.hr !== undefined || r.dates !== undefined || r.s1Dates !== undefined || r.resample !== undefined);
}

/** change on two series (a fused change head): any --a/--b flag. runChange refuses them for a single-date head by name. */
export function isChangeSeries(r: RunArgs): boolean {
  return r.task === 'change' && (seriesGiven(r.seriesA) || seriesGiven(r.seriesB));
}

/** cluster or similar on a fused series: several dates, S1, HR or any series flag. */
export function isFeatureSeries(r: RunArgs): boolean {
  return (r.task === 'cluster' || r.task === 'similar') && (r.inputs.length > 1 || r.s1.length > 0 || r.hr !== undefined || r.dates !== undefined || r.s1Dates !== undefined || r.resample !== undefined);
}

/** A fused embed: several dates, S1 with S2, or HR with either. */
export function isFused(r: RunArgs): boolean {
  return r.task === 'embed' && (r.inputs.length > 1 || r.s1.length > 0 || r.hr !== undefined || r.dates !== undefined);
}

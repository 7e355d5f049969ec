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
import { parseOptions, UsageError } from './usage.ts';
import { defaultProgressMode, PROGRESS_MODES, type ProgressMode } from './progress-output.ts';

export { UsageError } from './usage.ts';

export const TASKS = ['embed', 'cluster', 'similar', 'segment', 'change', 'classify', 'detect'] as const;
export type TaskName = (typeof TASKS)[number];

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
  /** How progress is shown (progress-output.ts). */
  progress: ProgressMode;
  gsd?: 'model' | 'native';
  mask?: string;
  maskValues?: number[];
  maskThreshold?: number;
  /** Sample type of embed's feature GeoTIFF. */
  dtype?: 'float32' | 'float16';
}

/** Options that take a raster: its file, then any further files of the same scene up to the next option. */
const FILE_OPTIONS = ['input', 's1', 'hr', 'a', 'b', 'a-s1', 'b-s1'] as const;
type FileOption = (typeof FILE_OPTIONS)[number];
const isFileOption = (name: string): name is FileOption => (FILE_OPTIONS as readonly string[]).includes(name);

const STRING = { type: 'string' } as const;
const FILES = { type: 'string', multiple: true } as const;
const BOOLEAN = { type: 'boolean' } as const;

const OPTIONS = {
  task: STRING, model: STRING, head: STRING, out: STRING, provider: STRING, shard: STRING,
  tile: STRING, overlap: STRING, batch: STRING, threads: STRING, k: STRING, seed: STRING, grid: STRING,
  point: STRING, lonlat: STRING, polygon: STRING, vectors: STRING, threshold: STRING, iou: STRING, 'small-segment': STRING,
  probabilities: BOOLEAN, fp16: BOOLEAN, progress: STRING,
  dates: STRING, 's1-dates': STRING, mask: STRING, 'mask-values': STRING, 'mask-threshold': STRING,
  gsd: STRING, dtype: STRING, 'output-grid': STRING, resample: STRING, modality: STRING, bands: STRING,
  input: FILES, s1: FILES, hr: FILES, a: FILES, b: FILES, 'a-s1': FILES, 'b-s1': FILES,
  'a-dates': STRING, 'b-dates': STRING, 'a-s1-dates': STRING, 'b-s1-dates': STRING,
};

/** One of the allowed words, or a usage error listing them. */
function choice<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(v)) return v as T;
  const words = allowed.length === 2 ? `${allowed[0]} or ${allowed[1]}` : `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
  throw new UsageError(`${flag} must be ${words} (got "${v}")`);
}

const oneOf = <T extends string>(allowed: readonly T[]) => (flag: string, v: string) => choice(flag, v, allowed);

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

function bandList(flag: string, v: string): number[] {
  if (!/^\d+(,\d+)*$/.test(v)) throw new UsageError(`${flag} expects 1-based band numbers separated by commas (got "${v}")`);
  return v.split(',').map(Number);
}

/**
 * Each occurrence of a file option with the files after it, in order:
 * `--input a.tif b.tif --input c.tif` is [[a.tif, b.tif], [c.tif]].
 */
function fileGroups(tokens: ReturnType<typeof parseOptions<typeof OPTIONS, true>>['tokens']): Record<FileOption, string[][]> {
  const groups = Object.fromEntries(FILE_OPTIONS.map((name) => [name, []])) as unknown as Record<FileOption, string[][]>;
  let open: string[] | undefined;
  for (const t of tokens) {
    if (t.kind === 'option') {
      open = isFileOption(t.name) ? [t.value ?? ''] : undefined;
      if (open) groups[t.name as FileOption].push(open);
    } else if (t.kind === 'positional') {
      if (!open) throw new UsageError(`unexpected argument "${t.value}"`);
      open.push(t.value);
    }
  }
  return groups;
}

export function parseRunArgs(args: string[]): RunArgs {
  const { values, tokens } = parseOptions(args, OPTIONS, true);
  /** The option's value read by `read` (which names the option in its usage errors), undefined when not given. */
  const opt = <T>(name: keyof typeof values, read: (flag: string, v: string) => T): T | undefined => {
    const v = values[name];
    return typeof v === 'string' ? read(`--${name}`, v) : undefined;
  };
  const text = (_flag: string, v: string) => v;
  const g = fileGroups(tokens);
  if (g.hr.length > 1) throw new UsageError('--hr is given twice: one HR raster is fused with the series');
  const threads = opt('threads', wholeNumber);
  if (threads !== undefined && threads < 1) throw new UsageError('--threads must be at least 1');
  const task = opt('task', (_flag, t) => {
    if (!(TASKS as readonly string[]).includes(t)) throw new UsageError(`unknown task "${t}" (tasks: ${TASKS.join(', ')})`);
    return t as TaskName;
  });
  const r = {
    task,
    model: opt('model', text),
    head: opt('head', text),
    out: opt('out', text),
    providers: opt('provider', text),
    shard: opt('shard', text),
    tile: opt('tile', wholeNumber),
    overlap: opt('overlap', wholeNumber),
    batch: opt('batch', wholeNumber),
    threads,
    k: opt('k', wholeNumber),
    seed: opt('seed', wholeNumber),
    grid: opt('grid', wholeNumber),
    point: opt('point', pair),
    lonLat: opt('lonlat', pair),
    polygon: opt('polygon', text),
    vectors: opt('vectors', text),
    threshold: opt('threshold', fraction),
    iou: opt('iou', fraction),
    smallSegment: opt('small-segment', wholeNumber),
    probabilities: values.probabilities ?? false,
    fp16: values.fp16 ?? false,
    progress: opt('progress', oneOf(PROGRESS_MODES)) ?? defaultProgressMode(),
    dates: opt('dates', list),
    s1Dates: opt('s1-dates', list),
    mask: opt('mask', text),
    maskValues: opt('mask-values', (flag, v) => list(flag, v).map((x) => number(flag, x))),
    maskThreshold: opt('mask-threshold', number),
    gsd: opt('gsd', oneOf(['model', 'native'] as const)),
    dtype: opt('dtype', oneOf(['float32', 'float16'] as const)),
    outputGrid: opt('output-grid', oneOf(['input', 'model'] as const)),
    resample: opt('resample', oneOf(['none', 'nearest'] as const)),
    modality: opt('modality', oneOf(['s2', 's1', 'hr'] as const)),
    bands: opt('bands', bandList),
    inputs: g.input,
    s1: g.s1,
    hr: g.hr[0],
    seriesA: { s2: g.a, s1: g['a-s1'], dates: opt('a-dates', list), s1Dates: opt('a-s1-dates', list) },
    seriesB: { s2: g.b, s1: g['b-s1'], dates: opt('b-dates', list), s1Dates: opt('b-s1-dates', list) },
  };
  if (!r.task) throw new UsageError('--task is required');
  if (!r.out) throw new UsageError('--out is required');
  const checked = { ...r, task: r.task, out: r.out };
  checkTask(checked);
  return checked;
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

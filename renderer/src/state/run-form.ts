// The Run panel's fields as plain strings (what the controls hold) and the one function
// that turns them into a job.start request. Empty optional fields are left out, so the
// engine's defaults (the head's threshold, the encoder's tile) apply as `skysense run`'s do.
import type { JobRequest, JobSeries, JobTask, Layer } from '../../../main/api.ts';
import { HEAD_TASKS, sceneFiles, SERIES_TASKS } from './run-choices.ts';

export interface RunForm {
  task: JobTask;
  modelDir: string;
  headDir: string;
  /** Layer ids; '' for none. */
  input: string;
  before: string;
  after: string;
  mask: string;
  k: string;
  threshold: string;
  grid: string;
  dtype: 'float32' | 'float16';
  /** '' for the default order. */
  provider: string;
  tile: string;
  overlap: string;
  /** similar: the query point in the input raster's CRS. */
  queryX: string;
  queryY: string;
  /** One raster (`input`), or a series fused from the S2 and S1 layers picked (+ an HR layer). */
  source: 'raster' | 'series';
  s2: string[];
  s1: string[];
  hr: string;
  /** Dates the user typed, by layer id; the others are the ones read from the files. */
  dates: Record<string, string>;
  /** segment, change: also write the class raster's polygons (beside the output, .gpkg). */
  polygons: boolean;
  /** change and series: read the other dates onto the first one's grid (nearest neighbour). */
  resample: boolean;
}

export const DEFAULT_K = '6';

export function emptyForm(task: JobTask): RunForm {
  return {
    task, modelDir: '', headDir: '', input: '', before: '', after: '', mask: '',
    k: DEFAULT_K, threshold: '', grid: '', dtype: 'float32', provider: '', tile: '', overlap: '', queryX: '', queryY: '',
    source: 'raster', s2: [], s1: [], hr: '', dates: {}, polygons: false, resample: false,
  };
}

type Built = { ok: true; request: JobRequest; inputName: string } | { ok: false; error: string };

function whole(label: string, text: string, min: number): number | string | undefined {
  if (!text.trim()) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= min ? n : `${label} must be a whole number of at least ${min}`;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The series' rasters and their dates. Untouched dates are left to the engine, which reads
 * them as the panel showed them and reports where each came from; once one is typed, all
 * go (a date list is all or nothing), so each must then be there and well formed.
 */
function seriesInputs(form: RunForm, layer: (id: string) => Layer | undefined, readDate: (id: string) => string): JobSeries | string {
  const series: JobSeries = {};
  for (const [key, datesKey, ids, label] of [['s2', 'dates', form.s2, 'S2'], ['s1', 's1Dates', form.s1, 'S1']] as const) {
    if (!ids.length) continue;
    const picked = ids.map(layer).filter((l): l is Layer => !!l);
    series[key] = picked.map((l) => l.info.path);
    const typed = picked.some((l) => form.dates[l.id] !== undefined && form.dates[l.id].trim() !== readDate(l.id));
    if (!typed) continue;
    const dates = picked.map((l) => (form.dates[l.id] ?? readDate(l.id)).trim());
    const bad = picked.find((l, i) => !ISO_DAY.test(dates[i]));
    if (bad) return `${label} date of ${bad.name}: ${dates[picked.indexOf(bad)] ? 'write it as YYYY-MM-DD' : 'give it (YYYY-MM-DD): a typed date list needs one per raster'}`;
    series[datesKey] = dates;
  }
  if (!series.s2 && !series.s1) return 'a series needs at least one S2 or S1 raster: tick them under S2 dates or S1 dates';
  const hr = layer(form.hr);
  if (hr) series.hr = hr.info.path;
  return series;
}

/**
 * `out` is chosen after the inputs are known (it is named after the input); `readDate` gives
 * the date the engine read for a series raster ('' when it found none).
 */
export function buildRequest(form: RunForm, layers: Layer[], out: (inputName: string) => string, readDate: (id: string) => string = () => ''): Built {
  const layer = (id: string) => layers.find((l) => l.id === id);
  const { task } = form;
  const head = HEAD_TASKS.includes(task);
  if (head && !form.headDir) return { ok: false, error: `choose a ${task} head` };
  if (!head && !form.modelDir) return { ok: false, error: 'choose a model' };

  const inputs: JobRequest['inputs'] = {};
  let first: Layer | undefined;
  if (task === 'change') {
    const before = layer(form.before);
    const after = layer(form.after);
    if (!before || !after) return { ok: false, error: 'choose the Before and the After raster' };
    if (before.id === after.id) return { ok: false, error: 'Before and After must be two different rasters' };
    inputs.before = sceneFiles(before);
    inputs.after = sceneFiles(after);
    first = after;
  } else if (form.source === 'series' && SERIES_TASKS.includes(task)) {
    const series = seriesInputs(form, layer, readDate);
    if (typeof series === 'string') return { ok: false, error: series };
    inputs.series = series;
    first = layer(form.s2[0] ?? form.s1[0]);
  } else {
    first = layer(form.input);
    if (!first) return { ok: false, error: 'choose the Input raster' };
    inputs.input = sceneFiles(first);
  }
  if (!first) return { ok: false, error: 'choose the inputs' };

  if (form.resample && (inputs.series || task === 'change')) inputs.resample = 'nearest';

  const options: NonNullable<JobRequest['options']> = {};
  const numbers: [keyof typeof options, string, string, number, boolean][] = [
    ['k', 'k', form.k, 1, task === 'cluster'],
    ['grid', 'Grid', form.grid, 1, task === 'classify'],
    ['tile', 'Tile', form.tile, 1, true],
    ['overlap', 'Overlap', form.overlap, 0, true],
  ];
  for (const [key, label, text, min, applies] of numbers) {
    if (!applies) continue;
    const v = whole(label, text, min);
    if (typeof v === 'string') return { ok: false, error: v };
    if (v !== undefined) (options as Record<string, unknown>)[key] = v;
  }
  if (task === 'cluster' && options.k === undefined) return { ok: false, error: 'cluster needs k, the number of classes' };
  if (head && form.threshold.trim()) {
    const t = Number(form.threshold);
    if (!(t >= 0 && t <= 1)) return { ok: false, error: 'Threshold must be between 0 and 1' };
    options.threshold = t;
  }
  if (task === 'embed') options.dtype = form.dtype;
  if (form.provider) options.providers = [form.provider];
  if (task === 'similar') {
    const x = Number(form.queryX);
    const y = Number(form.queryY);
    if (!form.queryX.trim() || !form.queryY.trim() || !Number.isFinite(x) || !Number.isFinite(y)) {
      return { ok: false, error: 'similar needs a query point (X and Y in the raster\'s CRS)' };
    }
    options.query = { xy: [x, y] };
  }

  const mask = inputs.series ? undefined : layer(form.mask);
  const outPath = out(first.name.split('/').join('-'));
  if (form.polygons && (task === 'segment' || task === 'change')) options.vectors = outPath.replace(/\.tif$/i, '') + '.gpkg';
  const request: JobRequest = {
    task,
    // A head names its encoder; a head shipped in a model folder finds it there by itself.
    ...(head ? { head: form.headDir } : { model: form.modelDir }),
    inputs,
    ...(mask ? { mask: { path: mask.info.path } } : {}),
    ...(Object.keys(options).length ? { options } : {}),
    out: outPath,
  };
  return { ok: true, request, inputName: first.name };
}

/**
 * `skysense eval`: the metrics of any segment or change head (trained here or shipped; on one
 * raster or on a fused series) on
 * labelled scenes it may never have seen. The head runs through the engine's own segment or
 * change task on its model grid, exactly as a user's run would, and each labelled cell of that grid
 * (label-raster.ts: the most frequent labelled class of its pixels) is compared with the
 * class the head wrote there. Labels are matched to the head's classes by name.
 */
import { resolveModelRef } from '../model/index.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../api.ts';
import { probabilityPath, readHeadFolder } from '../heads/index.ts';
import { openRaster, rasterInfo } from '../raster/index.ts';
import { runChange, runClassify, runSegment } from '../tasks/index.ts';
import { readLabels } from './labels.ts';
import { Confusion, type Metrics } from './metrics.ts';
import { multiLabelMetrics } from './multi-label.ts';
import type { CellLabels } from './label-raster.ts';
import { sceneFiles, sceneGrid, seriesOf, specScenes, type Scene } from './scenes.ts';
import type { TrainSeries } from './feature-cache.ts';
import type { DetectMetrics } from './detect-metrics.ts';
import { evalDetectHead } from './eval-detect.ts';

export interface EvalHeadOptions {
  head: string;
  /** The encoder's model folder, where the head is not inside one. */
  model?: string;
  dataset?: string;
  inputs?: string[];
  /** change: date b (after). */
  inputsB?: string[];
  /** Multi-label classify heads on a label raster: a class counts in a cell from this share of its pixels (default 0.05). */
  minFraction?: number;
  /** Detect heads: the run's score threshold (default 0.05, low, as AP ranks every box). */
  threshold?: number;
  /** A fused head's series (S2 / S1 dates), instead of `inputs`. */
  series?: TrainSeries;
  labels?: string;
  labelValues?: Record<string, string>;
  /** The class property of GeoJSON labels (default "class"). */
  classField?: string;
  /** The feature table of GeoPackage labels (default: the first). */
  labelsLayer?: string;
  providers?: string;
  signal?: AbortSignal;
}

export interface EvalReport extends Metrics {
  head: string;
  scenes: { inputs: string[]; labels: string; cells: number; noPrediction: number }[];
  /** Detect heads: mAP50 and AP per class of the boxes the detect task wrote (eval-detect.ts). */
  mAP50?: number;
  perClassAP?: DetectMetrics['perClassAP'];
}

/** A detect head's scenes: a detect dataset spec, or one raster and its boxes; the spec's classes must be the head's objects. */
async function detectEvalScenes(o: EvalHeadOptions, objects: string[]): Promise<Scene[]> {
  if (o.dataset) {
    const d = await specScenes(o.dataset, 'detect');
    for (const c of d.classes) if (!objects.includes(c)) throw new ApiError('E_BAD_REQUEST', `${o.dataset}: class "${c}" is not one of the head's objects (${objects.join(', ')})`, o.dataset);
    return d.scenes;
  }
  if (!o.inputs?.length || !o.labels) throw new ApiError('E_BAD_REQUEST', 'give a dataset spec, or inputs and labels');
  return [{ dates: [o.inputs], series: null, labels: o.labels, labelValues: o.labelValues ?? null, where: o.labels }];
}

export async function evalHead(given: EvalHeadOptions): Promise<EvalReport> {
  // Head and model by name too (`--head s1-water`), as skysense models lists them.
  const o = { ...given, head: await resolveModelRef(given.head, 'head', 'head'), model: given.model === undefined ? undefined : await resolveModelRef(given.model, 'encoder', 'model') };
  const head = await readHeadFolder(o.head);
  const m = head.manifest;
  if (m.task === 'detect') return evalDetectHead(o, head, await detectEvalScenes(o, m.classes.slice(1).map((c) => c.name)));
  // A sigmoid classify head says yes or no to each class of a cell (multi-label-metrics in multi-label.ts).
  const multi = m.task === 'classify' && m.activation === 'sigmoid' ? { minFraction: o.minFraction ?? 0.05 } : undefined;
  const fused = m.encoder.modality === 'fused';
  // A classify head answers once per grid cell (its tile); the others per output cell.
  const stride = m.task === 'classify' ? (m.tile?.size ?? 0) : (m.outputs[0].stride ?? 1);
  if (!stride) throw new ApiError('E_CORRUPT', `${head.manifestPath}: tile: a classify head needs its tile size (the cell it answers for)`, head.manifestPath);
  const classes = m.classes.map((c) => c.name);
  let scenes: Scene[];
  if (o.dataset) {
    const d = await specScenes(o.dataset, m.task);
    for (const c of d.classes) if (!classes.includes(c)) throw new ApiError('E_BAD_REQUEST', `${o.dataset}: class "${c}" is not one of the head's classes (${classes.join(', ')})`, o.dataset);
    scenes = d.scenes;
  } else {
    if ((!o.inputs?.length && !o.series) || !o.labels) throw new ApiError('E_BAD_REQUEST', 'give a dataset spec, or inputs and labels');
    const base = { labels: o.labels, labelValues: o.labelValues ?? null, where: o.labels };
    if (o.series) {
      scenes = [{ ...base, dates: [], series: seriesOf({ ...o.series, hr: o.series.hr ? [o.series.hr] : undefined }, 'series') }];
    } else {
      // As `skysense run --task change`: two inputs are date a and date b.
      const b = o.inputsB?.length ? o.inputsB : m.task === 'change' && o.inputs!.length === 2 ? [o.inputs![1]] : null;
      const a = b && !o.inputsB?.length ? [o.inputs![0]] : o.inputs!;
      if (m.task === 'change' && !b) throw new ApiError('E_BAD_REQUEST', `${o.head} is a change head: give date a and date b (two inputs)`);
      scenes = [{ ...base, dates: m.task === 'change' ? [a, b!] : [o.inputs!], series: null }];
    }
  }
  const kind = (s: Scene) => (s.series ? 'a series' : 'one raster per date');
  for (const s of scenes) {
    if ((s.series !== null) !== fused) throw new ApiError('E_BAD_REQUEST', `${s.where}: ${o.head} is a ${fused ? 'fused-series' : 'single-raster'} head, but the scene gives ${kind(s)}`, s.labels);
  }
  const valueIndex = new Map(m.classes.map((c, i) => [c.value, i]));
  // Labels first, for every scene: a bad label file fails before any model runs.
  const labelled = [];
  for (const s of scenes) labelled.push({ s, cells: await readLabels({ ...s, classField: o.classField, layer: o.labelsLayer }, await rasterInfo(sceneGrid(s)), stride, classes, o.signal, multi) });
  const cm = new Confusion(classes);
  const scores: MultiScores = { logits: [], targets: [] };
  const tmp = await mkdtemp(join(tmpdir(), 'skysense-eval-'));
  const report: EvalReport['scenes'] = [];
  try {
    for (const [i, { s, cells }] of labelled.entries()) {
      const out = join(tmp, `scene-${i}.tif`);
      const common = { head: o.head, model: o.model, out, grid: 'model' as const, providers: o.providers, signal: o.signal };
      if (m.task === 'change') await runChange({ ...common, inputsA: s.dates[0], inputsB: s.dates[1] });
      else if (m.task === 'classify') await runClassify({ head: o.head, model: o.model, out, grid: stride, probabilities: multi !== undefined, providers: o.providers, signal: o.signal, inputs: s.dates[0] });
      else if (s.series) await runSegment({ ...common, ...s.series });
      else await runSegment({ ...common, inputs: s.dates[0] });
      if (multi) {
        report.push({ inputs: sceneFiles(s), labels: s.labels, cells: await scoreMultiLabel(probabilityPath(out), cells, scores, o.signal), noPrediction: 0 });
        continue;
      }
      const raster = await openRaster([out], { signal: o.signal });
      let n = 0;
      let none = 0;
      try {
        const { width, height } = raster.info;
        if (width !== cells.width || height !== cells.height) throw new ApiError('E_INTERNAL', `${out}: ${width} x ${height} cells, the labels ${cells.width} x ${cells.height}`);
        const [pred] = await raster.readWindow({ x: 0, y: 0, width, height }, { bands: [1], signal: o.signal });
        for (let c = 0; c < cells.labels.length; c++) {
          const label = cells.labels[c];
          if (label < 0) continue;
          const k = valueIndex.get(pred[c]);
          if (k === undefined) {
            none++;
            continue;
          }
          cm.add(label, k);
          n++;
        }
      } finally {
        await raster.close();
      }
      report.push({ inputs: sceneFiles(s), labels: s.labels, cells: n, noPrediction: none });
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const metrics = multi ? multiLabelMetrics(Float32Array.from(scores.logits), Float32Array.from(scores.targets), scores.logits.length / classes.length, classes, m.threshold ?? 0.5) : cm.metrics();
  return { head: o.head, ...metrics, scenes: report };
}

interface MultiScores {
  logits: number[];
  targets: number[];
}

/** A multi-label head's per-cell probabilities (classify's .prob.tif) as logits beside the cells' classes; returns the cells scored. */
async function scoreMultiLabel(probPath: string, cells: CellLabels, into: MultiScores, signal?: AbortSignal): Promise<number> {
  const raster = await openRaster([probPath], { signal });
  try {
    const { width, height, bandCount } = raster.info;
    if (width !== cells.width || height !== cells.height) throw new ApiError('E_INTERNAL', `${probPath}: ${width} x ${height} cells, the labels ${cells.width} x ${cells.height}`);
    const bands = await raster.readWindow({ x: 0, y: 0, width, height }, { bands: Array.from({ length: bandCount }, (_, i) => i + 1), signal });
    let n = 0;
    for (let c = 0; c < cells.labels.length; c++) {
      if (cells.labels[c] < 0 || !Number.isFinite(bands[0][c])) continue;
      for (let k = 0; k < bandCount; k++) {
        const p = Math.min(1 - 1e-7, Math.max(1e-7, bands[k][c]));
        into.logits.push(Math.log(p / (1 - p)));
        into.targets.push(cells.present![c * bandCount + k]);
      }
      n++;
    }
    return n;
  } finally {
    await raster.close();
  }
}

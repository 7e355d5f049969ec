/**
 * `skysense train`: a per-location head (linear or mlp) on the frozen encoder's features: one
 * raster's (segment), two dates' [a, b, |a - b|] (change), or a series' fusion features
 * (segment on a fused S2 / S1 series), from labels on the scene's grid. Everything that can be
 * wrong with the input is checked before the encoder runs: the model and its encoder (or
 * fusion module) for the scenes, the classes and label mapping, the label grid, at least two
 * classes with cells on the training side. Then the features (feature-cache.ts), the
 * spatial-block split (split.ts), training (train-loop.ts), the metrics on the validation
 * blocks, and the head folder (head-write.ts), whose ONNX graph must reproduce the
 * TypeScript forward pass on the validation features.
 */
import { resolve } from 'node:path';
import { ApiError, type RasterInfo } from '../api.ts';
import { encoderFor, type TileView } from '../encoder/index.ts';
import { fileSha256 } from '../heads/index.ts';
import { guessModality } from '../inputs/index.ts';
import { loadModelFolder, resolveModelRef, type HeadManifest, type ModalityId, type ModelFolder, type ModuleSpec } from '../model/index.ts';
import { rasterInfo } from '../raster/index.ts';
import { checkSameGrid, clusterColour, hex } from '../tasks/index.ts';
import { cachedFeatures, gatherFeatures, type FeatureGrid, type TrainSeries } from './feature-cache.ts';
import { checkTapGrids, gatherTaps, tapPlan, type TapSpec } from './tap-features.ts';
import { labelsUnderHr, shiftCells } from './hr-window.ts';
import { pooledFeatures } from './pooled-cells.ts';
import { checkpointPath, removeCheckpoint } from './checkpoint.ts';
import { exportHeadOnnx, tapAxes } from './onnx-export.ts';
import { onnxAgreement, tapsAgreement, writeHeadFolder } from './head-write.ts';
import type { CellLabels } from './label-raster.ts';
import { readLabels } from './labels.ts';
import { sceneGrid, seriesOf, specScenes, type Scene, type SceneTask } from './scenes.ts';
import type { Metrics } from './metrics.ts';
import { checkSplit, splitScenes, type SplitOptions } from './split.ts';
import { trainHead, type LabelledSet } from './train-loop.ts';
import type { TrainTaskOptions } from './train-options.ts';

export type { TrainTaskOptions } from './train-options.ts';
import type { HeadType } from './head-weights.ts';
import { checkClasses, headName } from './head-names.ts';
import { trainDetectHead, type DetectTrainReport } from './train-detect.ts';


export interface TrainReport {
  task: SceneTask;
  head: string;
  headType: HeadType;
  model: FeatureGrid['model'];
  modality: HeadModality;
  features: { path: string; width: number; height: number; channels: number; stride: number; cached: boolean; seconds: number };
  labels: { path: string; labelledCells: number[]; note: string | null }[];
  samples: { train: number; val: number; trainPerClass: number[]; valPerClass: number[]; droppedNoData: number };
  /** resumedFrom: the epoch a resumed run continued after (null: from the start). */
  epochs: { run: number; best: number; finalLoss: number; seconds: number; resumedFrom: number | null };
  validation: Metrics;
  training: Metrics;
  /** Largest |ONNX Runtime - TypeScript| logit over the validation features. */
  onnxMaxAbsDiff: number;
  /** detect heads: mAP50 on the validation blocks' boxes, and what the boxes are. */
  detection?: DetectTrainReport;
}

/** Cells holding each class, over the given cells or every labelled one. */
function presence(labels: CellLabels, K: number, cells?: Int32Array): number[] {
  const n = new Array<number>(K).fill(0);
  const each = cells ?? Int32Array.from(labels.labels.keys()).filter((i) => labels.labels[i] >= 0);
  for (const i of each) for (let k = 0; k < K; k++) n[k] += labels.present![i * K + k];
  return n;
}

function checkFraction(f: number): number {
  if (!(f > 0 && f <= 1)) throw new ApiError('E_BAD_REQUEST', `minFraction: ${f}; give a share above 0 and at most 1`);
  return f;
}

/** A classify grid: whole encoder tiles the encoder takes, in whole output cells. */
function checkGridSize(grid: number, stride: number, tile: ModuleSpec['tile'], manifestPath: string): void {
  if (!Number.isInteger(grid) || grid < stride || grid % stride !== 0) throw new ApiError('E_BAD_REQUEST', `grid ${grid} px: a classify cell must be a whole number of the encoder's ${stride} px output cells`);
  const fits = !tile || (tile.validSizes ? tile.validSizes.includes(grid) || (tile.multipleOf !== undefined && grid > Math.max(...tile.validSizes) && grid % tile.multipleOf === 0) : grid % (tile.multipleOf ?? 1) === 0);
  if (!fits) throw new ApiError('E_BAD_REQUEST', `grid ${grid} px: the encoder of ${manifestPath} takes tiles of ${tile!.validSizes?.join(', ') ?? `multiples of ${tile!.multipleOf} px`}`, manifestPath);
}

/** Cells that pass the raster's edge are unlabelled for training (classify pads them, whole-raster features do not). */
function wholeCellsOnly(labels: CellLabels, info: RasterInfo): void {
  const across = Math.floor(info.width / labels.stride);
  const down = Math.floor(info.height / labels.stride);
  for (let r = 0; r < labels.height; r++) {
    for (let c = 0; c < labels.width; c++) {
      const k = labels.labels[r * labels.width + c];
      if (k >= 0 && (c >= across || r >= down)) {
        labels.counts[k]--;
        labels.labels[r * labels.width + c] = -1;
      }
    }
  }
}

/** What a head reads: one modality's encoder, or the fusion of a series. */
type HeadModality = ModalityId | 'fused';

/** The model's fusion module, which a head on a fused series reads. */
function fusionModule(model: ModelFolder): [string, ModuleSpec] {
  const hit = Object.entries(model.manifest.modules).find(([, spec]) => spec.role === 'fusion');
  if (!hit) throw new ApiError('E_NOT_FOUND', `${model.manifestPath}: no fusion module (a head on a fused series needs one)`, model.manifestPath);
  return hit;
}

/** Labelled cells with features: NaN features (nodata in the input) are dropped; multi-label cells carry their classes. */
function labelledSet(x: Float32Array, cells: Int32Array, labels: CellLabels, C: number, K: number): { set: LabelledSet; dropped: number } {
  const keep: number[] = [];
  for (let i = 0; i < cells.length; i++) {
    let ok = true;
    for (let c = 0; c < C && ok; c++) ok = Number.isFinite(x[i * C + c]);
    if (ok) keep.push(i);
  }
  const out = new Float32Array(keep.length * C);
  const y = new Int32Array(keep.length);
  const present = labels.present;
  const targets = present ? new Float32Array(keep.length * K) : undefined;
  keep.forEach((i, j) => {
    out.set(x.subarray(i * C, i * C + C), j * C);
    y[j] = labels.labels[cells[i]];
    if (targets) for (let k = 0; k < K; k++) targets[j * K + k] = present![cells[i] * K + k];
  });
  return { set: { x: out, y, n: keep.length, targets }, dropped: cells.length - keep.length };
}

/** The scenes to train on, from the spec or the flags; every file checked to exist. */
async function scenesOf(o: TrainTaskOptions): Promise<{ task: SceneTask; classes: string[]; scenes: Scene[]; data: string }> {
  if (o.dataset) {
    if (o.inputs?.length || o.inputsB?.length || o.series || o.labels) throw new ApiError('E_BAD_REQUEST', 'give either a dataset spec or inputs and labels, not both');
    const d = await specScenes(o.dataset, o.task);
    return { ...d, data: `${d.scenes.length} scene(s) of ${o.dataset}` };
  }
  if (!o.inputs?.length && !o.series) throw new ApiError('E_BAD_REQUEST', 'inputs: give the raster to train on (or a dataset spec)');
  if (!o.labels) throw new ApiError('E_BAD_REQUEST', 'labels: give the label raster (or a dataset spec)');
  if (!o.classes) throw new ApiError('E_BAD_REQUEST', 'classes: give the class names, in output order');
  const task = o.task ?? 'segment';
  const base = { labels: o.labels, labelValues: o.labelValues ?? null, where: o.labels };
  if (o.series) {
    if (task !== 'segment') throw new ApiError('E_UNSUPPORTED', `series: heads on fused series are trained for segment, not ${task}`);
    if (o.inputs?.length) throw new ApiError('E_BAD_REQUEST', 'inputs: give one raster or a series, not both');
    const series = seriesOf({ ...o.series, hr: o.series.hr ? [o.series.hr] : undefined }, 'series');
    return { task, classes: o.classes, scenes: [{ ...base, dates: [], series }], data: `${o.labels} on the series ${[...(series.s2 ?? []), ...(series.s1 ?? [])].join(', ')}` };
  }
  if (task === 'change' && !o.inputsB?.length) throw new ApiError('E_BAD_REQUEST', 'inputsB: a change head needs date b (after) besides date a');
  if (task === 'segment' && o.inputsB?.length) throw new ApiError('E_BAD_REQUEST', 'inputsB: only change heads read a second date');
  const dates = task === 'change' ? [o.inputs!, o.inputsB!] : [o.inputs!];
  return { task, classes: o.classes, scenes: [{ ...base, dates, series: null }], data: `${o.labels} on ${dates.map((d) => d.join(', ')).join(' -> ')}` };
}

/** The features a head sees per cell: one date's, or for change [a, b, |a - b|]. */
function combine(dates: Float32Array[], n: number, C: number): Float32Array {
  if (dates.length === 1) return dates[0];
  const [a, b] = dates;
  const x = new Float32Array(n * 3 * C);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) {
      const va = a[i * C + c];
      const vb = b[i * C + c];
      x[i * 3 * C + c] = va;
      x[i * 3 * C + C + c] = vb;
      x[i * 3 * C + 2 * C + c] = Math.abs(va - vb);
    }
  }
  return x;
}

function concat(sets: LabelledSet[], C: number, K: number): LabelledSet {
  const n = sets.reduce((a, s) => a + s.n, 0);
  const x = new Float32Array(n * C);
  const y = new Int32Array(n);
  const targets = sets[0]?.targets ? new Float32Array(n * K) : undefined;
  let at = 0;
  for (const s of sets) {
    x.set(s.x, at * C);
    y.set(s.y, at);
    if (targets) targets.set(s.targets!, at * K);
    at += s.n;
  }
  return { x, y, n, targets };
}

export async function trainTaskHead(given: TrainTaskOptions): Promise<TrainReport> {
  // A model by name (`--model skysense-tiny`), as skysense models lists it.
  const o = { ...given, model: await resolveModelRef(given.model, 'encoder', 'model') };
  if (o.task === 'detect') return trainDetectHead(o);
  const { task, classes, scenes, data } = await scenesOf(o);
  // Classify cells are encoded one tile each, so neighbours share no context: any cell may validate.
  const splitOptions: SplitOptions = task === 'classify' ? { block: 1, ...o } : o;
  if (o.augment?.length && scenes.some((s) => s.series)) throw new ApiError('E_UNSUPPORTED', 'augment: flips and turns apply to heads on one raster or two dates, not to a fused series');
  if (o.taps?.length && (task !== 'segment' || scenes.some((s) => s.series))) throw new ApiError('E_UNSUPPORTED', `taps: heads on several taps are trained for segment on one raster (this is ${task}${scenes.some((s) => s.series) ? ' on a fused series' : ''})`);
  if (o.multiLabel && task !== 'classify') throw new ApiError('E_BAD_REQUEST', 'multiLabel: only classify heads answer with several classes at once');
  const multi = o.multiLabel ? { minFraction: checkFraction(o.minFraction ?? 0.05) } : undefined;
  checkClasses(classes);
  const out = resolve(o.out);
  const headType = o.headType ?? 'linear';
  const model = await loadModelFolder(o.model, { cache: false });
  let modality: HeadModality | undefined = o.modality;
  let stride = 0;
  // Input pixels per labelled cell: the encoder's stride, or a classify head's grid.
  let cellPx = 0;
  let weightsSha = '';
  let moduleName = '';
  let taps: TapSpec[] | null = null;
  const read: { scene: Scene; info: RasterInfo; labels: CellLabels }[] = [];
  try {
    const available = Object.keys(model.manifest.modalities) as ModalityId[];
    for (const scene of scenes) {
      const info = await rasterInfo(sceneGrid(scene));
      // A change head compares the dates pixel for pixel: date b must lie on date a's grid.
      if (scene.dates[1]) checkSameGrid(info, await rasterInfo(scene.dates[1]));
      if (scene.series && o.modality) throw new ApiError('E_BAD_REQUEST', `modality: a series is fused from its S2 and S1 rasters; --modality applies to one raster`);
      const m = scene.series ? 'fused' : (o.modality ?? guessModality(info, available));
      if (modality && m !== modality) throw new ApiError('E_BAD_REQUEST', `${scene.where}: ${info.path} reads as ${m}, the other scenes as ${modality}; one head reads one modality`, info.path);
      modality = m;
      if (!moduleName) {
        const [name, spec] = m === 'fused' ? fusionModule(model) : encoderFor(model, m, 'train');
        const last = spec.outputs[spec.outputs.length - 1];
        if (!last.stride) throw new ApiError('E_CORRUPT', `${model.manifestPath}: modules.${name}: its last output has no stride`, model.manifestPath);
        stride = last.stride;
        if (task === 'classify') {
          cellPx = o.grid ?? spec.tile?.size ?? 0;
          checkGridSize(cellPx, stride, spec.tile, model.manifestPath);
        } else cellPx = stride;
        if (o.taps?.length) {
          taps = tapPlan(o.taps, spec, name, model.manifestPath);
          stride = cellPx = taps[0].stride;
        }
        moduleName = name;
        weightsSha = await fileSha256(model.modulePath(name));
      }
      const labels = await readLabels({ ...scene, classField: o.classField, layer: o.labelsLayer }, info, cellPx, classes, o.signal, multi);
      if (task === 'classify') wholeCellsOnly(labels, info);
      if (scene.series?.hr) await labelsUnderHr(labels, info, scene.series.hr, scene.where);
      read.push({ scene, info, labels });
    }
  } finally {
    await model.close();
  }
  const splits = splitScenes(read.map((r) => r.labels), classes, splitOptions);
  const prepared = read.map((r, i) => ({ ...r, split: splits[i] }));
  const sum = (f: (p: (typeof prepared)[number]) => number[]) => classes.map((_, k) => prepared.reduce((a, p) => a + f(p)[k], 0));
  // Multi-label: a class counts where it is present, not only where it is the most frequent.
  const counted = (p: (typeof prepared)[number], cells?: Int32Array) => (multi ? presence(p.labels, classes.length, cells) : cells ? p.split.trainCounts : p.labels.counts);
  checkSplit(sum((p) => counted(p)), sum((p) => counted(p, p.split.train)), classes, scenes.length > 1 ? `${o.dataset}` : scenes[0].where);

  let grid: FeatureGrid | null = null;
  let allCached = true;
  // One date's (or series') features: its grid (the finest tap's), and the rows of given cells.
  const featuresOf = async (inputs: string[] | TrainSeries, view?: TileView) => {
    const tiling = task === 'classify' ? { tile: cellPx, overlap: 0 } : {};
    const base = { model: o.model, inputs, ...tiling, ...(view ? { view } : {}), modality: modality === 'fused' ? undefined : modality, cacheDir: o.cacheDir, providers: o.providers, signal: o.signal, progress: o.progress };
    const grids: FeatureGrid[] = [];
    for (const t of taps ?? [null]) grids.push(await cachedFeatures(t ? { ...base, tap: t.name } : base));
    allCached &&= grids.every((g) => g.cached);
    const g = grids[0];
    const gather = (cells: Int32Array, fineWidth: number) => {
      if (grids.length > 1) return gatherTaps(grids, fineWidth, cells, o.signal);
      if (task === 'classify') return pooledFeatures(g, cellPx, cells, o.signal);
      return gatherFeatures(g, g.origin ? shiftCells(cells, fineWidth, g.origin, g.width) : cells, o.signal);
    };
    return { grid: g, grids, gather };
  };
  const featureChannels = (g: FeatureGrid) => (taps ? taps.reduce((a, t) => a + t.channels, 0) : g.channels);
  const tf = performance.now();
  const trainSets: LabelledSet[] = [];
  const valSets: LabelledSet[] = [];
  let dropped = 0;
  for (const p of prepared) {
    const perDate: { train: Float32Array; val: Float32Array }[] = [];
    for (const inputs of p.scene.series ? [p.scene.series] : p.scene.dates) {
      const f = await featuresOf(inputs);
      grid = f.grid;
      const k = cellPx / grid.stride;
      // With HR the features cover its window only (hr-window.ts); otherwise the whole label grid.
      if (!grid.origin && (Math.ceil(grid.width / k) !== p.labels.width || Math.ceil(grid.height / k) !== p.labels.height)) {
        throw new ApiError('E_INTERNAL', `${p.scene.where}: features ${grid.width} x ${grid.height} but label cells ${p.labels.width} x ${p.labels.height} of ${k} features`);
      }
      if (f.grids.length > 1) checkTapGrids(f.grids, p.info, p.scene.where);
      perDate.push({ train: await f.gather(p.split.train, p.labels.width), val: await f.gather(p.split.val, p.labels.width) });
    }
    const Cd = featureChannels(grid!);
    const rowWidth = p.scene.dates.length > 1 ? 3 * Cd : Cd;
    const t = labelledSet(combine(perDate.map((d) => d.train), p.split.train.length, Cd), p.split.train, p.labels, rowWidth, classes.length);
    const v = labelledSet(combine(perDate.map((d) => d.val), p.split.val.length, Cd), p.split.val, p.labels, rowWidth, classes.length);
    trainSets.push(t.set);
    valSets.push(v.set);
    dropped += t.dropped + v.dropped;
    for (const view of p.scene.series ? [] : (o.augment ?? [])) {
      const viewed: Float32Array[] = [];
      for (const inputs of p.scene.dates) viewed.push(await (await featuresOf(inputs, view)).gather(p.split.train, p.labels.width));
      trainSets.push(labelledSet(combine(viewed, p.split.train.length, Cd), p.split.train, p.labels, rowWidth, classes.length).set);
    }
  }
  if (!grid || !modality) throw new ApiError('E_INTERNAL', 'no scene prepared');
  const C = featureChannels(grid);
  const width = task === 'change' ? 3 * C : C;
  const train = { set: concat(trainSets, width, classes.length) };
  const val = { set: concat(valSets, width, classes.length) };
  const featureSeconds = (performance.now() - tf) / 1000;

  const tt = performance.now();
  const result = await trainHead(train.set, val.set, { type: headType, channels: width, classes, hidden: o.hidden, epochs: o.epochs, batch: o.batch, seed: o.seed, loss: o.loss, focalGamma: o.focalGamma, onEpoch: o.onEpoch, signal: o.signal, checkpoint: { path: checkpointPath(o.cacheDir, out), resume: o.resume ?? false } });
  const trainSeconds = (performance.now() - tt) / 1000;

  const inputNames = taps ? taps.map((t) => t.name) : task === 'change' ? ['feat_a', 'feat_b'] : ['feat'];
  const pooled = task === 'classify';
  const tapInputs = taps?.map((t) => ({ name: t.name, channels: t.channels, stride: t.stride, factor: t.stride / taps![0].stride }));
  const onnxBytes = exportHeadOnnx(result.weights, { inputs: inputNames, output: 'logits', pooled, taps: tapInputs, doc: `SkySense Desktop ${headType} ${task} head, trained on ${data}` });
  const onnxMaxAbsDiff = tapInputs
    ? await tapsAgreement(onnxBytes, result.weights, val.set.x, val.set.n, tapInputs, 'logits')
    : await onnxAgreement(onnxBytes, result.weights, val.set.x, val.set.n, { inputs: inputNames, output: 'logits', channels: C, pooled });
  if (!(onnxMaxAbsDiff <= 1e-4)) throw new ApiError('E_INTERNAL', `the exported head disagrees with its training forward pass by ${onnxMaxAbsDiff} (max |logit difference|); nothing written`);

  const v = result.val;
  const metrics: Record<string, number> = { overallAccuracy: v.overallAccuracy, macroF1: v.macroF1, meanIoU: v.meanIoU, kappa: v.kappa };
  for (const [c, m] of Object.entries(v.perClass)) metrics[`f1 ${c}`] = m.f1;
  const manifest: HeadManifest = {
    schemaVersion: 1,
    kind: 'head',
    name: o.name ?? headName(out),
    title: o.title ?? `${classes.join(' / ')} (${headType} head on ${grid.model.name} ${modality})`,
    task,
    encoder: { name: grid.model.name, modality, module: moduleName, weightsSha256: weightsSha },
    file: 'head.onnx',
    inputs: taps
      ? taps.map((t) => ({ name: t.name, dtype: 'float32' as const, shape: ['batch', t.channels, ...tapAxes(t.stride)], tap: t.name }))
      : inputNames.map((name, i) => ({ name, dtype: 'float32' as const, shape: ['batch', C, 'h', 'w'], tap: grid!.model.output, ...(task === 'change' ? { date: i === 0 ? ('a' as const) : ('b' as const) } : {}) })),
    outputs: [pooled ? { name: 'logits', dtype: 'float32', shape: ['batch', classes.length] } : { name: 'logits', dtype: 'float32', shape: ['batch', classes.length, ...(taps ? tapAxes(stride) : ['h', 'w'])], stride }],
    activation: multi ? 'sigmoid' : 'softmax',
    ...(multi ? { threshold: 0.5 } : {}),
    classes: classes.map((name, i) => ({ value: i, name, color: o.classColors?.[i] ?? hex(clusterColour(i + 1)) })),
    tile: pooled ? { size: cellPx, stride: cellPx } : { size: grid.tile, stride: grid.tile - grid.overlap },
    training: {
      data,
      licence: o.labelsLicence ?? 'not stated',
      samples: train.set.n,
      epochs: result.epochsRun,
      script: `skysense train (${headType}, seed ${o.seed ?? 0})`,
      metrics,
      evaluatedOn: `the validation side of a split by blocks of ${splitOptions.block ?? 8} x ${splitOptions.block ?? 8} ${pooled ? `${cellPx} px ` : ''}cells (${val.set.n} cells, about ${Math.round((o.valFraction ?? 0.2) * 100)} % of the labelled ones; class-balanced)`,
      created: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    },
    licence: { code: 'Apache-2.0', weights: `as the ${grid.model.name} encoder weights it reads; labels: ${o.labelsLicence ?? 'licence not stated'}` },
  };
  await writeHeadFolder(out, manifest, onnxBytes);
  await removeCheckpoint(checkpointPath(o.cacheDir, out));
  return {
    task,
    head: out,
    headType,
    model: grid.model,
    modality,
    features: { path: grid.path, width: grid.width, height: grid.height, channels: C, stride, cached: allCached, seconds: featureSeconds },
    labels: prepared.map((p) => ({ path: p.scene.labels, labelledCells: p.labels.counts, note: p.labels.note })),
    samples: { train: train.set.n, val: val.set.n, trainPerClass: sum((p) => p.split.trainCounts), valPerClass: sum((p) => p.split.valCounts), droppedNoData: dropped },
    epochs: { run: result.epochsRun, best: result.bestEpoch, finalLoss: result.finalLoss, seconds: trainSeconds, resumedFrom: result.resumedFrom },
    validation: result.val,
    training: result.train,
    onnxMaxAbsDiff,
  };
}

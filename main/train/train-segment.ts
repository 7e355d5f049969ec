/**
 * `skysense train --task segment`: a per-location head (linear or mlp) on the frozen
 * encoder's features of one scene, from a label raster on the scene's grid. Everything that
 * can be wrong with the input is checked before the encoder runs: the model and its encoder
 * for the raster's modality, the classes and label mapping, the label grid, at least two
 * classes with cells on the training side. Then the features (feature-cache.ts), the
 * spatial-block split (split.ts), training (train-loop.ts), the metrics on the validation
 * blocks, and the head folder (head-write.ts), whose ONNX graph must reproduce the
 * TypeScript forward pass on the validation features.
 */
import { basename, resolve } from 'node:path';
import { ApiError } from '../api.ts';
import { encoderFor } from '../encoder/index.ts';
import { fileSha256 } from '../heads/index.ts';
import { guessModality } from '../inputs/index.ts';
import { loadModelFolder, type HeadManifest, type ModalityId } from '../model/index.ts';
import { rasterInfo } from '../raster/index.ts';
import { clusterColour, hex } from '../tasks/index.ts';
import type { TiledProgress } from '../tiler/index.ts';
import { cachedFeatures, gatherFeatures, type FeatureGrid } from './feature-cache.ts';
import { exportHeadOnnx } from './onnx-export.ts';
import { onnxAgreement, writeHeadFolder } from './head-write.ts';
import { labelCells } from './label-raster.ts';
import type { Metrics } from './metrics.ts';
import { splitCells, type SplitOptions } from './split.ts';
import { trainHead, type EpochProgress, type LabelledSet } from './train-loop.ts';
import type { HeadType } from './head-weights.ts';

export interface TrainSegmentOptions extends SplitOptions {
  model: string;
  inputs: string[];
  labels: string;
  classes: string[];
  /** Label raster value -> class name (values not listed are unlabelled); default value i = class i. */
  labelValues?: Record<string, string>;
  modality?: ModalityId;
  out: string;
  headType?: HeadType;
  hidden?: number;
  epochs?: number;
  batch?: number;
  /** Where features are cached. */
  cacheDir: string;
  name?: string;
  title?: string;
  /** Licence of the labels, recorded in the head (default: "not stated"). */
  labelsLicence?: string;
  providers?: string;
  signal?: AbortSignal;
  /** Feature extraction progress (tiles). */
  progress?: (p: TiledProgress) => void;
  onEpoch?: (p: EpochProgress) => void;
}

export interface TrainReport {
  task: 'segment';
  head: string;
  headType: HeadType;
  model: FeatureGrid['report']['model'];
  modality: ModalityId;
  features: { path: string; width: number; height: number; channels: number; stride: number; cached: boolean; seconds: number };
  labels: { path: string; labelledCells: number[]; note: string | null };
  samples: { train: number; val: number; trainPerClass: number[]; valPerClass: number[]; droppedNoData: number };
  epochs: { run: number; best: number; finalLoss: number; seconds: number };
  validation: Metrics;
  training: Metrics;
  /** Largest |ONNX Runtime - TypeScript| logit over the validation features. */
  onnxMaxAbsDiff: number;
}

function checkClasses(classes: string[]): void {
  if (classes.length < 2) throw new ApiError('E_BAD_REQUEST', `classes: a head needs at least two classes, got ${classes.length}`);
  if (classes.length > 254) throw new ApiError('E_BAD_REQUEST', `classes: at most 254 (a class raster is Byte with nodata 255), got ${classes.length}`);
  classes.forEach((c, i) => {
    if (!c.trim()) throw new ApiError('E_BAD_REQUEST', `classes[${i}]: empty name`);
    if (classes.indexOf(c) !== i) throw new ApiError('E_BAD_REQUEST', `classes: "${c}" is given twice`);
  });
}

/** Labelled cells with features: NaN features (nodata in the input) are dropped. */
function labelledSet(x: Float32Array, cells: Int32Array, labels: Int16Array, C: number): { set: LabelledSet; dropped: number } {
  const keep: number[] = [];
  for (let i = 0; i < cells.length; i++) {
    let ok = true;
    for (let c = 0; c < C && ok; c++) ok = Number.isFinite(x[i * C + c]);
    if (ok) keep.push(i);
  }
  const out = new Float32Array(keep.length * C);
  const y = new Int32Array(keep.length);
  keep.forEach((i, j) => {
    out.set(x.subarray(i * C, i * C + C), j * C);
    y[j] = labels[cells[i]];
  });
  return { set: { x: out, y, n: keep.length }, dropped: cells.length - keep.length };
}

/** A manifest name from the folder's name: lower case, digits and dashes. */
function headName(dir: string): string {
  const base = basename(dir).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return base || 'head';
}

export async function trainSegmentHead(o: TrainSegmentOptions): Promise<TrainReport> {
  checkClasses(o.classes);
  const out = resolve(o.out);
  const headType = o.headType ?? 'linear';
  const info = await rasterInfo(o.inputs);
  const model = await loadModelFolder(o.model, { cache: false });
  let modality: ModalityId;
  let stride: number;
  let weightsSha: string;
  let moduleName: string;
  try {
    const available = Object.keys(model.manifest.modalities) as ModalityId[];
    modality = o.modality ?? guessModality(info, available);
    const [name, spec] = encoderFor(model, modality, 'train');
    const last = spec.outputs[spec.outputs.length - 1];
    if (!last.stride) throw new ApiError('E_CORRUPT', `${model.manifestPath}: modules.${name}: its last output has no stride`, model.manifestPath);
    stride = last.stride;
    moduleName = name;
    weightsSha = await fileSha256(model.modulePath(name));
  } finally {
    await model.close();
  }
  const labels = await labelCells(o.labels, info, stride, o.classes, o.labelValues ?? null, o.signal);
  const split = splitCells(labels, o.classes, o);

  const tf = performance.now();
  const grid = await cachedFeatures({ model: o.model, inputs: o.inputs, modality, cacheDir: o.cacheDir, providers: o.providers, signal: o.signal, progress: o.progress });
  if (grid.width !== labels.width || grid.height !== labels.height) {
    throw new ApiError('E_INTERNAL', `features ${grid.width} x ${grid.height} but label cells ${labels.width} x ${labels.height}`);
  }
  const C = grid.channels;
  const train = labelledSet(await gatherFeatures(grid, split.train, o.signal), split.train, labels.labels, C);
  const val = labelledSet(await gatherFeatures(grid, split.val, o.signal), split.val, labels.labels, C);
  const featureSeconds = (performance.now() - tf) / 1000;

  const tt = performance.now();
  const result = trainHead(train.set, val.set, { type: headType, channels: C, classes: o.classes, hidden: o.hidden, epochs: o.epochs, batch: o.batch, seed: o.seed, onEpoch: o.onEpoch, signal: o.signal });
  const trainSeconds = (performance.now() - tt) / 1000;

  const names = { input: 'feat', output: 'logits' };
  const onnxBytes = exportHeadOnnx(result.weights, { ...names, doc: `SkySense Desktop ${headType} head, trained on ${o.labels}` });
  const onnxMaxAbsDiff = await onnxAgreement(onnxBytes, result.weights, val.set.x, val.set.n, names);
  if (!(onnxMaxAbsDiff <= 1e-4)) throw new ApiError('E_INTERNAL', `the exported head disagrees with its training forward pass by ${onnxMaxAbsDiff} (max |logit difference|); nothing written`);

  const v = result.val;
  const metrics: Record<string, number> = { overallAccuracy: v.overallAccuracy, macroF1: v.macroF1, meanIoU: v.meanIoU, kappa: v.kappa };
  for (const [c, m] of Object.entries(v.perClass)) metrics[`f1 ${c}`] = m.f1;
  const manifest: HeadManifest = {
    schemaVersion: 1,
    kind: 'head',
    name: o.name ?? headName(out),
    title: o.title ?? `${o.classes.join(' / ')} (${headType} head on ${grid.report.model.name} ${modality})`,
    task: 'segment',
    encoder: { name: grid.report.model.name, modality, module: moduleName, weightsSha256: weightsSha },
    file: 'head.onnx',
    inputs: [{ name: names.input, dtype: 'float32', shape: ['batch', C, 'h', 'w'], tap: grid.report.model.output }],
    outputs: [{ name: names.output, dtype: 'float32', shape: ['batch', o.classes.length, 'h', 'w'], stride }],
    activation: 'softmax',
    classes: o.classes.map((name, i) => ({ value: i, name, color: hex(clusterColour(i + 1)) })),
    tile: { size: grid.report.tile, stride: grid.report.tile - grid.report.overlap },
    training: {
      data: `${o.labels} on ${o.inputs.join(', ')}`,
      licence: o.labelsLicence ?? 'not stated',
      samples: train.set.n,
      epochs: result.epochsRun,
      script: `skysense train (${headType}, seed ${o.seed ?? 0})`,
      metrics,
      evaluatedOn: `the validation side of a split by blocks of ${o.block ?? 8} x ${o.block ?? 8} cells (${val.set.n} cells, about ${Math.round((o.valFraction ?? 0.2) * 100)} % of the labelled ones; class-balanced)`,
      created: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    },
    licence: { code: 'Apache-2.0', weights: `as the ${grid.report.model.name} encoder weights it reads; labels: ${o.labelsLicence ?? 'licence not stated'}` },
  };
  await writeHeadFolder(out, manifest, onnxBytes);
  return {
    task: 'segment',
    head: out,
    headType,
    model: grid.report.model,
    modality,
    features: { path: grid.path, width: grid.width, height: grid.height, channels: C, stride, cached: grid.cached, seconds: featureSeconds },
    labels: { path: o.labels, labelledCells: labels.counts, note: labels.note },
    samples: { train: train.set.n, val: val.set.n, trainPerClass: split.trainCounts, valPerClass: split.valCounts, droppedNoData: train.dropped + val.dropped },
    epochs: { run: result.epochsRun, best: result.bestEpoch, finalLoss: result.finalLoss, seconds: trainSeconds },
    validation: result.val,
    training: result.train,
    onnxMaxAbsDiff,
  };
}

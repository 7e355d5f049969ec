/**
 * `skysense train --task detect`: a dense detect head over the frozen encoder's features, the
 * kind the detect task runs (main/tasks/detect). Labels are boxes (box-labels.ts); each
 * encoder cell holding a box centre is positive for its class (box-targets.ts), the rest are
 * background. Two parts are trained on the same cells: a softmax score head over
 * ["background", ...objects] (train-loop.ts: class-weighted CE or focal, early stopping on the
 * validation macro F1) and a linear box regressor on the positive cells (box-regress.ts, L1).
 * Validation is by spatial blocks as for segment heads; mAP50 is scored on the validation
 * blocks' boxes as the engine decodes them (detect-validate.ts). The graph (detect-export.ts)
 * is checked by ONNX Runtime against the TypeScript forward pass, the manifest by the engine's
 * validator, before the folder is written (head-write.ts).
 *
 * The features are the cached embed of one tap: by default the finest the encoder gives (HR:
 * feat_s4, one cell per 4 px; a stride-32 cell would hold several vehicles' centres).
 */
import { resolve } from 'node:path';
import { ApiError, type RasterInfo } from '../api.ts';
import { encoderFor } from '../encoder/index.ts';
import { fileSha256, type Box } from '../heads/index.ts';
import { guessModality } from '../inputs/index.ts';
import { loadModelFolder, type HeadManifest, type ModalityId, type ModuleSpec } from '../model/index.ts';
import { rasterInfo } from '../raster/index.ts';
import { clusterColour, hex } from '../tasks/index.ts';
import { readBoxLabels, type GroundBox } from './box-labels.ts';
import { trainBoxRegressor, type BoxSet } from './box-regress.ts';
import { boxTargets, type BoxTargets } from './box-targets.ts';
import { checkpointPath, removeCheckpoint } from './checkpoint.ts';
import { detectCells, NEGATIVES_PER_POSITIVE } from './detect-cells.ts';
import { exportDetectOnnx } from './detect-export.ts';
import { meanAP, type DetectMetrics } from './detect-metrics.ts';
import { cellDetections } from './detect-validate.ts';
import { cachedFeatures, gatherFeatures, type FeatureGrid } from './feature-cache.ts';
import { checkClasses, headName } from './head-names.ts';
import type { HeadType } from './head-weights.ts';
import { detectOnnxAgreement, writeHeadFolder } from './head-write.ts';
import type { Metrics } from './metrics.ts';
import { specScenes, type Scene } from './scenes.ts';
import { checkSplit, splitScenes, type SplitOptions } from './split.ts';
import { trainHead, type LabelledSet } from './train-loop.ts';
import type { TrainTaskOptions } from './train-options.ts';


export interface DetectTrainReport extends DetectMetrics {
  oriented: boolean;
  tap: string;
  /** Boxes labelled, and on the validation blocks (where mAP50 is scored). */
  boxes: { labelled: number; val: number; valDetections: number };
  /** Mean |error| of the box targets on the validation boxes: offsets in cells, log sizes, angle (rad). */
  boxL1: number[];
  /** Largest relative |ONNX Runtime - TypeScript| box value (pixels). */
  onnxBoxMaxRelDiff: number;
}

/** The finest tap (smallest stride; of equals, the deepest). */
function finestTap(spec: ModuleSpec): ModuleSpec['outputs'][number] {
  let best = spec.outputs[spec.outputs.length - 1];
  for (const t of spec.outputs) if (t.stride && best.stride && t.stride < best.stride) best = t;
  return best;
}

async function detectScenes(o: TrainTaskOptions): Promise<{ classes: string[]; scenes: Scene[]; data: string }> {
  if (o.augment?.length) throw new ApiError('E_UNSUPPORTED', 'augment: detect heads are trained on the plain view (a flipped tile would need its boxes flipped too)');
  if (o.series || o.inputsB?.length) throw new ApiError('E_UNSUPPORTED', 'detect heads read one raster per scene (no series, no second date)');
  if (o.multiLabel || o.grid !== undefined) throw new ApiError('E_BAD_REQUEST', `${o.multiLabel ? 'multiLabel' : 'grid'}: applies to classify heads, not detect`);
  if (o.dataset) {
    if (o.inputs?.length || o.labels) throw new ApiError('E_BAD_REQUEST', 'give either a dataset spec or inputs and labels, not both');
    const d = await specScenes(o.dataset, 'detect');
    return { classes: d.classes, scenes: d.scenes, data: `${d.scenes.length} scene(s) of ${o.dataset}` };
  }
  if (!o.inputs?.length) throw new ApiError('E_BAD_REQUEST', 'inputs: give the raster to train on (or a dataset spec)');
  if (!o.labels) throw new ApiError('E_BAD_REQUEST', 'labels: give the boxes (DOTA labelTxt, GeoJSON or GeoPackage polygons), or a dataset spec');
  if (!o.classes) throw new ApiError('E_BAD_REQUEST', 'classes: give the object class names, in output order');
  return { classes: o.classes, scenes: [{ dates: [o.inputs], series: null, labels: o.labels, labelValues: o.labelValues ?? null, where: o.labels }], data: `${o.labels} on ${o.inputs.join(', ')}` };
}

/** Rows of features whose channels are all finite (nodata input gives NaN features). */
function finiteRows(x: Float32Array, n: number, C: number): number[] {
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (let c = 0; c < C && ok; c++) ok = Number.isFinite(x[i * C + c]);
    if (ok) keep.push(i);
  }
  return keep;
}

function pick(x: Float32Array, rows: number[], C: number): Float32Array {
  const out = new Float32Array(rows.length * C);
  rows.forEach((r, j) => out.set(x.subarray(r * C, r * C + C), j * C));
  return out;
}

export async function trainDetectHead(o: TrainTaskOptions) {
  const { classes: objects, scenes, data } = await detectScenes(o);
  if (objects.includes('background')) throw new ApiError('E_BAD_REQUEST', 'classes: "background" is the detect head\'s own class 0; name only the objects');
  const classes = ['background', ...objects];
  checkClasses(classes);
  const oriented = o.oriented ?? false;
  const out = resolve(o.out);
  const headType = o.headType ?? 'linear';
  const block = o.block ?? 8;
  const model = await loadModelFolder(o.model, { cache: false });
  let modality: ModalityId | undefined = o.modality;
  let tap = '';
  let stride = 0;
  let moduleName = '';
  let weightsSha = '';
  const read: { scene: Scene; info: RasterInfo; boxes: GroundBox[]; targets: BoxTargets }[] = [];
  try {
    const available = Object.keys(model.manifest.modalities) as ModalityId[];
    for (const scene of scenes) {
      const info = await rasterInfo(scene.dates[0]);
      const m = o.modality ?? guessModality(info, available);
      if (modality && m !== modality) throw new ApiError('E_BAD_REQUEST', `${scene.where}: ${info.path} reads as ${m}, the other scenes as ${modality}; one head reads one modality`, info.path);
      modality = m;
      if (!moduleName) {
        const [name, spec] = encoderFor(model, m, 'train');
        const t = o.tap === undefined ? finestTap(spec) : spec.outputs.find((x) => x.name === o.tap);
        if (!t) throw new ApiError('E_BAD_REQUEST', `tap "${o.tap}": ${name} of ${model.manifestPath} has ${spec.outputs.map((x) => x.name).join(', ')}`, model.manifestPath);
        if (!t.stride || !Number.isInteger(t.stride)) throw new ApiError('E_CORRUPT', `${model.manifestPath}: modules.${name}: output ${t.name} has no whole stride`, model.manifestPath);
        [tap, stride, moduleName] = [t.name, t.stride, name];
        weightsSha = await fileSha256(model.modulePath(name));
      }
      // Every box is read and checked (points, classes, centres inside) before any feature is computed.
      const { boxes } = await readBoxLabels(scene.labels, info, { classes: objects, oriented, classField: o.classField, labelValues: scene.labelValues, layer: o.labelsLayer });
      const targets = boxTargets(boxes, Math.ceil(info.width / stride), Math.ceil(info.height / stride), stride, classes.length, oriented);
      read.push({ scene, info, boxes, targets });
    }
  } finally {
    await model.close();
  }
  const splitOptions: SplitOptions = { ...o, block };
  const splits = splitScenes(read.map((r) => r.targets), classes, splitOptions);
  const sum = (f: (i: number) => number[]) => classes.map((_, k) => read.reduce((a, _r, i) => a + f(i)[k], 0));
  checkSplit(sum((i) => read[i].targets.counts), sum((i) => splits[i].trainCounts), classes, scenes.length > 1 ? `${o.dataset}` : scenes[0].where);

  const tf = performance.now();
  const B = oriented ? 5 : 4;
  const train: { x: Float32Array[]; y: number[]; t: number[] } = { x: [], y: [], t: [] };
  const val: { x: Float32Array[]; y: number[]; t: number[] } = { x: [], y: [], t: [] };
  const blocks: { x: Float32Array; cells: Int32Array; targets: BoxTargets; truth: GroundBox[] }[] = [];
  let grid: FeatureGrid | null = null;
  let allCached = true;
  let dropped = 0;
  let C = 0;
  for (const [i, r] of read.entries()) {
    const cells = detectCells(r.targets, splits[i], block, o.seed ?? 0);
    grid = await cachedFeatures({ model: o.model, inputs: r.scene.dates[0], modality, tap, cacheDir: o.cacheDir, providers: o.providers, signal: o.signal, progress: o.progress });
    allCached &&= grid.cached;
    if (grid.width !== r.targets.width || grid.height !== r.targets.height || grid.model.output !== tap) {
      // embed reads HR at the model's GSD where the raster is georeferenced off it; the boxes are on the input's pixels.
      throw new ApiError('E_UNSUPPORTED', `${r.scene.where}: the features of ${r.info.path} are ${grid.width} x ${grid.height} cells of ${grid.model.output}, the boxes lie on ${r.targets.width} x ${r.targets.height} cells of its own pixels (the encoder read it at another ground sample distance); give a raster at the model's GSD`, r.info.path);
    }
    C = grid.channels;
    for (const [side, list] of [[train, cells.train] as const, [val, cells.val] as const]) {
      const x = await gatherFeatures(grid, list, o.signal);
      const keep = finiteRows(x, list.length, C);
      dropped += list.length - keep.length;
      side.x.push(pick(x, keep, C));
      for (const j of keep) {
        const c = list[j];
        side.y.push(r.targets.labels[c]);
        for (let k = 0; k < B; k++) side.t.push(r.targets.targets[c * B + k]);
      }
    }
    const bx = await gatherFeatures(grid, cells.valBlocks, o.signal);
    const inVal = new Uint8Array(r.targets.width * r.targets.height);
    for (const c of cells.valBlocks) inVal[c] = 1;
    const truth = r.boxes.filter((b) => inVal[Math.floor(b.cy / stride) * r.targets.width + Math.floor(b.cx / stride)]);
    blocks.push({ x: bx, cells: cells.valBlocks, targets: r.targets, truth });
  }
  if (!grid || !modality) throw new ApiError('E_INTERNAL', 'no scene prepared');
  const cat = (parts: Float32Array[]) => {
    const x = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      x.set(p, at);
      at += p.length;
    }
    return x;
  };
  const trainSet: LabelledSet = { x: cat(train.x), y: Int32Array.from(train.y), n: train.y.length };
  const valSet: LabelledSet = { x: cat(val.x), y: Int32Array.from(val.y), n: val.y.length };
  const featureSeconds = (performance.now() - tf) / 1000;

  const tt = performance.now();
  const result = await trainHead(trainSet, valSet, { type: headType, channels: C, classes, hidden: o.hidden, epochs: o.epochs, batch: o.batch, seed: o.seed, loss: o.loss, focalGamma: o.focalGamma, onEpoch: o.onEpoch, signal: o.signal, checkpoint: { path: checkpointPath(o.cacheDir, out), resume: o.resume ?? false } });
  const positives = (s: { x: Float32Array[]; y: number[]; t: number[] }, set: LabelledSet): BoxSet => {
    const rows = [...set.y.keys()].filter((i) => set.y[i] > 0);
    return { x: pick(set.x, rows, C), t: Float32Array.from(rows.flatMap((i) => s.t.slice(i * B, i * B + B))), n: rows.length };
  };
  const reg = await trainBoxRegressor(positives(train, trainSet), positives(val, valSet), { channels: C, boxChannels: B, epochs: o.epochs, seed: o.seed, signal: o.signal });
  const trainSeconds = (performance.now() - tt) / 1000;

  // mAP50 over the validation blocks, with the low score threshold AP needs (it ranks every box).
  const scored = blocks.map((b) => ({ detections: cellDetections(result.weights, reg.weights, b.x, b.cells, b.targets, classes, 0.05) as Box[], truth: b.truth }));
  const ap = meanAP(scored, objects);

  const onnxBytes = exportDetectOnnx(result.weights, reg.weights, stride, `SkySense Desktop ${headType} detect head (${oriented ? 'oriented' : 'axis-aligned'} boxes, ${tap}), trained on ${data}`);
  // Checked on the validation blocks' cells with finite features (the cells mAP50 scored).
  const checkX = cat(blocks.map((b) => pick(b.x, finiteRows(b.x, b.cells.length, C), C)));
  const agreement = await detectOnnxAgreement(onnxBytes, result.weights, reg.weights, stride, checkX.length ? checkX : valSet.x, checkX.length ? checkX.length / C : valSet.n);
  if (!(agreement.scores <= 1e-4) || !(agreement.boxes <= 1e-4)) throw new ApiError('E_INTERNAL', `the exported head disagrees with its training forward pass (scores by ${agreement.scores}, boxes by ${agreement.boxes} relative); nothing written`);

  const v = result.val;
  const metrics: Record<string, number> = { mAP50: ap.mAP50, overallAccuracy: v.overallAccuracy, macroF1: v.macroF1, meanIoU: v.meanIoU, kappa: v.kappa };
  for (const [c, m] of Object.entries(ap.perClassAP)) if (m.boxes > 0) metrics[`AP50 ${c}`] = m.ap;
  const manifest: HeadManifest = {
    schemaVersion: 1,
    kind: 'head',
    name: o.name ?? headName(out),
    title: o.title ?? `${objects.join(' / ')} (${oriented ? 'oriented ' : ''}boxes, ${headType} head on ${grid.model.name} ${modality} ${tap})`,
    task: 'detect',
    encoder: { name: grid.model.name, modality, module: moduleName, weightsSha256: weightsSha },
    file: 'head.onnx',
    inputs: [{ name: 'feat', dtype: 'float32', shape: ['batch', C, 'h', 'w'], tap }],
    outputs: [
      { name: 'scores', dtype: 'float32', shape: ['batch', classes.length, 'h', 'w'], stride, description: 'logits, softmax over background and the objects' },
      { name: 'boxes', dtype: 'float32', shape: ['batch', B, 'h', 'w'], stride, description: `(dx, dy, w, h${oriented ? ', angle' : ''}) in input pixels from the cell centre` },
    ],
    activation: 'softmax',
    threshold: 0.5,
    classes: classes.map((name, i) => ({ value: i, name, color: o.classColors?.[i] ?? hex(clusterColour(i + 1)) })),
    tile: { size: grid.tile, stride: grid.tile - grid.overlap },
    training: {
      data,
      licence: o.labelsLicence ?? 'not stated',
      samples: trainSet.n,
      epochs: result.epochsRun,
      script: `skysense train --task detect (${headType}, ${oriented ? 'oriented, ' : ''}tap ${tap}, seed ${o.seed ?? 0})`,
      metrics,
      evaluatedOn: `the validation side of a split by blocks of ${block} x ${block} cells of ${stride} px: mAP50 on its ${scored.reduce((a, s) => a + s.truth.length, 0)} boxes, the score metrics on ${valSet.n} cells (class-balanced)`,
      created: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      notes: `positive cells: the cell holding a box centre; training background cells: at most ${NEGATIVES_PER_POSITIVE} per positive`,
    },
    licence: { code: 'Apache-2.0', weights: `as the ${grid.model.name} encoder weights it reads; labels: ${o.labelsLicence ?? 'licence not stated'}` },
  };
  await writeHeadFolder(out, manifest, onnxBytes);
  await removeCheckpoint(checkpointPath(o.cacheDir, out));
  const detection: DetectTrainReport = {
    ...ap,
    oriented,
    tap,
    boxes: { labelled: read.reduce((a, r) => a + r.boxes.length, 0), val: scored.reduce((a, s) => a + s.truth.length, 0), valDetections: scored.reduce((a, s) => a + s.detections.length, 0) },
    boxL1: reg.l1,
    onnxBoxMaxRelDiff: agreement.boxes,
  };
  const validation: Metrics = result.val;
  return {
    task: 'detect' as const,
    head: out,
    headType,
    model: grid.model,
    modality,
    features: { path: grid.path, width: grid.width, height: grid.height, channels: C, stride, cached: allCached, seconds: featureSeconds },
    labels: read.map((r) => ({ path: r.scene.labels, labelledCells: r.targets.counts, note: r.targets.note })),
    samples: { train: trainSet.n, val: valSet.n, trainPerClass: sum((i) => splits[i].trainCounts), valPerClass: sum((i) => splits[i].valCounts), droppedNoData: dropped },
    epochs: { run: result.epochsRun, best: result.bestEpoch, finalLoss: result.finalLoss, seconds: trainSeconds, resumedFrom: result.resumedFrom },
    validation,
    training: result.train,
    onnxMaxAbsDiff: agreement.scores,
    detection,
  };
}

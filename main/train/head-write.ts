/**
 * Writes a trained head as a head folder the engine runs like a stock head
 * (`skysense run --task segment --head DIR`): head.onnx and manifest.json, checked before
 * anything is written — the manifest by the engine's own head-manifest validator, the
 * graph by ONNX Runtime against the TypeScript forward pass on real features. The folder is
 * written under a temporary name beside the target and renamed when whole; an existing
 * head folder at the target is replaced only then.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseHeadManifest, type HeadManifest } from '../model/index.ts';
import { partPath } from '../raster/index.ts';
import { decodeTargets } from './box-targets.ts';
import { headLogits, type HeadWeights } from './head-weights.ts';

/**
 * Largest |ONNX Runtime - TypeScript| logit difference over the given features (n rows of the
 * head's input: one date's C channels, or for change [a, b, |a - b|], whose first 2C channels
 * are the two dates the graph is fed).
 */
export async function onnxAgreement(bytes: Uint8Array, h: HeadWeights, x: Float32Array, n: number, names: { inputs: string[]; output: string; channels: number; pooled?: boolean }): Promise<number> {
  if (n === 0) return 0;
  const session = await ort.InferenceSession.create(bytes);
  try {
    const C = names.channels;
    const feeds: Record<string, ort.Tensor> = {};
    names.inputs.forEach((name, d) => {
      const planar = new Float32Array(n * C);
      for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) planar[c * n + i] = x[i * h.channels + d * C + c];
      feeds[name] = new ort.Tensor('float32', planar, [1, C, 1, n]);
    });
    // A pooled (classify) head answers per tile: each row is a tile of 1 x 1 features, [n, K] out.
    if (names.pooled) feeds[names.inputs[0]] = new ort.Tensor('float32', x.slice(0, n * C), [n, C, 1, 1]);
    const out = await session.run(feeds);
    const raw = out[names.output].data as Float32Array;
    const y = names.pooled ? transpose(raw, n, h.classes) : raw;
    const ref = headLogits(h, x, n);
    let worst = 0;
    for (let i = 0; i < n; i++) for (let k = 0; k < h.classes; k++) worst = Math.max(worst, Math.abs(y[k * n + i] - ref[i * h.classes + k]));
    return worst;
  } finally {
    await session.release();
  }
}

/**
 * A head on several taps against the TypeScript forward pass: each of up to `limit` rows is
 * fed as its own batch item, every tap a constant block of the row's features at the tap's
 * own size (the finest S x S, a tap k times coarser S/k), so whatever the graph's Resize
 * reads, the output at its corner must be the row's logits.
 */
export async function tapsAgreement(bytes: Uint8Array, h: HeadWeights, x: Float32Array, n: number, taps: { name: string; channels: number; factor: number }[], output: string, limit = 256): Promise<number> {
  const m = Math.min(n, limit);
  if (m === 0) return 0;
  const S = Math.max(...taps.map((t) => t.factor));
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    let offset = 0;
    for (const t of taps) {
      const side = S / t.factor;
      const plane = side * side;
      const data = new Float32Array(m * t.channels * plane);
      for (let i = 0; i < m; i++) for (let c = 0; c < t.channels; c++) data.fill(x[i * h.channels + offset + c], (i * t.channels + c) * plane, (i * t.channels + c + 1) * plane);
      feeds[t.name] = new ort.Tensor('float32', data, [m, t.channels, side, side]);
      offset += t.channels;
    }
    const y = (await session.run(feeds))[output].data as Float32Array;
    const ref = headLogits(h, x, m);
    let worst = 0;
    for (let i = 0; i < m; i++) for (let k = 0; k < h.classes; k++) worst = Math.max(worst, Math.abs(y[(i * h.classes + k) * S * S] - ref[i * h.classes + k]));
    return worst;
  } finally {
    await session.release();
  }
}

/**
 * A detect head's graph against the TypeScript forward pass on n feature rows: the largest
 * |difference| of the score logits, and of the boxes in input pixels relative to their size
 * (at least 1 px), since exp makes large boxes' absolute errors large.
 */
export async function detectOnnxAgreement(bytes: Uint8Array, scores: HeadWeights, boxes: HeadWeights, stride: number, x: Float32Array, n: number): Promise<{ scores: number; boxes: number }> {
  if (n === 0) return { scores: 0, boxes: 0 };
  const session = await ort.InferenceSession.create(bytes);
  try {
    const C = scores.channels;
    const planar = new Float32Array(n * C);
    for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) planar[c * n + i] = x[i * C + c];
    const out = await session.run({ feat: new ort.Tensor('float32', planar, [1, C, 1, n]) });
    const s = out.scores.data as Float32Array;
    const b = out.boxes.data as Float32Array;
    const K = scores.classes;
    const B = boxes.classes;
    const refS = headLogits(scores, x, n);
    const refT = headLogits(boxes, x, n);
    let ws = 0;
    let wb = 0;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) ws = Math.max(ws, Math.abs(s[k * n + i] - refS[i * K + k]));
      const ref = decodeTargets(refT.subarray(i * B, i * B + B), stride, B);
      for (let k = 0; k < B; k++) wb = Math.max(wb, Math.abs(b[k * n + i] - ref[k]) / Math.max(1, Math.abs(ref[k])));
    }
    return { scores: ws, boxes: wb };
  } finally {
    await session.release();
  }
}

/** [n][k] -> [k][n]. */
function transpose(a: Float32Array, n: number, k: number): Float32Array {
  const t = new Float32Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) t[j * n + i] = a[i * k + j];
  return t;
}

export async function writeHeadFolder(out: string, manifest: HeadManifest, onnxBytes: Uint8Array): Promise<void> {
  const where = join(out, 'manifest.json');
  // The engine's own validator (schema and cross-checks): a head it would refuse is never written.
  const checked = parseHeadManifest(JSON.parse(JSON.stringify(manifest)), where);
  const tmp = partPath(out);
  await mkdir(dirname(out), { recursive: true });
  try {
    await mkdir(tmp);
    await writeFile(join(tmp, manifest.file), onnxBytes);
    await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(checked, null, 2)}\n`);
    const old = join(dirname(out), `.${basename(out)}.old-${process.pid}`);
    const replaced = await rename(out, old).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return false;
        throw err;
      },
    );
    await rename(tmp, out);
    if (replaced) await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

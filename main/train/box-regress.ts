/**
 * The box channels of a detect head: a linear layer on the standardised features of the
 * positive cells (box-targets.ts: offsets in cells, log sizes, angle), trained with an L1
 * loss (robust to the odd badly drawn box), AdamW and a cosine schedule, seeded; the epoch
 * with the lowest validation L1 is kept (the last one when there is no validation box). Only
 * positive cells train it: a background cell has no box to learn. Stored as a HeadWeights of
 * type linear (channels = box channels), so the same folded forward pass and 1 x 1
 * convolution export apply.
 */
import { ApiError } from '../api.ts';
import { seededRandom } from '../tasks/index.ts';
import { dense, headLogits, type HeadWeights } from './head-weights.ts';

export interface BoxSet {
  /** n x C features. */
  x: Float32Array;
  /** n x B targets. */
  t: Float32Array;
  n: number;
}

export interface BoxRegressOptions {
  channels: number;
  boxChannels: number;
  epochs?: number;
  batch?: number;
  lr?: number;
  weightDecay?: number;
  seed?: number;
  signal?: AbortSignal;
}

export interface BoxRegressResult {
  weights: HeadWeights;
  /** Mean |prediction - target| per channel on the validation boxes (the training boxes without any). */
  l1: number[];
  bestEpoch: number;
}

function stats(x: Float32Array, n: number, C: number): { mean: Float32Array; std: Float32Array } {
  const mean = new Float32Array(C);
  const std = new Float32Array(C);
  for (let j = 0; j < C; j++) {
    let s = 0;
    let q = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i * C + j];
      s += v;
      q += v * v;
    }
    mean[j] = s / n;
    std[j] = Math.sqrt(Math.max(0, q / n - (s / n) ** 2)) || 1;
  }
  return { mean, std };
}

/** Mean absolute error per box channel. */
export function boxL1(w: HeadWeights, set: BoxSet): number[] {
  const B = w.classes;
  const err = new Array<number>(B).fill(0);
  if (set.n === 0) return err;
  const y = headLogits(w, set.x, set.n);
  for (let i = 0; i < set.n * B; i++) err[i % B] += Math.abs(y[i] - set.t[i]);
  return err.map((e) => e / set.n);
}

export async function trainBoxRegressor(train: BoxSet, val: BoxSet, o: BoxRegressOptions): Promise<BoxRegressResult> {
  const C = o.channels;
  const B = o.boxChannels;
  if (train.n === 0) throw new ApiError('E_BAD_REQUEST', 'no labelled box on the training side');
  const epochs = o.epochs ?? 100;
  const batch = o.batch ?? 64;
  const peak = o.lr ?? 0.01;
  const wd = o.weightDecay ?? 1e-4;
  const rand = seededRandom((o.seed ?? 0) + 7);
  const { mean, std } = stats(train.x, train.n, C);
  const xs = new Float32Array(train.n * C);
  for (let i = 0; i < train.n; i++) for (let j = 0; j < C; j++) xs[i * C + j] = (train.x[i * C + j] - mean[j]) / std[j];
  // Start at the mean target: the sizes' scale is learnt from the first step.
  const b = new Float32Array(B);
  for (let i = 0; i < train.n; i++) for (let k = 0; k < B; k++) b[k] += train.t[i * B + k] / train.n;
  const w = new Float32Array(B * C);
  const params = [w, b].map((value) => ({ value, grad: new Float32Array(value.length), m: new Float32Array(value.length), v: new Float32Array(value.length) }));
  const now = (): HeadWeights => ({ type: 'linear', channels: C, hidden: 0, classes: B, mean, std, w1: w, b1: b, w2: null, b2: null });
  const copy = (h: HeadWeights): HeadWeights => ({ ...h, w1: h.w1.slice(), b1: h.b1.slice() });
  const score = (h: HeadWeights) => boxL1(h, val.n > 0 ? val : train).reduce((a, c) => a + c, 0);
  let best = copy(now());
  let bestL1 = score(best);
  let bestEpoch = 0;
  const order = Int32Array.from({ length: train.n }, (_, i) => i);
  const steps = Math.ceil(train.n / batch);
  let t = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    await new Promise((r) => setImmediate(r));
    if (o.signal?.aborted) throw new ApiError('E_CANCELLED', 'training cancelled');
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let s = 0; s < steps; s++) {
      const rows = order.subarray(s * batch, Math.min(order.length, (s + 1) * batch));
      const n = rows.length;
      const xb = new Float32Array(n * C);
      rows.forEach((r, i) => xb.set(xs.subarray(r * C, r * C + C), i * C));
      const z = dense(xb, n, C, w, b, B, false);
      for (const p of params) p.grad.fill(0);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < B; k++) {
          const d = Math.sign(z[i * B + k] - train.t[rows[i] * B + k]) / n;
          params[1].grad[k] += d;
          for (let j = 0; j < C; j++) params[0].grad[k * C + j] += d * xb[i * C + j];
        }
      }
      t++;
      const lr = 0.5 * peak * (1 + Math.cos((Math.PI * (t - 1)) / (epochs * steps)));
      const c1 = 1 - 0.9 ** t;
      const c2 = 1 - 0.999 ** t;
      params.forEach((p, pi) => {
        for (let i = 0; i < p.value.length; i++) {
          p.m[i] = 0.9 * p.m[i] + 0.1 * p.grad[i];
          p.v[i] = 0.999 * p.v[i] + 0.001 * p.grad[i] * p.grad[i];
          if (pi === 0) p.value[i] -= lr * wd * p.value[i];
          p.value[i] -= (lr * (p.m[i] / c1)) / (Math.sqrt(p.v[i] / c2) + 1e-8);
        }
      });
    }
    const l1 = score(now());
    if (l1 < bestL1) {
      bestL1 = l1;
      best = copy(now());
      bestEpoch = epoch;
    }
  }
  return { weights: best, l1: boxL1(best, val.n > 0 ? val : train), bestEpoch };
}

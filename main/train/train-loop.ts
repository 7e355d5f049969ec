/**
 * Fits a per-location head (head-weights.ts) to labelled features: class-weighted softmax
 * cross-entropy (or class-weighted focal loss), AdamW with a cosine learning-rate schedule, early stopping on the
 * validation macro F1 (the best epoch's weights are kept), and one seed for the
 * initialisation and the batch order, so a run reproduces to the last digit on the same
 * machine. Plain Float32Array loops: a linear or one-hidden-layer head on a few hundred
 * thousand 128-d features is small enough that a tensor library's dispatch would cost more
 * than it saves (README, Benchmarks: head training).
 */
import { ApiError } from '../api.ts';
import { checkpointKey, loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { argmaxRows, dense, headLogits, type HeadType, type HeadWeights } from './head-weights.ts';
import { Confusion, type Metrics } from './metrics.ts';
import { bceLoss, multiLabelMetrics, positiveWeights } from './multi-label.ts';

/** Labelled features: n rows of `channels` values and a class index per row. */
export interface LabelledSet {
  x: Float32Array;
  /** Class index per row (a multi-label row: its most frequent class, for balancing). */
  y: Int32Array;
  n: number;
  /** Multi-label heads: 0 / 1 per row and class (n x classes). */
  targets?: Float32Array;
}

export interface EpochProgress {
  epoch: number;
  epochs: number;
  loss: number;
  /** Validation macro F1 after this epoch. */
  valMacroF1: number;
  best: number;
  elapsedS: number;
  etaS: number;
}

export interface TrainOptions {
  type: HeadType;
  channels: number;
  classes: readonly string[];
  /** mlp hidden units (default 32). */
  hidden?: number;
  epochs?: number;
  batch?: number;
  /** Peak learning rate (default 0.01 linear, 0.003 mlp). */
  lr?: number;
  weightDecay?: number;
  /** Epochs without a better validation macro F1 before stopping (default 20). */
  patience?: number;
  seed?: number;
  /** ce (default): class-weighted cross-entropy; focal: class-weighted focal loss. */
  loss?: LossKind;
  /** The focal loss's gamma (default 2; 0 is cross-entropy). */
  focalGamma?: number;
  onEpoch?: (p: EpochProgress) => void;
  signal?: AbortSignal;
  /** Write a checkpoint here after every epoch; with `resume`, continue from the one there. */
  checkpoint?: { path: string; resume: boolean };
}

export interface TrainResult {
  weights: HeadWeights;
  bestEpoch: number;
  epochsRun: number;
  finalLoss: number;
  val: Metrics;
  train: Metrics;
  classWeights: number[];
  /** The epoch a resumed run continued after (null: from the start). */
  resumedFrom: number | null;
}

/**
 * mulberry32, the generator of seededRandom (tasks/), with its one word of state in the open
 * so that a checkpoint can hold it: the same seed draws the same numbers as before.
 */
class Rng {
  constructor(public state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export function evaluate(h: HeadWeights, set: LabelledSet, classes: readonly string[]): Metrics {
  if (set.targets) return multiLabelMetrics(headLogits(h, set.x, set.n), set.targets, set.n, classes);
  const pred = argmaxRows(headLogits(h, set.x, set.n), set.n, h.classes);
  const cm = new Confusion(classes);
  for (let i = 0; i < set.n; i++) cm.add(set.y[i], pred[i]);
  return cm.metrics();
}

function channelStats(set: LabelledSet, c: number): { mean: Float32Array; std: Float32Array } {
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let i = 0; i < set.n; i++) {
    for (let j = 0; j < c; j++) {
      const v = set.x[i * c + j];
      sum[j] += v;
      sq[j] += v * v;
    }
  }
  const mean = new Float32Array(c);
  const std = new Float32Array(c);
  for (let j = 0; j < c; j++) {
    const m = sum[j] / set.n;
    mean[j] = m;
    // A constant channel keeps std 1 so it cannot divide by zero.
    std[j] = Math.sqrt(Math.max(0, sq[j] / set.n - m * m)) || 1;
  }
  return { mean, std };
}

/** Inverse-frequency class weights, normalised to mean 1 over the classes present. */
function inverseFrequency(y: Int32Array, k: number): Float32Array {
  const count = new Float64Array(k);
  for (const v of y) count[v]++;
  const present = [...count].filter((n) => n > 0).length;
  const w = new Float32Array(k);
  for (let c = 0; c < k; c++) w[c] = count[c] > 0 ? y.length / (present * count[c]) : 0;
  return w;
}

interface Param {
  value: Float32Array;
  grad: Float32Array;
  m: Float32Array;
  v: Float32Array;
  decay: boolean;
}

const param = (value: Float32Array, decay: boolean): Param => ({ value, grad: new Float32Array(value.length), m: new Float32Array(value.length), v: new Float32Array(value.length), decay });

function uniformInit(n: number, fanIn: number, rand: () => number): Float32Array {
  const bound = Math.sqrt(6 / fanIn) / 2;
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = (rand() * 2 - 1) * bound;
  return w;
}

function copyWeights(h: HeadWeights): HeadWeights {
  return { ...h, w1: h.w1.slice(), b1: h.b1.slice(), w2: h.w2?.slice() ?? null, b2: h.b2?.slice() ?? null };
}

export type LossKind = 'ce' | 'focal';

/** Softmax cross-entropy of one batch; writes dLogits in place of the logits, returns the weighted loss sum. */
export function softmaxLoss(z: Float32Array | Float64Array, y: Int32Array, rows: Int32Array, k: number, cw: Float32Array, norm: number): number {
  let loss = 0;
  for (let i = 0; i < rows.length; i++) {
    const o = i * k;
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, z[o + c]);
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(z[o + c] - max);
    const label = y[rows[i]];
    const w = cw[label];
    loss += w * (Math.log(s) + max - z[o + label]);
    for (let c = 0; c < k; c++) z[o + c] = ((Math.exp(z[o + c] - max) / s - (c === label ? 1 : 0)) * w) / norm;
  }
  return loss;
}

/**
 * Focal loss (Lin et al. 2017) of one batch, class-weighted: w_y (1 - p_y)^gamma CE, which
 * leaves the easy, confident cells little say. Its gradient is the cross-entropy's scaled
 * per row by (1 - p)^gamma + gamma (1 - p)^(gamma - 1) p CE; written in the cross-entropy's
 * order of operations so that gamma 0 gives the same bits as softmaxLoss.
 */
export function focalLoss(z: Float32Array | Float64Array, y: Int32Array, rows: Int32Array, k: number, cw: Float32Array, norm: number, gamma: number): number {
  let loss = 0;
  for (let i = 0; i < rows.length; i++) {
    const o = i * k;
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, z[o + c]);
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(z[o + c] - max);
    const label = y[rows[i]];
    const w = cw[label];
    const ce = Math.log(s) + max - z[o + label];
    const p = Math.exp(z[o + label] - max) / s;
    const q = 1 - p;
    const f = q ** gamma;
    // At p = 1 the second term is 0 (CE is), but q^(gamma - 1) may be infinite.
    const g = gamma > 0 && q > 0 ? f + gamma * q ** (gamma - 1) * p * ce : f;
    loss += w * f * ce;
    for (let c = 0; c < k; c++) z[o + c] = ((Math.exp(z[o + c] - max) / s - (c === label ? 1 : 0)) * w * g) / norm;
  }
  return loss;
}

/**
 * grad[out][in] += dy^T x; gb[out] += sum dy. Rows whose dy is 0 (ReLU units that were off,
 * often half of them) are skipped, and the rest taken four at a time: one load and store
 * of the gradient for four products.
 */
function accumulate(dy: Float32Array, x: Float32Array, n: number, inDim: number, outDim: number, gw: Float32Array, gb: Float32Array): void {
  const live = new Int32Array(n);
  for (let o = 0; o < outDim; o++) {
    const wo = o * inDim;
    let m = 0;
    for (let i = 0; i < n; i++) if (dy[i * outDim + o] !== 0) live[m++] = i;
    const m4 = m - (m % 4);
    for (let k = 0; k < m4; k += 4) {
      const i0 = live[k];
      const i1 = live[k + 1];
      const i2 = live[k + 2];
      const i3 = live[k + 3];
      const d0 = dy[i0 * outDim + o];
      const d1 = dy[i1 * outDim + o];
      const d2 = dy[i2 * outDim + o];
      const d3 = dy[i3 * outDim + o];
      gb[o] += d0 + d1 + d2 + d3;
      const x0 = i0 * inDim;
      const x1 = i1 * inDim;
      const x2 = i2 * inDim;
      const x3 = i3 * inDim;
      for (let j = 0; j < inDim; j++) gw[wo + j] += d0 * x[x0 + j] + d1 * x[x1 + j] + d2 * x[x2 + j] + d3 * x[x3 + j];
    }
    for (let k = m4; k < m; k++) {
      const i = live[k];
      const d = dy[i * outDim + o];
      gb[o] += d;
      const xo = i * inDim;
      for (let j = 0; j < inDim; j++) gw[wo + j] += d * x[xo + j];
    }
  }
}

export async function trainHead(trainSet: LabelledSet, valSet: LabelledSet, o: TrainOptions): Promise<TrainResult> {
  const C = o.channels;
  const K = o.classes.length;
  if (trainSet.n === 0) throw new ApiError('E_BAD_REQUEST', 'no labelled training samples');
  const type = o.type;
  const H = type === 'mlp' ? (o.hidden ?? 32) : 0;
  const epochs = o.epochs ?? 100;
  const batch = o.batch ?? 256;
  const peak = o.lr ?? (type === 'mlp' ? 0.003 : 0.01);
  const wd = o.weightDecay ?? 1e-4;
  const patience = o.patience ?? 20;
  const rng = new Rng((o.seed ?? 0) >>> 0);
  const rand = () => rng.next();
  const gamma = o.focalGamma ?? 2;
  if (!(gamma >= 0 && gamma <= 100)) throw new ApiError('E_BAD_REQUEST', `focalGamma: ${gamma}; use a number from 0 to 100`);
  const multi = trainSet.targets ?? null;
  if (multi && o.loss === 'focal') throw new ApiError('E_BAD_REQUEST', 'loss: a multi-label head trains with binary cross-entropy; focal loss is for single-label heads');
  const pw = multi ? positiveWeights(multi, trainSet.n, K) : null;
  const lossOf = (z: Float32Array, rows: Int32Array, norm: number) =>
    multi ? bceLoss(z, multi, rows, K, pw!, rows.length) : o.loss === 'focal' ? focalLoss(z, trainSet.y, rows, K, cw, norm, gamma) : softmaxLoss(z, trainSet.y, rows, K, cw, norm);
  const { mean, std } = channelStats(trainSet, C);
  const xs = new Float32Array(trainSet.n * C);
  for (let i = 0; i < trainSet.n; i++) for (let j = 0; j < C; j++) xs[i * C + j] = (trainSet.x[i * C + j] - mean[j]) / std[j];
  const cw = inverseFrequency(trainSet.y, K);

  const first = type === 'mlp' ? H : K;
  const w1 = param(uniformInit(first * C, C, rand), true);
  const b1 = param(new Float32Array(first), false);
  const w2 = type === 'mlp' ? param(uniformInit(K * H, H, rand), true) : null;
  const b2 = type === 'mlp' ? param(new Float32Array(K), false) : null;
  const params = [w1, b1, w2, b2].filter((p): p is Param => p !== null);
  const weightsNow = (): HeadWeights => ({ type, channels: C, hidden: H, classes: K, mean, std, w1: w1.value, b1: b1.value, w2: w2?.value ?? null, b2: b2?.value ?? null });

  const order = Int32Array.from({ length: trainSet.n }, (_, i) => i);
  const steps = Math.ceil(trainSet.n / batch);
  const total = epochs * steps;
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  let t = 0;
  let best = -1;
  let bestWeights = copyWeights(weightsNow());
  let bestEpoch = 0;
  let finalLoss = Number.NaN;
  let epoch = 0;
  let resumedFrom: number | null = null;
  let key = '';
  if (o.checkpoint) {
    key = checkpointKey({ v: 1, type, C, K, H, epochs, batch, peak, wd, patience, seed: o.seed ?? 0, loss: multi ? 'bce' : (o.loss ?? 'ce'), gamma, classes: o.classes }, [trainSet.x, trainSet.y, valSet.x, valSet.y, ...(multi ? [multi] : [])]);
    if (o.checkpoint.resume) {
      const ck = await loadCheckpoint(o.checkpoint.path, key);
      if (ck === null) throw new ApiError('E_NOT_FOUND', `resume: no checkpoint of this head to resume (${o.checkpoint.path}); train without resume`, o.checkpoint.path);
      if (ck === 'other') throw new ApiError('E_BAD_REQUEST', `resume: the checkpoint ${o.checkpoint.path} is of a run with other options or data; give the same options, or train without resume`, o.checkpoint.path);
      ck.params.forEach((p, i) => {
        params[i].value.set(p.value);
        params[i].m.set(p.m);
        params[i].v.set(p.v);
      });
      order.set(ck.order);
      rng.state = ck.rng;
      t = ck.step;
      epoch = ck.epoch;
      best = ck.best;
      bestEpoch = ck.bestEpoch;
      const [bw1, bb1, bw2, bb2] = ck.bestWeights;
      bestWeights = { ...bestWeights, w1: bw1, b1: bb1, w2: bw2 ?? null, b2: bb2 ?? null };
      finalLoss = ck.finalLoss;
      resumedFrom = epoch;
    }
  }
  const t0 = performance.now();
  const start = epoch;
  // A resumed run that had already stopped early (or run every epoch) trains no further.
  let stopped = epoch >= epochs || (epoch > 0 && epoch - bestEpoch >= patience);
  while (!stopped && epoch < epochs) {
    epoch++;
    // Between epochs the event loop runs, so a cancel (Ctrl-C, the UI) is seen within one epoch.
    await new Promise((r) => setImmediate(r));
    if (o.signal?.aborted) throw new ApiError('E_CANCELLED', 'training cancelled');
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let lossSum = 0;
    let weightSum = 0;
    for (let s = 0; s < steps; s++) {
      const rows = order.subarray(s * batch, Math.min(order.length, (s + 1) * batch));
      const n = rows.length;
      const xb = new Float32Array(n * C);
      let norm = 0;
      for (let i = 0; i < n; i++) {
        const from = rows[i] * C;
        const to = i * C;
        for (let j = 0; j < C; j++) xb[to + j] = xs[from + j];
        norm += multi ? 1 : cw[trainSet.y[rows[i]]];
      }
      for (const p of params) p.grad.fill(0);
      if (type === 'linear') {
        const z = dense(xb, n, C, w1.value, b1.value, K, false);
        lossSum += lossOf(z, rows, norm);
        accumulate(z, xb, n, C, K, w1.grad, b1.grad);
      } else {
        const h = dense(xb, n, C, w1.value, b1.value, H, true);
        const z = dense(h, n, H, w2!.value, b2!.value, K, false);
        lossSum += lossOf(z, rows, norm);
        accumulate(z, h, n, H, K, w2!.grad, b2!.grad);
        const dh = new Float32Array(n * H);
        for (let i = 0; i < n; i++) {
          for (let c = 0; c < K; c++) {
            const d = z[i * K + c];
            if (d === 0) continue;
            for (let u = 0; u < H; u++) dh[i * H + u] += d * w2!.value[c * H + u];
          }
          for (let u = 0; u < H; u++) if (h[i * H + u] <= 0) dh[i * H + u] = 0;
        }
        accumulate(dh, xb, n, C, H, w1.grad, b1.grad);
      }
      weightSum += norm;
      t++;
      const lr = 0.5 * peak * (1 + Math.cos((Math.PI * (t - 1)) / total));
      const c1 = 1 - beta1 ** t;
      const c2 = 1 - beta2 ** t;
      for (const p of params) {
        const { value, grad, m, v } = p;
        for (let i = 0; i < value.length; i++) {
          const g = grad[i];
          m[i] = beta1 * m[i] + (1 - beta1) * g;
          v[i] = beta2 * v[i] + (1 - beta2) * g * g;
          if (p.decay) value[i] -= lr * wd * value[i];
          value[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
        }
      }
    }
    finalLoss = lossSum / weightSum;
    const score = valSet.n > 0 ? evaluate(weightsNow(), valSet, o.classes).macroF1 : -finalLoss;
    if (score > best) {
      best = score;
      bestWeights = copyWeights(weightsNow());
      bestEpoch = epoch;
    }
    if (o.checkpoint) {
      const bw = bestWeights;
      await saveCheckpoint(o.checkpoint.path, {
        key,
        epoch,
        step: t,
        rng: rng.state,
        order,
        params: params.map((p) => ({ value: p.value, m: p.m, v: p.v })),
        best,
        bestEpoch,
        bestWeights: [bw.w1, bw.b1, bw.w2, bw.b2].filter((w): w is Float32Array => w !== null),
        finalLoss,
      });
    }
    const elapsedS = (performance.now() - t0) / 1000;
    o.onEpoch?.({ epoch, epochs, loss: finalLoss, valMacroF1: score, best, elapsedS, etaS: (elapsedS / (epoch - start)) * (epochs - epoch) });
    if (epoch - bestEpoch >= patience) stopped = true;
  }
  return {
    resumedFrom,
    weights: bestWeights,
    bestEpoch,
    epochsRun: epoch,
    finalLoss,
    val: evaluate(bestWeights, valSet, o.classes),
    train: evaluate(bestWeights, trainSet, o.classes),
    classWeights: [...cw],
  };
}

/**
 * Multi-label heads (a scene may be several classes at once, as BigEarthNet's): a sigmoid per
 * class, trained with binary cross-entropy weighted per class by its negatives over its
 * positives (rare classes are not drowned by absences), and scored per class at the head's
 * threshold. The metrics keep the single-label shape: per-class precision / recall / F1 / IoU
 * (support = positives), their means, overall accuracy and kappa over every (cell, class)
 * decision, and per class one confusion row [tn, fp, fn, tp].
 */
import type { ClassMetrics, Metrics } from './metrics.ts';

/** Per class: negatives / positives among the targets (n x k), 1 where a class has none. */
export function positiveWeights(targets: Float32Array, n: number, k: number): Float32Array {
  const pos = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) pos[c] += targets[i * k + c];
  return Float32Array.from(pos, (p) => (p > 0 && p < n ? (n - p) / p : 1));
}

const softplus = (v: number) => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)));

/**
 * Weighted binary cross-entropy of one batch (logits z, rows x k); writes dLoss/dz in place of
 * the logits and returns the loss sum, both divided by `norm` rows.
 */
export function bceLoss(z: Float32Array | Float64Array, targets: Float32Array, rows: Int32Array, k: number, pw: Float32Array, norm: number): number {
  let loss = 0;
  for (let i = 0; i < rows.length; i++) {
    for (let c = 0; c < k; c++) {
      const v = z[i * k + c];
      const t = targets[rows[i] * k + c];
      const p = 1 / (1 + Math.exp(-v));
      loss += pw[c] * t * softplus(-v) + (1 - t) * softplus(v);
      z[i * k + c] = (pw[c] * t * (p - 1) + (1 - t) * p) / norm;
    }
  }
  return loss;
}

/** The metrics of sigmoid scores (logits, n x k) against 0/1 targets at `threshold`. */
export function multiLabelMetrics(logits: Float32Array, targets: Float32Array, n: number, classes: readonly string[], threshold = 0.5): Metrics {
  const k = classes.length;
  const cut = Math.log(threshold / (1 - threshold));
  const rows = classes.map(() => [0, 0, 0, 0]);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      const yes = logits[i * k + c] >= cut;
      const t = targets[i * k + c] > 0.5;
      rows[c][(t ? 2 : 0) + (yes ? 1 : 0)]++;
    }
  }
  const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
  const perClass: Record<string, ClassMetrics> = {};
  const f1s: number[] = [];
  const ious: number[] = [];
  let correct = 0;
  let predYes = 0;
  let trueYes = 0;
  classes.forEach((name, c) => {
    const [tn, fp, fn, tp] = rows[c];
    correct += tn + tp;
    predYes += fp + tp;
    trueYes += fn + tp;
    perClass[name] = { precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn), iou: ratio(tp, tp + fp + fn), support: tp + fn };
    if (tp + fp + fn > 0) {
      f1s.push(perClass[name].f1);
      ious.push(perClass[name].iou);
    }
  });
  const total = n * k;
  const po = ratio(correct, total);
  const pe = ratio(predYes * trueYes + (total - predYes) * (total - trueYes), total * total);
  const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);
  return { overallAccuracy: po, macroF1: mean(f1s), meanIoU: mean(ious), kappa: pe < 1 ? (po - pe) / (1 - pe) : 0, perClass, confusion: rows };
}

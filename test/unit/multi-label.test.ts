/**
 * Multi-label heads (main/train/multi-label.ts): the weighted binary cross-entropy's gradient
 * against central finite differences of the loss, the positive weights, and the metrics of
 * sigmoid scores counted by hand on a small case (per-class rows [tn, fp, fn, tp], F1, kappa).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bceLoss, multiLabelMetrics, positiveWeights } from '../../main/train/multi-label.ts';
import { assertGradient } from '../helpers/finite-difference.ts';

const K = 3;
const LOGITS = [2.5, -1, 0.3, -2, 3, 0.5, 0.1, 0.2, -0.1, 12, -8, 0.4];
const TARGETS = Float32Array.from([1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0]);
const ROWS = Int32Array.from([0, 1, 2, 3]);

test('positive weights: negatives over positives per class, 1 where a class is never or always present', () => {
  assert.deepEqual([...positiveWeights(TARGETS, 4, K)], [Math.fround(1 / 3), 1, 3]);
  assert.deepEqual([...positiveWeights(Float32Array.from([1, 0, 1, 0]), 2, 2)], [1, 1]);
});

test('binary cross-entropy: the gradient matches finite differences', () => {
  const pw = Float32Array.from([0.5, 2, 1.5]);
  const loss = (z: number[]) => bceLoss(Float64Array.from(z), TARGETS, ROWS, K, pw, 4) / 4;
  const grad = Float64Array.from(LOGITS);
  bceLoss(grad, TARGETS, ROWS, K, pw, 4);
  assertGradient(loss, grad, LOGITS);
});

test('metrics at the threshold, counted by hand', () => {
  // Predictions at 0.5 (logit >= 0): rows [1,0,1], [0,1,1], [1,1,0], [1,0,1]; targets [1,0,0], [0,1,1], [1,1,0], [1,0,0].
  const m = multiLabelMetrics(Float32Array.from(LOGITS), TARGETS, 4, ['a', 'b', 'c']);
  assert.deepEqual(m.confusion, [
    [1, 0, 0, 3],
    [2, 0, 0, 2],
    [1, 2, 0, 1],
  ]);
  assert.equal(m.perClass.a.f1, 1);
  assert.equal(m.perClass.c.precision, 1 / 3);
  assert.equal(m.perClass.c.f1, 0.5);
  assert.equal(m.perClass.c.support, 1);
  assert.equal(m.overallAccuracy, 10 / 12);
  assert.equal(m.macroF1, (1 + 1 + 0.5) / 3);
  // Pooled decisions: 8 predicted yes, 6 true yes of 12: pe = (8*6 + 4*6) / 144 = 0.5.
  assert.ok(Math.abs(m.kappa - (10 / 12 - 0.5) / 0.5) < 1e-12);
});

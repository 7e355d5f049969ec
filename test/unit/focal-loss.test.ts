/**
 * The training losses of main/train/train-loop.ts: the focal loss's gradient against central
 * finite differences of the loss itself, at logits from confident to undecided, with class
 * weights, for several gammas; and gamma 0 giving the cross-entropy's loss and gradient bit for
 * bit (the default loss is not a second code path that could drift from it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { focalLoss, softmaxLoss } from '../../main/train/train-loop.ts';
import { assertGradient } from '../helpers/finite-difference.ts';

// Three classes, five rows: confident right, confident wrong, undecided, near-tie, extreme.
const LOGITS = [2.5, -1, 0.3, -2, 3, 0.5, 0.1, 0.2, -0.1, 1.0, 1.0001, -3, 12, -8, 0.4];
const Y = Int32Array.from([0, 0, 2, 1, 0]);
const ROWS = Int32Array.from([0, 1, 2, 3, 4]);
const CW = Float32Array.from([0.7, 1.9, 1.2]);
const NORM = [...Y].reduce((a, v) => a + CW[v], 0);
const K = 3;

const loss = (z: number[], gamma: number) => focalLoss(Float64Array.from(z), Y, ROWS, K, CW, NORM, gamma) / NORM;

for (const gamma of [0.5, 1, 2, 3.5]) {
  test(`focal loss, gamma ${gamma}: the gradient matches finite differences`, () => {
    const grad = Float64Array.from(LOGITS);
    focalLoss(grad, Y, ROWS, K, CW, NORM, gamma);
    assertGradient((z) => loss(z, gamma), grad, LOGITS);
  });
}

test('focal loss with gamma 0 is the cross-entropy, bit for bit', () => {
  const a = Float32Array.from(LOGITS);
  const b = Float32Array.from(LOGITS);
  const la = focalLoss(a, Y, ROWS, K, CW, NORM, 0);
  const lb = softmaxLoss(b, Y, ROWS, K, CW, NORM);
  assert.equal(la, lb);
  assert.deepEqual(a, b);
});

test('gamma 2 weighs a confident right row (p 0.88) at (1 - p)^2 of the cross-entropy, a wrong one about as much', () => {
  const row = (i: number, gamma: number) => {
    const z = Float64Array.from(LOGITS.slice(i * K, i * K + K));
    return focalLoss(z, Y, Int32Array.from([i]), K, CW, 1, gamma);
  };
  assert.ok(row(0, 2) < 0.02 * row(0, 0), `confident right: ${row(0, 2)} against ${row(0, 0)}`);
  assert.ok(row(1, 2) > 0.9 * row(1, 0), `confident wrong: ${row(1, 2)} against ${row(1, 0)}`);
});

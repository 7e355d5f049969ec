/** Gradient checks for the training losses: an analytic gradient against central finite differences of the loss. */
import assert from 'node:assert/strict';

export function assertGradient(loss: (z: number[]) => number, grad: ArrayLike<number>, at: number[], h = 1e-6): void {
  for (let i = 0; i < at.length; i++) {
    const up = at.slice();
    const down = at.slice();
    up[i] += h;
    down[i] -= h;
    const fd = (loss(up) - loss(down)) / (2 * h);
    assert.ok(Math.abs(fd - grad[i]) < 1e-7 + 1e-5 * Math.abs(fd), `logit ${i}: analytic ${grad[i]}, finite difference ${fd}`);
  }
}

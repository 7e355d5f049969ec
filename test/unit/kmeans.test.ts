/**
 * k-means (main/tasks/cluster/kmeans.ts) on sets small enough to check by hand, and the fixed
 * point Lloyd's algorithm promises on a larger random set: every label is the nearest
 * centre and every centre is the mean of its points.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kmeans, nearestCentre, seededRandom } from '../../main/tasks/cluster/kmeans.ts';

test('two groups on a line: centres 1 and 11, inertia 4', () => {
  const r = kmeans(Float64Array.from([0, 1, 2, 10, 11, 12]), 1, { k: 2, seed: 7 });
  const centres = Array.from(r.centres).sort((a, b) => a - b);
  assert.deepEqual(centres, [1, 11]);
  assert.equal(r.inertia, 4);
  assert.ok(r.converged);
  assert.deepEqual(r.sizes, [3, 3]);
  const low = r.labels[0];
  assert.deepEqual(Array.from(r.labels), [low, low, low, 1 - low, 1 - low, 1 - low]);
});

test('four corners of a square in 2-D, whatever the seed', () => {
  const pts: number[] = [];
  for (const [cx, cy] of [[0, 0], [10, 0], [0, 10], [10, 10]]) for (const [dx, dy] of [[-1, 0], [1, 0], [0, -1], [0, 1]]) pts.push(cx + dx, cy + dy);
  for (const seed of [1, 2, 3, 4, 5]) {
    const r = kmeans(Float32Array.from(pts), 2, { k: 4, seed });
    const cs = Array.from({ length: 4 }, (_, c) => `${r.centres[2 * c]},${r.centres[2 * c + 1]}`).sort();
    assert.deepEqual(cs, ['0,0', '0,10', '10,0', '10,10'], `seed ${seed}`);
    // Each point is 1 from its corner: 16 points x 1^2.
    assert.equal(r.inertia, 16);
    assert.deepEqual(r.sizes, [4, 4, 4, 4]);
  }
});

test('a random set ends at Lloyd\'s fixed point, and the same seed gives the same result', () => {
  const rand = seededRandom(42);
  const n = 600;
  const d = 5;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = (i % 3) * 2 + rand() * 3;
  const k = 5;
  const r = kmeans(x, d, { k, seed: 9 });
  assert.ok(r.converged);
  assert.ok(r.iterations >= 2);
  let inertia = 0;
  const sums = new Float64Array(k * d);
  const counts = new Array<number>(k).fill(0);
  for (let p = 0; p < n; p++) {
    const nearest = nearestCentre(x, p * d, r.centres, k, d);
    assert.equal(r.labels[p], nearest, `point ${p}`);
    counts[nearest]++;
    for (let j = 0; j < d; j++) {
      sums[nearest * d + j] += x[p * d + j];
      inertia += (x[p * d + j] - r.centres[nearest * d + j]) ** 2;
    }
  }
  assert.deepEqual(r.sizes, counts);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) assert.ok(Math.abs(sums[c * d + j] / counts[c] - r.centres[c * d + j]) < 1e-9);
  assert.ok(Math.abs(inertia - r.inertia) < 1e-6 * inertia);
  const again = kmeans(x, d, { k, seed: 9 });
  assert.deepEqual(Array.from(again.centres), Array.from(r.centres));
  assert.equal(again.iterations, r.iterations);
});

test('k larger than the points, or than the distinct points, is refused by name', () => {
  assert.throws(() => kmeans(Float64Array.from([1, 2, 3]), 1, { k: 4 }), /k = 4 is more than the 3 sampled pixels/);
  assert.throws(() => kmeans(Float64Array.from([1, 1, 2, 2, 2]), 1, { k: 3 }), /only 2 distinct feature vectors; choose k <= 2/);
});

test('maxIterations stops early and still returns nearest-centre labels', () => {
  const rand = seededRandom(5);
  const x = Float64Array.from({ length: 2000 }, () => rand());
  const r = kmeans(x, 2, { k: 8, seed: 1, maxIterations: 2 });
  assert.equal(r.iterations, 2);
  assert.equal(r.converged, false);
  for (let p = 0; p < 1000; p++) assert.equal(r.labels[p], nearestCentre(x, p * 2, r.centres, 8, 2));
});

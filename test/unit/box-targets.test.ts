/**
 * Detect-head targets: a box encoded at its centre cell (offsets in cells, log sizes, angle)
 * decodes back to the same box through decodeTargets and through the engine's own
 * decodeCells (main/heads/detect-decode.ts) fed the decoded channels as a head's "boxes"
 * output; and the rectangle of a DOTA-style quadrilateral or a turned polygon (box-fit.ts)
 * is the rectangle its corners say, canonical (w >= h, angle in [-pi/2, pi/2)).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCells } from '../../main/heads/index.ts';
import { boxCorners } from '../../main/vector/index.ts';
import { canonicalBox, minAreaBox, ringBox } from '../../main/train/box-fit.ts';
import { boxTargets, decodeTargets, encodeBox } from '../../main/train/box-targets.ts';
import type { GroundBox } from '../../main/train/box-labels.ts';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('encodeBox / decodeTargets round trip, axis-aligned and oriented', () => {
  const stride = 4;
  for (const b of [
    { cx: 10.3, cy: 7.9, w: 23, h: 9.5, angle: 0 },
    { cx: 101.99, cy: 0.01, w: 3, h: 60, angle: -1.2 },
  ]) {
    const col = Math.floor(b.cx / stride);
    const row = Math.floor(b.cy / stride);
    for (const B of [4, 5]) {
      const t = encodeBox(b, col, row, stride, B);
      // Offsets stay within half a cell: the centre lies in its cell.
      assert.ok(Math.abs(t[0]) <= 0.5 && Math.abs(t[1]) <= 0.5);
      const [dx, dy, w, h, angle] = decodeTargets(t, stride, B);
      close((col + 0.5) * stride + dx, b.cx);
      close((row + 0.5) * stride + dy, b.cy);
      close(w, b.w);
      close(h, b.h);
      if (B === 5) close(angle, b.angle);
      else assert.equal(angle, undefined);
    }
  }
});

test('boxTargets -> head planes -> decodeCells gives the labelled boxes back', () => {
  const stride = 8;
  const [W, H] = [6, 5];
  const boxes: GroundBox[] = [
    { cx: 12.5, cy: 30, w: 20, h: 8, angle: 0.3, score: 1, cls: 1, difficult: false },
    { cx: 44, cy: 3, w: 6, h: 14, angle: -0.7, score: 1, cls: 2, difficult: false },
  ];
  const t = boxTargets(boxes, W, H, stride, 3, true);
  assert.deepEqual(t.counts, [W * H - 2, 1, 1]);
  const plane = W * H;
  const scores = new Float32Array(3 * plane);
  const planes = new Float32Array(5 * plane);
  for (let c = 0; c < plane; c++) {
    scores[t.labels[c] * plane + c] = 10;
    decodeTargets(t.targets.subarray(c * 5, c * 5 + 5), stride, 5).forEach((v, k) => (planes[k * plane + c] = v));
  }
  const classes = ['background', 'small', 'large'].map((name, value) => ({ name, value }));
  const got = decodeCells(scores, planes, H, W, { activation: 'softmax', classes, channels: 3, boxChannels: 5, stride, threshold: 0.5 }).sort((a, b) => a.cls - b.cls);
  assert.equal(got.length, 2);
  got.forEach((g, i) => {
    for (const k of ['cx', 'cy', 'w', 'h', 'angle'] as const) close(g[k], boxes[i][k], 1e-4);
    assert.equal(g.cls, boxes[i].cls);
  });
});

test('box-fit: a quadrilateral and a turned polygon give their rectangle, canonical', () => {
  const b = { cx: 50, cy: 40, w: 30, h: 12, angle: 0.4 };
  const corners = boxCorners(b);
  const q = ringBox(corners, true);
  for (const k of ['cx', 'cy', 'w', 'h', 'angle'] as const) close(q[k], b[k], 1e-9);
  // Starting the ring on another corner turns the w side by a quarter: the same rectangle.
  const r = ringBox([...corners.slice(1), corners[0]], true);
  for (const k of ['cx', 'cy', 'w', 'h', 'angle'] as const) close(r[k], b[k], 1e-9);
  // Extra vertices on the edges: the minimum-area rectangle is still the box.
  const mid = (p: number[], q2: number[]) => [(p[0] + q2[0]) / 2, (p[1] + q2[1]) / 2] as [number, number];
  const many = [corners[0], mid(corners[0], corners[1]), corners[1], corners[2], mid(corners[2], corners[3]), corners[3], corners[0]];
  const m = minAreaBox(many);
  for (const k of ['cx', 'cy', 'w', 'h', 'angle'] as const) close(m[k], b[k], 1e-9);
  const e = ringBox(corners, false);
  assert.equal(e.angle, 0);
  close(e.w, 30 * Math.cos(0.4) + 12 * Math.sin(0.4));
  const c = canonicalBox({ cx: 0, cy: 0, w: 5, h: 9, angle: 2 });
  close(c.w, 9);
  close(c.angle, 2 + Math.PI / 2 - Math.PI);
});

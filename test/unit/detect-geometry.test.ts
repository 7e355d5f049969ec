/**
 * Box geometry, IoU and NMS: hand-checkable cases, then rotated IoU of random box pairs
 * against GDAL/OGR's own polygon Intersection/Union areas (python3-gdal) as the oracle, and
 * the streaming tile merger against one global NMS over the same boxes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { axisIoU, classWiseNms, rotatedIoU, TileMerger } from '../../main/tasks/detect/index.ts';
import type { Box } from '../../main/heads/index.ts';
import { boxCorners } from '../../main/vector/index.ts';
import { planTiles } from '../../main/tiler/index.ts';
import { seededRandom } from '../../main/tasks/cluster/kmeans.ts';

const box = (cx: number, cy: number, w: number, h: number, angle = 0, score = 0.5, cls = 0): Box => ({ cx, cy, w, h, angle, score, cls });

test('hand-checked IoU: half overlap, nesting, a square and its 45 degree turn (1/sqrt 2), 90 degree turn of a rectangle', () => {
  assert.equal(axisIoU(box(0, 0, 2, 2), box(1, 0, 2, 2)), 2 / 6);
  assert.equal(axisIoU(box(0, 0, 4, 4), box(0, 0, 2, 2)), 4 / 16);
  assert.equal(axisIoU(box(0, 0, 2, 2), box(3, 0, 2, 2)), 0);
  // Square side 1 and the same square turned 45 degrees: the overlap is a regular octagon of area 2 (sqrt 2 - 1).
  const oct = 2 * (Math.SQRT2 - 1);
  assert.ok(Math.abs(rotatedIoU(box(5, 5, 1, 1), box(5, 5, 1, 1, Math.PI / 4)) - oct / (2 - oct)) < 1e-12, 'octagon IoU');
  assert.ok(Math.abs(rotatedIoU(box(0, 0, 4, 2, Math.PI / 2), box(0, 0, 2, 4)) - 1) < 1e-12, 'a 4 x 2 box turned 90 degrees is a 2 x 4 box');
  assert.ok(Math.abs(rotatedIoU(box(0, 0, 3, 1, 0.3), box(0, 0, 3, 1, 0.3 + Math.PI)) - 1) < 1e-12, 'a half turn gives the same box');
});

test('angle direction: +45 degrees is counter-clockwise on screen (y down): the long axis points up-right', () => {
  const long = box(0, 0, 10, 0.5, Math.PI / 4);
  const corners = boxCorners(long);
  // The end at +w/2 along the box's own x axis lies up (smaller y) and right.
  const far = corners.reduce((a, c) => (c[0] > a[0] ? c : a));
  assert.ok(far[0] > 3 && far[1] < -3, `far corner ${far}`);
  assert.ok(rotatedIoU(long, box(2, -2, 1, 1)) > 0, 'the turned box reaches up-right');
  assert.equal(rotatedIoU(long, box(2, 2, 1, 1)), 0);
});

test('rotated IoU of 300 random pairs equals OGR Intersection/Union areas (python3-gdal)', () => {
  const r = seededRandom(7);
  const pairs: [Box, Box][] = [];
  for (let i = 0; i < 300; i++) {
    const a = box(r() * 20, r() * 20, 1 + r() * 10, 1 + r() * 10, (r() - 0.5) * 4);
    const b = box(a.cx + (r() - 0.5) * 10, a.cy + (r() - 0.5) * 10, 1 + r() * 10, 1 + r() * 10, i % 5 === 0 ? 0 : (r() - 0.5) * 4);
    if (i % 7 === 0) b.angle = a.angle = 0;
    pairs.push([a, b]);
  }
  // The oracle builds each rectangle from the definition (centre, size, counter-clockwise angle on a y-down image).
  const py = `
import sys, json, math
from osgeo import ogr
def poly(b):
    c, s = math.cos(b['angle']), math.sin(b['angle'])
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)):
        u, v = dx * b['w'] / 2, dy * b['h'] / 2
        ring.AddPoint_2D(b['cx'] + u * c + v * s, b['cy'] - u * s + v * c)
    p = ogr.Geometry(ogr.wkbPolygon); p.AddGeometry(ring); return p
out = []
for a, b in json.load(sys.stdin):
    pa, pb = poly(a), poly(b)
    out.append(pa.Intersection(pb).GetArea() / pa.Union(pb).GetArea())
print(json.dumps(out))`;
  const want = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify(pairs), encoding: 'utf8' })) as number[];
  let worst = 0;
  let overlapping = 0;
  pairs.forEach(([a, b], i) => {
    worst = Math.max(worst, Math.abs(rotatedIoU(a, b) - want[i]));
    if (want[i] > 0.05) overlapping++;
  });
  assert.ok(worst < 1e-9, `largest difference ${worst}`);
  assert.ok(overlapping > 50, `enough overlapping pairs (${overlapping})`);
});

test('class-wise NMS: best first, same class suppressed at the threshold, other classes never, chains greedy', () => {
  const boxes = [
    box(0, 0, 10, 10, 0, 0.9, 0), // kept
    box(2, 0, 10, 10, 0, 0.8, 0), // IoU 80/120 = 0.667 with #0: suppressed
    box(2, 0, 10, 10, 0, 0.7, 1), // same place, class 1: kept
    box(20, 0, 10, 10, 0, 0.6, 0), // far: kept
    box(25, 0, 10, 10, 0, 0.95, 0), // IoU 50/150 = 0.333 with #3: both kept at 0.5
  ];
  assert.deepEqual(classWiseNms(boxes, 0.5), [4, 0, 2, 3]);
  assert.deepEqual(classWiseNms(boxes, 0.3), [4, 0, 2]);
  // A chain: a ~ b and b ~ c but not a ~ c: greedy keeps a, drops b, keeps c.
  const chain = [box(0, 0, 10, 10, 0, 0.9), box(4, 0, 10, 10, 0, 0.8), box(8, 0, 10, 10, 0, 0.7)];
  assert.deepEqual(classWiseNms(chain, 0.4), [0, 2]);
  // Equal scores: the earlier box wins.
  assert.deepEqual(classWiseNms([box(0, 0, 4, 4, 0, 0.5), box(0, 0, 4, 4, 0, 0.5)], 0.5), [0]);
  // Oriented: a square and its 45 degree turn (IoU 0.707) suppress at 0.7, not at 0.75.
  const rot = [box(0, 0, 4, 4, 0, 0.9), box(0, 0, 4, 4, Math.PI / 4, 0.8)];
  assert.deepEqual(classWiseNms(rot, 0.7), [0]);
  assert.deepEqual(classWiseNms(rot, 0.75), [0, 1]);
});

test('tile merge: a box cut at an interior edge is dropped when the neighbour sees it whole; the raster edge cuts nothing', () => {
  const plan = planTiles({ width: 200, height: 100, tileWidth: 120, tileHeight: 100, overlapX: 40, overlapY: 0, stride: 1 });
  assert.deepEqual(plan.xs, [0, 80]);
  const m = new TileMerger(plan, { iouThreshold: 0.5 });
  m.addTile(0, 0, [
    box(110, 20, 20, 20, 0, 0.9), // [100, 120]: cut by tile 0's right edge; tile 1 holds [100, 120] whole
    box(85, 60, 30, 20, 0, 0.8), // [70, 100]: whole in tile 0
    box(5, 50, 10, 10, 0, 0.7), // touches the raster's left edge: not a tile cut
  ]);
  m.addTile(1, 0, [
    box(115, 20, 30, 20, 0, 0.85), // [100, 130]: the whole object
    box(90, 60, 20, 20, 0, 0.75), // [80, 100]: cut by tile 1's left edge; tile 0 saw [80, 100] whole
    box(195, 50, 10, 10, 0, 0.6), // raster's right edge
    box(60, 50, 10, 10, 0, 0.99), // centre outside tile 1 (x < 80)
  ]);
  const out = m.flush();
  assert.deepEqual(
    out.map((b) => [b.cx, b.cy, b.w]),
    [[115, 20, 30], [85, 60, 30], [5, 50, 10], [195, 50, 10]],
  );
  assert.deepEqual(m.stats, { received: 7, droppedCentreOutside: 1, droppedCutAtEdge: 2, droppedNms: 0, kept: 4, droppedOtherShard: 0 });
});

test('tile merge streams by tile rows and keeps exactly what one global NMS keeps', () => {
  const plan = planTiles({ width: 400, height: 2000, tileWidth: 100, tileHeight: 100, overlapX: 20, overlapY: 20, stride: 1 });
  const r = seededRandom(3);
  const all: Box[] = [];
  const m = new TileMerger(plan, { iouThreshold: 0.45, edgeTolerance: 0 });
  const kept: Box[] = [];
  let maxPending = 0;
  for (let row = 0; row < plan.ys.length; row++) {
    for (let col = 0; col < plan.xs.length; col++) {
      const boxes: Box[] = [];
      for (let k = 0; k < 12; k++) {
        // Boxes well inside the tile (no edge effects), so the result must equal global NMS.
        const w = 4 + r() * 14;
        const h = 4 + r() * 14;
        const b = box(plan.xs[col] + 10 + r() * 80, plan.ys[row] + 10 + r() * 80, Math.min(w, 18), Math.min(h, 18), r() < 0.3 ? r() : 0, r(), r() < 0.5 ? 0 : 1);
        boxes.push(b);
        all.push(b);
      }
      m.addTile(col, row, boxes);
      maxPending = Math.max(maxPending, m.pendingCount);
    }
    kept.push(...m.finishRow(row));
  }
  kept.push(...m.flush());
  const want = classWiseNms(all, 0.45).map((i) => all[i]);
  const key = (b: Box) => `${b.cx},${b.cy},${b.cls}`;
  assert.deepEqual(new Set(kept.map(key)), new Set(want.map(key)));
  assert.equal(kept.length, want.length);
  assert.ok(want.length < all.length, 'NMS removed some boxes');
  // Pending boxes stay within about three tile rows (4 tiles x 12 boxes a row), not the 24 rows' worth.
  assert.ok(maxPending <= 3 * 4 * 12, `at most ${maxPending} boxes pending`);
});

test('tile merge: in a tile larger than the raster, a box centred in the mirror padding is dropped', () => {
  const plan = planTiles({ width: 50, height: 40, tileWidth: 64, tileHeight: 64, overlapX: 0, overlapY: 0, stride: 1 });
  const m = new TileMerger(plan, { iouThreshold: 0.5 });
  m.addTile(0, 0, [box(45, 10, 8, 8, 0, 0.9), box(55, 10, 8, 8, 0, 0.9), box(10, 45, 8, 8, 0, 0.9)]);
  assert.deepEqual(m.flush().map((b) => [b.cx, b.cy]), [[45, 10]]);
  assert.equal(m.stats.droppedCentreOutside, 2);
});

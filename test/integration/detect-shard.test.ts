/**
 * Detect in shards: the same raster detected whole and as 3 shards (--shard I/3), the
 * shard GeoPackages merged with GDAL's ogrmerge.py -single (as docs/cluster.md says), must
 * hold exactly the whole run's boxes: same count, and per box the same class, score and
 * polygon (to 1e-9), all as GDAL/OGR reads them. Run on the Deepness YOLO model the
 * deepness tests make (boxes from many overlapping tiles, merged by NMS across tile rows,
 * with tiles small enough for 5 tile rows), and on a SkySense detect head fitted here as in
 * detect-head.test.ts (12 px boxes on 4 px cells: long NMS chains that cross every shard
 * boundary, so a shard that saw too little of its neighbours gives other boxes).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDeepness, type DeepnessReport } from '../../main/tasks/deepness/index.ts';
import { runDetect, type DetectReport } from '../../main/tasks/detect/index.ts';
import { REPO_ROOT } from '../helpers/gdal.ts';
import { fitRedPaintHead, FOTOMAP, makeOnnx, ogrRead, redPaint, redPaintCells, YOLO_META, type OgrFeature } from '../helpers/deepness.ts';

let tmp = '';
let model = '';

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-detect-shard-'));
  model = join(tmp, 'yolo-128.onnx');
  makeOnnx({ op: 'yolo', dst: model, format: 'v5', tile: 128, cell: 16, metadata: YOLO_META }, tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A box as a sortable key: class, score, ring; and the key's numbers for the 1e-9 comparison. */
function sameBoxes(label: string, wholeFeatures: OgrFeature[], merged: string): void {
  const got = ogrRead(merged).features;
  assert.equal(got.length, wholeFeatures.length, `${label}: merged shards hold as many boxes as one run`);
  const wa = boxes(wholeFeatures);
  const wb = boxes(got);
  for (let i = 0; i < wa.length; i++) {
    assert.equal(wb[i].cls, wa[i].cls, `${label}: box ${i} class`);
    assert.ok(Math.abs(wb[i].score - wa[i].score) <= 1e-9, `${label}: box ${i} score ${wb[i].score} vs ${wa[i].score}`);
    assert.equal(wb[i].ring.length, wa[i].ring.length);
    for (let k = 0; k < wa[i].ring.length; k++) assert.ok(Math.abs(wb[i].ring[k] - wa[i].ring[k]) <= 1e-9, `${label}: box ${i} coordinate ${k}: ${wb[i].ring[k]} vs ${wa[i].ring[k]}`);
  }
}

/** The merge docs/cluster.md gives: ogrmerge.py -single. */
function ogrmerge(out: string, shards: string[], layer: string): void {
  const m = spawnSync('ogrmerge.py', ['-single', '-nln', layer, '-o', out, ...shards], { encoding: 'utf8' });
  assert.equal(m.status, 0, m.stderr);
}

function boxes(features: OgrFeature[]): { cls: number; score: number; ring: number[] }[] {
  return features
    .map((f) => ({ cls: f.properties.class_id as number, score: f.properties.score as number, ring: f.ring.flat() }))
    .sort((a, b) => a.cls - b.cls || a.ring[0] - b.ring[0] || a.ring[1] - b.ring[1] || b.score - a.score);
}

test('Deepness detector: 3 and 5 shards merged with ogrmerge.py give exactly the boxes of one run', async () => {
  const whole = join(tmp, 'whole.gpkg');
  const wr = await runDeepness({ model, input: FOTOMAP, out: whole, providers: 'cpu' });
  assert.equal(wr.processing.tile, 128);
  const a = ogrRead(whole);
  assert.ok(a.features.length > 50, `${a.features.length} boxes in the whole run`);
  for (const n of [3, 5]) await shardsMatch(n, wr, a);
});

async function shardsMatch(n: number, wr: DeepnessReport, a: ReturnType<typeof ogrRead>): Promise<void> {
  const reports: DeepnessReport[] = [];
  const shards: string[] = [];
  for (let i = 1; i <= n; i++) {
    const out = join(tmp, `shard-${i}-of-${n}.gpkg`);
    reports.push(await runDeepness({ model, input: FOTOMAP, out, providers: 'cpu', shard: `${i}/${n}` }));
    shards.push(out);
  }
  // The shards own disjoint, contiguous pixel rows covering the processing grid.
  const rows = reports.map((r) => r.shard!.rows);
  assert.equal(rows[0][0], 0);
  for (let i = 1; i < n; i++) assert.equal(rows[i][0], rows[i - 1][1]);
  assert.equal(rows[n - 1][1], wr.processing.grid.height);
  // Each shard runs tile rows of its neighbours too, and none runs them all.
  assert.ok(reports.every((r) => r.tiles.total < wr.tiles.total), `shard tiles ${reports.map((r) => r.tiles.total)} of ${wr.tiles.total}`);
  // 5 tile rows in blocks [0,1) [1,3) [3,5) (or one each): shard 2 reaches into both neighbours.
  assert.ok(reports[1].shard!.tileRows[0] < 1 && reports[1].shard!.tileRows[1] > (n === 3 ? 3 : 2), `shard 2 ran tile rows ${reports[1].shard!.tileRows}`);
  assert.ok(reports.every((r) => (r.outputs[0].features ?? 0) > 0), `boxes per shard: ${reports.map((r) => r.outputs[0].features)}`);
  assert.ok(reports.some((r) => r.detections!.droppedOtherShard > 0), 'shards decided boxes that belong to their neighbours');

  const merged = join(tmp, `all-${n}.gpkg`);
  ogrmerge(merged, shards, 'detections');
  assert.equal(ogrRead(merged).epsg, a.epsg);
  assert.equal(reports.reduce((s, r) => s + (r.outputs[0].features ?? 0), 0), wr.outputs[0].features);
  sameBoxes(`${n} shards`, a.features, merged);
}

test('shard is refused with a specific error before any tile: bad form, more shards than tile rows', async () => {
  await assert.rejects(runDeepness({ model, input: FOTOMAP, out: join(tmp, 'x.gpkg'), providers: 'cpu', shard: '4' }), /not of the form I\/N/);
  await assert.rejects(runDeepness({ model, input: FOTOMAP, out: join(tmp, 'x.gpkg'), providers: 'cpu', shard: '1/50' }), /only 5 rows of tiles; use at most 5 shards/);
});

test('SkySense detect head: 3 and 4 shards merged with ogrmerge.py give exactly the boxes of one run', async () => {
  const model = join(REPO_ROOT, 'models/skysense-tiny');
  const paint = redPaint();
  const headDir = join(tmp, 'red-paint');
  fitRedPaintHead(await redPaintCells(model, paint, tmp), headDir, tmp);
  const opts = { head: headDir, model, inputs: [FOTOMAP], providers: 'cpu', gsd: 'native' as const, tile: 288, overlap: 64 };
  const whole = join(tmp, 'head-whole.gpkg');
  const wr = await runDetect({ ...opts, out: whole });
  const a = ogrRead(whole);
  assert.ok(a.features.length > 50 && wr.detections.droppedNms > 50, `${a.features.length} boxes, ${wr.detections.droppedNms} dropped by NMS in the whole run`);
  // 3 shards: blocks of 1, 1 and 2 tile rows; 4: one each (boundaries through the paint).
  for (const n of [3, 4]) {
    const reports: DetectReport[] = [];
    const shards: string[] = [];
    for (let i = 1; i <= n; i++) {
      const out = join(tmp, `head-shard-${i}-of-${n}.gpkg`);
      reports.push(await runDetect({ ...opts, out, shard: `${i}/${n}` }));
      shards.push(out);
    }
    assert.equal(reports[n - 1].shard!.rows[1], paint.height);
    assert.ok(reports.every((r) => r.outputs[0].features > 0 && r.detections.droppedOtherShard > 0), JSON.stringify(reports.map((r) => r.detections)));
    const merged = join(tmp, `head-all-${n}.gpkg`);
    ogrmerge(merged, shards, 'red-paint');
    sameBoxes(`detect head, ${n} shards`, a.features, merged);
  }
});

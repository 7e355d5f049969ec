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
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadModelFolder } from '../../main/model/index.ts';
import { runDeepness, type DeepnessReport } from '../../main/tasks/deepness/index.ts';
import { runDetect, type DetectReport } from '../../main/tasks/detect/index.ts';
import { gdalinfo, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { FOTOMAP, makeOnnx, ogrRead, type OgrFeature } from '../helpers/deepness.ts';

let tmp = '';
let model = '';
const META = {
  model_type: '"Detector"',
  class_names: '{"0": "red", "1": "green", "2": "blue"}',
  resolution: '3',
  tiles_overlap: '15',
  det_conf: '0.3',
  det_iou_thresh: '0.4',
};

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-detect-shard-'));
  model = join(tmp, 'yolo-128.onnx');
  makeOnnx({ op: 'yolo', dst: model, format: 'v5', tile: 128, cell: 16, metadata: META }, tmp);
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
  const headDir = await fitRedPaintHead(model);
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
    assert.equal(reports[n - 1].shard!.rows[1], gdalinfo(FOTOMAP).size[1]);
    assert.ok(reports.every((r) => r.outputs[0].features > 0 && r.detections.droppedOtherShard > 0), JSON.stringify(reports.map((r) => r.detections)));
    const merged = join(tmp, `head-all-${n}.gpkg`);
    ogrmerge(merged, shards, 'red-paint');
    sameBoxes(`detect head, ${n} shards`, a.features, merged);
  }
});

/**
 * A red-paint detect head (as detect-head.test.ts makes it): feat_s4 of two 512 px windows,
 * labelled per 4 px cell by GDAL's read of the painted red, fitted in torch; 12 px boxes.
 */
async function fitRedPaintHead(model: string): Promise<string> {
  const [W, H] = gdalinfo(FOTOMAP).size;
  const all = gdalWindow(FOTOMAP, { bands: [1, 2, 3] });
  const red = new Uint8Array(W * H);
  for (let i = 0; i < red.length; i++) red[i] = all[0][i] / 255 > 0.6 && all[1][i] / 255 < 0.4 && all[2][i] / 255 < 0.4 ? 1 : 0;
  const folder = await loadModelFolder(model, { providers: ['cpu'], cache: false });
  const hr = folder.manifest.modalities.hr as unknown as { mean: number[]; std: number[] };
  const enc = await folder.session('hr_encoder');
  const feats: number[] = [];
  const labels: number[] = [];
  for (const [x0, y0] of [[W - 512, 0], [0, H - 512]]) {
    const win = gdalWindow(FOTOMAP, { srcwin: [x0, y0, 512, 512], bands: [1, 2, 3] });
    const x = new Float32Array(3 * 512 * 512);
    for (let c = 0; c < 3; c++) for (let i = 0; i < 512 * 512; i++) x[c * 512 * 512 + i] = (win[c][i] - hr.mean[c]) / hr.std[c];
    const f = (await enc.run({ image: new ort.Tensor('float32', x, [1, 3, 512, 512]) })).outputs.feat_s4.data as Float32Array;
    for (let cy = 0; cy < 128; cy++) {
      for (let cx = 0; cx < 128; cx++) {
        for (let c = 0; c < 32; c++) feats.push(f[c * 128 * 128 + cy * 128 + cx]);
        let n = 0;
        for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) n += red[(y0 + cy * 4 + dy) * W + x0 + cx * 4 + dx];
        labels.push(n >= 8 ? 1 : 0);
      }
    }
  }
  await folder.close();
  const featFile = join(tmp, 'feat.f32');
  const labelFile = join(tmp, 'label.f32');
  writeFileSync(featFile, new Float32Array(feats));
  writeFileSync(labelFile, new Float32Array(labels));
  const dir = join(tmp, 'red-paint');
  mkdirSync(dir, { recursive: true });
  const manifest = {
    schemaVersion: 1,
    kind: 'head',
    name: 'red-paint',
    title: 'Red paint (test head)',
    task: 'detect',
    encoder: { name: 'skysense-tiny', modality: 'hr', module: 'hr_encoder', weightsSha256: null },
    file: 'head.onnx',
    inputs: [{ name: 'feat', dtype: 'float32', shape: ['batch', 32, 'h', 'w'], tap: 'feat_s4' }],
    outputs: [
      { name: 'scores', dtype: 'float32', shape: ['batch', 1, 'h', 'w'], stride: 4 },
      { name: 'boxes', dtype: 'float32', shape: ['batch', 4, 'h', 'w'], stride: 4 },
    ],
    activation: 'sigmoid',
    threshold: 0.5,
    classes: [
      { value: 0, name: 'no paint', color: '#000000' },
      { value: 1, name: 'red paint', color: '#ff0000' },
    ],
    training: { data: 'dummy_fotomap_small.tif, red paint per 4 px cell (fitted at test time)', licence: 'Apache-2.0 (Deepness test data)' },
    licence: { code: 'Apache-2.0', weights: 'test weights' },
  };
  makeOnnx({ op: 'detect_head', dir, features: featFile, labels: labelFile, channels: 32, box: 12, angle: null, manifest }, tmp);
  return dir;
}

/**
 * Detect heads trained on real DOTA images (`skysense train --task detect`): 512 px windows
 * (gdal_translate -srcwin) of four images with their labelTxt boxes (those whose centre lies
 * in the window, moved to its origin) train a head on the HR encoder's finest tap; a window of
 * a fifth image, P1888 (0.27 m against the others' 0.12-0.13 m), is held out. Checked:
 * the head folder passes the engine's validator and ONNX Runtime agrees with the TypeScript
 * forward pass; `skysense eval` scores the boxes runDetect writes (the same mAP50 from the
 * file runDetect wrote, read back here), and the figure is printed beside a trivial baseline:
 * a constant box of each class's mean training size on every cell, scored at the class
 * prior, through the same NMS and AP. Bad labels (a point, a class not in the classes, a box
 * outside the image) are refused by name before any feature is computed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHeadManifest } from '../../main/model/index.ts';
import { classWiseNms, runDetect } from '../../main/tasks/index.ts';
import { evalHead, trainTaskHead, type TrainReport } from '../../main/train/index.ts';
import { readBoxLabels, type GroundBox } from '../../main/train/box-labels.ts';
import { meanAP } from '../../main/train/detect-metrics.ts';
import { rasterInfo } from '../../main/raster/index.ts';
import { dataPath, gdalTranslate, REPO_ROOT } from '../helpers/gdal.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const OBJECTS = ['small-vehicle', 'large-vehicle'];
const S = 512;
// The 512 px window of each image holding the most vehicle centres (a 32 px search, done once).
const TRAIN: [string, number, number][] = [
  ['P0003', 160, 256],
  ['P0004', 96, 128],
  ['P0005', 224, 384],
  ['P1478__1__853___962', 256, 0],
];
const HELD_OUT: [string, number, number] = ['P1888', 192, 0];
let tmp = '';
let cache = '';
let report: TrainReport;

/** The window as a GeoTIFF and its DOTA lines moved to the window (vehicles whose centre lies in it). */
function window([name, x, y]: [string, number, number]): { image: string; labels: string } {
  const image = join(tmp, `${name}.tif`);
  gdalTranslate(['-srcwin', String(x), String(y), String(S), String(S), dataPath(`hr/dota/images/${name}.png`), image]);
  const lines: string[] = [];
  for (const line of readFileSync(dataPath(`hr/dota/labelTxt/${name}.txt`), 'utf8').split('\n')) {
    const p = line.trim().split(/\s+/);
    if (p.length < 9 || !OBJECTS.includes(p[8])) continue;
    const v = p.slice(0, 8).map(Number).map((n, i) => n - (i % 2 === 0 ? x : y));
    const [cx, cy] = [(v[0] + v[2] + v[4] + v[6]) / 4, (v[1] + v[3] + v[5] + v[7]) / 4];
    if (cx >= 0 && cy >= 0 && cx < S && cy < S) lines.push([...v, ...p.slice(8)].join(' '));
  }
  const labels = join(tmp, `${name}.txt`);
  writeFileSync(labels, `${lines.join('\n')}\n`);
  return { image, labels };
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-train-detect-'));
  cache = join(tmp, 'cache');
  const samples = TRAIN.map(window).map((w) => ({ inputs: { image: w.image }, labels: w.labels }));
  window(HELD_OUT);
  writeFileSync(join(tmp, 'spec.json'), JSON.stringify({ task: 'detect', classes: OBJECTS, samples }));
  report = await trainTaskHead({ task: 'detect', model: MODEL, dataset: join(tmp, 'spec.json'), out: join(tmp, 'vehicles'), cacheDir: cache, epochs: 30, seed: 0 });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('train --task detect: a head folder the engine accepts, ONNX Runtime = TypeScript, mAP50 on the validation blocks', () => {
  const d = report.detection!;
  assert.equal(report.task, 'detect');
  assert.equal(d.tap, 'feat_s4');
  assert.equal(report.features.stride, 4);
  assert.ok(report.onnxMaxAbsDiff <= 1e-4 && d.onnxBoxMaxRelDiff <= 1e-4, `ONNX vs TypeScript: scores ${report.onnxMaxAbsDiff}, boxes ${d.onnxBoxMaxRelDiff}`);
  assert.ok(d.boxes.labelled > 250 && d.boxes.val > 20, JSON.stringify(d.boxes));
  assert.ok(d.mAP50 >= 0 && d.mAP50 <= 1);
  const manifest = parseHeadManifest(JSON.parse(readFileSync(join(tmp, 'vehicles/manifest.json'), 'utf8')), 'manifest.json');
  assert.deepEqual(manifest.classes.map((c) => c.name), ['background', ...OBJECTS]);
  assert.deepEqual(manifest.outputs.map((o) => [o.name, o.shape[1], o.stride]), [['scores', 3, 4], ['boxes', 4, 4]]);
  assert.equal(manifest.inputs[0].tap, 'feat_s4');
  assert.equal(manifest.training.metrics!.mAP50, d.mAP50);
  console.log(`validation (${d.boxes.val} boxes): mAP50 ${d.mAP50.toFixed(3)} (${OBJECTS.map((c) => `${c} ${d.perClassAP[c].ap.toFixed(3)}`).join(', ')}); box L1 ${d.boxL1.map((v) => v.toFixed(2)).join(' / ')}; ${report.features.seconds.toFixed(1)} s features, ${report.epochs.seconds.toFixed(1)} s training`);
});

test('held out: eval scores the boxes runDetect writes; beside a constant-box baseline', async () => {
  const image = join(tmp, `${HELD_OUT[0]}.tif`);
  const labels = join(tmp, `${HELD_OUT[0]}.txt`);
  const r = await evalHead({ head: join(tmp, 'vehicles'), model: MODEL, inputs: [image], labels });
  assert.ok(r.mAP50 !== undefined && r.mAP50 >= 0 && r.mAP50 <= 1);
  // The run a user makes, read back: the same boxes, the same mAP50.
  const out = join(tmp, 'held-out.gpkg');
  const run = await runDetect({ head: join(tmp, 'vehicles'), model: MODEL, inputs: [image], out, threshold: 0.05 });
  const info = await rasterInfo([image]);
  const found = (await readBoxLabels(out, info, { classes: OBJECTS, oriented: false, detections: 'pixels' })).boxes;
  assert.equal(found.length, run.outputs[0].features);
  const truth = (await readBoxLabels(labels, info, { classes: OBJECTS, oriented: false })).boxes;
  assert.equal(meanAP([{ detections: found, truth }], OBJECTS).mAP50, r.mAP50);
  // Baseline: every cell a box of the class's mean training size, scored at the class's share of the training boxes.
  const train: GroundBox[] = [];
  for (const t of TRAIN) train.push(...(await readBoxLabels(join(tmp, `${t[0]}.txt`), await rasterInfo([join(tmp, `${t[0]}.tif`)]), { classes: OBJECTS, oriented: false })).boxes);
  const constant: GroundBox[] = [];
  OBJECTS.forEach((_, k) => {
    const of = train.filter((b) => b.cls === k + 1);
    const [w, h] = [of.reduce((a, b) => a + b.w, 0) / of.length, of.reduce((a, b) => a + b.h, 0) / of.length];
    for (let cy = 2; cy < S; cy += 4) for (let cx = 2; cx < S; cx += 4) constant.push({ cx, cy, w, h, angle: 0, score: of.length / train.length, cls: k + 1, difficult: false });
  });
  const kept = classWiseNms(constant, 0.5).map((i) => constant[i]);
  const base = meanAP([{ detections: kept, truth }], OBJECTS);
  const cli = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/skysense.mjs'), 'eval', '--head', join(tmp, 'vehicles'), '--model', MODEL, '--input', image, '--labels', labels, '--json'], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(JSON.parse(cli.stdout).mAP50, r.mAP50);
  const ap = (m: { perClassAP?: Record<string, { ap: number }> }) => OBJECTS.map((c) => `${c} ${m.perClassAP![c].ap.toFixed(3)}`).join(', ');
  console.log(`held out ${HELD_OUT[0]} (${truth.length} boxes, ${found.length} detections at 0.05): mAP50 ${r.mAP50!.toFixed(3)} (${ap(r)}); constant-box baseline ${base.mAP50.toFixed(3)} (${ap(base)})`);
});

test('bad labels are refused by name before any feature is computed', async () => {
  const fresh = join(tmp, 'no-cache');
  const image = join(tmp, 'P0003.tif');
  const geo = join(tmp, 'geo.tif');
  gdalTranslate(['-a_srs', 'EPSG:32633', '-a_ullr', '500000', '4600000', '500061.44', '4599938.56', image, geo]);
  const base = { task: 'detect' as const, model: MODEL, classes: OBJECTS, out: join(tmp, 'bad'), cacheDir: fresh };
  const file = (name: string, text: string) => {
    writeFileSync(join(tmp, name), text);
    return join(tmp, name);
  };
  const point = file('point.geojson', JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'EPSG:32633' } }, features: [{ type: 'Feature', properties: { class: 'small-vehicle' }, geometry: { type: 'Point', coordinates: [500010, 4599990] } }] }));
  await assert.rejects(trainTaskHead({ ...base, inputs: [geo], labels: point }), /point\.geojson: features\[0\] is a point; a box needs a size/);
  await assert.rejects(trainTaskHead({ ...base, inputs: [image], labels: file('plane.txt', '10 10 30 10 30 20 10 20 small-vehicle 0\n40 40 60 40 60 50 40 50 plane 0\n') }), /plane\.txt: line 2: class "plane" is not one of the classes/);
  await assert.rejects(trainTaskHead({ ...base, inputs: [image], labels: file('outside.txt', '600 600 620 600 620 610 600 610 large-vehicle 0\n') }), /outside\.txt: line 1 \(large-vehicle\): the box centre \(610\.0, 605\.0\) px lies outside/);
  await assert.rejects(trainTaskHead({ ...base, classes: ['background', 'car'], inputs: [image], labels: join(tmp, 'P0003.txt') }), /"background" is the detect head's own class 0/);
  assert.equal(existsSync(join(fresh, 'features')), false, 'no features were computed');
});

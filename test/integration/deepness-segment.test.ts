/**
 * Deepness Segmentor models on dummy_fotomap_small.tif, each checked pixel by pixel against
 * an expected class map computed without our code: the input on the model's grid is GDAL's
 * (gdalwarp -tr <resolution> -r near), and the model's arithmetic is redone in the test
 * (the "red" detector, x^8) or by torch on the whole raster with the file's own conv weights
 * (test/helpers/deepness_oracle.py). The written files are read back by GDAL: grid, type,
 * nodata, colour table and class names.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDeepness } from '../../main/tasks/deepness/index.ts';
import { gdalinfo, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { deepnessModel, FOTOMAP, warpOracle } from '../helpers/deepness.ts';

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-deepness-seg-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function assertClassRaster(path: string, grid: { width: number; height: number; geoTransform: number[] }, names: string[]): void {
  const info = gdalinfo(path);
  assert.deepEqual(info.size, [grid.width, grid.height]);
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(info.geoTransform[i] - grid.geoTransform[i]) < 1e-9, `geotransform ${info.geoTransform} vs ${grid.geoTransform}`);
  assert.equal(info.stac?.['proj:epsg'], 32633);
  assert.equal(info.bands.length, 1);
  assert.equal(info.bands[0].type, 'Byte');
  assert.equal(info.bands[0].noDataValue, 255);
  assert.equal(info.bands[0].colorInterpretation, 'Palette');
  assert.deepEqual(info.bands[0].categories, names);
}

function oracle(model: string, raster: string, threshold: number, name: string): { cls: Uint8Array; tie: Uint8Array; width: number; height: number; border: number } {
  const out = join(tmp, `${name}.raw`);
  const meta = JSON.parse(execFileSync('/usr/bin/python3', [join(REPO_ROOT, 'test/helpers/deepness_oracle.py'), model, raster, String(threshold), out], { encoding: 'utf8' }).trim().split('\n').pop()!);
  return { cls: readFileSync(out), tie: readFileSync(`${out}.tie`), ...meta };
}

/** A two-class raster equal to the oracle's classes (pixels the oracle calls a tie excepted), both classes well present. */
function assertOracleClasses(path: string, want: { cls: Uint8Array; tie: Uint8Array }): void {
  const ours = gdalWindow(path)[0];
  let wrong = 0;
  for (let i = 0; i < ours.length; i++) if (ours[i] !== want.cls[i] && !want.tie[i]) wrong++;
  assert.equal(wrong, 0, `${path}: ${wrong} pixels differ`);
  const ones = ours.filter((v) => v === 1).length;
  assert.ok(ones > 1000 && ones < ours.length - 1000, `both classes present (${ones})`);
}

test('the "red" sigmoid detector at 3 cm/px: classes = sigmoid(R/255 - 0.5) >= 0.5 on gdalwarp -tr 0.03', async () => {
  const out = join(tmp, 'red.tif');
  const report = await runDeepness({ model: deepnessModel('segmentor_red_sigmoid_bsx1x512_nometa.onnx'), modelType: 'Segmentor', input: FOTOMAP, out, resolutionCm: 3, providers: 'cpu' });
  const warp = warpOracle(FOTOMAP, 0.03, tmp, 'w3');
  assert.deepEqual([report.processing.grid.width, report.processing.grid.height], [warp.width, warp.height]);
  assert.deepEqual(report.processing.grid.geoTransform.map((v) => Math.round(v * 1e6)), warp.geoTransform.map((v) => Math.round(v * 1e6)));
  assert.equal(report.processing.resampled, true);
  assert.equal(report.processing.tile, 512);
  assert.equal(report.processing.overlapPx, 76); // int(512 * 15 / 100 * 2) // 2
  assertClassRaster(out, warp, ['background', 'channel_0']);
  const ours = gdalWindow(out)[0];
  let wrong = 0;
  let red = 0;
  for (let i = 0; i < ours.length; i++) {
    const p = 1 / (1 + Math.exp(-(warp.bands[0][i] / 255 - 0.5)));
    const want = p >= 0.5 ? 1 : 0;
    red += want;
    if (ours[i] !== want) wrong++;
  }
  assert.equal(wrong, 0, `${wrong} of ${ours.length} pixels differ`);
  assert.ok(red > 1000 && red < ours.length - 1000, `both classes present (${red} class 1)`);
  const saved = JSON.parse(readFileSync(`${out}.report.json`, 'utf8'));
  assert.deepEqual(saved.processing.grid, report.processing.grid);
});

test('x^8 per channel (3 channels, fixed batch 1), native grid: argmax after zeroing values < 0.5', async () => {
  const out = join(tmp, 'pow8.tif');
  const report = await runDeepness({ model: deepnessModel('segmentor_pow8_1x3x512_nometa.onnx'), modelType: 'Segmentor', input: FOTOMAP, out, providers: 'cpu' });
  assert.equal(report.processing.resampled, false);
  assert.equal(report.processing.batch, 1);
  assert.ok(report.warnings.some((w) => w.includes('no resolution')), report.warnings.join('\n'));
  const info = gdalinfo(FOTOMAP);
  assertClassRaster(out, { width: info.size[0], height: info.size[1], geoTransform: info.geoTransform }, ['channel_0', 'channel_1', 'channel_2']);
  const src = gdalWindow(FOTOMAP, { bands: [1, 2, 3] });
  const ours = gdalWindow(out)[0];
  const counts = [0, 0, 0];
  let wrong = 0;
  for (let i = 0; i < ours.length; i++) {
    let best = 0;
    let bestV = -1;
    for (let c = 0; c < 3; c++) {
      const p = (src[c][i] / 255) ** 8;
      const t = p < 0.5 ? 0 : p;
      if (t > bestV) {
        bestV = t;
        best = c;
      }
    }
    counts[best]++;
    if (ours[i] !== best) wrong++;
  }
  assert.equal(wrong, 0, `${wrong} pixels differ`);
  assert.ok(counts.every((c) => c > 100), `every class present: ${counts}`);
});

test('two sigmoid heads: one class raster per head, named from class_names, each equal to the torch oracle (4 cm/px)', async () => {
  const model = deepnessModel('segmentor_2heads_sigmoid_bsx1x512_meta.onnx');
  const out = join(tmp, 'heads.tif');
  const report = await runDeepness({ model, input: FOTOMAP, out, resolutionCm: 4, providers: 'cpu' });
  assert.deepEqual(report.outputs.map((o) => o.path), [join(tmp, 'heads.output.tif'), join(tmp, 'heads.output2.tif')]);
  const warp = warpOracle(FOTOMAP, 0.04, tmp, 'w4');
  const want = oracle(model, warp.path, 0.5, 'heads');
  assert.equal(want.border, 0);
  for (const [path, name] of [[report.outputs[0].path, 'Coffee'], [report.outputs[1].path, 'Juice']] as const) {
    assertClassRaster(path, warp, ['background', name]);
    assertOracleClasses(path, want);
  }
});

test('two softmax heads with names per head, threshold 0.54: class rasters [Coffee, Tea] and [Juice, Beer]', async () => {
  const model = deepnessModel('segmentor_2heads_softmax_bsx2x512_meta.onnx');
  const out = join(tmp, 'soft.tif');
  // This dummy's channel 1 wins nearly everywhere at 0.5; at 0.54 the zeroing rule splits the scene.
  const report = await runDeepness({ model, input: FOTOMAP, out, resolutionCm: 3, threshold: 0.54, providers: 'cpu' });
  const warp = warpOracle(FOTOMAP, 0.03, tmp, 'w3x');
  const want = oracle(model, warp.path, 0.54, 'soft');
  for (const [k, names] of [[0, ['Coffee', 'Tea']], [1, ['Juice', 'Beer']]] as const) {
    const path = report.outputs[k].path;
    assertClassRaster(path, warp, [...names]);
    assertOracleClasses(path, want);
  }
});

test('3-D sigmoid output [B, H, W] with class_names as a dict, threshold 0.48 given, batch falls back to 1', async () => {
  const model = deepnessModel('segmentor_sigmoid_bsx512_meta_dict.onnx');
  const out = join(tmp, 'dict.tif');
  const report = await runDeepness({ model, input: FOTOMAP, out, resolutionCm: 3, threshold: 0.48, providers: 'cpu' });
  assert.equal(report.processing.threshold, 0.48);
  // Its graph reshapes to a fixed [1, 512, 512] despite a dynamic batch axis: one tile per run.
  assert.equal(report.processing.batch, 1);
  assert.ok(report.warnings.some((w) => w.includes('fails on 4 tiles at once')), report.warnings.join('\n'));
  const warp = warpOracle(FOTOMAP, 0.03, tmp, 'w3d');
  assertClassRaster(out, warp, ['background', 'Coffee']);
  const want = oracle(model, warp.path, 0.48, 'dict');
  assertOracleClasses(out, want);
});

test('output smaller than the input (512 -> 484, a 29 x 29 valid convolution): centred; raster border nodata', async () => {
  const model = deepnessModel('segmentor_512_to_484_nometa.onnx');
  const out = join(tmp, 'small.tif');
  const report = await runDeepness({ model, modelType: 'Segmentor', input: FOTOMAP, out, resolutionCm: 3, providers: 'cpu' });
  assert.equal(report.processing.margin, 14);
  assert.deepEqual(report.model.outputs[0].dims, [2, 484, 484]);
  const warp = warpOracle(FOTOMAP, 0.03, tmp, 'w3s');
  assertClassRaster(out, warp, ['channel_0', 'channel_1']);
  const want = oracle(model, warp.path, 0.5, 'small');
  const b = want.border;
  assert.equal(b, 14);
  assert.deepEqual([want.width, want.height], [warp.width - 2 * b, warp.height - 2 * b]);
  const ours = gdalWindow(out)[0];
  let wrong = 0;
  let border = 0;
  let borderNodata = 0;
  const counts = [0, 0];
  for (let y = 0; y < warp.height; y++) {
    for (let x = 0; x < warp.width; x++) {
      const v = ours[y * warp.width + x];
      if (x < b || y < b || x >= warp.width - b || y >= warp.height - b) {
        border++;
        if (v === 255) borderNodata++;
        continue;
      }
      const k = (y - b) * want.width + (x - b);
      counts[want.cls[k]]++;
      if (v !== want.cls[k] && !want.tie[k]) wrong++;
    }
  }
  assert.equal(borderNodata, border, 'the raster-edge border has no output');
  assert.equal(wrong, 0, `${wrong} interior pixels differ from the whole-raster convolution`);
  assert.ok(counts[0] > 1000 && counts[1] > 1000, `both classes present: ${counts}`);
});

/** The plugin's small-segment median (test/helpers/median_oracle.py) of a class raster; returns its bytes and how many pixels it changed. */
function medianOracle(path: string, window: number, name: string): { cls: Uint8Array; changed: number } {
  const out = join(tmp, `${name}.median.raw`);
  const changed = Number(execFileSync('/usr/bin/python3', [join(REPO_ROOT, 'test/helpers/median_oracle.py'), path, String(window), out], { encoding: 'utf8' }).trim());
  return { cls: readFileSync(out), changed };
}

test('small segments (seg_small_segment, --small-segment): the plugin median over every head, equal to numpy on the unfiltered classes', async () => {
  const model = deepnessModel('segmentor_2heads_sigmoid_bsx1x512_meta.onnx');
  const plain = join(tmp, 'plain.tif');
  const filtered = join(tmp, 'filtered.tif');
  const a = await runDeepness({ model, input: FOTOMAP, out: plain, resolutionCm: 4, providers: 'cpu', smallSegment: 0 });
  // 8 // 2 * 2 + 1: the plugin's window for 8 is 9 px.
  const b = await runDeepness({ model, input: FOTOMAP, out: filtered, resolutionCm: 4, providers: 'cpu', smallSegment: 8 });
  assert.deepEqual(a.processing.smallSegment, { window: 1, from: 'option' });
  assert.deepEqual(b.processing.smallSegment, { window: 9, from: 'option' });
  for (let k = 0; k < 2; k++) {
    const want = medianOracle(a.outputs[k].path, 9, `head${k}`);
    assert.ok(want.changed > 100, `the filter changed only ${want.changed} pixels`);
    const ours = gdalWindow(b.outputs[k].path)[0];
    let wrong = 0;
    for (let i = 0; i < ours.length; i++) if (ours[i] !== want.cls[i]) wrong++;
    assert.equal(wrong, 0, `${b.outputs[k].path}: ${wrong} of ${ours.length} pixels differ from the median of the unfiltered classes`);
    assertClassRaster(b.outputs[k].path, { width: b.processing.grid.width, height: b.processing.grid.height, geoTransform: b.processing.grid.geoTransform }, ['background', k === 0 ? 'Coffee' : 'Juice']);
  }
});

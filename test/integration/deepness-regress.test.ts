/**
 * Deepness Regressor models: the vegetation-index dummy VI = (2G - R - B) / (2G + R + B),
 * times reg_output_scaling (1.1 in its metadata), at its metadata resolution (5.5 cm/px),
 * compared value by value with VI computed here from GDAL's gdalwarp -tr 0.055 of the input.
 * Then the tile size keys: copies of the model with a dynamic input size and either the key
 * the plugin reads (tile_size) or the one its docs write (tiles_size), made at test time.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDeepness, type DeepnessReport } from '../../main/tasks/deepness/index.ts';
import { planTiles } from '../../main/tiler/index.ts';
import { gdalinfo, gdalWindow } from '../helpers/gdal.ts';
import { deepnessModel, FOTOMAP, makeOnnx, warpOracle, type WarpedInput } from '../helpers/deepness.ts';

let tmp = '';
let warp: WarpedInput;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-deepness-reg-'));
  warp = warpOracle(FOTOMAP, 0.055, tmp, 'w55');
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const VI_META = {
  model_type: '"Regressor"',
  resolution: '5.5',
  tiles_overlap: '11',
  reg_output_scaling: '1.1',
};

function assertVi(path: string, scale: number): void {
  const info = gdalinfo(path);
  assert.deepEqual(info.size, [warp.width, warp.height]);
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(info.geoTransform[i] - warp.geoTransform[i]) < 1e-9, `geotransform ${info.geoTransform} vs ${warp.geoTransform}`);
  assert.equal(info.bands[0].type, 'Float32');
  assert.equal(String(info.bands[0].noDataValue), 'NaN');
  const ours = gdalWindow(path)[0];
  const [r, g, b] = warp.bands;
  let worst = 0;
  let nanMismatch = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < ours.length; i++) {
    const want = ((2 * g[i] - r[i] - b[i]) / (2 * g[i] + r[i] + b[i])) * scale;
    if (Number.isNaN(want) !== Number.isNaN(ours[i])) {
      nanMismatch++;
      continue;
    }
    if (Number.isNaN(want)) continue;
    worst = Math.max(worst, Math.abs(ours[i] - want));
    min = Math.min(min, want);
    max = Math.max(max, want);
  }
  assert.equal(nanMismatch, 0);
  assert.ok(worst < 2e-6, `largest difference ${worst}`);
  assert.ok(max - min > 0.5, `the index varies over the scene (${min}..${max})`);
}

test('VI regressor (fixed 1 x 3 x 512): 5.5 cm/px, x 1.1, on gdalwarp -tr 0.055; tiles_size 256 cannot apply to a fixed input', async () => {
  const out = join(tmp, 'vi.tif');
  const report = await runDeepness({ model: deepnessModel('regressor_vi_1x3x512_meta.onnx'), input: FOTOMAP, out, providers: 'cpu' });
  assert.equal(report.model.modelType, 'Regressor');
  assert.equal(report.processing.resolutionCm, 5.5);
  assert.equal(report.processing.resolutionFrom, 'metadata');
  assert.equal(report.processing.regOutputScaling, 1.1);
  assert.equal(report.processing.tile, 512);
  assert.equal(report.processing.tileFrom, 'model input');
  assert.ok(report.warnings.some((w) => w.includes('"tiles_size" says 256') && w.includes('fixed at 512')), report.warnings.join('\n'));
  assert.equal(report.outputs[0].bandNames?.[0], '_background'); // class_names channel 0, as the plugin names regression layers
  assertVi(out, 1.1);
});

test('VI regressor with dynamic batch N, 3 tiles per run, scaling given: same values', async () => {
  const out = join(tmp, 'vi-n.tif');
  const report = await runDeepness({ model: deepnessModel('regressor_vi_Nx3x512_meta.onnx'), input: FOTOMAP, out, batch: 3, regOutputScaling: 2, tileSize: 512, providers: 'cpu' });
  assert.equal(report.processing.batch, 3);
  assertVi(out, 2);
});

async function runVariant(name: string, metadata: Record<string, string>): Promise<DeepnessReport> {
  const model = join(tmp, `${name}.onnx`);
  makeOnnx({ op: 'variant', src: deepnessModel('regressor_vi_Nx3x512_meta.onnx'), dst: model, dynamic_hw: true, metadata }, tmp);
  const out = join(tmp, `${name}.tif`);
  const report = await runDeepness({ model, input: FOTOMAP, out, providers: 'cpu' });
  assertVi(out, 1.1);
  return report;
}

test('dynamic input size: tile_size 256 (the key the plugin reads) sets the tile; overlap 11 % = 28 px', async () => {
  const report = await runVariant('vi-tile-size', { ...VI_META, tile_size: '256' });
  assert.equal(report.processing.tile, 256);
  assert.equal(report.processing.tileFrom, 'tile_size');
  assert.equal(report.processing.overlapPx, 28); // int(256 * 11 / 100 * 2) // 2 = int(56.32) // 2
  assert.deepEqual(report.warnings, []);
  const plan = planTiles({ width: warp.width, height: warp.height, tileWidth: 256, tileHeight: 256, overlapX: 28, overlapY: 28, stride: 1 });
  assert.equal(report.tiles.total, plan.xs.length * plan.ys.length);
  assert.ok(report.tiles.total > 1, `${report.tiles.total} tiles`);
});

test('dynamic input size: only tiles_size (the documented key the plugin ignores) is used, with a warning', async () => {
  const report = await runVariant('vi-tiles-size', { ...VI_META, tiles_size: '256' });
  assert.equal(report.processing.tile, 256);
  assert.equal(report.processing.tileFrom, 'tiles_size');
  assert.ok(report.warnings.some((w) => w.includes('"tiles_size" 256 used as the tile size') && w.includes('reads "tile_size"')), report.warnings.join('\n'));
  const both = await runVariant('vi-both', { ...VI_META, tile_size: '384', tiles_size: '256' });
  assert.equal(both.processing.tile, 384);
  assert.ok(both.warnings.some((w) => w.includes('tile_size 384 and tiles_size 256')), both.warnings.join('\n'));
});

test('standardisation: (x / 255 - mean) / std per channel before the model, from the metadata', async () => {
  const model = join(tmp, 'vi-std.onnx');
  const mean = [0.1, 0.2, 0.3];
  const std = [0.5, 0.25, 0.5];
  makeOnnx({ op: 'variant', src: deepnessModel('regressor_vi_Nx3x512_meta.onnx'), dst: model, metadata: { ...VI_META, reg_output_scaling: '1', standardization_mean: JSON.stringify(mean), standardization_std: JSON.stringify(std) } }, tmp);
  const out = join(tmp, 'vi-std.tif');
  const report = await runDeepness({ model, input: FOTOMAP, out, providers: 'cpu' });
  assert.deepEqual(report.processing.standardization, { mean, std });
  const ours = gdalWindow(out)[0];
  let worst = 0;
  let compared = 0;
  for (let i = 0; i < ours.length; i++) {
    const [r, g, b] = warp.bands.map((band, c) => (band[i] / 255 - mean[c]) / std[c]);
    const den = 2 * g + r + b;
    // Near a zero denominator float32 rounding dominates; the rest must agree closely.
    if (Math.abs(den) < 0.05) continue;
    const want = (2 * g - r - b) / den;
    worst = Math.max(worst, Math.abs(ours[i] - want) / Math.max(1, Math.abs(want)));
    compared++;
  }
  assert.ok(compared > ours.length * 0.9, `${compared} of ${ours.length} pixels compared`);
  assert.ok(worst < 1e-4, `largest relative difference ${worst}`);
});

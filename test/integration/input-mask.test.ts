/**
 * Masks carried through as nodata (preprocess/masked-raster.ts) on a real Sentinel-1 crop
 * (Sen1Floods11) with the shipped SkySense-Tiny, GDAL reading the outputs back:
 *  - segment (stock s1-water head, from the CLI) with the hand label as the mask (its "dry"
 *    value 0 listed): exactly the masked pixels are 255, fully masked tiles are skipped
 *    (counted here from the mask and the tile plan), the report counts the masked pixels;
 *  - embed with a threshold mask made here from the scene's own VV band: a feature cell is
 *    NaN exactly when all of its 4 x 4 input pixels are masked;
 *  - fused-embed (one S1 date) and a Deepness segmentor take the same mask: nodata exactly
 *    there, and the Deepness classes elsewhere unchanged (its test model is pointwise);
 *  - a mask on another grid, a multi-band mask and bad flags give specific errors and no
 *    output.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../main/api.ts';
import { planTiles } from '../../main/tiler/index.ts';
import { runEmbed } from '../../main/tasks/embed/embed.ts';
import { runDeepness } from '../../main/tasks/deepness/run.ts';
import { runFusedEmbed } from '../../main/tasks/embed/fused-embed.ts';
import { dataPath, gdalinfo, gdalTranslate, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { deepnessModel, FOTOMAP } from '../helpers/deepness.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const WATER = join(MODEL, 'heads/s1-water');
const S1 = dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif');
const LABEL = dataPath('s1s2/sen1floods11/sample/Labels/Spain_7370579_LabelHand.tif');
// A 160 px crop with dry land over whole 64 px tiles and ~20 % water.
const SRCWIN = ['160', '80', '160', '160'];

let tmp = '';
let scene = '';
let label = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-mask-'));
  scene = join(tmp, 's1.tif');
  label = join(tmp, 'label.tif');
  gdalTranslate(['-srcwin', ...SRCWIN, S1, scene]);
  gdalTranslate(['-srcwin', ...SRCWIN, LABEL, label]);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('masked runs', { skip: existsSync(join(MODEL, 's1_encoder.onnx')) ? false : `no ${MODEL}` }, () => {
  test('segment --mask LABEL --mask-values 0: 255 exactly on the masked pixels, fully masked tiles skipped', { skip: existsSync(join(WATER, 'manifest.json')) ? false : `no ${WATER}` }, () => {
    const out = join(tmp, 'water.tif');
    const r = skysense('run', '--task', 'segment', '--head', WATER, '--input', scene, '--mask', label, '--mask-values', '0', '--out', out, '--provider', 'cpu');
    assert.equal(r.code, 0, r.stderr);
    const mask = gdalWindow(label)[0];
    const classes = gdalWindow(out)[0];
    assert.equal(classes.length, mask.length);
    let masked = 0;
    let wrong = 0;
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] === 0) masked++;
      if ((classes[i] === 255) !== (mask[i] === 0)) wrong++;
    }
    assert.equal(wrong, 0, `${wrong} pixels where nodata and the mask disagree`);
    assert.ok(masked > 0.3 * mask.length && masked < mask.length, `${masked} masked`);
    assert.equal(gdalinfo(out).bands[0].noDataValue, 255);

    const report = JSON.parse(readFileSync(`${out}.report.json`, 'utf8'));
    const m = report.inputs[0].preparation.mask;
    assert.equal(m.pixels, masked);
    assert.equal(m.of, mask.length);
    assert.ok(Math.abs(m.fraction - masked / mask.length) < 1e-12);
    assert.equal(m.rule, 'value in {0}');
    // Tiles of the run's plan (64 px, overlap 16) whose every pixel is masked: never inferred.
    const plan = planTiles({ width: 160, height: 160, tileWidth: report.tile, tileHeight: report.tile, overlapX: report.overlap, overlapY: report.overlap, stride: 1 });
    let empty = 0;
    for (const y0 of plan.ys) {
      for (const x0 of plan.xs) {
        let all = true;
        for (let y = y0; y < Math.min(160, y0 + report.tile) && all; y++) for (let x = x0; x < Math.min(160, x0 + report.tile); x++) if (mask[y * 160 + x] !== 0) all = false;
        if (all) empty++;
      }
    }
    assert.ok(empty > 0, 'the crop has fully masked tiles');
    assert.equal(report.tiles.skipped, empty);
    assert.equal(report.tiles.inferred + report.tiles.skipped, report.tiles.total);
  });

  test('embed with a threshold on a mask made from the VV band: NaN exactly on fully masked 4 x 4 cells', async () => {
    const vv = join(tmp, 'vv.tif');
    gdalTranslate(['-b', '1', scene, vv]);
    const out = join(tmp, 'features.tif');
    const report = await runEmbed({ model: MODEL, inputs: [scene], out, providers: 'cpu', mask: { path: vv, threshold: -12 } });
    const m = gdalWindow(vv)[0];
    const feats = gdalWindow(out, { bands: [1] })[0];
    const W = 160 / 4;
    let cellsMasked = 0;
    let wrong = 0;
    for (let cy = 0; cy < W; cy++) {
      for (let cx = 0; cx < W; cx++) {
        let all = true;
        for (let y = cy * 4; y < cy * 4 + 4; y++) for (let x = cx * 4; x < cx * 4 + 4; x++) if (!(m[y * 160 + x] > -12)) all = false;
        if (all) cellsMasked++;
        if (Number.isNaN(feats[cy * W + cx]) !== all) wrong++;
      }
    }
    assert.equal(wrong, 0, `${wrong} cells where NaN and the mask disagree`);
    assert.ok(cellsMasked > 20 && cellsMasked < W * W - 20, `${cellsMasked} fully masked cells`);
    const pixels = m.filter((v) => v > -12).length;
    assert.equal(report.input.preparation.mask!.pixels, pixels);
    assert.equal(report.input.preparation.mask!.rule, 'value > -12');
    // The units were detected on unmasked pixels only (VV up to 20 dB where masked).
    const [vvAll, vhAll] = gdalWindow(scene);
    const kept = [...vvAll.filter((_, i) => !(m[i] > -12)), ...vhAll.filter((_, i) => !(m[i] > -12))];
    const keptMax = Math.max(...kept);
    assert.ok(Math.max(...vvAll) > keptMax + 10);
    assert.ok(report.input.units.sample.max <= keptMax, `sample max ${report.input.units.sample.max} vs ${keptMax}`);
  });
});

test('units are still found when the mask covers every sample window (only an 8 px strip left)', { skip: existsSync(join(MODEL, 's1_encoder.onnx')) ? false : `no ${MODEL}` }, async () => {
  // Mask = 1 everywhere, 0 (valid) on the left 8 columns, burnt along the crop's own georeferencing.
  const strip = join(tmp, 'strip.tif');
  execFileSync('gdal_calc.py', ['--quiet', '-A', label, '--outfile', strip, '--calc', 'A*0+1', '--type', 'Byte'], { stdio: 'pipe' });
  const gt = gdalinfo(label).geoTransform as number[];
  const [x0, y0, x1, y1] = [gt[0], gt[3], gt[0] + 8 * gt[1], gt[3] + 160 * gt[5]];
  const shape = join(tmp, 'strip.geojson');
  writeFileSync(shape, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] } }] }));
  execFileSync('gdal_rasterize', ['-q', '-burn', '0', shape, strip], { stdio: 'pipe' });
  const m = gdalWindow(strip)[0];
  assert.equal(m.filter((v) => v === 0).length, 8 * 160);
  const report = await runEmbed({ model: MODEL, inputs: [scene], out: join(tmp, 'strip-features.tif'), providers: 'cpu', mask: { path: strip } });
  assert.ok(report.input.units.sample.count > 0);
  assert.equal(report.input.units.input, 'dB');
  assert.equal(report.input.preparation.mask!.pixels, 152 * 160);
});

describe('the other task families take the mask', () => {
  test('fused-embed (one S1 date): the fused features are NaN exactly on the masked pixels', { skip: existsSync(join(MODEL, 'fusion.onnx')) ? false : `no ${MODEL}/fusion.onnx` }, async () => {
    const out = join(tmp, 'fused.tif');
    const report = await runFusedEmbed({ model: MODEL, s1: [scene], out, providers: 'cpu', mask: { path: label, values: [0] } });
    const mask = gdalWindow(label)[0];
    const f = gdalWindow(out, { bands: [1] })[0];
    let wrong = 0;
    for (let i = 0; i < mask.length; i++) if (Number.isNaN(f[i]) !== (mask[i] === 0)) wrong++;
    assert.equal(wrong, 0);
    assert.equal(report.mask!.pixels, mask.filter((v) => v === 0).length);
    assert.ok(report.tiles.skipped > 0);
  });

  test('Deepness segmentor: 255 on the masked pixels, the same classes as without the mask elsewhere', async () => {
    const mask = join(tmp, 'bright-red.tif');
    execFileSync('gdal_calc.py', ['--quiet', '-A', FOTOMAP, '--A_band', '1', '--outfile', mask, '--calc', 'A>200', '--type', 'Byte'], { stdio: 'pipe' });
    const model = deepnessModel('segmentor_red_sigmoid_bsx1x512_nometa.onnx');
    const plain = join(tmp, 'red-plain.tif');
    const masked = join(tmp, 'red-masked.tif');
    await runDeepness({ model, modelType: 'Segmentor', input: FOTOMAP, out: plain, resolutionCm: 'native', providers: 'cpu' });
    const report = await runDeepness({ model, modelType: 'Segmentor', input: FOTOMAP, out: masked, resolutionCm: 'native', providers: 'cpu', mask: { path: mask } });
    const m = gdalWindow(mask)[0];
    const a = gdalWindow(plain)[0];
    const b = gdalWindow(masked)[0];
    let wrong = 0;
    for (let i = 0; i < m.length; i++) if (b[i] !== (m[i] ? 255 : a[i])) wrong++;
    assert.equal(wrong, 0, `${wrong} pixels differ`);
    const n = m.filter((v) => v !== 0).length;
    assert.ok(n > 1000 && n < m.length / 2, `${n} masked`);
    assert.equal(report.input.mask!.pixels, n);
  });
});

describe('mask errors', () => {
  test('a mask on another grid names both files; nothing is written', async () => {
    const out = join(tmp, 'never.tif');
    await assert.rejects(
      runEmbed({ model: MODEL, inputs: [scene], out, providers: 'cpu', mask: { path: LABEL, values: [-1] } }),
      (err: unknown) =>
        err instanceof ApiError && err.code === 'E_BAND_MISMATCH' && err.message.includes(LABEL) && err.message.includes(scene) && /512 x 512 px, the input 160 x 160 px/.test(err.message),
    );
    const shifted = join(tmp, 'shifted.tif');
    gdalTranslate(['-srcwin', '161', '80', '160', '160', LABEL, shifted]);
    await assert.rejects(runEmbed({ model: MODEL, inputs: [scene], out, providers: 'cpu', mask: { path: shifted } }), /does not lie on the grid of the input .*different geotransforms/);
    await assert.rejects(runEmbed({ model: MODEL, inputs: [scene], out, providers: 'cpu', mask: { path: scene } }), /has 2 bands; a mask is one band/);
    await assert.rejects(runEmbed({ model: MODEL, inputs: [scene], out, providers: 'cpu', mask: { path: label, values: [-1, 0, 1] } }), /masks every pixel/);
    assert.ok(!existsSync(out));
  });

  test('CLI: --mask-values needs --mask; values and threshold exclude each other; numbers checked', () => {
    const base = ['run', '--task', 'embed', '--model', MODEL, '--input', scene, '--out', join(tmp, 'no.tif')];
    const a = skysense(...base, '--mask-values', '3,8');
    assert.equal(a.code, 2);
    assert.match(a.stderr, /--mask-values and --mask-threshold need --mask FILE/);
    const b = skysense(...base, '--mask', label, '--mask-values', '3', '--mask-threshold', '0.5');
    assert.equal(b.code, 2);
    assert.match(b.stderr, /not both/);
    const c = skysense(...base, '--mask', label, '--mask-threshold', 'high');
    assert.equal(c.code, 2);
    assert.match(c.stderr, /--mask-threshold expects a number/);
    const d = skysense(...base, '--mask', LABEL);
    assert.equal(d.code, 1);
    assert.match(d.stderr, /does not lie on the grid/);
  });
});

/**
 * `skysense run --task embed` end to end on a real OSCD Sentinel-2 band folder, with a tiny
 * random-init SkySense model made by models/convert.py: the output's grid (GDAL as the
 * oracle), the run report, tiling leaving interior features unchanged (against a direct
 * ONNX Runtime run on one tile, preprocessed here from GDAL reads), and the specific errors
 * for a missing band, a broken manifest and an unimplemented task.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { planTiles } from '../../main/tiler/index.ts';
import { makeTinyModel, skysense } from '../helpers/skysense-cli.ts';
import { dataPath, gdalinfo, gdalPixel, gdalWarp, gdalWindow } from '../helpers/gdal.ts';

const SCENE = dataPath('oscd/bercy/imgs_1');

let tmp = '';
let model = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-embed-'));
  model = join(tmp, 'model');
  makeTinyModel(model, ['s2_encoder']);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Manifest {
  modalities: { s2: { bands: string[]; mean: number[]; std: number[] } };
  modules: { s2_encoder: { tile: { size: number; stride: number } } };
}

describe('skysense run --task embed (S2, OSCD bercy)', () => {
  let out = '';
  let run: ReturnType<typeof skysense>;
  before(() => {
    out = join(tmp, 'features.tif');
    run = skysense('run', '--task', 'embed', '--model', model, '--input', SCENE, '--out', out, '--provider', 'cpu');
  });

  test('exits 0 and prints the report path last', () => {
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim().split('\n').at(-1), `${out}.report.json`);
    assert.match(run.stderr, /embed: 100%/);
  });

  test('the output is on the input grid scaled by the stride (gdalinfo)', () => {
    const g = gdalinfo(out);
    const src = gdalinfo(join(SCENE, 'B02.tif'));
    const stride = 4;
    assert.deepEqual(g.size, [Math.ceil(src.size[0] / stride), Math.ceil(src.size[1] / stride)]);
    assert.equal(g.coordinateSystem.wkt, src.coordinateSystem.wkt);
    const want = [src.geoTransform[0], src.geoTransform[1] * stride, src.geoTransform[2] * stride, src.geoTransform[3], src.geoTransform[4] * stride, src.geoTransform[5] * stride];
    (g.geoTransform as number[]).forEach((v, k) => assert.ok(Math.abs(v - want[k]) <= 1e-9, `geoTransform[${k}] ${v} vs ${want[k]}`));
    assert.equal(g.bands.length, 128);
    assert.equal(g.bands[0].type, 'Float32');
    assert.equal(g.bands[0].description, 'f000');
    assert.equal(g.bands[127].description, 'f127');
    assert.equal(g.bands[0].noDataValue, 'NaN');
  });

  test('the report names the cpu provider, the bands and the detected units', () => {
    const report = JSON.parse(readFileSync(`${out}.report.json`, 'utf8'));
    assert.equal(report.task, 'embed');
    assert.equal(report.provider, 'cpu');
    assert.deepEqual(report.fallbacks, []);
    assert.deepEqual(report.input.bandNames, ['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12']);
    assert.equal(report.input.units.input, 'DN');
    assert.equal(report.tile, 64);
    assert.equal(report.overlap, 16);
    assert.ok(report.timings.total > 0);
    assert.equal(report.outputs[0].path, out);
    assert.ok(!readdirSync(tmp).some((f) => f.includes('.tmp')), 'no temporary files left');
  });

  test('an interior location equals a direct single-tile ONNX run on its tile', async () => {
    const m = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')) as Manifest;
    const s2 = m.modalities.s2;
    const { size, stride: step } = m.modules.s2_encoder.tile;
    const src = gdalinfo(join(SCENE, 'B02.tif'));
    const plan = planTiles({ width: src.size[0], height: src.size[1], tileWidth: size, tileHeight: size, overlapX: size - step, overlapY: size - step, stride: 4 });
    const [x0, y0] = [plan.xs[2], plan.ys[2]];
    const image = new Float32Array(s2.bands.length * size * size);
    const [gt, [W, H]] = [src.geoTransform as number[], src.size as [number, number]];
    const te = [gt[0], gt[3] + gt[5] * H, gt[0] + gt[1] * W, gt[3]].map(String);
    s2.bands.forEach((b, c) => {
      // 20 m bands: model inputs get them on the 10 m grid as gdalwarp -r bilinear puts them there.
      const warped = join(tmp, `tile-${b}.tif`);
      gdalWarp(['-overwrite', '-r', 'bilinear', '-ot', 'Float32', '-te', ...te, '-ts', String(W), String(H), join(SCENE, `${b}.tif`), warped]);
      const px = gdalWindow(warped, { srcwin: [x0, y0, size, size] })[0];
      px.forEach((v, i) => (image[c * size * size + i] = (v - s2.mean[c]) / s2.std[c]));
    });
    const session = await ort.InferenceSession.create(join(model, 's2_encoder.onnx'), { executionProviders: ['cpu'] });
    try {
      const y = (await session.run({ image: new ort.Tensor('float32', image, [1, s2.bands.length, size, size]) })).feat_l3;
      const [, C, h, w] = y.dims as number[];
      const data = y.data as Float32Array;
      // The tile's centre: far from every edge, so no neighbour tile is blended in there.
      const [cx, cy] = [w / 2, h / 2];
      const got = gdalPixel(out, x0 / 4 + cx, y0 / 4 + cy);
      assert.equal(got.length, C);
      for (let c = 0; c < C; c++) {
        const want = data[c * h * w + cy * w + cx];
        assert.ok(Math.abs(got[c] - want) <= 1e-4, `channel ${c}: ${got[c]} vs ${want}`);
      }
    } finally {
      await session.release();
    }
  });
});

describe('skysense run --task embed: bad input', () => {
  test('a folder without B8A names the missing band and writes nothing', () => {
    const dir = join(tmp, 'no-b8a');
    mkdirSync(dir);
    for (const b of ['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B11', 'B12']) copyFileSync(join(SCENE, `${b}.tif`), join(dir, `${b}.tif`));
    const out = join(tmp, 'no-b8a.tif');
    const r = skysense('run', '--task', 'embed', '--model', model, '--input', dir, '--out', out, '--provider', 'cpu');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^skysense: .*no-b8a: missing S2 band B8A \(the raster has B02, B03/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.ok(!existsSync(out) && !existsSync(`${out}.report.json`));
  });

  test('a manifest whose mean does not match its bands is refused with the key', () => {
    const broken = join(tmp, 'broken-model');
    mkdirSync(broken);
    symlinkSync(join(model, 's2_encoder.onnx'), join(broken, 's2_encoder.onnx'));
    const m = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
    m.modalities.s2.mean.pop();
    writeFileSync(join(broken, 'manifest.json'), JSON.stringify(m));
    const out = join(tmp, 'broken.tif');
    const r = skysense('run', '--task', 'embed', '--model', broken, '--input', SCENE, '--out', out);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^skysense: .*broken-model\/manifest\.json.*modalities\.s2\.mean.*9 values for 10 bands/);
    assert.ok(!existsSync(out));
  });

  test('--bands overrides the names, and a wrong count is refused', () => {
    const r = skysense('run', '--task', 'embed', '--model', model, '--input', SCENE, '--bands', '2,3,4', '--out', join(tmp, 'x.tif'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^skysense: --bands: gives 3 bands; the s2 encoder needs 10 \(B02, /);
  });

  test('usage errors name the missing or misplaced flag (exit 2)', () => {
    const segment = skysense('run', '--task', 'segment', '--model', model, '--input', SCENE, '--out', join(tmp, 'x.tif'));
    assert.equal(segment.code, 2);
    assert.match(segment.stderr, /^skysense run: --task segment needs --head DIR/);
    const noInput = skysense('run', '--task', 'embed', '--model', model, '--out', join(tmp, 'x.tif'));
    assert.equal(noInput.code, 2);
    assert.match(noInput.stderr, /^skysense run: --input is required/);
    const k = skysense('run', '--task', 'embed', '--model', model, '--input', SCENE, '--k', '4', '--out', join(tmp, 'x.tif'));
    assert.equal(k.code, 2);
    assert.match(k.stderr, /^skysense run: --k does not apply to --task embed/);
    const change = skysense('run', '--task', 'change', '--head', model, '--input', SCENE, '--out', join(tmp, 'x.tif'));
    assert.match(change.stderr, /^skysense run: --task change needs two rasters: --input BEFORE --input AFTER \(got 1\)/);
    assert.ok(!existsSync(join(tmp, 'x.tif')));
  });
});

/**
 * runChange on two real Sentinel-1 dates of one place (SSL4EO-S12, June and September 2020,
 * per-band VV/VH folders cropped to 256 px in a temp dir) with a test head whose change
 * probability is sigmoid(10 (f_b - f_a)) of one feature channel: the change mask must be
 * exactly where that channel grew between the dates, computed here from the embed task's
 * features of each date. Rasters on different grids are refused before any work, with both
 * files and the difference named.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../main/api.ts';
import { runChange, type ChangeReport } from '../../main/tasks/change/change.ts';
import { runEmbed } from '../../main/tasks/embed/embed.ts';
import { dataPath, gdalinfo, gdalTranslate, gdalWindow } from '../helpers/gdal.ts';
import { balancedChannel, sigmoid } from '../helpers/head-fixtures.ts';
import { makeTinyModel } from '../helpers/skysense-cli.ts';
import { makeTestHead, s1HeadManifest } from '../helpers/test-heads.ts';

const S1 = dataPath('s1s2/ssl4eo-s12/s1/0000200');
const DATES = readdirSync(S1).filter((d) => d.startsWith('S1')).sort();

let tmp = '';
let model = '';
let head = '';
let dateA = '';
let dateB = '';
let channel = -1;
let fa: number[][] = [];
let fb: number[][] = [];

/** Each band file of `src` through gdal_translate with `args` into a new folder. */
function bandFolder(name: string, src: string, args: string[]): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  for (const b of ['VV', 'VH']) gdalTranslate([...args, join(src, `${b}.tif`), join(dir, `${b}.tif`)]);
  return dir;
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-change-'));
  model = join(tmp, 'model');
  makeTinyModel(model, ['s1_encoder']);
  dateA = bandFolder('date-a', join(S1, DATES[0]), ['-srcwin', '4', '4', '256', '256']);
  dateB = bandFolder('date-b', join(S1, DATES[1]), ['-srcwin', '4', '4', '256', '256']);
  await runEmbed({ model, inputs: [dateA], out: join(tmp, 'fa.tif'), providers: 'cpu' });
  await runEmbed({ model, inputs: [dateB], out: join(tmp, 'fb.tif'), providers: 'cpu' });
  fa = gdalWindow(join(tmp, 'fa.tif'));
  fb = gdalWindow(join(tmp, 'fb.tif'));
  // The channel whose change splits the cells most evenly.
  channel = balancedChannel(fa.map((band, c) => band.map((v, i) => fb[c][i] - v)));
  const name = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')).name;
  head = join(tmp, 'head');
  makeTestHead(head, {
    net: 'diff',
    weights: [[0, channel, 10]],
    bias: [0],
    manifest: s1HeadManifest({
      name: 'grew',
      task: 'change',
      encoder: { name, modality: 's1', module: 's1_encoder', weightsSha256: null },
      inputs: [
        { name: 'feat_a', dtype: 'float32', shape: ['batch', 128, 'h', 'w'], tap: 'feat_l3', date: 'a' },
        { name: 'feat_b', dtype: 'float32', shape: ['batch', 128, 'h', 'w'], tap: 'feat_l3', date: 'b' },
      ],
      classes: [
        { value: 0, name: 'no change', color: '#000000' },
        { value: 1, name: 'change', color: '#ff0000' },
      ],
    }),
  });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('change: two dates of the same grid', () => {
  let out = '';
  let report: ChangeReport;
  before(async () => {
    out = join(tmp, 'change.tif');
    report = await runChange({ head, model, inputsA: [dateA], inputsB: [dateB], out, providers: 'cpu', grid: 'model' });
  });

  test('the mask is where the feature channel grew, and the probability is its sigmoid', () => {
    const mask = gdalWindow(out)[0];
    const prob = gdalWindow(join(tmp, 'change.prob.tif'))[0];
    let changed = 0;
    mask.forEach((v, i) => {
      const d = fb[channel][i] - fa[channel][i];
      assert.equal(v, d > 0 ? 1 : 0, `cell ${i}: f_b - f_a = ${d}`);
      assert.ok(Math.abs(prob[i] - sigmoid(10 * d)) < 1e-4, `cell ${i}: p ${prob[i]} vs ${sigmoid(10 * d)}`);
      changed += v;
    });
    assert.ok(changed > 0.1 * mask.length && changed < 0.9 * mask.length, `${changed} of ${mask.length} cells changed`);
  });

  test('outputs: Byte mask with palette and names, Float32 probability, both on the grid (gdalinfo)', () => {
    const g = gdalinfo(out);
    const p = gdalinfo(join(tmp, 'change.prob.tif'));
    const src = gdalinfo(join(dateA, 'VV.tif'));
    for (const x of [g, p]) {
      assert.deepEqual(x.size, [64, 64]);
      assert.equal(x.coordinateSystem.wkt, src.coordinateSystem.wkt);
      x.geoTransform.forEach((v: number, k: number) => assert.ok(Math.abs(v - (k === 0 || k === 3 ? src.geoTransform[k] : src.geoTransform[k] * 4)) < 1e-12));
    }
    assert.equal(g.bands[0].type, 'Byte');
    assert.deepEqual(g.bands[0].categories, ['no change', 'change']);
    assert.deepEqual(g.bands[0].colorTable.entries[1], [255, 0, 0, 255]);
    assert.equal(p.bands[0].type, 'Float32');
    assert.equal(p.bands[0].description, 'p(change)');
  });

  test('the report names both dates, the head, and the changed area', () => {
    assert.deepEqual(report.inputs.map((i) => i.date), ['a', 'b']);
    assert.deepEqual(report.inputs.map((i) => i.path), [dateA, dateB]);
    assert.deepEqual(report.inputs[1].bandNames, ['VV', 'VH']);
    assert.equal(report.head.name, 'grew');
    assert.equal(report.task, 'change');
    assert.match(report.warnings.join('\n'), /does not record its encoder's weights/);
    const mask = gdalWindow(out)[0];
    const changed = report.classes.find((c) => c.value === 1)!;
    assert.equal(changed.cells, mask.filter((v) => v === 1).length);
    assert.ok(changed.areaM2! > 0);
    assert.deepEqual(JSON.parse(readFileSync(`${out}.report.json`, 'utf8')), JSON.parse(JSON.stringify(report)));
  });
});

describe('change: rasters on different grids are refused before any work', () => {
  const cases: [string, string[], RegExp][] = [
    ['smaller', ['-srcwin', '0', '0', '200', '200'], /different sizes \(256 x 256 vs 200 x 200 px\)/],
    ['shifted', ['-a_ullr', '73.3', '30.5', '73.3256', '30.4774'], /different geotransforms/],
    ['other-crs', ['-a_srs', 'EPSG:4269'], /different CRS \(WGS 84 vs NAD83\)/],
  ];
  test('OSCD hongkong: the second date is 2 px smaller (real data), named with both folders', async () => {
    const a = dataPath('oscd/hongkong/imgs_1');
    const b = dataPath('oscd/hongkong/imgs_2');
    await assert.rejects(runChange({ head, model, inputsA: [a], inputsB: [b], out: join(tmp, 'hk.tif') }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.message, `${a} (date a) and ${b} (date b): different sizes (540 x 695 vs 538 x 693 px); resample date b onto date a's grid first (e.g. gdalwarp -te/-tr/-t_srs from date a)`);
      return true;
    });
  });

  for (const [name, args, re] of cases) {
    test(name, async () => {
      const b = bandFolder(`b-${name}`, dateB, args);
      const out = join(tmp, `${name}.tif`);
      const t0 = performance.now();
      await assert.rejects(runChange({ head, model, inputsA: [dateA], inputsB: [b], out, providers: 'cpu' }), (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, 'E_BAND_MISMATCH');
        assert.ok(err.message.startsWith(`${dateA} (date a) and ${b} (date b): `), err.message);
        assert.match(err.message, re);
        return true;
      });
      assert.ok(performance.now() - t0 < 5000, 'refused before the encoder runs');
      assert.ok(!existsSync(out) && !existsSync(join(tmp, `${name}.prob.tif`)));
    });
  }
});

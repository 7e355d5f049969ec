/**
 * Training a segment head on real labels and running it as the engine runs any head: the
 * Sen1Floods11 chip Spain_7370579 cut in two with gdal_translate, a head trained on the top
 * half's hand labels (-1 = unlabelled), then `segment` with that head on the bottom half,
 * scored against its hand labels beside the stock s1-water head (trained by models/heads on
 * the same top half) on the same pixels. Also: the exported graph agrees with the TypeScript
 * forward pass (ONNX Runtime here, independently of the trainer's own check), a second run
 * with the same seed reuses the cached features and writes the same bytes, and bad input is
 * refused by name before the encoder runs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { evalHead, trainTaskHead, type TrainReport } from '../../main/train/index.ts';
import { readHeadFolder } from '../../main/heads/index.ts';
import { runSegment } from '../../main/tasks/index.ts';
import { dataPath, gdalTranslate, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { gdalPolygonize, ogr2ogr } from '../helpers/ogr.ts';
import { rasterInfo } from '../../main/raster/index.ts';
import { vectorLabelCells } from '../../main/train/vector-labels.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const STOCK = join(MODEL, 'heads/s1-water');
const CHIP = dataPath('s1s2/sen1floods11/sample');
const CLASSES = ['not water', 'water'];
const VALUES = { '0': 'not water', '1': 'water' };

function waterF1(cls: number[], label: number[]): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  label.forEach((l, i) => {
    if (l < 0) return;
    if (cls[i] === 1 && l === 1) tp++;
    else if (cls[i] === 1) fp++;
    else if (l === 1) fn++;
  });
  return (2 * tp) / (2 * tp + fp + fn);
}

describe('skysense train --task segment on Sen1Floods11 (top half) scored on the bottom half', () => {
  let tmp = '';
  let cache = '';
  const half = (name: string) => join(tmp, name);
  let report: TrainReport;
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-train-'));
    cache = join(tmp, 'cache');
    for (const [w, y] of [['top', '0'], ['bottom', '256']]) {
      gdalTranslate(['-srcwin', '0', y, '512', '256', join(CHIP, 'S1/Spain_7370579_S1Hand.tif'), half(`${w}.tif`)]);
      gdalTranslate(['-srcwin', '0', y, '512', '256', join(CHIP, 'Labels/Spain_7370579_LabelHand.tif'), half(`${w}-label.tif`)]);
    }
    report = await trainTaskHead({ model: MODEL, inputs: [half('top.tif')], labels: half('top-label.tif'), classes: CLASSES, labelValues: VALUES, out: half('water-head'), cacheDir: cache, epochs: 60, seed: 3 });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('the report: features on the encoder grid, a spatial split, both classes, metrics', () => {
    assert.equal(report.modality, 's1');
    assert.deepEqual([report.features.width, report.features.height, report.features.stride, report.features.channels], [128, 64, 4, 128]);
    assert.equal(report.features.cached, false);
    assert.ok(report.samples.train > 1000 && report.samples.val > 200, JSON.stringify(report.samples));
    assert.ok(report.samples.valPerClass.every((n) => n > 0), 'both classes on the validation side');
    assert.ok(report.validation.perClass.water.f1 > 0.5, `validation water F1 ${report.validation.perClass.water.f1}`);
    const cm = report.validation.confusion;
    assert.equal(cm.flat().reduce((a, b) => a + b, 0), report.samples.val);
    assert.ok(Math.abs(report.validation.overallAccuracy - (cm[0][0] + cm[1][1]) / report.samples.val) < 1e-12);
  });

  test('the head folder is one the engine reads, with its training and metrics', async () => {
    const h = await readHeadFolder(half('water-head'));
    assert.equal(h.manifest.task, 'segment');
    assert.equal(h.manifest.encoder.module, 's1_encoder');
    assert.equal(h.manifest.inputs[0].tap, report.model.output);
    assert.deepEqual(h.manifest.classes.map((c) => c.name), CLASSES);
    assert.ok(Math.abs((h.manifest.training.metrics?.macroF1 ?? 0) - report.validation.macroF1) < 1e-12);
    assert.deepEqual(readdirSync(tmp).filter((f) => f.includes('.part-')), [], 'no temporary folder left');
  });

  test('ONNX Runtime on the cached features gives the head the trainer measured', async () => {
    // Independent of the trainer: the graph on every cell of the feature raster, the classes
    // then compared with what segment writes on the head's grid.
    const feats = gdalWindow(report.features.path);
    const C = feats.length;
    const n = feats[0].length;
    const x = new Float32Array(C * n);
    feats.forEach((band, c) => x.set(band, c * n));
    const session = await ort.InferenceSession.create(readFileSync(join(half('water-head'), 'head.onnx')));
    const y = (await session.run({ feat: new ort.Tensor('float32', x, [1, C, 1, n]) })).logits.data as Float32Array;
    await session.release();
    const out = half('top-model.tif');
    await runSegment({ model: MODEL, head: half('water-head'), inputs: [half('top.tif')], out, grid: 'model', providers: 'cpu' });
    const cells = gdalWindow(out)[0];
    let agree = 0;
    let valid = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(y[i]) || cells[i] === 255) continue;
      valid++;
      if ((y[n + i] > y[i] ? 1 : 0) === cells[i]) agree++;
    }
    // The features file is float16 while segment runs the encoder in float32: a cell near the
    // decision boundary may flip.
    assert.ok(valid > 8000 && agree / valid > 0.995, `${agree} of ${valid} cells agree`);
  });

  test('on the held-out bottom half it scores as the stock head does', async () => {
    const label = gdalWindow(half('bottom-label.tif'))[0];
    await runSegment({ model: MODEL, head: half('water-head'), inputs: [half('bottom.tif')], out: half('mine.tif'), providers: 'cpu' });
    const mine = waterF1(gdalWindow(half('mine.tif'))[0], label);
    if (existsSync(join(STOCK, 'manifest.json'))) {
      await runSegment({ head: STOCK, inputs: [half('bottom.tif')], out: half('stock.tif'), providers: 'cpu' });
      const stock = waterF1(gdalWindow(half('stock.tif'))[0], label);
      console.log(`held-out water F1: trained here ${mine.toFixed(4)}, stock s1-water ${stock.toFixed(4)}`);
      assert.ok(mine > stock - 0.05, `trained head F1 ${mine} against the stock head's ${stock}`);
    }
    assert.ok(mine > 0.6, `held-out F1 ${mine}`);
  });

  test('eval: the head on the held-out half, against cell labels made by GDAL', async () => {
    const r = await evalHead({ head: half('water-head'), model: MODEL, inputs: [half('bottom.tif')], labels: half('bottom-label.tif'), labelValues: VALUES, providers: 'cpu' });
    // Oracle: each 4 x 4 cell's most frequent hand label (gdal_translate -r mode, -1 as nodata),
    // against segment's classes on the head's grid.
    gdalTranslate(['-a_nodata', '-1', half('bottom-label.tif'), half('bottom-label-nd.tif')]);
    gdalTranslate(['-r', 'mode', '-outsize', '128', '64', half('bottom-label-nd.tif'), half('cells.tif')]);
    const cells = gdalWindow(half('cells.tif'))[0];
    await runSegment({ model: MODEL, head: half('water-head'), inputs: [half('bottom.tif')], out: half('bottom-model.tif'), grid: 'model', providers: 'cpu' });
    const f1 = waterF1(gdalWindow(half('bottom-model.tif'))[0], cells.map((v) => (v === -1 ? -1 : v)));
    assert.ok(Math.abs(r.perClass.water.f1 - f1) < 0.01, `eval water F1 ${r.perClass.water.f1}, oracle ${f1}`);
    assert.equal(r.scenes[0].cells, cells.filter((v) => v >= 0).length);
    assert.equal(r.confusion.flat().reduce((a, b) => a + b, 0), r.scenes[0].cells);
  });

  test('the same seed reuses the cached features and writes the same head', async () => {
    const again = await trainTaskHead({ model: MODEL, inputs: [half('top.tif')], labels: half('top-label.tif'), classes: CLASSES, labelValues: VALUES, out: half('water-head-2'), cacheDir: cache, epochs: 60, seed: 3 });
    assert.equal(again.features.cached, true);
    assert.deepEqual(readFileSync(join(half('water-head-2'), 'head.onnx')), readFileSync(join(half('water-head'), 'head.onnx')));
    assert.deepEqual(again.validation, report.validation);
  });

  test('a dataset spec with the same scene trains the same head', async () => {
    const spec = half('spec.json');
    writeFileSync(spec, JSON.stringify({ task: 'segment', classes: CLASSES, samples: [{ inputs: { image: 'top.tif' }, labels: 'top-label.tif', labelValues: VALUES }] }));
    const r = await trainTaskHead({ model: MODEL, dataset: spec, out: half('water-head-spec'), cacheDir: cache, epochs: 60, seed: 3 });
    assert.equal(r.features.cached, true);
    assert.deepEqual(r.validation, report.validation);
    assert.deepEqual(r.samples, report.samples);
  });

  test('GeoJSON labels (gdal_polygonize.py of the label raster, also reprojected) give the raster cells', async () => {
    // Oracle: GDAL polygonizes the hand labels. On a cell whose 16 pixels all carry one label,
    // the polygon holding the cell's centre must be of that label; mixed cells are left out
    // (their centre, a pixel corner, may fall on either side of a boundary).
    gdalPolygonize(half('top-label.tif'), half('labels.gpkg'));
    ogr2ogr(['-f', 'GeoJSON', '-where', 'val >= 0', half('labels.geojson'), half('labels.gpkg')]);
    ogr2ogr(['-f', 'GeoJSON', '-t_srs', 'EPSG:3857', '-lco', 'RFC7946=NO', half('labels-3857.geojson'), half('labels.geojson')]);
    const info = await rasterInfo([half('top.tif')]);
    const px = gdalWindow(half('top-label.tif'))[0];
    const pure = new Int16Array(128 * 64).fill(-1);
    for (let r = 0; r < 64; r++) {
      for (let c = 0; c < 128; c++) {
        const v = px[r * 4 * 512 + c * 4];
        let same = v >= 0;
        for (let y = 0; y < 4 && same; y++) for (let x = 0; x < 4 && same; x++) same = px[(r * 4 + y) * 512 + c * 4 + x] === v;
        if (same) pure[r * 128 + c] = v;
      }
    }
    const pureCount = pure.filter((v) => v >= 0).length;
    for (const file of ['labels.geojson', 'labels-3857.geojson']) {
      const v = await vectorLabelCells(half(file), info, 4, CLASSES, 'val', VALUES);
      let same = 0;
      for (let i = 0; i < pure.length; i++) if (pure[i] >= 0 && v.labels[i] === pure[i]) same++;
      assert.ok(same / pureCount > 0.995, `${file}: ${same} of ${pureCount} single-label cells agree`);
    }
    const r = await trainTaskHead({ model: MODEL, inputs: [half('top.tif')], labels: half('labels-3857.geojson'), classField: 'val', classes: CLASSES, labelValues: VALUES, out: half('water-head-vector'), cacheDir: cache, epochs: 60, seed: 3 });
    assert.ok(r.validation.perClass.water.f1 > 0.6, `validation water F1 ${r.validation.perClass.water.f1}`);
    await assert.rejects(trainTaskHead({ model: MODEL, inputs: [half('top.tif')], labels: half('labels.geojson'), classes: CLASSES, out: half('bad'), cacheDir: cache }), /features\[0\] has no "class" property/);
  });

  test('bad input is refused by name before the encoder runs', async () => {
    const base = { model: MODEL, inputs: [half('top.tif')], labels: half('top-label.tif'), classes: CLASSES, labelValues: VALUES, out: half('bad'), cacheDir: join(tmp, 'no-cache') };
    await assert.rejects(trainTaskHead({ ...base, labelValues: { '1': 'lake' } }), /labelValues "1" names class "lake", which is not one of the classes/);
    await assert.rejects(trainTaskHead({ ...base, labelValues: { '1': 'water' } }), /one class only \("water"\)/);
    await assert.rejects(trainTaskHead({ ...base, labels: half('bottom-label.tif') }), /different geotransforms/);
    await assert.rejects(trainTaskHead({ ...base, labels: join(CHIP, 'Labels/Spain_7370579_LabelHand.tif') }), /512 x 512 px, the input .* is 512 x 256/);
    await assert.rejects(trainTaskHead({ ...base, classes: ['water', 'water'] }), /"water" is given twice/);
    await assert.rejects(trainTaskHead({ ...base, labels: join(tmp, 'missing.tif') }), /missing\.tif/);
    const spec = (samples: unknown[]) => {
      const p = half(`bad-${samples.length}.json`);
      writeFileSync(p, JSON.stringify({ task: 'segment', classes: CLASSES, samples }));
      return { model: MODEL, dataset: p, out: half('bad'), cacheDir: join(tmp, 'no-cache') };
    };
    await assert.rejects(trainTaskHead(spec([{ inputs: { image: 'top.tif' }, labels: 'gone.tif' }])), /samples\[0\]\.labels: .*gone\.tif not found/);
    await assert.rejects(trainTaskHead(spec([{ inputs: { t1: 'top.tif' }, labels: 'top-label.tif' }])), /samples\[0\]\.inputs: "t1" is not an input of a segment head/);
    await assert.rejects(trainTaskHead(spec([{ inputs: { image: 'top.tif' }, labels: 'top-label.tif', labelValues: { '1': 'lake' } }])), /samples\[0\]\.labelValues "1" names class "lake"/);
    assert.equal(existsSync(join(tmp, 'no-cache')), false, 'no features computed for bad input');
    assert.equal(existsSync(half('bad')), false);
  });
});

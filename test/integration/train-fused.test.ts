/**
 * A segment head on SkySense's fused series features: the eo-learn Slovenia patch (five
 * Sentinel-2 L1C dates, a land-cover raster) cut in two with gdal_translate, a head trained on
 * the top half's land cover through the fusion module (one feature per S2 pixel), then scored
 * on the bottom half it never saw. `skysense eval` runs the head through the engine's segment
 * task on the series; the same head run by `skysense run` and read back with GDAL must give
 * the same confusion matrix. A second training reuses the cached fused features; series that
 * cannot be fused are refused by name before the encoder runs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { evalHead, trainTaskHead, type EvalReport, type TrainReport } from '../../main/train/index.ts';
import { readHeadFolder } from '../../main/heads/index.ts';
import { dataPath, gdalinfo, gdalTranslate, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const PATCH = dataPath('more/eolearn_testeopatch_slovenia');
const DATES = readdirSync(PATCH).filter((f) => f.startsWith('S2L1C_')).sort();
const CLASSES = ['forest', 'grassland', 'shrubland', 'artificial surface'];
// eo-learn's LULC codes; 0 (no data) and 1 (cultivated land, 11 px) stay unlabelled.
const VALUES = { '2': 'forest', '3': 'grassland', '4': 'shrubland', '8': 'artificial surface' };

describe('skysense train on a fused S2 series (eo-learn Slovenia, top half) scored on the bottom half', () => {
  let tmp = '';
  let cache = '';
  const half = (w: string) => DATES.map((f) => join(tmp, w, basename(f)));
  const label = (w: string) => join(tmp, w, 'LULC_label.tif');
  let report: TrainReport;
  let evaluated: EvalReport;
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-train-fused-'));
    cache = join(tmp, 'cache');
    for (const [w, y, h] of [['top', '0', '50'], ['bottom', '50', '51']]) {
      mkdirSync(join(tmp, w));
      // The file names carry the dates, as the fused series reads them.
      for (const f of DATES) gdalTranslate(['-q', '-srcwin', '0', y, '100', h, join(PATCH, f), join(tmp, w, f)]);
      gdalTranslate(['-q', '-srcwin', '0', y, '100', h, join(PATCH, 'LULC_label.tif'), label(w)]);
    }
    report = await trainTaskHead({ model: MODEL, series: { s2: half('top') }, labels: label('top'), classes: CLASSES, labelValues: VALUES, out: join(tmp, 'lulc-head'), cacheDir: cache, epochs: 60, seed: 1, providers: 'cpu' });
    evaluated = await evalHead({ head: join(tmp, 'lulc-head'), model: MODEL, series: { s2: half('bottom') }, labels: label('bottom'), labelValues: VALUES, providers: 'cpu' });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('the features are the fusion module\'s, one per S2 pixel', () => {
    assert.equal(report.modality, 'fused');
    assert.equal(report.model.module, 'fusion');
    assert.equal(report.model.output, 'fused');
    assert.deepEqual([report.features.width, report.features.height, report.features.stride], [100, 50, 1]);
    assert.equal(report.features.channels, 128);
    assert.equal(report.features.cached, false);
    // Every top-half pixel with a kept code is a labelled cell (stride 1).
    const codes = gdalWindow(label('top'))[0];
    const kept = codes.filter((v) => [2, 3, 4, 8].includes(v)).length;
    assert.equal(report.labels[0].labelledCells.reduce((a, b) => a + b, 0), kept);
    assert.ok(report.onnxMaxAbsDiff <= 1e-4, `ONNX vs TypeScript ${report.onnxMaxAbsDiff}`);
  });

  test('the head folder is a fused head the engine opens', async () => {
    const h = await readHeadFolder(join(tmp, 'lulc-head'));
    assert.equal(h.manifest.encoder.modality, 'fused');
    assert.equal(h.manifest.encoder.module, 'fusion');
    assert.equal(h.manifest.inputs[0].tap, 'fused');
    assert.equal(h.manifest.outputs[0].stride, 1);
    assert.deepEqual(h.manifest.classes.map((c) => c.name), CLASSES);
  });

  test('held out: a better macro F1 than the majority class, and skysense run gives what eval scored', () => {
    const labels = gdalWindow(label('bottom'))[0];
    const forestShare = labels.filter((v) => v === 2).length / labels.filter((v) => [2, 3, 4, 8].includes(v)).length;
    assert.equal(evaluated.scenes[0].cells, 100 * 51 - labels.filter((v) => ![2, 3, 4, 8].includes(v)).length);
    // Calling every pixel forest: F1 2p / (1 + p) for forest, 0 for the other three classes.
    const allForest = (2 * forestShare) / (1 + forestShare) / CLASSES.length;
    assert.ok(evaluated.macroF1 > allForest, `macro F1 ${evaluated.macroF1} vs all-forest ${allForest}`);
    const out = join(tmp, 'bottom-classes.tif');
    const r = skysense('run', '--task', 'segment', '--head', join(tmp, 'lulc-head'), '--model', MODEL, ...half('bottom').flatMap((f) => ['--input', f]), '--out', out, '--provider', 'cpu');
    assert.equal(r.code, 0, r.stderr);
    const info = gdalinfo(out);
    assert.deepEqual(info.size, [100, 51]);
    const [cls] = gdalWindow(out);
    const value = new Map<number, number>([[2, 0], [3, 1], [4, 2], [8, 3]]);
    const confusion = CLASSES.map(() => CLASSES.map(() => 0));
    labels.forEach((v, i) => {
      const k = value.get(v);
      if (k !== undefined) confusion[k][cls[i]]++;
    });
    assert.deepEqual(evaluated.confusion, confusion);
  });

  test('a second training reuses the fused features', async () => {
    const again = await trainTaskHead({ model: MODEL, series: { s2: half('top') }, labels: label('top'), classes: CLASSES, labelValues: VALUES, out: join(tmp, 'again'), cacheDir: cache, epochs: 2, seed: 1, providers: 'cpu' });
    assert.equal(again.features.cached, true);
  });

  test('series that cannot be trained on are refused by name, before the encoder runs', async () => {
    const base = { model: MODEL, labels: label('top'), classes: CLASSES, labelValues: VALUES, cacheDir: join(tmp, 'never'), providers: 'cpu' };
    await assert.rejects(trainTaskHead({ ...base, series: { s2: half('top'), dates: ['2015-07-11'] }, out: join(tmp, 'x1') }), /series\.dates: 1 dates for 5 S2 rasters/);
    await assert.rejects(trainTaskHead({ ...base, series: { s2: half('top') }, modality: 's2', out: join(tmp, 'x2') }), /modality/);
    await assert.rejects(trainTaskHead({ ...base, task: 'change', series: { s2: half('top') }, out: join(tmp, 'x3') }), /fused series are trained for segment, not change/);
    const spec = join(tmp, 'mixed.json');
    writeFileSync(spec, JSON.stringify({ task: 'segment', classes: CLASSES, samples: [{ inputs: { image: half('top')[0], s2: half('top') }, labels: label('top'), labelValues: VALUES }] }));
    await assert.rejects(trainTaskHead({ model: MODEL, dataset: spec, out: join(tmp, 'x4'), cacheDir: join(tmp, 'never') }), /mixed\.json: samples\[0\]\.inputs: "image" and a series/);
    const hr = join(tmp, 'hr.json');
    writeFileSync(hr, JSON.stringify({ task: 'segment', classes: CLASSES, samples: [{ inputs: { s2: half('top'), hr: half('top')[0] }, labels: label('top'), labelValues: VALUES }] }));
    await assert.rejects(trainTaskHead({ model: MODEL, dataset: hr, out: join(tmp, 'x5'), cacheDir: join(tmp, 'never') }), /hr\.json: samples\[0\]\.inputs\.hr: .* is also a date of the series/);
    await assert.rejects(evalHead({ head: join(tmp, 'lulc-head'), inputs: [half('bottom')[0]], labels: label('bottom'), labelValues: VALUES }), /is a fused-series head, but the scene gives one raster per date/);
    assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith('x') || f === 'never'), []);
    const cli = skysense('train', '--task', 'change', '--fused', '--model', MODEL, '--input', half('top')[0], '--input', half('top')[1], '--labels', label('top'), '--classes', 'a,b', '--out', join(tmp, 'x6'));
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /--fused: change heads/);
  });
});

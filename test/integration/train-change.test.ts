/**
 * A change head trained on real OSCD labels (the Sentinel-2 pair of aguasclaras, its change
 * map: 1 no change, 2 change) and used as the engine uses any change head: the graph reads
 * date a and date b (two inputs) and gives the classes `change` writes; ONNX Runtime on the
 * two dates' cached features reproduces `change` on the head's grid; eval on a city the head
 * never saw (bercy) matches a score computed from GDAL's mode-resampled change map, beside
 * the stock oscd-change head on the same city.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readHeadFolder } from '../../main/heads/index.ts';
import { runChange } from '../../main/tasks/index.ts';
import { evalHead, trainTaskHead, type TrainReport } from '../../main/train/index.ts';
import { cachedFeatures } from '../../main/train/feature-cache.ts';
import { dataPath, gdalTranslate, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const OSCD = dataPath('oscd');
const VALUES = { '1': 'no change', '2': 'change' };
const city = (c: string) => ({ inputs: { t1: join(OSCD, c, 'imgs_1'), t2: join(OSCD, c, 'imgs_2') }, labels: join(OSCD, c, 'cm', `${c}-cm.tif`), labelValues: VALUES });

function changeF1(pred: number[], label: number[]): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  label.forEach((l, i) => {
    if (l !== 0 && l !== 1) return;
    if (pred[i] === 1 && l === 1) tp++;
    else if (pred[i] === 1) fp++;
    else if (l === 1) fn++;
  });
  return (2 * tp) / (2 * tp + fp + fn);
}

describe('skysense train --task change on OSCD aguasclaras, scored on bercy', () => {
  let tmp = '';
  let cache = '';
  let report: TrainReport;
  const at = (f: string) => join(tmp, f);
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-train-change-'));
    cache = join(tmp, 'cache');
    writeFileSync(at('spec.json'), JSON.stringify({ task: 'change', classes: ['no change', 'change'], samples: [city('aguasclaras')] }));
    report = await trainTaskHead({ model: MODEL, dataset: at('spec.json'), out: at('change-head'), cacheDir: cache, epochs: 60, seed: 2 });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('a change head: two inputs by date, features [a, b, |a - b|], both classes validated', async () => {
    assert.equal(report.task, 'change');
    const h = await readHeadFolder(at('change-head'));
    assert.equal(h.manifest.task, 'change');
    assert.deepEqual(h.manifest.inputs.map((i) => [i.name, i.date, i.shape[1]]), [['feat_a', 'a', 128], ['feat_b', 'b', 128]]);
    assert.ok(report.samples.valPerClass[1] > 0 && report.samples.trainPerClass[1] > 0, JSON.stringify(report.samples));
    assert.ok(report.onnxMaxAbsDiff < 1e-5, `ONNX vs TypeScript ${report.onnxMaxAbsDiff}`);
  });

  test("ONNX Runtime on both dates' cached features gives the classes `change` writes", async () => {
    const dates = [];
    for (const t of ['imgs_1', 'imgs_2']) dates.push(await cachedFeatures({ model: MODEL, inputs: [join(OSCD, 'aguasclaras', t)], modality: 's2', cacheDir: cache }));
    assert.ok(dates.every((d) => d.cached), 'training cached both dates');
    const planar = dates.map((d) => {
      const bands = gdalWindow(d.path);
      const x = new Float32Array(bands.length * bands[0].length);
      bands.forEach((b, c) => x.set(b, c * b.length));
      return { x, n: bands[0].length, C: bands.length };
    });
    const { n, C } = planar[0];
    const session = await ort.InferenceSession.create(readFileSync(at('change-head/head.onnx')));
    const y = (await session.run({ feat_a: new ort.Tensor('float32', planar[0].x, [1, C, 1, n]), feat_b: new ort.Tensor('float32', planar[1].x, [1, C, 1, n]) })).logits.data as Float32Array;
    await session.release();
    await runChange({ model: MODEL, head: at('change-head'), inputsA: [join(OSCD, 'aguasclaras', 'imgs_1')], inputsB: [join(OSCD, 'aguasclaras', 'imgs_2')], out: at('agua.tif'), grid: 'model', providers: 'cpu' });
    const cells = gdalWindow(at('agua.tif'))[0];
    let agree = 0;
    let valid = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(y[i]) || cells[i] === 255) continue;
      valid++;
      if ((y[n + i] > y[i] ? 1 : 0) === cells[i]) agree++;
    }
    assert.ok(valid > 10000 && agree / valid > 0.995, `${agree} of ${valid} cells agree`);
  });

  test('eval on bercy (never seen) equals the score from GDAL mode-resampled labels; the stock head beside it', async () => {
    const c = city('bercy');
    const r = await evalHead({ head: at('change-head'), model: MODEL, inputs: [c.inputs.t1, c.inputs.t2], labels: c.labels, labelValues: VALUES, providers: 'cpu' });
    // Oracle: the change map (1, 2) as 0 / 1 with 255 nodata, each 4 x 4 cell's mode by GDAL.
    const w = gdalWindow(c.labels)[0].length;
    assert.ok(w > 0);
    gdalTranslate(['-scale', '1', '2', '0', '1', '-ot', 'Byte', c.labels, at('bercy-01.tif')]);
    const W = Math.ceil(360 / 4);
    const H = Math.ceil(395 / 4);
    gdalTranslate(['-r', 'mode', '-outsize', String(W), String(H), at('bercy-01.tif'), at('bercy-cells.tif')]);
    await runChange({ model: MODEL, head: at('change-head'), inputsA: [c.inputs.t1], inputsB: [c.inputs.t2], out: at('bercy.tif'), grid: 'model', providers: 'cpu' });
    const oracle = changeF1(gdalWindow(at('bercy.tif'))[0], gdalWindow(at('bercy-cells.tif'))[0]);
    assert.ok(Math.abs(r.perClass.change.f1 - oracle) < 0.02, `eval change F1 ${r.perClass.change.f1}, oracle ${oracle}`);
    const stockDir = join(MODEL, 'heads/oscd-change');
    if (existsSync(join(stockDir, 'manifest.json'))) {
      const s = await evalHead({ head: stockDir, inputs: [c.inputs.t1, c.inputs.t2], labels: c.labels, labelValues: VALUES, providers: 'cpu' });
      console.log(`bercy change F1: trained on aguasclaras ${r.perClass.change.f1.toFixed(3)}, stock oscd-change ${s.perClass.change.f1.toFixed(3)}`);
    }
    assert.ok(r.perClass.change.support > 0 && r.confusion[1][1] > 0, 'finds some of the change');
  });
});

/**
 * A classify head trained on real labels: the Sen1Floods11 chip Spain_7370579 (S1) cut in two
 * with gdal_translate; each 32 x 32 px cell of the top half is labelled by its most frequent
 * hand label (water or not), a pooled head is trained on them, and `skysense run --task
 * classify` with that head answers per cell of the bottom half. Checked: the head's graph on
 * the cell means of the cached features (read by GDAL, fed to ONNX Runtime here) gives the
 * probabilities the classify task writes for the same cells, so training saw what the engine
 * computes; eval's cells and score against cell labels GDAL makes by mode resampling.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { evalHead, trainTaskHead, type TrainReport } from '../../main/train/index.ts';
import { readHeadFolder } from '../../main/heads/index.ts';
import { runClassify } from '../../main/tasks/index.ts';
import { dataPath, gdalTranslate, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const CHIP = dataPath('s1s2/sen1floods11/sample');
const CLASSES = ['land', 'water'];
const VALUES = { '0': 'land', '1': 'water' };
const GRID = 32;

describe('skysense train --task classify on Sen1Floods11 cells (top half) scored on the bottom half', () => {
  let tmp = '';
  const at = (name: string) => join(tmp, name);
  let report: TrainReport;
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-train-classify-'));
    for (const [w, y] of [['top', '0'], ['bottom', '256']]) {
      gdalTranslate(['-q', '-srcwin', '0', y, '512', '256', join(CHIP, 'S1/Spain_7370579_S1Hand.tif'), at(`${w}.tif`)]);
      gdalTranslate(['-q', '-srcwin', '0', y, '512', '256', join(CHIP, 'Labels/Spain_7370579_LabelHand.tif'), at(`${w}-label.tif`)]);
    }
    report = await trainTaskHead({ task: 'classify', grid: GRID, model: MODEL, inputs: [at('top.tif')], labels: at('top-label.tif'), classes: CLASSES, labelValues: VALUES, out: at('cells-head'), cacheDir: at('cache'), epochs: 80, seed: 2, providers: 'cpu' });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('one sample per labelled 32 px cell, split cell by cell', () => {
    assert.equal(report.task, 'classify');
    assert.deepEqual([report.features.width, report.features.height, report.features.stride], [128, 64, 4]);
    const labelled = report.labels[0].labelledCells.reduce((a, b) => a + b, 0);
    assert.ok(labelled <= 16 * 8 && labelled > 100, `labelled cells ${labelled}`);
    assert.equal(report.samples.train + report.samples.val, labelled - report.samples.droppedNoData);
    assert.ok(report.samples.valPerClass.every((n) => n > 0), JSON.stringify(report.samples));
    assert.ok(report.onnxMaxAbsDiff <= 1e-4, `ONNX vs TypeScript ${report.onnxMaxAbsDiff}`);
  });

  test('the head folder is a classify head: [batch, classes] per 32 px tile', async () => {
    const h = await readHeadFolder(at('cells-head'));
    assert.equal(h.manifest.task, 'classify');
    assert.deepEqual(h.manifest.outputs[0].shape, ['batch', 2]);
    assert.deepEqual(h.manifest.tile, { size: GRID, stride: GRID });
    assert.equal(h.manifest.activation, 'softmax');
  });

  test('the graph on cell means of the cached features gives what classify writes', async () => {
    const feats = gdalWindow(report.features.path);
    const C = feats.length;
    const k = GRID / 4;
    const cells: number[] = [];
    const x: number[] = [];
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 16; c++) {
        cells.push(r * 16 + c);
        for (let ch = 0; ch < C; ch++) {
          let sum = 0;
          for (let yy = 0; yy < k; yy++) for (let xx = 0; xx < k; xx++) sum += feats[ch][(r * k + yy) * 128 + c * k + xx];
          x.push(sum / (k * k));
        }
      }
    }
    const session = await ort.InferenceSession.create(readFileSync(join(at('cells-head'), 'head.onnx')));
    const logits = (await session.run({ feat: new ort.Tensor('float32', Float32Array.from(x), [cells.length, C, 1, 1]) })).logits.data as Float32Array;
    await session.release();
    await runClassify({ head: at('cells-head'), model: MODEL, inputs: [at('top.tif')], out: at('top-cells.tif'), probabilities: true, providers: 'cpu' });
    const prob = gdalWindow(at('top-cells.prob.tif'));
    let worst = 0;
    cells.forEach((cell, i) => {
      const p1 = 1 / (1 + Math.exp(logits[i * 2] - logits[i * 2 + 1]));
      worst = Math.max(worst, Math.abs(prob[1][cell] - p1));
    });
    // The cache holds float16 features; the engine's are float32.
    assert.ok(worst < 0.02, `max |p(water) difference| ${worst}`);
  });

  test('eval on the held-out half: its cells are GDAL\'s mode cells, the score what classify wrote', async () => {
    const r = await evalHead({ head: at('cells-head'), model: MODEL, inputs: [at('bottom.tif')], labels: at('bottom-label.tif'), labelValues: VALUES, providers: 'cpu' });
    gdalTranslate(['-q', '-a_nodata', '-1', at('bottom-label.tif'), at('bottom-label-nd.tif')]);
    gdalTranslate(['-q', '-r', 'mode', '-outsize', '16', '8', at('bottom-label-nd.tif'), at('cells.tif')]);
    const labels = gdalWindow(at('cells.tif'))[0];
    const cli = skysense('run', '--task', 'classify', '--head', at('cells-head'), '--model', MODEL, '--input', at('bottom.tif'), '--out', at('bottom-cells.tif'), '--provider', 'cpu');
    assert.equal(cli.code, 0, cli.stderr);
    const pred = gdalWindow(at('bottom-cells.tif'))[0];
    assert.equal(pred.length, 16 * 8);
    const cm = [[0, 0], [0, 0]];
    labels.forEach((l, i) => {
      if (l >= 0) cm[l][pred[i]]++;
    });
    assert.equal(r.scenes[0].cells, labels.filter((v) => v >= 0).length);
    // Mode ties may fall to another class in GDAL: at most one cell in a hundred.
    const differ = cm.flat().reduce((a, v, i) => a + Math.abs(v - r.confusion.flat()[i]), 0);
    assert.ok(differ <= 2 * Math.ceil(r.scenes[0].cells / 100), `confusion ${JSON.stringify(r.confusion)} vs GDAL cells ${JSON.stringify(cm)}`);
    assert.ok(r.overallAccuracy > 0.8, `held-out accuracy ${r.overallAccuracy}`);
  });

  test('a grid the encoder cannot take is refused before any work', async () => {
    const base = { task: 'classify' as const, model: MODEL, inputs: [at('top.tif')], labels: at('top-label.tif'), classes: CLASSES, labelValues: VALUES, cacheDir: at('never'), providers: 'cpu' };
    await assert.rejects(trainTaskHead({ ...base, grid: 30, out: at('x1') }), /grid 30 px: a classify cell must be a whole number of the encoder's 4 px output cells/);
    const cli = skysense('train', '--task', 'segment', '--grid', '32', '--model', MODEL, '--input', at('top.tif'), '--labels', at('top-label.tif'), '--classes', 'land,water', '--out', at('x2'));
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /--grid: only classify heads/);
  });
});

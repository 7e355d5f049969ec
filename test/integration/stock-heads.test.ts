/**
 * The stock s1-water head (models/skysense-tiny/heads/s1-water, trained by models/heads on the
 * top half of the one hand-labelled Sen1Floods11 chip) run by the engine's segment task on the
 * held-out bottom half, scored against the hand label (-1 = not labelled, ignored). The
 * engine must reproduce the trainer's own F1 on the head's grid (same tiles, cells copied to
 * their 4 x 4 pixels), and on the input grid (bilinear probabilities) stay above a bound set
 * below what was measured here: F1 0.655 on the input grid, 0.635 on the head's grid (trainer:
 * 0.636), with the head shipped on 2026-11-26 (an earlier trial head: 0.628 / 0.612).
 * Skipped, saying so, while the stock heads are not in the model folder.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSegment } from '../../main/tasks/segment/segment.ts';
import { dataPath, gdalTranslate, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';

const HEAD = join(REPO_ROOT, 'models/skysense-tiny/heads/s1-water');
const CHIP = dataPath('s1s2/sen1floods11/sample');
const absent = existsSync(join(HEAD, 'manifest.json')) ? false : `no stock head at ${HEAD}`;
const F1_BOUND = 0.6;

function f1(cls: number[], label: number[]): { f1: number; labelled: number; water: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let labelled = 0;
  label.forEach((l, i) => {
    if (l < 0) return;
    labelled++;
    const p = cls[i] === 1;
    if (p && l === 1) tp++;
    else if (p) fp++;
    else if (l === 1) fn++;
  });
  return { f1: (2 * tp) / (2 * tp + fp + fn), labelled, water: tp + fn };
}

describe('stock head s1-water on the held-out half of Sen1Floods11 Spain_7370579', { skip: absent }, () => {
  let tmp = '';
  let scene = '';
  let label: number[] = [];
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-stock-heads-'));
    scene = join(tmp, 'bottom.tif');
    gdalTranslate(['-srcwin', '0', '256', '512', '256', join(CHIP, 'S1/Spain_7370579_S1Hand.tif'), scene]);
    gdalTranslate(['-srcwin', '0', '256', '512', '256', join(CHIP, 'Labels/Spain_7370579_LabelHand.tif'), join(tmp, 'label.tif')]);
    label = gdalWindow(join(tmp, 'label.tif'))[0];
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test("on the head's grid the engine reproduces the trainer's F1", async () => {
    const out = join(tmp, 'water-model.tif');
    // No model folder given: the head's own (it ships in models/skysense-tiny/heads/).
    const r = await runSegment({ head: HEAD, inputs: [scene], out, providers: 'cpu', grid: 'model' });
    assert.deepEqual(r.warnings, [], 'the head was trained on the encoder it ships with');
    const cells = gdalWindow(out)[0];
    const cls = label.map((_, i) => cells[Math.floor(Math.floor(i / 512) / 4) * 128 + Math.floor((i % 512) / 4)]);
    const s = f1(cls, label);
    const manifest = JSON.parse(readFileSync(join(HEAD, 'manifest.json'), 'utf8'));
    console.log(`s1-water, head grid: F1 ${s.f1.toFixed(4)} over ${s.labelled} labelled px (${s.water} water); trainer says ${manifest.training.metrics.f1}`);
    assert.ok(Math.abs(s.f1 - manifest.training.metrics.f1) < 0.02, `engine F1 ${s.f1} vs trainer ${manifest.training.metrics.f1}`);
  });

  test(`on the input grid F1 is above ${F1_BOUND}`, async () => {
    const out = join(tmp, 'water-input.tif');
    const r = await runSegment({ head: HEAD, inputs: [scene], out, providers: 'cpu' });
    const s = f1(gdalWindow(out)[0], label);
    console.log(`s1-water, input grid: F1 ${s.f1.toFixed(4)}; water area ${r.classes[1].areaM2?.toFixed(0)} m²`);
    assert.ok(s.f1 > F1_BOUND, `F1 ${s.f1}`);
    assert.equal(r.head.name, 's1-water');
  });
});

/**
 * Training with flip / rotation augmentation (`--augment`): the training cells' features come
 * again from each view of their tiles (the encoder sees the tile mirrored or turned, its
 * features are turned back), so the training side grows by one copy per view while the
 * validation side stays the raw one; the views' features are real encoder outputs, not copies
 * (they differ from the plain features), are cached like them, and a series is refused.
 * Real data: the top half of the Sen1Floods11 chip and its hand labels.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainTaskHead, type TrainReport } from '../../main/train/index.ts';
import { dataPath, gdalTranslate, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const CHIP = dataPath('s1s2/sen1floods11/sample');
let tmp = '';
let plain: TrainReport;
let augmented: TrainReport;
const options = () => ({
  model: MODEL, inputs: [join(tmp, 'top.tif')], labels: join(tmp, 'top-label.tif'), classes: ['not water', 'water'],
  labelValues: { '0': 'not water', '1': 'water' }, cacheDir: join(tmp, 'cache'), epochs: 15, seed: 1,
});

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-train-augment-'));
  gdalTranslate(['-srcwin', '0', '0', '512', '256', join(CHIP, 'S1/Spain_7370579_S1Hand.tif'), join(tmp, 'top.tif')]);
  gdalTranslate(['-srcwin', '0', '0', '512', '256', join(CHIP, 'Labels/Spain_7370579_LabelHand.tif'), join(tmp, 'top-label.tif')]);
  plain = await trainTaskHead({ ...options(), out: join(tmp, 'plain') });
  augmented = await trainTaskHead({ ...options(), out: join(tmp, 'augmented'), augment: ['hflip', 'vflip', 'rot90'] });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('three views: four times the training cells, the same validation cells, a head that still finds water', () => {
  assert.equal(augmented.samples.train, 4 * plain.samples.train);
  assert.equal(augmented.samples.val, plain.samples.val);
  assert.deepEqual(augmented.validation.confusion.flat().reduce((a, b) => a + b, 0), plain.samples.val);
  assert.ok(augmented.validation.perClass.water.f1 > 0.5, `augmented water F1 ${augmented.validation.perClass.water.f1} (plain ${plain.validation.perClass.water.f1})`);
});

test("each view's features are cached apart and differ from the plain features", () => {
  const cached = readdirSync(join(tmp, 'cache', 'features')).filter((f) => f.endsWith('.tif'));
  assert.equal(cached.length, 4, cached.join(', '));
  const bands = cached.map((f) => gdalWindow(join(tmp, 'cache', 'features', f), { bands: [1] })[0]);
  for (let i = 1; i < bands.length; i++) {
    const diff = bands[i].reduce((a, v, k) => a + Math.abs(v - bands[0][k]), 0) / bands[0].length;
    assert.ok(diff > 1e-3, `feature file ${i} differs from file 0 by ${diff} on average`);
  }
});

test('augmenting a fused series is refused before any features', async () => {
  await assert.rejects(
    trainTaskHead({ ...options(), inputs: undefined, series: { s2: [join(tmp, 'top.tif')] }, out: join(tmp, 'series'), augment: ['hflip'] }),
    /augment: flips and turns apply to heads on one raster or two dates, not to a fused series/,
  );
});

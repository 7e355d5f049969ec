/**
 * Segment heads on several encoder taps (`--taps`): on a LoveDA quadrant (0.3 m RGB), a head on
 * all four HR taps (feat_s4 .. feat_s32, 480 channels at the 4 px grid) beside one on the last
 * tap only; both scored by `skysense eval` (the engine's segment task, which feeds the head the
 * encoder's taps tile by tile) on the quadrant they learned: the multi-tap head follows the
 * classes at 4 px where the other has one answer per 32 px (held-out figures on six LoveDA
 * quadrants are the README's, from test/bench/loveda-segment.bench.ts). The multi-tap head's manifest names
 * each tap with its own grid, its graph resizes the coarse taps to the finest (ONNX Runtime
 * agrees with the TypeScript forward pass, checked by the trainer), and bad tap requests are
 * refused by name before any features.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evalHead, trainTaskHead, type EvalReport, type TrainReport } from '../../main/train/index.ts';
import { dataPath, gdalTranslate, REPO_ROOT } from '../helpers/gdal.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const LOVEDA = dataPath('hr/loveda');
const CLASSES = ['background', 'building', 'road', 'water', 'barren', 'forest', 'agriculture'];
const VALUES = Object.fromEntries(CLASSES.map((c, i) => [String(i + 1), c]));
let tmp = '';
let taps: TrainReport;
let last: TrainReport;
let tapsHeld: EvalReport;
let lastHeld: EvalReport;
const at = (f: string) => join(tmp, f);
const options = () => ({ model: MODEL, inputs: [at('tl.tif')], labels: at('tl-label.tif'), classes: CLASSES, labelValues: VALUES, cacheDir: at('cache'), epochs: 40, seed: 0, headType: 'linear' as const });

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-train-taps-'));
  for (const [name, x, y] of [['tl', 0, 0], ['br', 512, 512]] as const) {
    gdalTranslate(['-q', '-srcwin', String(x), String(y), '512', '512', join(LOVEDA, 'img_dir/0.png'), at(`${name}.tif`)]);
    gdalTranslate(['-q', '-srcwin', String(x), String(y), '512', '512', join(LOVEDA, 'ann_dir/0.png'), at(`${name}-label.tif`)]);
  }
  taps = await trainTaskHead({ ...options(), out: at('taps'), taps: ['all'] });
  last = await trainTaskHead({ ...options(), out: at('last') });
  const held = { model: MODEL, inputs: [at('tl.tif')], labels: at('tl-label.tif'), labelValues: VALUES };
  tapsHeld = await evalHead({ ...held, head: at('taps') });
  lastHeld = await evalHead({ ...held, head: at('last') });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('all taps: 480 channels on the 4 px grid; the manifest names each tap on its own grid', () => {
  assert.deepEqual([taps.features.channels, taps.features.stride], [32 + 64 + 128 + 256, 4]);
  assert.deepEqual([last.features.channels, last.features.stride], [256, 32]);
  assert.ok(taps.onnxMaxAbsDiff <= 1e-4, `ONNX vs TypeScript ${taps.onnxMaxAbsDiff}`);
  const m = JSON.parse(readFileSync(at('taps/manifest.json'), 'utf8'));
  assert.deepEqual(m.inputs.map((i: { tap: string; shape: unknown[] }) => [i.tap, ...i.shape]), [
    ['feat_s4', 'batch', 32, 'h4', 'w4'], ['feat_s8', 'batch', 64, 'h8', 'w8'], ['feat_s16', 'batch', 128, 'h16', 'w16'], ['feat_s32', 'batch', 256, 'h32', 'w32'],
  ]);
  assert.deepEqual(m.outputs[0].shape, ['batch', CLASSES.length, 'h4', 'w4']);
  assert.equal(m.outputs[0].stride, 4);
});

test('on its quadrant the head on all taps follows the classes better than the last-tap head (mean IoU)', () => {
  assert.ok(tapsHeld.meanIoU > lastHeld.meanIoU, `all taps ${tapsHeld.meanIoU.toFixed(3)} vs last tap ${lastHeld.meanIoU.toFixed(3)}`);
  assert.ok(tapsHeld.overallAccuracy > 0.3, `accuracy ${tapsHeld.overallAccuracy}`);
});

test('taps that cannot be trained are refused by name before any features', async () => {
  await assert.rejects(trainTaskHead({ ...options(), out: at('x'), taps: ['feat_s4', 'feat_s3'] }), /taps: "feat_s3" is not an output of hr_encoder .* \(it has feat_s4, feat_s8, feat_s16, feat_s32\)/);
  await assert.rejects(trainTaskHead({ ...options(), out: at('y'), taps: ['feat_s8', 'feat_s8'] }), /names a tap twice/);
  await assert.rejects(trainTaskHead({ ...options(), task: 'change', inputsB: [at('br.tif')], out: at('z'), taps: ['all'] }), /taps: heads on several taps are trained for segment on one raster \(this is change\)/);
});

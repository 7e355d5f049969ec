/**
 * Resuming a training run (main/train/checkpoint.ts) on real features: the Sen1Floods11 chip
 * Spain_7370579 (top half, S1, hand labels), an mlp head with the focal loss. A run cancelled
 * after epoch k and resumed must write the same head.onnx bytes as a run never stopped; the
 * checkpoint is in the cache folder while the run is stopped and gone once the head is written;
 * a stale checkpoint is ignored (and replaced) without resume, and refused with it when it is
 * another run's.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainTaskHead, type TrainTaskOptions } from '../../main/train/index.ts';
import { checkpointPath } from '../../main/train/checkpoint.ts';
import { dataPath, gdalTranslate, REPO_ROOT } from '../helpers/gdal.ts';

const CHIP = dataPath('s1s2/sen1floods11/sample');
const EPOCHS = 12;

describe('skysense train --resume after a cancel reaches the bytes of an uninterrupted run', () => {
  let tmp = '';
  let base: TrainTaskOptions;
  const at = (name: string) => join(tmp, name);
  const onnx = (dir: string) => readFileSync(join(at(dir), 'head.onnx'));
  /** Train into `out`, cancelling (through the signal, as Ctrl-C and train.cancel do) after epoch `stop`. */
  const cancelAfter = async (out: string, stop: number, extra: Partial<TrainTaskOptions> = {}) => {
    const controller = new AbortController();
    const seen: number[] = [];
    await assert.rejects(
      trainTaskHead({ ...base, ...extra, out: at(out), signal: controller.signal, onEpoch: (p) => (seen.push(p.epoch), p.epoch === stop && controller.abort()) }),
      /training cancelled/,
    );
    assert.deepEqual(seen, Array.from({ length: stop }, (_, i) => i + 1));
    assert.equal(existsSync(at(out)), false, 'no head folder after a cancel');
    assert.equal(existsSync(checkpointPath(base.cacheDir, at(out))), true, 'the checkpoint is kept');
  };

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-train-resume-'));
    gdalTranslate(['-srcwin', '0', '0', '512', '256', join(CHIP, 'S1/Spain_7370579_S1Hand.tif'), at('top.tif')]);
    gdalTranslate(['-srcwin', '0', '0', '512', '256', join(CHIP, 'Labels/Spain_7370579_LabelHand.tif'), at('top-label.tif')]);
    base = {
      model: join(REPO_ROOT, 'models/skysense-tiny'),
      inputs: [at('top.tif')],
      labels: at('top-label.tif'),
      classes: ['not water', 'water'],
      labelValues: { '0': 'not water', '1': 'water' },
      out: at('whole'),
      cacheDir: at('cache'),
      headType: 'mlp',
      loss: 'focal',
      epochs: EPOCHS,
      seed: 7,
    };
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('cancel after epoch 5, resume: the same head.onnx; the checkpoint is removed', async () => {
    const whole = await trainTaskHead(base);
    assert.equal(whole.epochs.run, EPOCHS);
    assert.equal(whole.epochs.resumedFrom, null);
    assert.ok(whole.validation.perClass.water.f1 > 0.6, `focal mlp water F1 ${whole.validation.perClass.water.f1}`);
    assert.equal(existsSync(checkpointPath(base.cacheDir, at('whole'))), false);

    await cancelAfter('resumed', 5);
    const seen: number[] = [];
    const resumed = await trainTaskHead({ ...base, out: at('resumed'), resume: true, onEpoch: (p) => seen.push(p.epoch) });
    assert.deepEqual(seen, [6, 7, 8, 9, 10, 11, 12], 'only the epochs after the checkpoint run');
    assert.equal(resumed.epochs.resumedFrom, 5);
    assert.deepEqual(onnx('resumed'), onnx('whole'));
    assert.deepEqual(resumed.validation, whole.validation);
    assert.equal(resumed.epochs.best, whole.epochs.best);
    assert.equal(existsSync(checkpointPath(base.cacheDir, at('resumed'))), false, 'removed once the head is written');
    assert.deepEqual(readdirSync(at('cache/checkpoints')).filter((f) => f.includes('.part-')), [], 'no temporary checkpoint left');
  });

  test('resume with nothing to resume, or with another run\'s checkpoint, is refused by name', async () => {
    await assert.rejects(trainTaskHead({ ...base, out: at('never'), resume: true }), /resume: no checkpoint of this head to resume/);
    await cancelAfter('stale', 3);
    await assert.rejects(trainTaskHead({ ...base, out: at('stale'), seed: 8, resume: true }), /resume: the checkpoint .* is of a run with other options or data/);
    await assert.rejects(trainTaskHead({ ...base, out: at('stale'), labelValues: { '0': 'water', '1': 'not water' }, resume: true }), /other options or data/);
  });

  test('without resume a stale checkpoint is ignored and replaced: the run starts at epoch 1', async () => {
    assert.equal(existsSync(checkpointPath(base.cacheDir, at('stale'))), true, 'left by the previous test');
    const seen: number[] = [];
    const r = await trainTaskHead({ ...base, out: at('stale'), onEpoch: (p) => seen.push(p.epoch) });
    assert.equal(seen[0], 1);
    assert.equal(r.epochs.resumedFrom, null);
    assert.deepEqual(onnx('stale'), onnx('whole'));
    assert.equal(existsSync(checkpointPath(base.cacheDir, at('stale'))), false);
  });

  test('a linear cross-entropy head resumed after its first epoch: the same bytes', async () => {
    const lin = { headType: 'linear' as const, loss: 'ce' as const, epochs: 6 };
    await trainTaskHead({ ...base, ...lin, out: at('lin-whole') });
    await cancelAfter('lin', 1, lin);
    await trainTaskHead({ ...base, ...lin, out: at('lin'), resume: true });
    assert.deepEqual(onnx('lin'), onnx('lin-whole'));
  });
});

/** `skysense train`'s loss flags (--loss ce|focal, --focal-gamma) with their usage errors, --resume and --augment. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrainArgs } from '../../main/cli/train.ts';
import { UsageError } from '../../main/cli/usage.ts';

const base = ['--task', 'segment', '--model', 'm', '--input', 'a.tif', '--labels', 'l.tif', '--classes', 'a,b', '--out', 'h'];

test('--loss and --focal-gamma reach the training options', () => {
  assert.equal(parseTrainArgs(base).loss, undefined);
  assert.equal(parseTrainArgs([...base, '--loss', 'ce']).loss, 'ce');
  const o = parseTrainArgs([...base, '--loss', 'focal', '--focal-gamma', '1.5']);
  assert.deepEqual([o.loss, o.focalGamma], ['focal', 1.5]);
  assert.equal(parseTrainArgs([...base, '--loss', 'focal']).focalGamma, undefined);
});

test('bad loss flags are usage errors naming the option', () => {
  assert.throws(() => parseTrainArgs([...base, '--loss', 'l1']), (e: Error) => e instanceof UsageError && /--loss "l1": use ce or focal/.test(e.message));
  assert.throws(() => parseTrainArgs([...base, '--focal-gamma', '2']), /--focal-gamma applies to --loss focal/);
  assert.throws(() => parseTrainArgs([...base, '--loss', 'focal', '--focal-gamma', '-1']), /--focal-gamma needs a number from 0 to 100/);
});

test('--resume reaches the training options', () => {
  assert.equal(parseTrainArgs(base).resume, undefined);
  assert.equal(parseTrainArgs([...base, '--resume']).resume, true);
});

test('--augment takes the views, comma-separated, and refuses others by name', () => {
  assert.equal(parseTrainArgs(base).augment, undefined);
  assert.deepEqual(parseTrainArgs([...base, '--augment', 'hflip, rot90,hflip']).augment, ['hflip', 'rot90']);
  assert.throws(() => parseTrainArgs([...base, '--augment', 'hflip,rot45']), (e: Error) => e instanceof UsageError && /--augment "rot45": use hflip, vflip, rot90/.test(e.message));
});

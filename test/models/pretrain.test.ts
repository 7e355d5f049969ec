// Runs the pre-training recipe's Python unit tests (models/pretrain/tests: data builder on the
// real imagery in ../shared/data, augmentations, Sinkhorn-Knopp, contrastive/cross-modal/geo
// losses, EMA teacher, one real training step) with Debian's python3-torch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const python = '/usr/bin/python3';

test('models/pretrain python unit tests pass', { timeout: 240_000 }, () => {
  assert.ok(existsSync(join(repo, '..', 'shared', 'data', 'oscd')), 'real data expected at ../shared/data');
  const r = spawnSync(python, ['-m', 'unittest', 'discover', '-s', 'models/pretrain/tests'], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '2', PYTHONDONTWRITEBYTECODE: '1' },
    timeout: 230_000,
  });
  const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  assert.equal(r.error, undefined, `could not run ${python}: ${r.error?.message}`);
  assert.equal(r.status, 0, `unittest failed (exit ${r.status}):\n${out.slice(-6000)}`);
  const ran = /Ran (\d+) tests?/.exec(out);
  assert.ok(ran && Number(ran[1]) >= 40, `expected at least 40 tests to run:\n${out.slice(-2000)}`);
});

// Runs the stock heads' Python tests (models/heads/tests: the shipped head folders against the
// head manifest contract and JSON Schema, the encoder sha256 each head was trained on, tile
// origins equal to tile-plan.ts, determinism of a quick build on real data, an export round
// trip, and agreement with the engine's own segment run) with Debian's python3-torch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('models/heads python unit tests pass', { timeout: 300_000 }, () => {
  const r = spawnSync('/usr/bin/python3', ['-m', 'unittest', 'discover', '-s', 'models/heads/tests', '-t', '.'], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '2', OMP_WAIT_POLICY: 'PASSIVE', PYTHONDONTWRITEBYTECODE: '1' },
    timeout: 290_000,
  });
  const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  assert.equal(r.error, undefined, `could not run /usr/bin/python3: ${r.error?.message}`);
  assert.equal(r.status, 0, `unittest failed (exit ${r.status}):\n${out.slice(-6000)}`);
  const ran = /Ran (\d+) tests?/.exec(out);
  assert.ok(ran && Number(ran[1]) >= 10, `expected at least 10 tests to run:\n${out.slice(-2000)}`);
  const skipped = /skipped=(\d+)/.exec(out);
  assert.ok(!skipped, `no test may skip here (the schema has head manifests): ${out.slice(-2000)}`);
});

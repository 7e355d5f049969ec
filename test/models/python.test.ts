// Runs the Python model-authoring tests (models/tests: reference SkySense, checkpoint conversion,
// ONNX export checked in onnxruntime-node) so `npm test` covers them. They need Debian's
// python3-torch at /usr/bin/python3; their own budget is about two minutes on an idle 2-core machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('python unittest suite in models/tests passes', { timeout: 20 * 60 * 1000 }, () => {
  const r = spawnSync('/usr/bin/python3', ['-m', 'unittest', 'discover', '-s', 'models/tests', '-v'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.error, undefined, `could not start /usr/bin/python3: ${r.error?.message}`);
  const tail = `${r.stdout}\n${r.stderr}`.split('\n').slice(-60).join('\n');
  assert.equal(r.status, 0, `python tests failed (exit ${r.status}):\n${tail}`);
  assert.match(r.stderr, /\nOK/, 'unittest did not report OK');
});

/**
 * `skysense run --progress`: json gives one object per line on stderr (task, stage, done,
 * total, elapsed, eta), in order, ending at done = total, with stdout the same result lines
 * as without it; plain gives a line per ~10 %; none gives no progress; a bad mode is a usage
 * error (exit 2). And no npm or Vulkan chatter reaches stderr. Real data: the Sen1Floods11 S1 chip.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const S1 = dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif');
let tmp = '';
const run = (mode: string, name: string) => skysense('run', '--task', 'embed', '--model', 'skysense-tiny', '--input', S1, '--out', join(tmp, `${name}.tif`), '--progress', mode);

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-cli-progress-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('--progress json: one object per line, in order, ending whole; stdout as ever', () => {
  const r = run('json', 'json');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.trim().split('\n');
  const events = lines.map((l) => JSON.parse(l) as { task: string; stage: string | null; done: number; total: number; elapsed: number; eta: number | null });
  assert.ok(events.length >= 2, r.stderr);
  for (const e of events) {
    assert.deepEqual(Object.keys(e), ['task', 'stage', 'done', 'total', 'elapsed', 'eta']);
    assert.equal(e.task, 'embed');
    assert.ok(e.done <= e.total && e.elapsed >= 0);
  }
  assert.ok(events.every((e, i) => i === 0 || (e.done >= events[i - 1].done && e.elapsed >= events[i - 1].elapsed)), 'in order');
  const last = events[events.length - 1];
  assert.equal(last.done, last.total);
  assert.match(r.stdout, /^embed: done on \w+ in [\d.]+ s\nwrote .*json\.tif \(Float32\)\n.*json\.tif\.report\.json\n$/);
});

test('--progress plain and none; a bad mode is a usage error', () => {
  const plain = run('plain', 'plain');
  assert.equal(plain.code, 0, plain.stderr);
  const lines = plain.stderr.trim().split('\n');
  assert.ok(lines.length >= 2 && lines.length <= 11, plain.stderr);
  assert.ok(lines.every((l) => /^embed: \d+% \(\d+\/\d+ tiles, [\d.]+ s( ETA \d+ s)?\)$/.test(l)), plain.stderr);
  assert.match(lines[lines.length - 1], /^embed: 100%/);
  const none = run('none', 'none');
  assert.equal(none.code, 0);
  assert.equal(none.stderr, '', 'nothing on stderr: no progress, no npm or Vulkan lines');
  const bad = run('fancy', 'bad');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--progress must be bar, plain, json or none \(got "fancy"\)/);
});

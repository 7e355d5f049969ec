/**
 * Output faults of `skysense run`, made real: a full disk (a 2 MiB tmpfs), a read-only
 * output folder (a tmpfs mounted ro: chmod does not stop root), and a run killed with
 * SIGKILL mid-write, then run again. Mounting needs root; without it those cases skip
 * and say why.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath, gdalChecksums, REPO_ROOT } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const S1 = dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif');
const embed = (out: string) => ['--task', 'embed', '--model', 'skysense-tiny', '--input', S1, '--out', out, '--progress', 'plain'];
let tmp = '';
const mounted: string[] = [];

/** A tmpfs at a new folder, or the reason it cannot be made. */
function tmpfs(name: string, options: string): string | { skip: string } {
  const dir = join(tmp, name);
  mkdirSync(dir);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return { skip: `cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()})` };
  mounted.push(dir);
  return dir;
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-faults-'));
});
after(() => {
  for (const d of mounted) spawnSync('umount', [d]);
  rmSync(tmp, { recursive: true, force: true });
});

test('a full disk: one line naming the output and ENOSPC, nothing left in the folder', (t) => {
  const dir = tmpfs('full', 'size=2m');
  if (typeof dir !== 'string') return t.skip(dir.skip);
  const out = join(dir, 'e.tif');
  const r = skysense('run', ...embed(out));
  assert.equal(r.code, 1, r.stderr);
  const last = r.stderr.trim().split('\n').at(-1)!;
  assert.equal(last, `skysense: ${out}: not written: no space left on its disk (ENOSPC); the partial file was removed`);
  assert.deepEqual(readdirSync(dir), [], 'no output and no temporary left');
});

test('a read-only output folder: refused before any tile, naming the folder and EROFS', (t) => {
  const dir = tmpfs('ro', 'size=1m,ro');
  if (typeof dir !== 'string') return t.skip(dir.skip);
  const r = skysense('run', ...embed(join(dir, 'e.tif')));
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`${dir}: .*EROFS`));
  assert.doesNotMatch(r.stderr, /tiles/, 'no work started');
});

test('killed with SIGKILL mid-write: only a hidden temporary; the next run removes it and writes the output', async () => {
  const dir = join(tmp, 'killed');
  mkdirSync(dir);
  const out = join(dir, 'e.tif');
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/skysense.mjs'), 'run', ...embed(out)], { cwd: REPO_ROOT, stdio: 'ignore' });
  const exited = new Promise((r) => child.once('close', r));
  const t0 = Date.now();
  while (!readdirSync(dir).some((f) => f.startsWith('.e.tif.part-'))) {
    assert.ok(Date.now() - t0 < 60_000 && child.exitCode === null, 'the run wrote no temporary');
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGKILL');
  await exited;
  const left = readdirSync(dir);
  assert.ok(!existsSync(out) && !existsSync(`${out}.report.json`), `nothing that looks whole: ${left.join(', ')}`);
  assert.ok(left.length > 0 && left.every((f) => new RegExp(`^\\.e\\.tif\\.part-${child.pid}-[0-9a-f]+$`).test(f)), left.join(', '));

  const r = skysense('run', ...embed(out));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`removed ${left.length} stale temporar(y|ies) of an earlier run: `));
  assert.deepEqual(readdirSync(dir).sort(), ['e.tif', 'e.tif.report.json']);
  // The same bytes' worth as an uninterrupted run: GDAL's checksum of every band.
  const clean = join(tmp, 'clean.tif');
  assert.equal(skysense('run', ...embed(clean)).code, 0);
  assert.deepEqual(gdalChecksums(out), gdalChecksums(clean));
});

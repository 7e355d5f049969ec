/**
 * Ctrl-C during `skysense run`: the process stops within a batch, exits 130, says no output
 * was written, and leaves nothing in the output folder (no file, no temporary file, no
 * report). The run is long enough to be interrupted mid-way: a 1024² 10-band scene made
 * from real OSCD bands, interrupted after its first progress line.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath, REPO_ROOT } from '../helpers/gdal.ts';

const BANDS = ['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12'];
let tmp = '';
let scene = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-cli-cancel-'));
  const vrt = join(tmp, 'stack.vrt');
  execFileSync('gdalbuildvrt', ['-q', '-separate', '-resolution', 'highest', vrt, ...BANDS.map((b) => dataPath(`oscd/pisa/imgs_1/${b}.tif`))]);
  scene = join(tmp, 'scene.tif');
  execFileSync('gdal_translate', ['-q', '-outsize', '1024', '1024', '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', vrt, scene]);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('SIGINT mid-run: exit 130, "no output written", nothing left in the output folder', async () => {
  const outDir = join(tmp, 'out');
  mkdirSync(outDir);
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/skysense.mjs'), 'run', '--task', 'embed', '--model', join(REPO_ROOT, 'models/skysense-tiny'),
    '--input', scene, '--modality', 's2', '--bands', '1,2,3,4,5,6,7,8,9,10', '--provider', 'cpu', '--out', join(outDir, 'features.tif')], { cwd: REPO_ROOT });
  let stderr = '';
  let stdout = '';
  let sentAt = 0;
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    // The first progress line: the encoder is running and the output file is open.
    if (!sentAt && /embed: \d+%/.test(stderr)) {
      sentAt = performance.now();
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  const stopMs = performance.now() - sentAt;
  assert.ok(sentAt > 0, `no progress line before the run ended: ${stderr}`);
  assert.equal(code, 130, `exit ${code}; stderr: ${stderr}; stdout: ${stdout}`);
  assert.match(stderr, /run cancelled; no output written/);
  assert.deepEqual(readdirSync(outDir), [], 'the output folder must be empty');
  // One batch of 4 tiles is milliseconds; the bound leaves room for a loaded machine.
  assert.ok(stopMs < 15000, `stopped ${stopMs.toFixed(0)} ms after SIGINT`);
});

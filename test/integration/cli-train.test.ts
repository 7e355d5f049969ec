/**
 * `skysense train` and `skysense eval` as typed, on the top and bottom halves of the real
 * Sen1Floods11 chip (cut with gdal_translate): progress per epoch, the metrics, a head folder
 * `skysense run --head` runs, eval's JSON object with exactly its promised keys, usage errors
 * (exit 2, naming the option) and Ctrl-C (exit 130, nothing written).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath, gdalTranslate, REPO_ROOT } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const CHIP = dataPath('s1s2/sen1floods11/sample');
let tmp = '';
const at = (f: string) => join(tmp, f);
const labelArgs = (w: string) => ['--input', at(`${w}.tif`), '--labels', at(`${w}-label.tif`), '--label-values', '0=not water,1=water'];

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-cli-train-'));
  for (const [w, y] of [['top', '0'], ['bottom', '256']]) {
    gdalTranslate(['-srcwin', '0', y, '512', '256', join(CHIP, 'S1/Spain_7370579_S1Hand.tif'), at(`${w}.tif`)]);
    gdalTranslate(['-srcwin', '0', y, '512', '256', join(CHIP, 'Labels/Spain_7370579_LabelHand.tif'), at(`${w}-label.tif`)]);
  }
  process.env.SKYSENSE_CACHE_DIR = at('cache');
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('train prints epochs and metrics and writes a head that run and eval use', () => {
  const r = skysense('train', '--task', 'segment', '--model', MODEL, ...labelArgs('top'), '--classes', 'not water,water', '--out', at('head'), '--epochs', '40', '--seed', '1');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^epoch 1\/40 {2}loss \d+\.\d{4} {2}validation macro F1 \d\.\d{3}/m);
  assert.match(r.stdout, /^water +\d\.\d{3}/m);
  assert.match(r.stdout, new RegExp(`wrote ${at('head').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

  const run = skysense('run', '--task', 'segment', '--model', MODEL, '--head', at('head'), '--input', at('bottom.tif'), '--out', at('water.tif'));
  assert.equal(run.code, 0, run.stderr);

  const e = skysense('eval', '--head', at('head'), '--model', MODEL, ...labelArgs('bottom'), '--json');
  assert.equal(e.code, 0, e.stderr);
  const m = JSON.parse(e.stdout);
  assert.deepEqual(Object.keys(m), ['overallAccuracy', 'macroF1', 'meanIoU', 'kappa', 'perClass', 'confusion']);
  assert.deepEqual(Object.keys(m.perClass.water), ['precision', 'recall', 'f1', 'iou', 'support']);
  assert.ok(m.perClass.water.f1 > 0.5, `held-out water F1 ${m.perClass.water.f1}`);
});

test('usage errors exit 2 with one line naming the option', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--task', 'segment', '--bogus'], /unknown option "--bogus"/],
    [['train', '--task', 'segment', '--model', MODEL, '--out', at('x'), ...labelArgs('top'), '--classes', 'a,b', '--head-type', 'deep'], /--head-type "deep": use linear or mlp/],
    [['train', '--task', 'segment', '--model', MODEL, '--out', at('x'), ...labelArgs('top'), '--classes', 'a,b', '--epochs', 'ten'], /--epochs needs a whole number >= 1, got "ten"/],
    [['train', '--task', 'segment', '--model', MODEL, '--out', at('x'), '--input', at('top.tif'), '--classes', 'a,b', '--label-values', '0'], /give --dataset SPEC.json, or --input, --labels and --classes/],
    [['eval', '--model', MODEL], /--head is required/],
  ];
  for (const [args, want] of cases) {
    const r = skysense(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}`);
    assert.match(r.stderr.split('\n')[0], want);
  }
  assert.equal(existsSync(at('x')), false);
});

test('a label file on another grid fails (exit 1) naming both files, before features are computed', () => {
  const r = skysense('train', '--task', 'segment', '--model', MODEL, '--input', at('top.tif'), '--labels', at('bottom-label.tif'), '--classes', 'not water,water', '--label-values', '0=not water,1=water', '--out', at('y'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bottom-label\.tif and .*top\.tif: different geotransforms/);
});

test('Ctrl-C during training: exit 130, no head folder, no temporary folder', async () => {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/skysense.mjs'), 'train', '--task', 'segment', '--model', MODEL, ...labelArgs('top'), '--classes', 'not water,water', '--head-type', 'mlp', '--hidden', '64', '--epochs', '2000', '--out', at('cancelled')], { cwd: REPO_ROOT, env: { ...process.env, SKYSENSE_CACHE_DIR: at('cache-cancel') } });
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (d) => {
    stderr += d;
    if (!sent && /^epoch 1\//m.test(stderr)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  assert.ok(sent, `no epoch line: ${stderr}`);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /training cancelled; nothing written/);
  assert.equal(existsSync(at('cancelled')), false);
  assert.deepEqual(readdirSync(tmp).filter((f) => f.includes('.part-')), []);
});

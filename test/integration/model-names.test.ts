/**
 * Models and heads by name, as `skysense models` lists them: `skysense run --model
 * skysense-tiny`, `--head s1-water` and `--head skysense-tiny/s1-water` give the same output as
 * the folders do, `skysense eval --head s1-water` scores the stock head; an unknown name fails naming the option and the close installed names; a
 * head name two encoders ship asks for ENCODER/HEAD. Real data: the Sen1Floods11 S1 chip.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveModelRef } from '../../main/model/index.ts';
import { dataPath, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const S1 = dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif');
let tmp = '';

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-model-names-'));
});
after(() => {
  delete process.env.SKYSENSE_MODELS_DIR;
  rmSync(tmp, { recursive: true, force: true });
});

test('skysense run with --head by name and by ENCODER/HEAD writes what the folder gives', () => {
  const outs = [['--head', join(MODEL, 'heads/s1-water')], ['--head', 's1-water'], ['--head', 'skysense-tiny/s1-water', '--model', 'skysense-tiny']].map((flags, i) => {
    const out = join(tmp, `water-${i}.tif`);
    const r = skysense('run', '--task', 'segment', ...flags, '--input', S1, '--out', out);
    assert.equal(r.code, 0, r.stderr);
    return gdalWindow(out)[0];
  });
  assert.deepEqual(outs[1], outs[0]);
  assert.deepEqual(outs[2], outs[0]);
});

test('skysense eval takes the head by name', () => {
  const r = skysense('eval', '--head', 's1-water', '--input', S1, '--labels', dataPath('s1s2/sen1floods11/sample/Labels/Spain_7370579_LabelHand.tif'), '--label-values', '0=not water,1=water', '--json');
  assert.equal(r.code, 0, r.stderr);
  const metrics = JSON.parse(r.stdout) as { perClass: Record<string, { f1: number }> };
  assert.ok(metrics.perClass.water.f1 > 0.5, r.stdout);
});

test('an unknown name fails naming the option and the close installed names', () => {
  const r = skysense('run', '--task', 'embed', '--model', 'skysense-tiyn', '--input', S1, '--out', join(tmp, 'e.tif'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /model: skysense-tiyn: no such folder, and no installed encoder of that name; installed encoders: skysense-tiny/);
  const h = skysense('run', '--task', 'segment', '--head', 's1-watr', '--input', S1, '--out', join(tmp, 'h.tif'));
  assert.match(h.stderr, /head: s1-watr: no such folder, and no installed head of that name; installed heads: skysense-tiny\/s1-water/);
});

test('a head name that two encoders ship asks for ENCODER/HEAD; a path is taken as a path', async () => {
  const user = join(tmp, 'user');
  const copy = join(user, 'tiny-copy');
  mkdirSync(user);
  cpSync(MODEL, copy, { recursive: true, filter: (src) => !src.includes('.cache') });
  const manifest = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8'));
  writeFileSync(join(copy, 'manifest.json'), JSON.stringify({ ...manifest, name: 'tiny-copy' }));
  const water = JSON.parse(readFileSync(join(copy, 'heads/s1-water/manifest.json'), 'utf8'));
  writeFileSync(join(copy, 'heads/s1-water/manifest.json'), JSON.stringify({ ...water, encoder: { ...water.encoder, name: 'tiny-copy' } }));
  process.env.SKYSENSE_MODELS_DIR = user;
  await assert.rejects(resolveModelRef('s1-water', 'head', '--head'), /--head: "s1-water" names 2 heads \(skysense-tiny\/s1-water, tiny-copy\/s1-water\); give one as ENCODER\/HEAD/);
  assert.equal(await resolveModelRef('tiny-copy/s1-water', 'head', '--head'), join(copy, 'heads', 's1-water'));
  assert.equal(await resolveModelRef('tiny-copy', 'encoder', '--model'), copy);
  assert.equal(await resolveModelRef(join(tmp, 'nothing-here'), 'encoder', '--model'), join(tmp, 'nothing-here'), 'an absolute path is never a name');
});

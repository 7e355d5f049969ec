/**
 * `skysense models` as a user runs it, over real model folders made by models/convert.py:
 * a good folder is listed with its modules and true file sizes, a folder with a wrong key
 * is listed with a problem naming manifest.json and the key, and the providers say which
 * of them this machine offers. An empty user folder still exits 0 and says how to add one.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderReport } from '../../main/model/provider-report.ts';
import { ortBinaryDir } from '../../main/model/providers.ts';
import type { ModelEntry, SearchReport } from '../../main/model/registry.ts';
import { REPO_ROOT } from '../helpers/gdal.ts';
import { makeTestHead, s1HeadManifest } from '../helpers/test-heads.ts';

let tmp = '';
let models = '';
let userDir = '';
let appDir = '';

/** The real CLI with an empty user folder and, unless told otherwise, an empty application folder. */
function skysense(...args: string[]) {
  return skysenseWith({ SKYSENSE_APP_MODELS_DIR: appDir }, ...args);
}

function skysenseWith(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/skysense.mjs'), ...args], {
    encoding: 'utf8',
    cwd: REPO_ROOT,
    env: { ...process.env, SKYSENSE_MODELS_DIR: userDir, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-models-'));
  models = join(tmp, 'models');
  userDir = join(tmp, 'user-empty');
  appDir = join(tmp, 'app-empty');
  mkdirSync(models);
  mkdirSync(userDir);
  mkdirSync(appDir);
  const good = join(models, 'good');
  const made = spawnSync('/usr/bin/python3', ['models/convert.py', '--random-init', '--config', 'tiny', '--out', good], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  assert.equal(made.status, 0, made.stderr);
  // The broken copy: s2_encoder's "tile" renamed, as a hand edit gone wrong would.
  const broken = join(models, 'broken');
  cpSync(good, broken, { recursive: true });
  const m = JSON.parse(readFileSync(join(broken, 'manifest.json'), 'utf8'));
  m.name = 'broken-copy';
  m.modules.s2_encoder.tilee = m.modules.s2_encoder.tile;
  delete m.modules.s2_encoder.tile;
  writeFileSync(join(broken, 'manifest.json'), JSON.stringify(m, null, 2));
  // A folder dropped in without a manifest is listed too, not skipped.
  mkdirSync(join(models, 'no-manifest'));
  // Heads shipped in the good folder: a valid one, one with a wrong key, one reading a tap
  // the encoder does not give, and a folder without a manifest; plus a head folder on its own.
  const heads = join(good, 'heads');
  makeTestHead(join(heads, 'water'), {
    net: 'conv1x1',
    weights: [[0, 3, 1]],
    bias: [0],
    manifest: s1HeadManifest({ name: 'water', title: 'Water (test)', encoder: { name: 'skysense-tiny-random', modality: 's1', module: 's1_encoder', weightsSha256: null }, training: { data: 'test data', licence: 'CC0', metrics: { f1: 0.5 } } }),
  });
  const variant = (name: string, edit: (h: any) => void) => {
    cpSync(join(heads, 'water'), join(heads, name), { recursive: true });
    const h = JSON.parse(readFileSync(join(heads, name, 'manifest.json'), 'utf8'));
    edit(h);
    writeFileSync(join(heads, name, 'manifest.json'), JSON.stringify(h, null, 2));
  };
  variant('bad-key', (h) => {
    h.name = 'bad-key';
    h.clases = h.classes;
  });
  variant('bad-tap', (h) => {
    h.name = 'bad-tap';
    h.inputs[0].tap = 'feat_l7';
  });
  mkdirSync(join(heads, 'empty'));
  cpSync(join(heads, 'water'), join(tmp, 'loose-head'), { recursive: true });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('skysense models', () => {
  test('--json lists good and broken folders and the providers', () => {
    const r = skysense('models', '--json', '--dir', models);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { models: ModelEntry[]; providers: ProviderReport[]; searched: SearchReport[] };

    const good = out.models.find((e) => e.dir === join(models, 'good'));
    assert.ok(good, r.stdout);
    assert.deepEqual(good.problems, []);
    const manifest = JSON.parse(readFileSync(join(models, 'good', 'manifest.json'), 'utf8'));
    assert.equal(good.name, manifest.name);
    assert.equal(good.title, manifest.title);
    assert.equal(good.kind, 'encoder');
    assert.equal(good.config, 'tiny');
    assert.equal(good.weights?.kind, 'random-init');
    assert.deepEqual(good.licence, manifest.licence);
    assert.deepEqual(good.modules.map((x) => x.name).sort(), Object.keys(manifest.modules).sort());
    let total = 0;
    for (const mod of good.modules) {
      assert.ok(mod.files.length >= 1);
      assert.equal(mod.files[0].file, manifest.modules[mod.name].file);
      for (const f of mod.files) {
        const size = statSync(join(models, 'good', f.file)).size;
        assert.equal(f.bytes, size, `${mod.name}: ${f.file}`);
        total += size;
      }
    }
    assert.equal(good.bytes, total);

    const broken = out.models.find((e) => e.dir === join(models, 'broken'));
    assert.ok(broken, 'the broken folder is listed');
    assert.equal(broken.name, 'broken-copy');
    const brokenManifest = join(models, 'broken', 'manifest.json');
    assert.ok(broken.problems.some((p) => p.startsWith(`${brokenManifest}: modules.s2_encoder.tilee: `)), broken.problems.join('\n'));
    assert.ok(broken.problems.some((p) => p.startsWith(`${brokenManifest}: modules.s2_encoder.tile: `)), broken.problems.join('\n'));

    const bare = out.models.find((e) => e.dir === join(models, 'no-manifest'));
    assert.ok(bare, 'a folder without manifest.json is listed');
    assert.match(bare.problems[0], /manifest\.json: missing/);

    assert.deepEqual(out.searched.map((s) => s.source), ['app', 'user', 'dir']);
    assert.equal(out.searched[1].dir, userDir);

    const cpu = out.providers.find((p) => p.name === 'cpu');
    assert.equal(cpu?.available, true);
    assert.equal(cpu?.starts, true);
    const cuda = out.providers.find((p) => p.name === 'cuda');
    assert.ok(cuda);
    // The oracle: onnxruntime-node's CUDA provider library is an opt-in download.
    const cudaLib = existsSync(join(ortBinaryDir(), 'libonnxruntime_providers_cuda.so'));
    assert.equal(cuda.available, cudaLib);
    if (!cudaLib) assert.match(cuda.reason ?? '', /libonnxruntime_providers_cuda\.so/);
  });

  test('text output is a table with the problem next to its folder', () => {
    const r = skysense('models', '--dir', models);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+KIND\s+CONFIG\s+WEIGHTS\s+SIZE\s+MODULES\s+STATUS$/m);
    assert.match(r.stdout, /^skysense-tiny-random\s+encoder\s+tiny\s+random-init\s+\S+ MiB\s+7\s+ok$/m);
    assert.match(r.stdout, /^broken-copy\s+encoder\s+tiny\s+-\s+-\s+0\s+2 problems$/m);
    assert.match(r.stdout, /problem: +\S+broken\/manifest\.json: modules\.s2_encoder\.tilee: unknown key/);
    assert.match(r.stdout, /^ {2}cpu\s+starts/m);
  });

  test('heads in <model>/heads/ are listed with task, classes and encoder; broken ones with the key', () => {
    const r = skysense('models', '--json', '--dir', models, '--dir', join(tmp, 'loose-head'));
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { models: ModelEntry[] };
    const heads = join(models, 'good', 'heads');
    const water = out.models.find((e) => e.dir === join(heads, 'water'));
    assert.ok(water, r.stdout);
    assert.deepEqual(water.problems, []);
    assert.equal(water.kind, 'head');
    assert.equal(water.within, join(models, 'good'));
    assert.equal(water.title, 'Water (test)');
    assert.equal(water.head?.task, 'segment');
    assert.deepEqual(water.head?.classes.map((c) => c.name), ['negative', 'positive']);
    assert.equal(water.head?.encoder.module, 's1_encoder');
    assert.deepEqual(water.head?.metrics, { f1: 0.5 });
    assert.equal(water.bytes, statSync(join(heads, 'water', 'head.onnx')).size);

    const badKey = out.models.find((e) => e.dir === join(heads, 'bad-key'));
    assert.ok(badKey);
    assert.equal(badKey.kind, 'head');
    assert.equal(badKey.name, 'bad-key');
    assert.ok(badKey.problems.includes(`${join(heads, 'bad-key', 'manifest.json')}: clases: unknown key`), badKey.problems.join('\n'));
    const badTap = out.models.find((e) => e.dir === join(heads, 'bad-tap'));
    assert.deepEqual(badTap?.problems, [`${join(heads, 'bad-tap', 'manifest.json')}: inputs[0].tap: "feat_l7" is not an output of s1_encoder`]);
    const empty = out.models.find((e) => e.dir === join(heads, 'empty'));
    assert.match(empty?.problems[0] ?? '', /empty\/manifest\.json: missing \(a head folder needs manifest\.json\)/);
    const loose = out.models.find((e) => e.dir === join(tmp, 'loose-head'));
    assert.equal(loose?.kind, 'head');
    assert.equal(loose?.within, null);
    assert.deepEqual(loose?.problems, []);

    const text = skysense('models', '--dir', models);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^water\s+head\s+segment\s+-\s+\d+ B\s+1\s+ok$/m);
    assert.match(text.stdout, /^ +task: +segment \(sigmoid\); classes: 0 negative, 1 positive$/m);
    assert.match(text.stdout, /^ +encoder: +skysense-tiny-random s1_encoder \(s1\)$/m);
    assert.match(text.stdout, /^ +trained: +test data \(labels: CC0\); f1 0\.5$/m);
    assert.match(text.stdout, /problem: +\S+bad-key\/manifest\.json: clases: unknown key/);
  });

  test('no models installed: exit 0, says so and how to add one', () => {
    const r = skysense('models');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /No models installed/);
    assert.ok(r.stdout.includes(userDir), r.stdout);
    assert.match(r.stdout, /models\/convert\.py/);
    const j = skysense('models', '--json');
    assert.equal(j.code, 0);
    assert.deepEqual((JSON.parse(j.stdout) as { models: unknown[] }).models, []);
  });

  test('the shipped SkySense-Tiny is found in the application folder, valid and under 60 MB', () => {
    const r = skysenseWith({}, 'models', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { models: ModelEntry[] };
    const shipped = out.models.find((e) => e.dir === join(REPO_ROOT, 'models', 'skysense-tiny'));
    assert.ok(shipped, `models/skysense-tiny not listed: ${out.models.map((e) => e.dir).join(', ')}`);
    assert.deepEqual(shipped.problems, []);
    assert.equal(shipped.source, 'app');
    assert.equal(shipped.kind, 'encoder');
    assert.equal(shipped.weights?.kind, 'pretrained');
    assert.deepEqual(shipped.modules.map((m) => m.name).sort(), ['fusion', 'geo_context', 'hr_encoder', 's1_encoder', 's1_up', 's2_encoder', 's2_up']);
    assert.ok(shipped.bytes > 1e6 && shipped.bytes < 60e6, `${shipped.bytes} bytes`);
  });

  test('usage errors exit 2; a missing --dir exits 1 naming it', () => {
    assert.equal(skysense('models', '--bogus').code, 2);
    assert.equal(skysense('models', '--dir').code, 2);
    const missing = skysense('models', '--dir', join(tmp, 'nowhere'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nowhere: no such folder/);
    assert.equal(skysense('models', '--help').code, 0);
    assert.match(skysense('--help').stdout, /^\s+models\s/m);
  });
});

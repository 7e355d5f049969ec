/**
 * electron-builder.yml as electron-builder resolves it (app-builder-lib's loader, schema and
 * file matchers; electron-builder itself is not run: it downloads Electron): every file
 * pattern selects something in the real tree (after `npm run build`, as `npm run dist` does
 * first), the icons exist at the sizes their names say, the stock model folder it packs is
 * complete for the engine and holds nothing else, and no .cache/, *.py or __pycache__ file
 * goes into any installer.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type { Configuration } from 'app-builder-lib';
import { findModels } from '../../main/model/index.ts';
import { REPO_ROOT } from '../helpers/gdal.ts';
import { appFiles, extraResourceSets, firstMatch, loadBuilderConfig, pngSize } from '../helpers/builder-files.ts';

const YML = join(REPO_ROOT, 'electron-builder.yml');
const PLATFORMS = ['linux', 'win', 'mac'] as const;
// What must never be packed: Python (authoring code), its caches, pre-training and other caches.
const FORBIDDEN = /(^|\/)(\.cache|__pycache__)(\/|$)|\.py[co]?$/;
const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

let config: Configuration;
before(async () => {
  config = await loadBuilderConfig(REPO_ROOT, 'electron-builder.yml');
});

const stringPatterns = (v: unknown): string[] => (Array.isArray(v) ? v : v == null ? [] : [v]).flatMap((p) => (typeof p === 'string' ? [p] : stringPatterns((p as { filter?: unknown }).filter)));

describe('icons', () => {
  test('buildResources holds icon.png at 1024 px and the Linux set at every size its names say', () => {
    const res = resolve(REPO_ROOT, config.directories?.buildResources ?? 'build');
    assert.ok(existsSync(res), `${YML}: directories.buildResources: ${res} does not exist`);
    for (const platform of ['mac', 'win'] as const) {
      const icon = config[platform]?.icon;
      assert.ok(icon, `${YML}: ${platform}.icon is not set`);
      const file = existsSync(join(res, icon)) ? join(res, icon) : resolve(REPO_ROOT, icon);
      assert.ok(existsSync(file), `${YML}: ${platform}.icon: ${icon} found neither in ${res} nor in the project`);
      // electron-builder's minimum for converting a PNG: 512 px (macOS), 256 px (Windows).
      assert.deepEqual(pngSize(file), [1024, 1024], `${file}: size`);
    }
    const dir = join(res, config.linux?.icon ?? 'icons');
    assert.ok(statSync(dir).isDirectory(), `${YML}: linux.icon: ${dir} is not a folder`);
    const names = readdirSync(dir).sort();
    for (const n of names) {
      const m = /^(\d+)x(\d+)\.png$/.exec(n);
      assert.ok(m, `${join(dir, n)}: electron-builder takes NxN.png names only`);
      assert.deepEqual(pngSize(join(dir, n)), [Number(m[1]), Number(m[2])], `${join(dir, n)}: size differs from its name`);
    }
    assert.deepEqual(names.map((n) => Number(n.split('x')[0])).sort((a, b) => a - b), LINUX_SIZES, `${dir}: sizes`);
  });
});

describe('app files (asar)', () => {
  before(() => {
    // dist/electron and dist/renderer are build outputs: build them as `npm run dist` does.
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'pipe' });
  });

  test('every pattern of files and asarUnpack selects something', () => {
    const patterns = [
      ...stringPatterns(config.files).map((p) => ['files', p]),
      ...PLATFORMS.flatMap((pl) => stringPatterns(config[pl]?.files).map((p) => [`${pl}.files`, p])),
      ...stringPatterns(config.asarUnpack).map((p) => ['asarUnpack', p]),
    ];
    assert.ok(patterns.length > 5);
    const dead = patterns.filter(([, p]) => firstMatch(REPO_ROOT, p) === null).map(([k, p]) => `${k}: "${p}"`);
    assert.deepEqual(dead, [], `${YML}: patterns that match nothing in ${REPO_ROOT}`);
  });

  for (const platform of PLATFORMS) {
    test(`${platform}: the app runs from what is packed, and nothing forbidden goes in`, () => {
      const files = appFiles(REPO_ROOT, config, platform);
      const set = new Set(files);
      for (const f of ['package.json', 'dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html', 'node_modules/onnxruntime-node/package.json', 'node_modules/onnxruntime-common/package.json', 'node_modules/epsg-index/s/4326.json']) {
        assert.ok(set.has(f), `${YML}: ${f} is not packed for ${platform}`);
      }
      const bad = files.filter((f) => FORBIDDEN.test(f) || f.endsWith('.map') || f.startsWith('node_modules/onnxruntime-node/script/'));
      assert.deepEqual(bad.slice(0, 10), [], `${YML}: ${bad.length} files packed for ${platform} that must not be`);
      const own = { linux: 'linux/x64', win: 'win32/x64', mac: 'darwin/arm64' }[platform];
      assert.ok(set.has(`node_modules/onnxruntime-node/bin/napi-v6/${own}/onnxruntime_binding.node`), `${platform}: ONNX Runtime's ${own} binding is not packed`);
      // Nothing only the build machine has: every packed file is tracked by git or built by npm run build.
      const untracked = files.filter((f) => !f.startsWith('dist/') && !f.startsWith('node_modules/') && f !== 'package.json');
      assert.deepEqual(untracked, [], `${platform}: unexpected app files`);
    });
  }
});

describe('extraResources: the stock model folder', () => {
  test('packs exactly manifest, ONNX, model card and heads; skysense models finds it complete', async () => {
    const sets = extraResourceSets(REPO_ROOT, config);
    assert.ok(sets.length > 0, `${YML}: no extraResources`);
    const tmp = mkdtempSync(join(tmpdir(), 'skysense-installer-'));
    try {
      const resources = join(tmp, 'resources');
      for (const s of sets) {
        for (const p of s.patterns) assert.ok(firstMatch(s.from, p) !== null, `${YML}: extraResources from ${relative(REPO_ROOT, s.from)}: "${p}" matches nothing`);
        const stray = s.files.filter((f) => !/^(manifest\.json|[^/]+\.onnx|MODEL_CARD\.md|heads\/[^/]+\/(manifest\.json|[^/]+\.onnx))$/.test(f));
        assert.deepEqual(stray, [], `${YML}: extraResources from ${s.from} packs files a model folder does not ship`);
        // The copy an installer would hold, at resources/<to>, where SKYSENSE_APP_MODELS_DIR points.
        for (const f of s.files) {
          const dst = join(resources, relative('/resources', s.to), f);
          mkdirSync(dirname(dst), { recursive: true });
          copyFileSync(join(s.from, f), dst);
        }
      }
      const packed = await findModels([{ dir: join(resources, 'models'), source: 'app' }]);
      const repo = await findModels([{ dir: join(REPO_ROOT, 'models'), source: 'app' }]);
      const summary = (l: typeof packed) => l.models.map((m) => `${m.kind} ${m.name} ${m.bytes}`).sort();
      assert.deepEqual(packed.models.flatMap((m) => m.problems), [], 'problems skysense models reports in the packed folder');
      assert.deepEqual(summary(packed), summary(repo), 'the packed models and heads (kind, name, bytes) differ from the repository\'s');
      assert.ok(packed.models.some((m) => m.kind === 'head'), 'no stock head packed');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('leaves out Python, caches and training leftovers planted in a model folder', () => {
    // The same filters over a copy of the folder's layout plus what a build machine may add.
    const tmp = mkdtempSync(join(tmpdir(), 'skysense-installer-decoy-'));
    try {
      const keep = ['manifest.json', 'enc.onnx', 'MODEL_CARD.md', 'heads/h/manifest.json', 'heads/h/head.onnx'];
      const decoys = ['.cache/pretrain/shard-0001.npz', 'export.py', '__pycache__/export.cpython-311.pyc', 'heads/h/.cache/features.f32', 'heads/h/train.py', 'heads/h/__pycache__/x.pyc', 'pretrain-state.pt', 'eval.json', 'notes.txt', '.cache/enc.onnx', 'heads/h/sub/extra.onnx'];
      for (const f of [...keep, ...decoys]) {
        mkdirSync(dirname(join(tmp, f)), { recursive: true });
        writeFileSync(join(tmp, f), 'x');
      }
      for (const s of extraResourceSets(REPO_ROOT, config, tmp)) {
        assert.deepEqual([...s.files].sort(), [...keep].sort(), `${YML}: extraResources from ${s.from} over a planted folder`);
        assert.deepEqual(s.files.filter((f) => FORBIDDEN.test(f)), []);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

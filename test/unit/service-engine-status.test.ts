/**
 * The engine.status handler over the real provider probe and the real model registry (the
 * repository's models/ plus a user folder holding one broken model), held to the CLI's
 * `skysense models --json` run in the same environment, to the manifest on disk and to
 * onnxruntime-node's own version. Then the verdict rules on provider reports this machine
 * cannot produce (a working or a failing CUDA).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands, type CallContext, type EngineStatus } from '../../main/api.ts';
import type { ProviderReport } from '../../main/model/provider-report.ts';
import { createHandlers, type Service } from '../../main/service/index.ts';
import { chosenProvider, gpuWarning, providerStatuses } from '../../main/service/provider-words.ts';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ctx: CallContext = { signal: new AbortController().signal, progress: () => undefined };

describe('service: engine.status', () => {
  let work: string;
  let userModels: string;
  let saved: string | undefined;
  let h: Service;
  let first: EngineStatus;
  let firstMs: number;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'skysense-engine-status-'));
    userModels = join(work, 'models');
    mkdirSync(join(userModels, 'dropped-folder'), { recursive: true }); // no manifest.json
    saved = process.env.SKYSENSE_MODELS_DIR;
    process.env.SKYSENSE_MODELS_DIR = userModels;
    h = createHandlers({ cacheDir: join(work, 'cache'), transport: 'host' });
    const t0 = performance.now();
    first = await h['engine.status']({}, ctx);
    firstMs = performance.now() - t0;
  });

  after(async () => {
    await h?.close();
    if (saved === undefined) delete process.env.SKYSENSE_MODELS_DIR;
    else process.env.SKYSENSE_MODELS_DIR = saved;
    rmSync(work, { recursive: true, force: true });
  });

  test('the reply matches the contract', () => {
    commands['engine.status'].reply.parse(first);
  });

  test('providers as `skysense models --json` reports them, in the same order', () => {
    const out = execFileSync(process.execPath, ['bin/skysense.mjs', 'models', '--json'], {
      cwd: REPO,
      env: { ...process.env, SKYSENSE_MODELS_DIR: userModels },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const cli = JSON.parse(out) as { providers: ProviderReport[]; models: { name: string; dir: string; problems: string[] }[] };
    const facts = (p: Partial<ProviderReport>) => ({
      name: p.name, available: p.available, starts: p.starts, reason: p.reason, adapter: p.adapter, fp16Compute: p.fp16Compute, inDefaultOrder: p.inDefaultOrder,
    });
    assert.deepEqual(first.providers.map(facts), cli.providers.map(facts));
    assert.deepEqual(first.models.map((m) => [m.name, m.dir, m.problems]), cli.models.map((m) => [m.name, m.dir, m.problems]));
  });

  test('the provider in use is the first of the default order that starts; the others say why not', () => {
    const used = first.providers.find((p) => p.inDefaultOrder && p.starts);
    assert.ok(used, 'cpu at least starts');
    assert.equal(first.provider, used.name);
    assert.deepEqual(first.providers.filter((p) => p.state === 'in-use').map((p) => p.name), [used.name]);
    for (const p of first.providers) {
      const want: string = !p.available ? 'unavailable' : p.starts === false ? 'fails' : p.name === used.name ? 'in-use' : p.inDefaultOrder ? 'standby' : 'skipped';
      assert.equal(p.state, want, p.name);
      assert.ok(p.summary.length > 0, p.name);
      if (p.state === 'unavailable' || p.state === 'fails') assert.ok(p.reason, `${p.name} says why`);
    }
    // Here (no GPU device, no Vulkan loader unless a test adds one) webgpu cannot start: the badge warns.
    const webgpu = first.providers.find((p) => p.name === 'webgpu')!;
    if (first.provider === 'cpu' && webgpu.available && webgpu.starts === false) {
      assert.equal(webgpu.state, 'fails');
      assert.match(first.warning ?? '', /^No GPU in use: webgpu does not start; models run on the CPU\.$/);
    }
  });

  test('installed models: the shipped encoder with its manifest facts, and the broken user folder', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'models', 'skysense-tiny', 'manifest.json'), 'utf8'));
    const tiny = first.models.find((m) => m.dir === join(REPO, 'models', 'skysense-tiny'));
    assert.ok(tiny);
    assert.equal(tiny.name, manifest.name);
    assert.equal(tiny.kind, 'encoder');
    assert.equal(tiny.weights, manifest.provenance.weights);
    assert.equal(tiny.source, 'app');
    assert.deepEqual(tiny.modules.map((m) => m.name), Object.keys(manifest.modules));
    assert.deepEqual(tiny.problems, []);
    const broken = first.models.find((m) => m.dir === join(userModels, 'dropped-folder'));
    assert.ok(broken);
    assert.equal(broken.source, 'user');
    assert.equal(broken.weights, null);
    assert.match(broken.problems.join('\n'), /dropped-folder\/manifest\.json: missing/);
    assert.deepEqual(first.searched.map((s) => [s.source, s.dir, s.exists]).slice(0, 2), [
      ['app', join(REPO, 'models'), true],
      ['user', userModels, true],
    ]);
  });

  test('onnxruntime version and platform', () => {
    const pkg = createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string };
    assert.equal(first.onnxruntime, pkg.version);
    assert.equal(first.platform, `${process.platform}/${process.arch}`);
  });

  test('the probe runs once per engine; a model dropped in later is listed', async () => {
    mkdirSync(join(userModels, 'dropped-later'));
    const t0 = performance.now();
    const again = await h['engine.status']({}, ctx);
    const againMs = performance.now() - t0;
    // probeMs is measured per probe: a second probe would not repeat the same float.
    assert.deepEqual(again.providers, first.providers);
    assert.ok(first.providers.some((p) => p.probeMs !== undefined));
    assert.ok(again.models.some((m) => m.dir === join(userModels, 'dropped-later')));
    console.log(`engine.status: first ${firstMs.toFixed(0)} ms (probe), again ${againMs.toFixed(1)} ms`);
  });
});

describe('service: provider verdicts beyond this machine', () => {
  const cpu: ProviderReport = { name: 'cpu', available: true, starts: true, fp16Compute: true, inDefaultOrder: true };
  const noDml: ProviderReport = { name: 'dml', available: false, inDefaultOrder: false, reason: 'Windows only (this is Linux)' };

  test('a CUDA that starts is used; cpu and a hardware webgpu stand by; no warning', () => {
    const reports: ProviderReport[] = [
      { name: 'cuda', available: true, starts: true, fp16Compute: true, inDefaultOrder: true },
      { name: 'webgpu', available: true, starts: true, inDefaultOrder: true, adapter: { kind: 'hardware', detail: 'GPU device /dev/nvidia0' } },
      noDml,
      cpu,
    ];
    const chosen = chosenProvider(reports);
    assert.equal(chosen, 'cuda');
    assert.deepEqual(providerStatuses(reports, chosen).map((p) => [p.name, p.state]), [['cuda', 'in-use'], ['webgpu', 'standby'], ['dml', 'unavailable'], ['cpu', 'standby']]);
    assert.equal(gpuWarning(reports, chosen), null);
  });

  test('an installed CUDA that fails and a hardware webgpu that fails: cpu is used, with a warning naming both', () => {
    const reports: ProviderReport[] = [
      { name: 'cuda', available: true, starts: false, inDefaultOrder: false, reason: 'libcudnn.so.9: cannot open shared object file' },
      { name: 'webgpu', available: true, starts: false, inDefaultOrder: false, adapter: { kind: 'hardware', detail: 'GPU device /dev/dri/renderD128' }, reason: 'No supported adapters' },
      cpu,
    ];
    const chosen = chosenProvider(reports);
    assert.equal(chosen, 'cpu');
    const rows = providerStatuses(reports, chosen);
    assert.deepEqual(rows.map((p) => p.state), ['fails', 'fails', 'in-use']);
    assert.match(rows[0].summary, /installed but does not start/);
    assert.equal(gpuWarning(reports, chosen), 'No GPU in use: cuda, webgpu do not start; models run on the CPU.');
  });

  test('a machine whose only GPU provider is absent gets no warning; nothing starting is said', () => {
    const reports: ProviderReport[] = [{ name: 'cuda', available: false, inDefaultOrder: false, reason: 'not installed (x)' }, cpu];
    assert.equal(gpuWarning(reports, chosenProvider(reports)), null);
    const broken: ProviderReport[] = [{ ...cpu, starts: false, reason: 'cannot load' }];
    assert.equal(chosenProvider(broken), null);
    assert.match(gpuWarning(broken, null) ?? '', /no provider starts/);
  });
});

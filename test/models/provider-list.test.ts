// Provider names, availability on this platform and install, the order they are tried in, and
// fallback with reasons, in this process on real ONNX files made by models/convert.py.
// The webgpu runs themselves are in provider-webgpu.test.ts (child processes on SwiftShader).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ApiError } from '../../main/api.ts';
import {
  DEFAULT_ORDER,
  PROVIDER_NAMES,
  describeProviders,
  formatProviderReport,
  loadModelFolder,
  missingVulkanLoader,
  parseProviderList,
  providerAvailability,
  startSession,
  webgpuAdapterHint,
  type HostView,
} from '../../main/model/index.ts';
import { THIS_HOST } from '../../main/model/gpu-adapter.ts';
import { ortBinaryDir } from '../../main/model/providers.ts';
import { CHROMIUM_LIB, makeTinyModel, SWIFTSHADER_ICD } from '../bench/provider-fixtures.ts';

let work = '';
let model = '';

before(() => {
  work = mkdtempSync(join(tmpdir(), 'skysense-providers-'));
  model = makeTinyModel(join(work, 'model'), ['s2_up', 'geo_context']);
});
after(() => rmSync(work, { recursive: true, force: true }));

function isApiError(code: string, ...parts: (string | RegExp)[]) {
  return (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.code, code, err.message);
    for (const p of parts) {
      if (typeof p === 'string') assert.ok(err.message.includes(p), `"${err.message}" should contain "${p}"`);
      else assert.match(err.message, p);
    }
    return true;
  };
}

test('a provider list parses in the order given; empty and "auto" mean the default order', () => {
  assert.deepEqual(parseProviderList('webgpu,cpu'), ['webgpu', 'cpu']);
  assert.deepEqual(parseProviderList(' CUDA, webgpu  cpu'), ['cuda', 'webgpu', 'cpu']);
  assert.deepEqual(parseProviderList(['dml', 'cpu']), ['dml', 'cpu']);
  assert.equal(parseProviderList(''), undefined);
  assert.equal(parseProviderList('auto'), undefined);
});

test('an unknown provider name is a specific error naming the known ones', () => {
  assert.throws(() => parseProviderList('gpu,cpu'), isApiError('E_BAD_REQUEST', '--provider: unknown provider "gpu" (known: webgpu, cuda, dml, coreml, cpu)'));
  assert.throws(() => parseProviderList('cpu,tensorrt', 'settings.providers'), isApiError('E_BAD_REQUEST', 'settings.providers: unknown provider "tensorrt"'));
  assert.throws(() => parseProviderList('cpu,webgpu,cpu'), isApiError('E_BAD_REQUEST', '"cpu" is listed twice'));
  assert.throws(() => parseProviderList('auto,cpu'), isApiError('E_BAD_REQUEST', '"auto" stands alone'));
});

test('availability follows the platform, the bundled backends and what the user installed', () => {
  const bundled = ort.listSupportedBackends().map((b) => b.name);
  assert.equal(providerAvailability('cpu').available, true);
  assert.equal(providerAvailability('webgpu').available, bundled.includes('webgpu'));
  const dml = providerAvailability('dml');
  assert.equal(dml.available, process.platform === 'win32' && bundled.includes('dml'));
  if (process.platform !== 'win32') assert.match(dml.reason!, /^Windows only/);
  const coreml = providerAvailability('coreml');
  assert.equal(coreml.available, process.platform === 'darwin' && bundled.includes('coreml'));
  if (process.platform !== 'darwin') assert.match(coreml.reason!, /^macOS only/);
  if (process.platform === 'linux' && process.arch === 'x64') {
    const installed = existsSync(join(ortBinaryDir(), 'libonnxruntime_providers_cuda.so'));
    const cuda = providerAvailability('cuda');
    assert.equal(cuda.available, installed);
    if (!installed) assert.match(cuda.reason!, /not installed .*ONNXRUNTIME_NODE_INSTALL=cuda12/);
  }
});

test('a provider that cannot be had here falls back to the next, with the reason in the result', async () => {
  const file = join(model, 's2_up.onnx');
  // Here: cuda (not installed), dml (Windows), coreml (macOS); elsewhere whichever are missing.
  const missing = PROVIDER_NAMES.filter((p) => !providerAvailability(p).available);
  assert.ok(missing.length >= 2, 'at least the other platforms\' providers are missing');
  const s = await startSession(file, [...missing, 'no-such-provider', 'cpu']);
  try {
    assert.equal(s.provider, 'cpu');
    assert.equal(s.file, file);
    assert.deepEqual(s.fallbacks.map((f) => f.provider), [...missing, 'no-such-provider']);
    for (const f of s.fallbacks.slice(0, missing.length)) {
      assert.equal(f.stage, 'unavailable');
      assert.equal(f.reason, providerAvailability(f.provider as (typeof missing)[number]).reason);
    }
    const cuda = s.fallbacks.find((f) => f.provider === 'cuda');
    if (cuda) assert.match(cuda.reason, /not installed|no CUDA build/);
    const unknown = s.fallbacks.at(-1)!;
    assert.equal(unknown.stage, 'unknown');
    assert.equal(unknown.reason, 'unknown provider "no-such-provider" (known: webgpu, cuda, dml, coreml, cpu)');
    assert.ok(s.warmupMs > 0, 'the warm-up ran');
  } finally {
    await s.session.release();
  }
});

test('when no provider in the list can run, the error names each with its reason', async () => {
  const file = join(model, 's2_up.onnx');
  const only = process.platform === 'win32' ? 'coreml' : 'dml';
  await assert.rejects(startSession(file, [only]), isApiError('E_UNSUPPORTED', file, `${only}: `, 'no execution provider could run it'));
});

test('the default order skips a software webgpu adapter and says so; the result names the provider that ran', async () => {
  const hint = webgpuAdapterHint();
  const folder = await loadModelFolder(model, { intraOpThreads: 1 });
  try {
    const m = await folder.session('geo_context');
    const feeds = {
      fused: new ort.Tensor('float32', new Float32Array(128 * 4).fill(0.25), [1, 128, 2, 2]),
      lat: new ort.Tensor('float32', [45.5], [1]),
      lon: new ort.Tensor('float32', [7.25], [1]),
    };
    const r = await m.run(feeds);
    assert.equal(r.provider, m.provider);
    assert.equal(r.precision, 'fp32');
    assert.equal(r.file, join(model, 'geo_context.onnx'));
    assert.ok(r.ms > 0);
    assert.deepEqual(r.outputs.geo.dims, [1, 256, 2, 2]);
    if (hint.kind === 'software' && providerAvailability('webgpu').available) {
      assert.equal(r.provider, 'cpu');
      const w = r.fallbacks.find((f) => f.provider === 'webgpu');
      assert.ok(w, JSON.stringify(r.fallbacks));
      assert.equal(w.stage, 'skipped');
      assert.match(w.reason, /^software adapter: .*slower than cpu/);
    }
    assert.ok(DEFAULT_ORDER.indexOf(r.provider) >= 0);
  } finally {
    await folder.close();
  }
});

test('the webgpu adapter verdict reads the named Vulkan drivers and the GPU device nodes', () => {
  const host = (env: NodeJS.ProcessEnv, platform: NodeJS.Platform = 'linux'): HostView => ({ ...THIS_HOST, env, platform });
  const sw = webgpuAdapterHint(host({ VK_ICD_FILENAMES: SWIFTSHADER_ICD }));
  assert.equal(sw.kind, 'software');
  assert.match(sw.detail, /SwiftShader .*VK_ICD_FILENAMES/);
  // A hardware driver's ICD manifest (the file is real; the verdict reads its library_path).
  const nv = join(work, 'nvidia_icd.json');
  writeFileSync(nv, JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: 'libGLX_nvidia.so.0', api_version: '1.3.277' } }));
  assert.equal(webgpuAdapterHint(host({ VK_ICD_FILENAMES: nv })).kind, 'hardware');
  // VK_DRIVER_FILES is the newer name and wins.
  assert.equal(webgpuAdapterHint(host({ VK_ICD_FILENAMES: nv, VK_DRIVER_FILES: SWIFTSHADER_ICD })).kind, 'software');
  assert.equal(webgpuAdapterHint(host({}, 'win32')).kind, 'unknown');
  // With no driver named, this machine's own device nodes decide.
  const hasGpu = THIS_HOST.list('/dev/dri').some((e) => e.startsWith('renderD')) || ['/dev/nvidia0', '/dev/dxg', '/dev/kfd'].some(existsSync);
  assert.equal(webgpuAdapterHint(host({})).kind, hasGpu ? 'hardware' : 'software');
  // Chromium ships a Vulkan loader: naming its folder satisfies the loader check.
  assert.equal(missingVulkanLoader(host({ LD_LIBRARY_PATH: CHROMIUM_LIB })), null);
  assert.equal(missingVulkanLoader(host({}, 'darwin')), null);
});

test('describeProviders lists every provider in default order with availability, probe and reasons', async () => {
  const quick = await describeProviders({ probe: false });
  assert.deepEqual(quick.map((r) => r.name), [...DEFAULT_ORDER]);
  assert.ok(quick.every((r) => r.starts === undefined), 'no probe without probe');
  const reports = await describeProviders();
  assert.deepEqual(reports.map((r) => r.name).sort(), [...PROVIDER_NAMES].sort());
  const cpu = reports.find((r) => r.name === 'cpu')!;
  assert.equal(cpu.starts, true);
  assert.equal(cpu.inDefaultOrder, true);
  assert.equal(cpu.fp16Compute, true);
  for (const r of reports) {
    if (!r.available) assert.ok(r.reason && r.starts === undefined && !r.inDefaultOrder, JSON.stringify(r));
    if (r.starts === false) assert.ok(r.reason && !r.inDefaultOrder, JSON.stringify(r));
  }
  assert.equal(await describeProviders(), reports, 'probed once per process');
  const lines = formatProviderReport(reports);
  assert.equal(lines.length, PROVIDER_NAMES.length);
  assert.match(lines.find((l) => l.startsWith('cpu'))!, /^cpu\s+starts \(fp16 maths yes; in default order\)$/);
  for (const l of lines) console.log(`  ${l}`);
});

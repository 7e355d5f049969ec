// The webgpu provider for real: a child process on Chromium's SwiftShader (Vulkan on the CPU,
// as in CI) runs every tiny module (hr_encoder aside: about a minute even at its smallest
// 288 px tile there; test/bench/provider-latency.bench.ts --hr covers it)
// on the same real tiles as cpu in this process, within 1e-4; a float16 graph starts on
// webgpu but fails its warm-up (SwiftShader has no shader-f16) and falls back to cpu with that
// reason; and a child whose Vulkan has no usable driver falls back to cpu with the adapter
// reason. Each child gets its environment from here (VK_ICD_FILENAMES, LD_LIBRARY_PATH), so
// the test does not depend on how it was started.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { addModel, loadModelFolder, type ModelFolder, type ProviderReport } from '../../main/model/index.ts';
import type { Job, ModuleOutcome } from '../bench/provider-child.ts';
import {
  axesOf,
  makeTinyModel,
  maxAbsDiff,
  moduleCases,
  noAdapterEnv,
  readManifest,
  readRealTiles,
  readTensor,
  runChild,
  SWIFTSHADER_ICD,
  swiftshaderEnv,
  writeTensor,
  type ModuleCase,
} from '../bench/provider-fixtures.ts';

const TOLERANCE = 1e-4;
// The smallest tile the tiny encoders take (patch 4, so a 4x4 token grid): SwiftShader runs
// shaders on the CPU and compiles each pipeline once, so size is what the test time is made of.
const TILE = 16;
// fusion attends over frames at every grid cell: the centre 4x4 cells of the 16x16 map keep it to seconds.
const FUSION_GRID = 4;
const FP16_MODULES = ['s2_up', 'geo_context'];
const MODULES = ['s2_encoder', 's1_encoder', 's2_up', 's1_up', 'fusion', 'geo_context'];

let work = '';
let modelDir = '';
let cases: ModuleCase[] = [];
let fp16Graph = '';

interface FileOutcome {
  provider?: string;
  fallbacks?: { provider: string; stage: string; reason: string }[];
  adapter?: { kind: string; detail: string };
  error?: string;
}

let child: { status: number | null; stderr: string; ms: number; results: [ProviderReport[], ModuleOutcome[], FileOutcome, ModuleOutcome[]] } | null = null;

before(async () => {
  assert.ok(existsSync(SWIFTSHADER_ICD), `${SWIFTSHADER_ICD} missing: install Debian's chromium (the tests' SwiftShader)`);
  work = mkdtempSync(join(tmpdir(), 'skysense-webgpu-'));
  modelDir = makeTinyModel(join(work, 'model'), MODULES, { fp16: true });
  const manifest = readManifest(modelDir);
  const tiles = await readRealTiles(manifest, TILE);
  let folder: ModelFolder | null = null;
  try {
    folder = await loadModelFolder(modelDir, { providers: ['cpu'], intraOpThreads: 2 });
    const f = folder;
    cases = await moduleCases(MODULES, tiles, async (m, feeds) => {
      const r = await (await f.session(m)).run(feeds);
      assert.equal(r.provider, 'cpu');
      return { outputs: r.outputs as Record<string, ort.Tensor>, ms: r.ms };
    }, { fusionGrid: FUSION_GRID });
  } finally {
    await folder?.close();
  }
  assert.deepEqual(cases.map((c) => c.module).sort(), [...MODULES].sort(), 'every module got a real input');

  fp16Graph = join(work, 'add-fp16.onnx');
  writeFileSync(fp16Graph, addModel('float16', ['n']));

  const job: Job = {
    resultFile: join(work, 'webgpu-result.json'),
    steps: [
      { kind: 'describe' },
      {
        kind: 'modules',
        modelDir,
        providers: ['webgpu'],
        dataDir: work,
        cases: cases.map((c) => ({
          module: c.module,
          axes: axesOf(manifest, c.module, c.feeds),
          inputs: Object.entries(c.feeds).map(([name, t]) => writeTensor(work, `${c.module}.in.${name}.bin`, name, t)),
        })),
      },
      { kind: 'file', file: fp16Graph, providers: ['webgpu', 'cpu'] },
    ],
  };
  // The fp16 weight files of two cheap modules, asked for on webgpu (a GPU provider, so they are used).
  const modulesStep = job.steps[1] as Extract<Job['steps'][number], { kind: 'modules' }>;
  job.steps.push({ ...modulesStep, precision: 'fp16', cases: modulesStep.cases.filter((c) => FP16_MODULES.includes(c.module)) });
  writeFileSync(join(work, 'webgpu-job.json'), JSON.stringify(job));
  const r = await runChild(join(work, 'webgpu-job.json'), swiftshaderEnv());
  child = {
    status: r.status,
    stderr: r.stderr,
    ms: r.ms,
    results: r.status === 0 ? JSON.parse(readFileSync(job.resultFile, 'utf8')) : ([[], [], {}, []] as never),
  };
  console.log(`  SwiftShader child: ${(r.ms / 1000).toFixed(1)} s`);
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function childResults() {
  assert.ok(child, 'the child ran');
  assert.equal(child.status, 0, `child failed:\n${child.stderr.slice(-3000)}`);
  return child.results;
}

test('webgpu (SwiftShader) runs every tiny module on real tiles and agrees with cpu within 1e-4', () => {
  const outcomes = childResults()[1];
  assert.deepEqual(outcomes.map((o) => o.module), cases.map((c) => c.module));
  for (const c of cases) {
    const o = outcomes.find((x) => x.module === c.module)!;
    assert.equal(o.error, undefined, `${c.module}: ${o.error}`);
    assert.equal(o.provider, 'webgpu', `${c.module} ran on ${o.provider}`);
    assert.deepEqual(o.fallbacks, [], `${c.module}: nothing passed over`);
    assert.equal(o.adapter?.kind, 'software', `${c.module}: SwiftShader is reported as a software adapter`);
    assert.match(o.adapter!.detail, /SwiftShader/);
    assert.ok((o.warmupMs ?? 0) > 0, `${c.module}: a warm-up ran`);
    assert.deepEqual(o.outputs!.map((t) => t.name).sort(), Object.keys(c.cpu).sort());
    let worst = 0;
    let maxAbs = 0;
    for (const rec of o.outputs!) {
      const got = readTensor(work, rec);
      assert.deepEqual(got.dims, c.cpu[rec.name].dims, `${c.module}.${rec.name} dims`);
      const d = maxAbsDiff(got.data as Float32Array, c.cpu[rec.name].data as Float32Array);
      worst = Math.max(worst, d.diff);
      maxAbs = Math.max(maxAbs, d.maxAbs);
    }
    console.log(
      `  ${c.module.padEnd(12)} max|webgpu-cpu| ${worst.toExponential(2)} (max|cpu| ${maxAbs.toFixed(2)})  ` +
        `webgpu create ${o.createMs!.toFixed(0)} ms, warm-up ${o.warmupMs!.toFixed(0)} ms, run ${o.runMs![0].toFixed(0)} ms; cpu run ${c.cpuMs.toFixed(1)} ms  [${c.source}]`,
    );
    assert.ok(worst <= TOLERANCE, `${c.module}: webgpu differs from cpu by ${worst}`);
    // All-zero outputs would agree trivially.
    assert.ok(maxAbs > 1e-3, `${c.module}: cpu output is ~0`);
  }
});

test('describeProviders in the SwiftShader child: webgpu starts on a software adapter without fp16 maths, outside the default order', () => {
  const reports = childResults()[0];
  const webgpu = reports.find((r) => r.name === 'webgpu')!;
  assert.equal(webgpu.available, true);
  assert.equal(webgpu.starts, true, String(webgpu.reason));
  assert.equal(webgpu.adapter?.kind, 'software');
  assert.equal(webgpu.fp16Compute, false, 'SwiftShader has no shader-f16');
  assert.equal(webgpu.inDefaultOrder, false);
  assert.match(webgpu.reason ?? '', /slower than cpu/);
  const cpu = reports.find((r) => r.name === 'cpu')!;
  assert.equal(cpu.starts, true);
  assert.equal(cpu.fp16Compute, true);
});

test('a float16 graph starts on webgpu, fails its warm-up (no shader-f16) and falls back to cpu with that reason', () => {
  const r = childResults()[2];
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(r.provider, 'cpu');
  assert.equal(r.fallbacks?.length, 1, JSON.stringify(r.fallbacks));
  const [f] = r.fallbacks!;
  assert.equal(f.provider, 'webgpu');
  assert.equal(f.stage, 'warmup');
  assert.match(f.reason, /requires f16 but the device does not support it/);
  assert.match(f.reason, /Add node/);
  assert.match(f.reason, /x float16\[1\]/, 'the reason names the warm-up input');
});

test('fp16 files asked for on webgpu are used there, and stay within float16 rounding of cpu fp32', () => {
  const outcomes = childResults()[3];
  assert.deepEqual(outcomes.map((o) => o.module), FP16_MODULES);
  for (const o of outcomes) {
    assert.equal(o.error, undefined, `${o.module}: ${o.error}`);
    assert.equal(o.provider, 'webgpu');
    assert.equal(o.precision, 'fp16');
    assert.equal(o.file, join(modelDir, `${o.module}.fp16.onnx`));
    const c = cases.find((x) => x.module === o.module)!;
    let worst = 0;
    let maxAbs = 0;
    for (const rec of o.outputs!) {
      const d = maxAbsDiff(readTensor(work, rec).data as Float32Array, c.cpu[rec.name].data as Float32Array);
      worst = Math.max(worst, d.diff);
      maxAbs = Math.max(maxAbs, d.maxAbs);
    }
    console.log(`  ${o.module.padEnd(12)} fp16 weights on webgpu: max|diff| vs cpu fp32 ${worst.toExponential(2)} (max|cpu| ${maxAbs.toFixed(2)})`);
    // float16 keeps about 3 significant digits of each weight: different from fp32, but close.
    assert.ok(worst > 0 && worst < 5e-3 * maxAbs, `${o.module}: ${worst} vs max ${maxAbs}`);
  }
});

test('with no usable Vulkan driver, webgpu falls back to cpu with the adapter reason', async () => {
  const dir = join(work, 'no-adapter');
  mkdirSync(dir);
  const job: Job = {
    resultFile: join(dir, 'result.json'),
    steps: [{ kind: 'file', file: join(modelDir, 's2_up.onnx'), providers: ['webgpu', 'cpu'] }, { kind: 'describe' }],
  };
  writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
  const r = await runChild(join(dir, 'job.json'), noAdapterEnv(dir));
  assert.equal(r.status, 0, r.stderr.slice(-3000));
  const [start, reports] = JSON.parse(readFileSync(job.resultFile, 'utf8')) as [FileOutcome, ProviderReport[]];
  assert.equal(start.error, undefined, String(start.error));
  assert.equal(start.provider, 'cpu');
  assert.equal(start.fallbacks?.length, 1, JSON.stringify(start.fallbacks));
  assert.equal(start.fallbacks![0].provider, 'webgpu');
  assert.equal(start.fallbacks![0].stage, 'create');
  assert.match(start.fallbacks![0].reason, /Failed to get a WebGPU adapter/);
  const webgpu = reports.find((x) => x.name === 'webgpu')!;
  assert.equal(webgpu.starts, false);
  assert.equal(webgpu.inDefaultOrder, false);
  assert.match(webgpu.reason ?? '', /WebGPU adapter/);
  console.log(`  no-adapter child: ${(r.ms / 1000).toFixed(1)} s; reason: ${start.fallbacks![0].reason}`);
});

// The same real tiles through every execution provider available here: per module, session
// create and warm-up time, median run latency, the ratio to cpu measured in the same run,
// the largest difference from cpu, and which op types ORT placed on the provider and which
// it kept on cpu. Each provider runs in a child process (provider-child.ts) so its
// environment decides the adapter; on a GPU machine the same command prints webgpu (and
// cuda, where installed) figures.
//   node --import tsx test/bench/provider-latency.bench.ts [--size 64] [--repeat 5]
//        [--providers webgpu,cpu] [--modules s2_encoder,...] [--hr] [--swiftshader] [--threads N]
// --swiftshader gives the child Chromium's SwiftShader (VK_ICD_FILENAMES, LD_LIBRARY_PATH),
// as on CI machines without a GPU; expect webgpu hundreds of times slower than cpu there.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { openRaster } from '../../main/raster/index.ts';
import { parseProviderList, PROVIDER_NAMES, providerAvailability, startSession, type ProviderName } from '../../main/model/index.ts';
import type { Job, ModuleOutcome } from './provider-child.ts';
import {
  axesOf,
  DATA,
  makeTinyModel,
  maxAbsDiff,
  moduleCases,
  parsePlacement,
  readManifest,
  readRealTiles,
  readTensor,
  runChild,
  swiftshaderEnv,
  writeTensor,
  type ModuleCase,
} from './provider-fixtures.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const SIZE = Number(arg('--size') ?? 64);
const HR_SIZE = Number(arg('--hr-size') ?? 512);
const REPEAT = Number(arg('--repeat') ?? 5);
const THREADS = Number(arg('--threads') ?? availableParallelism());
const SWIFTSHADER = process.argv.includes('--swiftshader');
const WITH_HR = process.argv.includes('--hr');
const MODULES = (arg('--modules') ?? ['s2_encoder', 's1_encoder', 's2_up', 's1_up', 'fusion', 'geo_context', ...(WITH_HR ? ['hr_encoder'] : [])].join(',')).split(',');
const PROVIDERS: ProviderName[] = parseProviderList(arg('--providers') ?? '') ?? PROVIDER_NAMES.filter((p) => providerAvailability(p).available);
if (!PROVIDERS.includes('cpu')) PROVIDERS.push('cpu');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A real HR RGB tile (LoveDA, 8-bit) normalised with the manifest's statistics. */
async function hrTile(mean: number[], std: number[], size: number): Promise<ort.Tensor> {
  const r = await openRaster([join(DATA, 'hr/loveda/img_dir/0.png')]);
  try {
    const bands = await r.readWindow({ x: 0, y: 0, width: size, height: size }, { bands: [1, 2, 3] });
    const out = new Float32Array(3 * size * size);
    bands.forEach((b, c) => {
      for (let i = 0; i < size * size; i++) out[c * size * size + i] = (Number(b[i]) - mean[c]) / std[c];
    });
    return new ort.Tensor('float32', out, [1, 3, size, size]);
  } finally {
    await r.close();
  }
}

const work = mkdtempSync(join(tmpdir(), 'skysense-provider-bench-'));
try {
  const t0 = performance.now();
  const modelDir = makeTinyModel(join(work, 'model'), MODULES, { hrSize: WITH_HR ? HR_SIZE : undefined });
  const manifest = readManifest(modelDir);
  const satellite = MODULES.filter((m) => m !== 'hr_encoder');
  const tiles = satellite.length > 0 ? await readRealTiles(manifest, SIZE) : null;
  // Inputs for each module from the cpu chain in this process (the timed cpu runs are in the child, like the others).
  const cases: ModuleCase[] = !tiles ? [] : await moduleCases(satellite, tiles, async (m, feeds) => {
    const s = await startSession(join(modelDir, manifest.modules[m].file), ['cpu'], { warmup: false, intraOpThreads: THREADS });
    try {
      const t = performance.now();
      const outputs = (await s.session.run(feeds)) as Record<string, ort.Tensor>;
      return { outputs, ms: performance.now() - t };
    } finally {
      await s.session.release();
    }
  });
  if (MODULES.includes('hr_encoder')) {
    const hr = manifest.modalities.hr!;
    const image = await hrTile(hr.mean, hr.std, HR_SIZE);
    const s = await startSession(join(modelDir, manifest.modules.hr_encoder.file), ['cpu'], { warmup: false, intraOpThreads: THREADS });
    cases.push({ module: 'hr_encoder', source: `LoveDA 0.png ${HR_SIZE}x${HR_SIZE}`, feeds: { image }, cpu: (await s.session.run({ image })) as Record<string, ort.Tensor>, cpuMs: 0 });
    await s.session.release();
  }
  console.log(`setup (convert.py + real tiles + cpu chain): ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const stepCases = cases.map((c) => ({
    module: c.module,
    axes: axesOf(manifest, c.module, c.feeds),
    inputs: Object.entries(c.feeds).map(([name, t]) => writeTensor(work, `${c.module}.in.${name}.bin`, name, t)),
  }));
  const job: Job = {
    resultFile: join(work, 'result.json'),
    steps: [
      { kind: 'describe' },
      ...PROVIDERS.map((p) => ({ kind: 'modules' as const, modelDir, providers: [p], dataDir: work, cases: stepCases, repeat: REPEAT, threads: THREADS })),
      ...PROVIDERS.filter((p) => p !== 'cpu').map((p) => ({ kind: 'placement' as const, modelDir, provider: p, modules: MODULES })),
    ],
  };
  writeFileSync(join(work, 'job.json'), JSON.stringify(job));
  const env = SWIFTSHADER ? swiftshaderEnv() : { ...process.env };
  const r = await runChild(join(work, 'job.json'), env, 3_600_000);
  if (r.status !== 0) throw new Error(`child failed (${r.status}):\n${r.stderr.slice(-4000)}`);
  const results = JSON.parse(readFileSync(job.resultFile, 'utf8')) as unknown[];
  const reports = results[0] as { name: string; starts?: boolean; adapter?: { kind: string; detail: string }; reason?: string }[];
  const byProvider = new Map<ProviderName, ModuleOutcome[]>();
  PROVIDERS.forEach((p, i) => byProvider.set(p, results[1 + i] as ModuleOutcome[]));
  const placement = parsePlacement(r.stderr);
  const others = PROVIDERS.filter((p) => p !== 'cpu');
  others.forEach((p, i) => {
    for (const o of results[1 + PROVIDERS.length + i] as { module: string; error?: string }[]) {
      if (o.error) console.log(`  placement of ${o.module} on ${p} not read: ${o.error.split('\n')[0]}`);
    }
  });

  console.log(
    `provider bench: tiles ${SIZE}x${SIZE} (S2 OSCD aguasclaras, S1 Sen1Floods11${WITH_HR ? `, HR LoveDA ${HR_SIZE}` : ''}); ` +
      `median of ${REPEAT} runs after the warm-up; ${THREADS} intra-op threads; child env: ${SWIFTSHADER ? 'SwiftShader' : 'as started'}`,
  );
  for (const rep of reports) {
    if (PROVIDERS.includes(rep.name as ProviderName)) {
      console.log(`  ${rep.name}: ${rep.starts ? 'starts' : 'does not start'}${rep.adapter ? `, adapter ${rep.adapter.kind} (${rep.adapter.detail})` : ''}${rep.reason ? ` - ${rep.reason}` : ''}`);
    }
  }
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(['module'.padEnd(12), 'provider'.padEnd(9), pad('create ms', 10), pad('warm-up ms', 11), pad('run ms', 10), pad('x cpu', 9), pad('max|diff|', 10), '  ops on provider / kept on cpu'].join(''));
  const cpuRuns = byProvider.get('cpu')!;
  for (const c of cases) {
    const cpuOut = cpuRuns.find((o) => o.module === c.module);
    const cpuMs = cpuOut?.runMs ? median(cpuOut.runMs) : NaN;
    for (const p of PROVIDERS) {
      const o = byProvider.get(p)!.find((x) => x.module === c.module)!;
      if (o.error) {
        console.log(`${c.module.padEnd(12)}${p.padEnd(9)} did not run: ${o.error.split('\n')[0].slice(0, 200)}`);
        continue;
      }
      let diff = 0;
      for (const rec of o.outputs!) diff = Math.max(diff, maxAbsDiff(readTensor(work, rec).data as Float32Array, c.cpu[rec.name].data as Float32Array).diff);
      const ms = median(o.runMs!);
      const place = placement[c.module];
      const epName = p === 'webgpu' ? 'WebGpu' : p === 'cuda' ? 'CUDA' : p === 'dml' ? 'Dml' : p === 'coreml' ? 'CoreML' : 'CPU';
      const kept = Object.entries(place?.ops.CPU ?? {}).map(([op, n]) => `${op}x${n}`).join(' ');
      const placeText = p === 'cpu' || !place ? '' : `  ${place.nodes[epName] ?? 0} / ${place.nodes.CPU ?? 0}${kept ? ` (${kept})` : ''}`;
      console.log(
        [c.module.padEnd(12), p.padEnd(9), pad(o.createMs!.toFixed(0), 10), pad(o.warmupMs!.toFixed(0), 11), pad(ms.toFixed(1), 10),
          pad(p === 'cpu' ? '1.00' : (ms / cpuMs).toFixed(2), 9), pad(diff.toExponential(1), 10), placeText].join(''),
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

// Per-module latency and throughput, onnxruntime-node (cpu, 2 intra-op threads, via main/model)
// against PyTorch (2 threads) on the same real inputs, for every tiny module and the official-size
// S2 branch; achieved GFLOP/s (matmul/conv FLOPs counted by torch.profiler) next to this machine's
// measured fp32 matmul peak in both runtimes. One run, ratios printed (the machine is shared).
//   node --import tsx test/bench/model-latency.bench.ts [--repeat 5] [--official-repeat 3] [--skip-official]
// PyTorch timings come from models/parity/make_inputs.py / official_s2.py --repeat (same tensors
// the ORT side reads); ORT outputs are checked against PyTorch's before they are timed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadModelFolder, openSession } from '../../main/model/index.ts';
import { maxAbsDiff, preparePyTorchSide, readTensor, runPython, type ParityIndex } from '../parity/parity-check.ts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const REPEAT = arg('--repeat', 5);
const OFFICIAL_REPEAT = arg('--official-repeat', 3);
const SKIP_OFFICIAL = process.argv.includes('--skip-official');
const THREADS = 2;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Row {
  label: string;
  batch: number;
  px: number;
  torchMs: number;
  ortMs: number;
  gflop: number;
  maxRelDiff: number;
}

async function timeFolder(work: string, index: ParityIndex, label: string, repeat: number): Promise<Row[]> {
  const folder = await loadModelFolder(resolve(work, index.model), { providers: ['cpu'], intraOpThreads: THREADS, interOpThreads: 1 });
  const rows: Row[] = [];
  try {
    for (const c of index.cases) {
      if (!c.torch) throw new Error(`${c.module}: the Python side ran without --repeat`);
      const { session } = await folder.session(c.module);
      const feeds: Record<string, ort.Tensor> = {};
      for (const t of c.inputs) feeds[t.name] = readTensor(work, t);
      const first = await session.run(feeds); // also the warm-up
      let rel = 0;
      for (const o of c.outputs) {
        const r = maxAbsDiff(first[o.name].data as Float32Array, readTensor(work, o).data as Float32Array);
        rel = Math.max(rel, r.diff / Math.max(r.maxAbs, 1e-12));
      }
      const ms: number[] = [];
      for (let i = 0; i < repeat; i++) {
        const t0 = performance.now();
        await session.run(feeds);
        ms.push(performance.now() - t0);
      }
      const shape = c.inputs[0].shape;
      rows.push({
        label: `${label} ${c.module}`,
        batch: shape[0],
        px: shape[shape.length - 2] * shape[shape.length - 1],
        torchMs: median(c.torch.ms),
        ortMs: median(ms),
        gflop: c.torch.flops / 1e9,
        maxRelDiff: rel,
      });
    }
  } finally {
    await folder.close();
  }
  return rows;
}

async function ortMatmulGflops(onnxFile: string, n: number, repeat: number): Promise<number> {
  const { session } = await openSession(onnxFile, { intraOpThreads: THREADS, interOpThreads: 1 });
  try {
    const a = new Float32Array(n * n).map(() => Math.random() - 0.5);
    const feeds = { a: new ort.Tensor('float32', a, [n, n]) };
    await session.run(feeds);
    let best = Infinity;
    for (let i = 0; i < repeat; i++) {
      const t0 = performance.now();
      await session.run(feeds);
      best = Math.min(best, performance.now() - t0);
    }
    return (2 * n ** 3) / (best / 1000) / 1e9;
  } finally {
    await session.release();
  }
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

function printRows(rows: Row[], peak: { torch: number; ort: number }): void {
  console.log(
    ['module'.padEnd(24), pad('torch ms', 10), pad('ort ms', 10), pad('ort/torch', 10), pad('ort tiles/s', 12),
      pad('ort Mpx/s', 10), pad('GFLOP', 8), pad('torch GF/s', 11), pad('ort GF/s', 9), pad('ort %peak', 10), pad('rel diff', 9)].join(''),
  );
  for (const r of rows) {
    const ortS = r.ortMs / 1000;
    const torchS = r.torchMs / 1000;
    console.log(
      [r.label.padEnd(24), pad(r.torchMs.toFixed(1), 10), pad(r.ortMs.toFixed(1), 10), pad((r.ortMs / r.torchMs).toFixed(2), 10),
        pad((r.batch / ortS).toFixed(2), 12), pad(((r.batch * r.px) / ortS / 1e6).toPrecision(3), 10), pad(r.gflop.toFixed(2), 8),
        pad((r.gflop / torchS).toFixed(1), 11), pad((r.gflop / ortS).toFixed(1), 9),
        pad(`${((100 * r.gflop) / ortS / peak.ort).toFixed(0)}%`, 10), pad(r.maxRelDiff.toExponential(1), 9)].join(''),
    );
  }
}

// The machine is shared, so the peak is taken before and after the models and the better of the two kept.
async function measurePeak(dir: string): Promise<{ n: number; torch: number; ort: number }> {
  const mm = JSON.parse(runPython('models.parity.matmul_peak', ['--out', dir, '--threads', String(THREADS)]).trim());
  return { n: mm.n, torch: mm.bestGflops as number, ort: await ortMatmulGflops(mm.onnx, mm.n, 20) };
}

const work = mkdtempSync(join(tmpdir(), 'skysense-bench-'));
try {
  const before = await measurePeak(join(work, 'peak'));
  const tiny = preparePyTorchSide(join(work, 'tiny'), ['--repeat', String(REPEAT)]);
  const rows = await timeFolder(join(work, 'tiny'), tiny, 'tiny', REPEAT);
  if (!SKIP_OFFICIAL) {
    const off = preparePyTorchSide(join(work, 'official'), ['--repeat', String(OFFICIAL_REPEAT)], 'models.parity.official_s2');
    rows.push(...(await timeFolder(join(work, 'official'), off, 'official', OFFICIAL_REPEAT)));
  }
  const afterPeak = await measurePeak(join(work, 'peak'));
  const peak = { torch: Math.max(before.torch, afterPeak.torch), ort: Math.max(before.ort, afterPeak.ort) };
  console.log(`model bench: ${THREADS} threads each; medians of ${REPEAT} runs (official ${OFFICIAL_REPEAT}) after one warm-up`);
  console.log('px = H x W of the first input (image pixels for encoders, grid cells for up/fusion/geo); GFLOP = conv + matmul FLOPs');
  printRows(rows, peak);
  console.log(
    `matmul peak fp32 ${before.n}x${before.n}, ${THREADS} threads (before / after the models): ` +
      `torch.mm ${before.torch.toFixed(1)} / ${afterPeak.torch.toFixed(1)} GFLOP/s, ` +
      `ORT MatMul ${before.ort.toFixed(1)} / ${afterPeak.ort.toFixed(1)} GFLOP/s (best of 20 each; B a pre-packed initializer); %peak uses the better ORT figure`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

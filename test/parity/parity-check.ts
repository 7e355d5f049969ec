// ONNX Runtime (node) against PyTorch on real tiles: models/parity/make_inputs.py exports a tiny
// random-init model folder, feeds each module real imagery in PyTorch and writes the tensors;
// here every module of that folder runs through main/model on the same inputs. Shared by
// `npm run parity` (test/parity/run-parity.ts) and test/models/parity.test.ts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { loadModelFolder } from '../../main/model/index.ts';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const PYTHON = '/usr/bin/python3';
export const TOLERANCE = 1e-4;

export interface TensorFile {
  name: string;
  dtype: 'float32' | 'int64';
  shape: number[];
  file: string;
}

export interface ParityCase {
  module: string;
  source: string;
  inputs: TensorFile[];
  outputs: TensorFile[];
  /** Present when the Python side ran with --repeat (benchmark). */
  torch?: { ms: number[]; flops: number; threads: number };
}

export interface ParityIndex {
  model: string;
  config: string;
  cases: ParityCase[];
  seconds?: Record<string, number>;
}

export interface ParityLine {
  module: string;
  maxAbsDiff: number;
  /** Largest |torch| over the outputs, to read the difference against. */
  maxAbs: number;
  ok: boolean;
  source: string;
  ms: number;
}

/** Runs the Python side; returns its index. Throws with Python's stderr on failure. */
export function preparePyTorchSide(workDir: string, args: string[] = [], script = 'models.parity.make_inputs'): ParityIndex {
  runPython(script, ['--out', workDir, ...args]);
  return JSON.parse(readFileSync(join(workDir, 'index.json'), 'utf8')) as ParityIndex;
}

/** `python3 -m <module> args` from the repo root; returns stdout, throws with stderr on failure. */
export function runPython(module: string, args: string[]): string {
  const r = spawnSync(PYTHON, ['-m', module, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    // Two threads: the machine's two cores are shared with other work. Passive OpenMP waits: torch's
    // OpenMP threads otherwise spin against its BLAS threads, which made PyTorch ~10x slower here under load.
    env: { ...process.env, OMP_NUM_THREADS: '2', OMP_WAIT_POLICY: 'PASSIVE' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(`${module.replaceAll('.', '/')}.py failed (exit ${r.status}):\n${r.stderr || r.stdout}`);
  }
  return r.stdout;
}

export function readTensor(dir: string, t: TensorFile): ort.Tensor {
  const buf = readFileSync(join(dir, t.file));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const data = t.dtype === 'int64' ? new BigInt64Array(ab) : new Float32Array(ab);
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new Error(`${t.file}: ${data.length} values for shape [${t.shape}]`);
  return new ort.Tensor(t.dtype, data, t.shape);
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): { diff: number; maxAbs: number } {
  let diff = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    // NaN anywhere must count as a miss, so it is carried as Infinity.
    if (!(d <= diff)) diff = Number.isNaN(d) ? Infinity : d;
    const m = Math.abs(b[i]);
    if (m > maxAbs) maxAbs = m;
  }
  return { diff, maxAbs };
}

/**
 * Runs every module of the exported folder on the cases' inputs; a module without a case is a miss.
 * `relative`: the tolerance scales with the largest |PyTorch| value (deep fp32 stacks).
 */
export async function compareModules(workDir: string, index: ParityIndex, tolerance = TOLERANCE, relative = false): Promise<ParityLine[]> {
  const folder = await loadModelFolder(resolve(workDir, index.model), { providers: ['cpu'], intraOpThreads: 2, interOpThreads: 1 });
  const lines: ParityLine[] = [];
  try {
    for (const name of folder.moduleNames()) {
      const c = index.cases.find((x) => x.module === name);
      if (!c) {
        lines.push({ module: name, maxAbsDiff: Infinity, maxAbs: 0, ok: false, source: 'no PyTorch case written', ms: 0 });
        continue;
      }
      const { session } = await folder.session(name);
      const feeds: Record<string, ort.Tensor> = {};
      for (const t of c.inputs) feeds[t.name] = readTensor(workDir, t);
      const t0 = performance.now();
      const out = await session.run(feeds);
      const ms = performance.now() - t0;
      let worst = 0;
      let maxAbs = 0;
      for (const t of c.outputs) {
        const got = out[t.name];
        if (!got || got.dims.join(',') !== t.shape.join(',')) {
          worst = Infinity;
          continue;
        }
        const want = readTensor(workDir, t);
        const r = maxAbsDiff(got.data as Float32Array, want.data as Float32Array);
        worst = Math.max(worst, r.diff);
        maxAbs = Math.max(maxAbs, r.maxAbs);
      }
      lines.push({ module: name, maxAbsDiff: worst, maxAbs, ok: worst <= (relative ? tolerance * maxAbs : tolerance), source: c.source, ms });
    }
  } finally {
    await folder.close();
  }
  return lines;
}

export function formatLine(l: ParityLine): string {
  return `parity ${l.module} maxAbsDiff=${l.maxAbsDiff.toExponential(2)} ${l.ok ? 'ok' : 'MISS'}`;
}

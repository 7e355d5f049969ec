/**
 * Runs in a child process whose environment decides what webgpu finds (SwiftShader, or no
 * adapter at all): Vulkan and Dawn read it once at start-up, so the parent cannot change it
 * for itself. Reads a job file, runs its steps through main/model, writes a result file.
 *   node --import tsx test/bench/provider-child.ts JOB.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describeProviders, startSession, type Fallback, type Precision, type ProviderChoice } from '../../main/model/index.ts';
import { PLACEMENT_TAG, readManifest, readTensor, writeTensor, type TensorRecord } from './provider-fixtures.ts';

export interface ModuleStepCase {
  module: string;
  inputs: TensorRecord[];
  /** Warm-up axis sizes (the sizes of these inputs). */
  axes: Record<string, number>;
}

export type Step =
  | { kind: 'describe' }
  | { kind: 'modules'; modelDir: string; providers: ProviderChoice[]; precision?: Precision; cases: ModuleStepCase[]; dataDir: string; repeat?: number; threads?: number }
  | { kind: 'file'; file: string; providers: ProviderChoice[] }
  /** Creates each module's session with ORT's verbose log on stderr (node placements), tagged with the module. */
  | { kind: 'placement'; modelDir: string; provider: ProviderChoice; modules: string[] };

export interface Job {
  steps: Step[];
  resultFile: string;
}

export interface ModuleOutcome {
  module: string;
  provider?: string;
  precision?: Precision;
  file?: string;
  fallbacks?: Fallback[];
  adapter?: { kind: string; detail: string };
  createMs?: number;
  warmupMs?: number;
  runMs?: number[];
  outputs?: TensorRecord[];
  error?: string;
}

async function modules(step: Extract<Step, { kind: 'modules' }>): Promise<ModuleOutcome[]> {
  const manifest = readManifest(step.modelDir);
  const out: ModuleOutcome[] = [];
  for (const c of step.cases) {
    const spec = manifest.modules[c.module];
    try {
      const s = await startSession(join(step.modelDir, spec.file), step.providers, {
        precision: step.precision,
        fp16File: spec.fp16File ? join(step.modelDir, spec.fp16File) : null,
        warmupShape: { axes: c.axes, defaultSize: 1 },
        intraOpThreads: step.threads,
      });
      const feeds: Record<string, ort.Tensor> = {};
      for (const r of c.inputs) feeds[r.name] = readTensor(step.dataDir, r);
      const runMs: number[] = [];
      let result: ort.InferenceSession.ReturnType = {};
      for (let i = 0; i < (step.repeat ?? 1); i++) {
        const t0 = performance.now();
        result = await s.session.run(feeds);
        runMs.push(performance.now() - t0);
      }
      const tag = `${c.module}.${s.provider}.${s.precision}`;
      const outputs = Object.entries(result).map(([name, t]) => writeTensor(step.dataDir, `${tag}.${name}.bin`, name, t as ort.Tensor));
      out.push({ module: c.module, provider: s.provider, precision: s.precision, file: s.file, fallbacks: s.fallbacks, adapter: s.adapter, createMs: s.createMs, warmupMs: s.warmupMs, runMs, outputs });
      await s.session.release();
    } catch (err) {
      out.push({ module: c.module, error: (err as Error).message });
    }
  }
  return out;
}

async function placement(step: Extract<Step, { kind: 'placement' }>): Promise<{ module: string; error?: string }[]> {
  const manifest = readManifest(step.modelDir);
  const out: { module: string; error?: string }[] = [];
  for (const module of step.modules) {
    try {
      // ORT's log is buffered natively, so its lines are told apart by the session's log id, not by position.
      const s = await startSession(join(step.modelDir, manifest.modules[module].file), [step.provider], {
        warmup: false,
        logSeverity: 0,
        logId: `${PLACEMENT_TAG}${module}`,
      });
      await s.session.release();
      out.push({ module });
    } catch (err) {
      out.push({ module, error: (err as Error).message });
    }
  }
  return out;
}

const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Job;
const results: unknown[] = [];
for (const step of job.steps) {
  if (step.kind === 'describe') results.push(await describeProviders());
  else if (step.kind === 'modules') results.push(await modules(step));
  else if (step.kind === 'placement') results.push(await placement(step));
  else {
    try {
      const s = await startSession(step.file, step.providers);
      results.push({ provider: s.provider, fallbacks: s.fallbacks, adapter: s.adapter, warmupMs: s.warmupMs });
      await s.session.release();
    } catch (err) {
      results.push({ error: (err as Error).message });
    }
  }
}
writeFileSync(job.resultFile, JSON.stringify(results, null, 1));

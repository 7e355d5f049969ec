// One ONNX Runtime session for one ONNX file, on the first execution provider in the user's
// order that both starts and survives a warm-up run. Every provider passed over is reported
// with its reason, and the result names the provider that runs, because run reports and the
// UI must say where inference happened and why not elsewhere.
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { ApiError } from '../api.ts';
import { webgpuAdapterHint, missingVulkanLoader, type AdapterHint } from './gpu-adapter.ts';
import {
  choiceName,
  DEFAULT_ORDER,
  GPU_PROVIDERS,
  isProviderName,
  providerAvailability,
  unknownProviderMessage,
  type ProviderChoice,
  type ProviderName,
} from './providers.ts';
import { describeFeeds, zeroFeeds, type WarmupShape } from './warmup.ts';

export type { ProviderChoice } from './providers.ts';

export type Precision = 'fp32' | 'fp16';
export type GraphOptimization = 'disabled' | 'basic' | 'extended' | 'all';

/** Why a provider was passed over: before trying it, while creating the session, or in the warm-up run. */
export type FallbackStage = 'unknown' | 'unavailable' | 'skipped' | 'create' | 'warmup';

export interface Fallback {
  provider: string;
  stage: FallbackStage;
  /** One line a user can read ("Failed to get a WebGPU adapter: No supported adapters"). */
  reason: string;
}

export interface SessionOptions {
  /** Threads inside one operator. Default: SKYSENSE_THREADS, else every core (os.availableParallelism()). */
  intraOpThreads?: number;
  /** Threads across independent operators; >1 switches ORT to parallel execution. Default 1. */
  interOpThreads?: number;
  /** ORT graph optimisation level. Default 'all'. */
  graphOptimization?: GraphOptimization;
  /**
   * 'fp16' runs `fp16File` instead of `file` on GPU providers. On cpu the fp32 file runs: the
   * exporter's fp16 files keep float32 maths (weights cast back at load), so on cpu they
   * save nothing at run time and only lose precision.
   */
  precision?: Precision;
  fp16File?: string | null;
  /** Run once on zero inputs before returning (default true); a failure there is a fallback. */
  warmup?: boolean;
  /** Sizes of dynamic axes for the warm-up run (the tile size the engine will feed). */
  warmupShape?: WarmupShape;
  /**
   * Checks the created session against what the caller expects (manifest inputs/outputs).
   * A throw is about the file, not the provider, so it ends the start instead of falling back.
   */
  check?: (session: ort.InferenceSession, file: string) => void;
  /**
   * ORT session log level, 0 verbose .. 4 fatal. Default 4: a failed start or warm-up is an
   * expected event here, reported in `fallbacks`, and a failed run throws with the same text.
   */
  logSeverity?: 0 | 1 | 2 | 3 | 4;
  /** Tags this session's ORT log lines ("[V:onnxruntime:<logId>, ...]"), e.g. with the module name. */
  logId?: string;
}

export interface StartedSession {
  session: ort.InferenceSession;
  /** The provider that runs this session. */
  provider: ProviderName;
  /** The exact choice given to ORT (a name or a config object). */
  choice: ProviderChoice;
  /** The ONNX file the session was made from (the fp16 file when that ran). */
  file: string;
  precision: Precision;
  /** Providers passed over before `provider`, in order, each with its reason. */
  fallbacks: Fallback[];
  /** webgpu only: what kind of adapter serves it. */
  adapter?: AdapterHint;
  createMs: number;
  /** 0 when no warm-up ran. */
  warmupMs: number;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  provider: string;
  file: string;
}

/** The older folder-level plan; kept because model folders and benches are written against it. */
export interface SessionPlan {
  /** Tried in order. Default: the default order (see providers.ts). */
  providers?: readonly ProviderChoice[];
  intraOpThreads?: number;
  interOpThreads?: number;
  graphOptimization?: GraphOptimization;
  warmup?: boolean;
  /** Overrides the warm-up axis sizes a model folder derives from its manifest (tile size). */
  warmupAxes?: Readonly<Record<string, number>>;
  /** Share sessions through the process-wide cache (default true). */
  cache?: boolean;
}

/**
 * ORT wraps native errors in the source location and the failed check
 * ("/onnxruntime_src/.../webgpu_context.cc:136 ... was false. Failed to get a WebGPU adapter: ...");
 * the user needs the last part.
 */
export function conciseReason(err: unknown): string {
  const raw = (err instanceof Error ? err.message : String(err)).trim();
  let msg = raw.split('\n').map((l) => l.trim()).find(Boolean) ?? raw;
  let node = '';
  const run = /running (\S+) node\. Name:'([^']*)' Status Message: (.*)$/.exec(msg);
  if (run) {
    node = `${run[1]} node${run[2] ? ` "${run[2]}"` : ''}: `;
    msg = run[3];
  }
  const check = /\bwas false\.\s*(.+)$/.exec(msg);
  if (check) msg = check[1];
  // "shader_helper.cc:416 GenerateSourceCode Program Add requires f16 ..." -> "Program Add requires f16 ..."
  msg = msg.replace(/^\S+\.(?:cc|h|cpp):\d+\s+\S+\s+/, '').replace(/^\[ONNXRuntimeError\] : \d+ : \w+ : /, '');
  msg = node + msg;
  return msg.length > 400 ? `${msg.slice(0, 400)}...` : msg;
}

// Failures that say the machine, not the model, lacks something: the next file would hit
// them again, so later starts skip the provider at once (until the process restarts).
const ENVIRONMENT_FAILURE = /Failed to get a WebGPU adapter|Failed to load shared library|cannot open shared object|backend not found/i;
const deadProviders = new Map<string, string>();

function ortOptions(choice: ProviderChoice, opts: SessionOptions): ort.InferenceSession.SessionOptions {
  const inter = opts.interOpThreads ?? 1;
  return {
    executionProviders: [choice],
    graphOptimizationLevel: opts.graphOptimization ?? 'all',
    intraOpNumThreads: opts.intraOpThreads ?? defaultThreads(),
    interOpNumThreads: inter,
    executionMode: inter > 1 ? 'parallel' : 'sequential',
    logSeverityLevel: opts.logSeverity ?? 4,
    ...(opts.logId ? { logId: opts.logId } : {}),
  };
}

function explainCreateFailure(name: ProviderName, reason: string): string {
  if (name === 'webgpu' && /WebGPU adapter/i.test(reason)) {
    const loader = missingVulkanLoader();
    if (loader) return `${reason}; ${loader}`;
  }
  return reason;
}

interface Attempt {
  choice: ProviderChoice;
  name: string;
}

/** The attempts for a preference; the default order drops providers not available here and software webgpu. */
function plan(prefs: readonly ProviderChoice[] | undefined): { attempts: Attempt[]; skipped: Fallback[] } {
  if (prefs && prefs.length > 0) return { attempts: prefs.map((choice) => ({ choice, name: choiceName(choice) })), skipped: [] };
  const skipped: Fallback[] = [];
  const attempts: Attempt[] = [];
  for (const name of DEFAULT_ORDER) {
    if (!providerAvailability(name).available) continue;
    if (name === 'webgpu') {
      const hint = webgpuAdapterHint();
      if (hint.kind === 'software') {
        skipped.push({
          provider: name,
          stage: 'skipped',
          reason: `software adapter: ${hint.detail}; slower than cpu, so not used unless named (e.g. --provider webgpu,cpu)`,
        });
        continue;
      }
      // No loader: no adapter, and Dawn's attempt would print a warning into the terminal.
      const loader = missingVulkanLoader();
      if (loader) {
        skipped.push({ provider: name, stage: 'skipped', reason: loader });
        continue;
      }
    }
    attempts.push({ choice: name, name });
  }
  return { attempts, skipped };
}

function noneStarted(file: string, fallbacks: Fallback[]): ApiError {
  const list = fallbacks.map((f) => `${f.provider}${f.stage === 'warmup' ? ' (warm-up run)' : ''}: ${f.reason}`).join('; ');
  const cpu = fallbacks.find((f) => f.provider === 'cpu');
  if (cpu?.stage === 'create') return new ApiError('E_CORRUPT', `${file}: ONNX Runtime could not load it (${list})`, file);
  if (cpu?.stage === 'warmup') return new ApiError('E_CORRUPT', `${file}: ONNX Runtime loaded it but cannot run it on zero inputs (${list})`, file);
  return new ApiError('E_UNSUPPORTED', `${file}: no execution provider could run it (${list || 'none given'})`, file);
}

const startListeners = new Set<(provider: ProviderName, file: string) => void>();

/**
 * Calls `listener` each time a session of this thread starts, with the provider it runs on:
 * a job's worker reports the provider while the job runs, before any report exists.
 */
export function onSessionStart(listener: (provider: ProviderName, file: string) => void): () => void {
  startListeners.add(listener);
  return () => startListeners.delete(listener);
}

/**
 * Starts `file` on the first provider of `prefs` (default order when empty) that creates a
 * session and runs the warm-up. Unknown names, providers not available here, and providers
 * that fail are recorded in `fallbacks` and the next is tried.
 */
export async function startSession(file: string, prefs?: readonly ProviderChoice[], opts: SessionOptions = {}): Promise<StartedSession> {
  const { attempts, skipped } = plan(prefs);
  const fallbacks: Fallback[] = [...skipped];
  for (const { choice, name } of attempts) {
    if (!isProviderName(name)) {
      fallbacks.push({ provider: name, stage: 'unknown', reason: unknownProviderMessage(name) });
      continue;
    }
    const avail = providerAvailability(name);
    if (!avail.available) {
      fallbacks.push({ provider: name, stage: 'unavailable', reason: avail.reason ?? 'not available' });
      continue;
    }
    const dead = deadProviders.get(name);
    if (dead) {
      fallbacks.push({ provider: name, stage: 'create', reason: `${dead} (remembered from an earlier start)` });
      continue;
    }
    const fp16 = opts.precision === 'fp16' && !!opts.fp16File && GPU_PROVIDERS.has(name);
    const runFile = fp16 ? opts.fp16File! : file;

    const t0 = performance.now();
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(runFile, ortOptions(choice, opts));
    } catch (err) {
      const reason = explainCreateFailure(name, conciseReason(err));
      if (ENVIRONMENT_FAILURE.test(reason)) deadProviders.set(name, reason);
      fallbacks.push({ provider: name, stage: 'create', reason });
      continue;
    }
    const createMs = performance.now() - t0;

    try {
      opts.check?.(session, runFile);
    } catch (err) {
      await session.release();
      throw err;
    }

    let warmupMs = 0;
    if (opts.warmup !== false) {
      let feeds: Record<string, ort.Tensor> | null = null;
      try {
        feeds = zeroFeeds(session, opts.warmupShape);
        const t1 = performance.now();
        await session.run(feeds);
        warmupMs = performance.now() - t1;
      } catch (err) {
        await session.release();
        const what = feeds ? `on zero ${describeFeeds(feeds)}` : 'could not build zero inputs';
        fallbacks.push({ provider: name, stage: 'warmup', reason: `${conciseReason(err)} (${what})` });
        continue;
      }
    }

    for (const l of startListeners) l(name, runFile);
    return {
      session,
      provider: name,
      choice,
      file: runFile,
      precision: fp16 ? 'fp16' : 'fp32',
      fallbacks,
      ...(name === 'webgpu' ? { adapter: webgpuAdapterHint() } : {}),
      createMs,
      warmupMs,
    };
  }
  throw noneStarted(file, fallbacks);
}

/**
 * Plan-style wrapper kept for callers that want a bare session: the first provider of
 * `plan.providers` that starts (default ['cpu'], as before), no warm-up unless asked.
 */
export async function openSession(file: string, plan: SessionPlan = {}): Promise<OpenedSession> {
  const s = await startSession(file, plan.providers ?? ['cpu'], {
    intraOpThreads: plan.intraOpThreads,
    interOpThreads: plan.interOpThreads,
    graphOptimization: plan.graphOptimization,
    warmup: plan.warmup ?? false,
  });
  return { session: s.session, provider: s.provider, file: s.file };
}

/**
 * The default intra-op thread count: SKYSENSE_THREADS (what `skysense run --threads N` sets,
 * so a cluster job can match its CPU allocation) or every core.
 */
export function defaultThreads(): number {
  const v = process.env.SKYSENSE_THREADS;
  if (v !== undefined && v !== '') {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`SKYSENSE_THREADS=${v}: expected a whole number >= 1`);
    return n;
  }
  return availableParallelism();
}

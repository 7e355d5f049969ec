// A model folder on disk: manifest.json validated up front (and every file it names checked
// to exist) so a broken folder fails when it is opened, not minutes into a run; ONNX sessions
// are created only when a module is first used, because the official modules are gigabytes.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { ApiError } from '../api.ts';
import type { AdapterHint } from './gpu-adapter.ts';
import { formatPath, parseManifest, type Manifest, type ModuleSpec } from './manifest.ts';
import type { ProviderName } from './providers.ts';
import { acquireSession, type SessionLease } from './session-cache.ts';
import { startSession, type Fallback, type Precision, type SessionOptions, type SessionPlan } from './session.ts';
import { checkSessionAgainstSpec } from './session-check.ts';
import type { WarmupShape } from './warmup.ts';

export const MANIFEST_FILE = 'manifest.json';

export type { Precision } from './session.ts';

/** One inference and where it ran; every result the engine reports carries these. */
export interface ModuleRun {
  outputs: ort.InferenceSession.ReturnType;
  provider: ProviderName;
  precision: Precision;
  /** The ONNX file that ran. */
  file: string;
  /** Providers passed over when the session started, with reasons. */
  fallbacks: Fallback[];
  adapter?: AdapterHint;
  ms: number;
}

export interface ModuleSession {
  readonly name: string;
  readonly spec: ModuleSpec;
  /** The ONNX file the session runs (the fp16 file when that was chosen). */
  readonly file: string;
  readonly provider: ProviderName;
  readonly precision: Precision;
  readonly fallbacks: readonly Fallback[];
  readonly adapter?: AdapterHint;
  readonly session: ort.InferenceSession;
  /** Runs the module and reports where. */
  run(feeds: Record<string, ort.Tensor>): Promise<ModuleRun>;
}

export interface ModelFolder {
  readonly dir: string;
  readonly manifestPath: string;
  readonly manifest: Manifest;
  moduleNames(): string[];
  /** Absolute path of a module's ONNX file. */
  modulePath(name: string, precision?: Precision): string;
  /**
   * The module's session, started on first use (warm-up included) and then shared.
   * 'fp16' uses the module's fp16File where the manifest has one and the provider is a GPU
   * (see SessionOptions.precision); the session says which file and precision it runs.
   */
  session(name: string, precision?: Precision): Promise<ModuleSession>;
  /** Releases every session created so far. */
  close(): Promise<void>;
}

async function readManifestText(dir: string, manifestPath: string): Promise<string> {
  const dirStat = await stat(dir).catch(() => null);
  if (!dirStat) throw new ApiError('E_NOT_FOUND', `${dir}: model folder does not exist`, dir);
  if (!dirStat.isDirectory()) throw new ApiError('E_NOT_FOUND', `${dir}: not a folder (a model is a folder with ${MANIFEST_FILE})`, dir);
  const text = await readFile(manifestPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new ApiError('E_NOT_FOUND', `${manifestPath}: missing (a model folder needs ${MANIFEST_FILE})`, manifestPath);
    throw new ApiError('E_INTERNAL', `${manifestPath}: cannot be read (${err.message})`, manifestPath);
  });
  if (text.trim().length === 0) throw new ApiError('E_EMPTY', `${manifestPath}: empty file`, manifestPath);
  return text;
}

async function checkFile(dir: string, manifestPath: string, keyPath: (string | number)[], name: string): Promise<void> {
  const where = `${manifestPath}: ${formatPath(keyPath)}`;
  const s = await stat(join(dir, name)).catch(() => null);
  if (!s) throw new ApiError('E_NOT_FOUND', `${where}: ${name} does not exist in ${dir}`, join(dir, name));
  if (!s.isFile()) throw new ApiError('E_NOT_FOUND', `${where}: ${name} is not a file`, join(dir, name));
  if (s.size === 0) throw new ApiError('E_EMPTY', `${where}: ${name} is empty`, join(dir, name));
}

export async function loadModelFolder(dirIn: string, plan: SessionPlan = {}): Promise<ModelFolder> {
  const dir = resolve(dirIn);
  const manifestPath = join(dir, MANIFEST_FILE);
  const text = await readManifestText(dir, manifestPath);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ApiError('E_CORRUPT', `${manifestPath}: not valid JSON (${(err as Error).message})`, manifestPath);
  }
  const manifest = parseManifest(json, manifestPath);

  for (const [name, spec] of Object.entries(manifest.modules)) {
    await checkFile(dir, manifestPath, ['modules', name, 'file'], spec.file);
    if (spec.fp16File) await checkFile(dir, manifestPath, ['modules', name, 'fp16File'], spec.fp16File);
    for (const [i, f] of (spec.externalDataFiles ?? []).entries()) {
      await checkFile(dir, manifestPath, ['modules', name, 'externalDataFiles', i], f);
    }
  }

  const sessions = new Map<string, Promise<{ module: ModuleSession; release: () => Promise<void> }>>();

  function specOf(name: string): ModuleSpec {
    const spec = Object.hasOwn(manifest.modules, name) ? manifest.modules[name] : undefined;
    if (!spec) {
      throw new ApiError('E_NOT_FOUND', `${manifestPath}: no module "${name}" (has ${Object.keys(manifest.modules).join(', ')})`, manifestPath);
    }
    return spec;
  }

  function modulePath(name: string, precision: Precision = 'fp32'): string {
    const spec = specOf(name);
    if (precision === 'fp16') {
      if (!spec.fp16File) throw new ApiError('E_NOT_FOUND', `${manifestPath}: module "${name}" has no fp16File`, manifestPath);
      return join(dir, spec.fp16File);
    }
    return join(dir, spec.file);
  }

  async function open(name: string, precision: Precision): Promise<{ module: ModuleSession; release: () => Promise<void> }> {
    const spec = specOf(name);
    const file = join(dir, spec.file);
    const opts: SessionOptions = {
      intraOpThreads: plan.intraOpThreads,
      interOpThreads: plan.interOpThreads,
      graphOptimization: plan.graphOptimization,
      precision,
      fp16File: spec.fp16File ? join(dir, spec.fp16File) : null,
      warmup: plan.warmup ?? true,
      warmupShape: warmupShape(spec, plan.warmupAxes),
      check: (session, onnxFile) => checkSessionAgainstSpec(session, spec, { label: `${onnxFile} vs ${manifestPath}: modules.${name}`, onnxFile }),
    };
    let started;
    let release: () => Promise<void>;
    if (plan.cache === false) {
      started = await startSession(file, plan.providers, opts);
      const s = started.session;
      release = () => s.release();
    } else {
      const lease: SessionLease = await acquireSession(file, plan.providers, opts);
      started = lease.started;
      release = lease.release;
    }
    const { session, provider, fallbacks, adapter } = started;
    const module: ModuleSession = {
      name,
      spec,
      file: started.file,
      provider,
      precision: started.precision,
      fallbacks,
      ...(adapter ? { adapter } : {}),
      session,
      async run(feeds) {
        const t0 = performance.now();
        const outputs = await session.run(feeds);
        const ms = performance.now() - t0;
        return { outputs, provider, precision: started.precision, file: started.file, fallbacks, ...(adapter ? { adapter } : {}), ms };
      },
    };
    return { module, release };
  }

  return {
    dir,
    manifestPath,
    manifest,
    moduleNames: () => Object.keys(manifest.modules),
    modulePath,
    session(name, precision = defaultPrecision()) {
      const key = `${name}:${precision}`;
      let p = sessions.get(key);
      if (!p) {
        p = open(name, precision);
        // A failed open must not poison the cache: the next call tries again.
        p.catch(() => sessions.delete(key));
        sessions.set(key, p);
      }
      return p.then((o) => o.module);
    },
    async close() {
      const all = [...sessions.values()];
      sessions.clear();
      for (const p of all) {
        const o = await p.catch(() => null);
        if (o) await o.release();
      }
    },
  };
}

/**
 * Warm-up sizes from the manifest: an encoder's image axes at its tile size (the size the
 * tiler feeds, so webgpu compiles the pipelines the first tile needs), every other dynamic
 * axis 1 (batch, frames, and the feature grids of heads, which take any size).
 */
export function warmupShape(spec: ModuleSpec, override: Readonly<Record<string, number>> = {}): WarmupShape {
  const axes: Record<string, number> = {};
  if (spec.role === 'encoder' && spec.tile) {
    const image = spec.inputs[0].shape;
    for (const d of image.slice(2)) if (typeof d === 'string') axes[d] = spec.tile.size;
  }
  return { axes: { ...axes, ...override }, defaultSize: 1 };
}

/**
 * SKYSENSE_PRECISION=fp16 (what `skysense run --fp16` sets) picks a module's fp16 file where
 * the manifest has one and a GPU provider runs it; otherwise fp32. The session reports which.
 */
export function defaultPrecision(): Precision {
  const v = process.env.SKYSENSE_PRECISION;
  if (v === undefined || v === '' || v === 'fp32') return 'fp32';
  if (v === 'fp16') return 'fp16';
  throw new Error(`SKYSENSE_PRECISION=${v}: expected fp16 or fp32`);
}

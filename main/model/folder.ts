// A model folder on disk: manifest.json validated up front (and every file it names checked
// to exist) so a broken folder fails when it is opened, not minutes into a run; ONNX sessions
// are created only when a module is first used, because the official modules are gigabytes.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { ApiError } from '../api.ts';
import { formatPath, parseManifest, type Manifest, type ModuleSpec } from './manifest.ts';
import { openSession, type SessionPlan } from './session.ts';
import { checkSessionAgainstSpec } from './session-check.ts';

export const MANIFEST_FILE = 'manifest.json';

export type Precision = 'fp32' | 'fp16';

export interface ModuleSession {
  readonly name: string;
  readonly spec: ModuleSpec;
  readonly file: string;
  readonly provider: string;
  readonly session: ort.InferenceSession;
}

export interface ModelFolder {
  readonly dir: string;
  readonly manifestPath: string;
  readonly manifest: Manifest;
  moduleNames(): string[];
  /** Absolute path of a module's ONNX file. */
  modulePath(name: string, precision?: Precision): string;
  /** The module's session, created on first use and then shared. */
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

  const sessions = new Map<string, Promise<ModuleSession>>();

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

  async function open(name: string, precision: Precision): Promise<ModuleSession> {
    const spec = specOf(name);
    const file = modulePath(name, precision);
    const opened = await openSession(file, plan);
    try {
      checkSessionAgainstSpec(opened.session, spec, { label: `${file} vs ${manifestPath}: modules.${name}`, onnxFile: file });
    } catch (err) {
      await opened.session.release();
      throw err;
    }
    return { name, spec, file, provider: opened.provider, session: opened.session };
  }

  return {
    dir,
    manifestPath,
    manifest,
    moduleNames: () => Object.keys(manifest.modules),
    modulePath,
    session(name, precision = 'fp32') {
      const key = `${name}:${precision}`;
      let p = sessions.get(key);
      if (!p) {
        p = open(name, precision);
        // A failed open must not poison the cache: the next call tries again.
        p.catch(() => sessions.delete(key));
        sessions.set(key, p);
      }
      return p;
    },
    async close() {
      const all = [...sessions.values()];
      sessions.clear();
      for (const p of all) {
        const s = await p.catch(() => null);
        if (s) await s.session.release();
      }
    },
  };
}

// Process-wide sessions shared by everything that asks for the same file with the same
// providers and options: a session holds the weights (gigabytes for the official modules)
// and, on webgpu, compiled pipelines, so two tasks on one model must not make two.
// Leases are counted; the session is released when the last holder lets go. The key
// includes the file's size and modification time, so a re-exported model is not served
// from a stale session.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ApiError } from '../api.ts';
import { defaultThreads, startSession, type SessionOptions, type StartedSession } from './session.ts';
import { choiceName, GPU_PROVIDERS, type ProviderChoice, type ProviderName } from './providers.ts';

export interface SessionLease {
  readonly started: StartedSession;
  /** The cache key this lease holds (for reports and tests). */
  readonly key: string;
  /** Lets go of the session; the last holder's release frees it. Safe to call twice. */
  release(): Promise<void>;
}

interface Entry {
  started: Promise<StartedSession>;
  holders: number;
}

const entries = new Map<string, Entry>();

async function fileIdentity(file: string): Promise<string> {
  const abs = resolve(file);
  const s = await stat(abs).catch(() => null);
  if (!s) throw new ApiError('E_NOT_FOUND', `${abs}: ONNX file does not exist`, abs);
  return `${abs}|${s.size}|${s.mtimeMs}`;
}

/** (file, provider list, options) as one string; warm-up and check do not change the session, so they are left out. */
export async function sessionKey(file: string, prefs: readonly ProviderChoice[] | undefined, opts: SessionOptions = {}): Promise<string> {
  // fp16 only changes the session where a GPU provider may win; cpu runs the fp32 file either way.
  const gpuMayRun = !prefs || prefs.length === 0 || prefs.some((p) => GPU_PROVIDERS.has(choiceName(p) as ProviderName));
  const fp16 = opts.precision === 'fp16' && opts.fp16File && gpuMayRun ? await fileIdentity(opts.fp16File) : null;
  return JSON.stringify({
    file: await fileIdentity(file),
    fp16,
    providers: prefs && prefs.length > 0 ? prefs : 'default',
    intra: opts.intraOpThreads ?? defaultThreads(),
    inter: opts.interOpThreads ?? 1,
    opt: opts.graphOptimization ?? 'all',
    log: opts.logSeverity ?? 4,
  });
}

/**
 * The shared session for (file, prefs, opts), started on first use. `opts.check` runs on every
 * acquire, so a caller with other expectations of the same file still gets its error.
 */
export async function acquireSession(file: string, prefs?: readonly ProviderChoice[], opts: SessionOptions = {}): Promise<SessionLease> {
  const key = await sessionKey(file, prefs, opts);
  let entry = entries.get(key);
  const fresh = !entry;
  if (!entry) {
    const e: Entry = { started: startSession(file, prefs, opts), holders: 0 };
    entries.set(key, e);
    // A failed start must not stay cached: the next call tries again.
    e.started.catch(() => {
      if (entries.get(key) === e) entries.delete(key);
    });
    entry = e;
  }
  entry.holders += 1;
  const held = entry;
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    held.holders -= 1;
    if (held.holders > 0) return;
    if (entries.get(key) === held) entries.delete(key);
    const s = await held.started.catch(() => null);
    if (s) await s.session.release();
  };
  let started: StartedSession;
  try {
    started = await held.started;
    if (!fresh) opts.check?.(started.session, started.file);
  } catch (err) {
    await release();
    throw err;
  }
  return { started, key, release };
}

/** How many distinct sessions the cache holds now. */
export function cachedSessionCount(): number {
  return entries.size;
}

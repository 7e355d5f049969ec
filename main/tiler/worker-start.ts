/**
 * Starting a worker thread from one of our modules, the same way in development and in the
 * bundle: the .ts source run through tsx (which the worker registers itself, so it works
 * whether the parent registered tsx through --import or its API),  or a bundled .mjs / .cjs / .js of
 * the same name next to the calling module. The write worker (worker-sink.ts) and the
 * training worker (train/train-job.ts) both start here.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface WorkerEntry {
  url: URL;
  typescript: boolean;
}

/** `name` (without extension) next to `base` (an import.meta.url); null when no file of it exists. */
export function workerEntry(base: string, name: string): WorkerEntry | null {
  for (const ext of ['.ts', '.mjs', '.cjs', '.js']) {
    const url = new URL(`./${name}${ext}`, base);
    if (existsSync(fileURLToPath(url))) return { url, typescript: ext === '.ts' };
  }
  return null;
}

export function startWorker(entry: WorkerEntry, workerData: unknown): Worker {
  if (!entry.typescript) return new Worker(entry.url, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.url.href)}); });`;
  // The parent's --import tsx (if any) is dropped: the bootstrap registers it once.
  const execArgv = process.execArgv.filter((a, i, all) => !(a === 'tsx' && all[i - 1] === '--import') && a !== '--import' && !a.startsWith('--import='));
  return new Worker(boot, { eval: true, workerData, execArgv });
}

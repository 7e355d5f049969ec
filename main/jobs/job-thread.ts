/**
 * One piece of engine work in its own worker thread (job-worker.ts), as train-job.ts runs a
 * training: progress and the provider come back as messages, a cancel reaches the worker as
 * "abort", and the thread is ended when the work is over either way. There is no fallback to
 * this thread: where the worker's file is missing the job fails, because running it here
 * would stall everything this thread serves.
 */
import { ApiError, type ErrorCode, type JobProgress } from '../api.ts';
import { startWorker, workerEntry } from '../tiler/index.ts';
import type { ToParent, WorkerJob } from './worker-messages.ts';

export interface ThreadHooks {
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
  onProvider?: (provider: string) => void;
}

type Final = Extract<ToParent, { type: 'done' } | { type: 'probed' }>;

export async function inWorker(job: WorkerJob, hooks: ThreadHooks = {}): Promise<Final> {
  if (hooks.signal?.aborted) throw new ApiError('E_CANCELLED', 'cancelled');
  const entry = workerEntry(import.meta.url, 'job-worker');
  if (!entry) throw new ApiError('E_INTERNAL', 'the job worker (job-worker) is missing from this install');
  const worker = startWorker(entry, job);
  const abort = () => worker.postMessage({ type: 'abort' });
  hooks.signal?.addEventListener('abort', abort, { once: true });
  try {
    return await new Promise<Final>((resolve, reject) => {
      worker.on('message', (m: ToParent) => {
        if (m.type === 'progress') hooks.onProgress?.(m.progress);
        else if (m.type === 'provider') hooks.onProvider?.(m.provider);
        else if (m.type === 'error') reject(new ApiError((m.code ?? 'E_INTERNAL') as ErrorCode, m.message, m.file));
        else resolve(m);
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new ApiError('E_INTERNAL', `the job worker stopped (exit ${code}) before it reported`)));
    });
  } finally {
    hooks.signal?.removeEventListener('abort', abort);
    await worker.terminate();
  }
}

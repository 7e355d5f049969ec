/**
 * A training run in its own worker thread (train-worker.ts), as the service starts it for
 * the UI: progress comes back as messages, a cancel reaches the worker as "abort" (it stops
 * within one epoch or one tile batch, and writes nothing), and the thread is ended when the
 * run is over either way. Where the worker's file is missing the run happens in this thread.
 */
import { ApiError, type ErrorCode } from '../api.ts';
import { startWorker, workerEntry } from '../tiler/index.ts';
import { trainTaskHead, type TrainReport, type TrainTaskOptions } from './train-head.ts';
import type { EpochProgress } from './train-loop.ts';

export type FromTrainer =
  | { type: 'progress'; stage: 'features' | 'training'; done: number; total: number; message?: string; etaS?: number | null; epoch?: EpochProgress }
  | { type: 'done'; report: TrainReport }
  | { type: 'error'; message: string; code?: string; file?: string };

export type TrainJobOptions = Omit<TrainTaskOptions, 'signal' | 'progress' | 'onEpoch'>;

export interface TrainJobHooks {
  signal?: AbortSignal;
  onProgress?: (stage: 'features' | 'training', done: number, total: number, message?: string, etaS?: number | null) => void;
  /** Each epoch's loss and validation score, as it ends. */
  onEpoch?: (p: EpochProgress) => void;
}

export async function runTrainJob(o: TrainJobOptions, hooks: TrainJobHooks = {}): Promise<TrainReport> {
  if (hooks.signal?.aborted) throw new ApiError('E_CANCELLED', 'training cancelled');
  const entry = workerEntry(import.meta.url, 'train-worker');
  if (!entry) {
    return trainTaskHead({
      ...o,
      signal: hooks.signal,
      progress: (p) => hooks.onProgress?.('features', p.done, p.total, undefined, p.etaS),
      onEpoch: (p) => {
        hooks.onProgress?.('training', p.epoch, p.epochs, undefined, p.etaS);
        hooks.onEpoch?.(p);
      },
    });
  }
  const worker = startWorker(entry, o);
  const abort = () => worker.postMessage({ type: 'abort' });
  hooks.signal?.addEventListener('abort', abort, { once: true });
  try {
    return await new Promise<TrainReport>((resolve, reject) => {
      worker.on('message', (m: FromTrainer) => {
        if (m.type === 'progress') {
          hooks.onProgress?.(m.stage, m.done, m.total, m.message, m.etaS);
          if (m.epoch) hooks.onEpoch?.(m.epoch);
        }
        else if (m.type === 'done') resolve(m.report);
        else reject(m.code ? new ApiError(m.code as ErrorCode, m.message, m.file) : new Error(m.message));
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new ApiError('E_INTERNAL', `the training worker stopped (exit ${code}) before it reported`)));
    });
  } finally {
    hooks.signal?.removeEventListener('abort', abort);
    await worker.terminate();
  }
}

/** The messages between a job's worker thread (job-worker.ts) and the thread that started it. */
import type { JobProgress, JobRequest } from '../api.ts';
import type { ProviderReport } from '../model/index.ts';

/** What a worker is started to do: run one task, or probe the execution providers. */
export type WorkerJob = { kind: 'task'; request: JobRequest } | { kind: 'probe' };

/** The result of a task run as it crosses the thread boundary. */
export interface TaskOutcome {
  provider: string | null;
  outputs: string[];
  warnings: string[];
  totalMs: number | null;
  vectors?: { path: string; polygons: number };
}

export type ToParent =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'provider'; provider: string }
  | { type: 'done'; outcome: TaskOutcome }
  | { type: 'probed'; reports: ProviderReport[] }
  | { type: 'error'; message: string; code?: string; file?: string };

export type ToWorker = { type: 'abort' };

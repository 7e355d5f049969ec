/**
 * A job's worker thread: runs one task through the shared dispatch (task-run.ts), or the
 * provider probe, with what it was started with; posts progress and the provider as soon as
 * a session starts, stops when the parent posts "abort" (the task removes its partial
 * output), and posts the outcome or the error. ONNX Runtime runs synchronously on the thread
 * that calls it, so engine work never runs on the thread serving IPC, HTTP or WebSocket.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ApiError } from '../api.ts';
import { describeProviders, onSessionStart } from '../model/index.ts';
import { runTask } from './task-run.ts';
import type { TaskOutcome, ToParent, ToWorker, WorkerJob } from './worker-messages.ts';

const port = parentPort!;
const controller = new AbortController();
port.on('message', (m: ToWorker) => {
  if (m.type === 'abort') controller.abort();
});
const post = (m: ToParent) => port.postMessage(m);

async function run(job: WorkerJob): Promise<ToParent> {
  if (job.kind === 'probe') return { type: 'probed', reports: await describeProviders() };
  const o = job.request.options ?? {};
  // Read by the sessions this thread starts; a worker's process.env is its own copy.
  if (o.threads) process.env.SKYSENSE_THREADS = String(o.threads);
  if (o.fp16) process.env.SKYSENSE_PRECISION = 'fp16';
  let provider: string | null = null;
  onSessionStart((p) => {
    if (p === provider) return;
    provider = p;
    post({ type: 'provider', provider: p });
  });
  const { report, vectors } = await runTask(job.request, {
    signal: controller.signal,
    progress: (p) => post({ type: 'progress', progress: { stage: p.stage ?? null, done: p.done, total: p.total, elapsedS: p.elapsedS, etaS: p.etaS } }),
  });
  const outcome: TaskOutcome = {
    provider: report.provider ?? provider,
    outputs: [...(report.outputs ?? []).map((x) => x.path), ...(vectors ? [vectors.path] : [])],
    warnings: report.warnings ?? [],
    totalMs: report.timings?.total ?? null,
    ...(vectors ? { vectors } : {}),
  };
  return { type: 'done', outcome };
}

run(workerData as WorkerJob)
  .then(post)
  .catch((err: unknown) => {
    if (controller.signal.aborted) post({ type: 'error', code: 'E_CANCELLED', message: 'cancelled' });
    else if (err instanceof ApiError) post({ type: 'error', code: err.code, message: err.message, file: err.file });
    else post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  });

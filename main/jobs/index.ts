// main/jobs: task runs as typed requests: the one dispatch the CLI and the job runner share, the queue, and the worker threads engine work runs in.
export { runTask } from './task-run.ts';
export { JobQueue } from './job-queue.ts';
export { probeProviders } from './provider-probe.ts';

/**
 * Engine jobs as the window sees them, over the real host's WebSocket in this process:
 *
 *   start -> first progress   job.start sent until the first `job` event with tiles done
 *                             (worker start, tsx in the worker, model load, first batch), and
 *                             until the first event naming the provider (a session started);
 *   layer.pixel latency       round trips of a pixel probe on an open layer: idle, while a job
 *                             runs in its worker, and while the same task runs on the serving
 *                             thread itself (runTask awaited in this process, as before jobs).
 *
 * Where `npm run build:electron` has bundled dist/electron/job-worker.cjs (as the packaged
 * app runs it, no tsx), the same job is also started in that worker directly, for its start
 * -> first progress.
 *
 * Real data: `change` with the stock oscd-change head on OSCD pisa (two dates), probes on
 * samples/L7_ETMs.tif. Every figure is printed from this one run.
 *
 *   node --import tsx test/bench/jobs.bench.ts     BENCH_RUNS=3 (jobs started)
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobInfo, Layer } from '../../main/api.ts';
import { runTask } from '../../main/jobs/index.ts';
import { startTestHost, WsTestClient } from '../integration/host-test-client.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const MODEL = join(ROOT, 'models/skysense-tiny');
const PISA = [1, 2].map((d) => resolve(ROOT, `../shared/data/oscd/pisa/imgs_${d}`));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const tmp = mkdtempSync(join(tmpdir(), 'skysense-jobs-bench-'));
const host = await startTestHost();
const client = await WsTestClient.connect(host.wsUrl);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const request = (out: string) => ({ task: 'change' as const, head: join(MODEL, 'heads/oscd-change'), inputs: { before: [PISA[0]], after: [PISA[1]] }, out });

const layer = await client.value<Layer>('layer.open', { paths: [resolve(ROOT, '../shared/data/samples/L7_ETMs.tif')] });
const [x0, y0, x1, y1] = layer.extent3857!;
let n = 0;
async function probe(): Promise<number> {
  const i = n++;
  const t = performance.now();
  await client.value('layer.pixel', { id: layer.id, coordinate: [x0 + ((i % 7) + 0.5) * (x1 - x0) / 7, y0 + ((i % 5) + 0.5) * (y1 - y0) / 5] });
  return performance.now() - t;
}
/** Probes one after the other, `gapMs` apart, while `busy()` holds (or `count` times). */
async function probes(busy: () => boolean, count: number, gapMs = 20): Promise<number[]> {
  const out: number[] = [];
  while (out.length < count && busy()) {
    out.push(await probe());
    await sleep(gapMs);
  }
  return out;
}
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const summary = (xs: number[]) => `median ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (${xs.length} probes)`;
const latest = (id: string) => client.jobEvents.filter((j) => j.id === id).at(-1);

try {
  await probes(() => true, 10); // warm the layer's block cache
  const idle = await probes(() => true, 60);

  const firstSession: number[] = [];
  const firstProgress: number[] = [];
  const replies: number[] = [];
  const duringJob: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    const job = await client.value<JobInfo>('job.start', request(join(tmp, `job-${run}.tif`)));
    replies.push(performance.now() - t0);
    while (!latest(job.id)?.provider) await sleep(1);
    firstSession.push(performance.now() - t0);
    while (!((latest(job.id)?.progress?.done ?? 0) > 0)) await sleep(1);
    firstProgress.push(performance.now() - t0);
    duringJob.push(...(await probes(() => latest(job.id)?.status === 'running', 60)));
    await client.value<JobInfo>('job.cancel', { id: job.id });
  }

  // The same task on the serving thread: what the window would see without the worker.
  const controller = new AbortController();
  let inThread = true;
  const task = runTask(request(join(tmp, 'in-thread.tif')), { progress: () => undefined, signal: controller.signal })
    .catch(() => undefined)
    .finally(() => (inThread = false));
  await sleep(1500); // past the model load, into the tiles
  const duringInThread = await probes(() => inThread, 30);
  controller.abort();
  await task;

  const bundled = join(ROOT, 'dist/electron/job-worker.cjs');
  const bundledFirst: number[] = [];
  for (let run = 0; existsSync(bundled) && run < RUNS; run++) {
    const t0 = performance.now();
    const w = new Worker(bundled, { workerData: { kind: 'task', request: request(join(tmp, `bundled-${run}.tif`)) } });
    await new Promise<void>((done) => w.on('message', (m: { type: string }) => m.type === 'progress' && done()));
    bundledFirst.push(performance.now() - t0);
    w.postMessage({ type: 'abort' });
    await new Promise((r) => w.once('message', r));
    await w.terminate();
  }

  console.log(`jobs: change, stock oscd-change head, OSCD pisa (718 x 776 px, two dates); ${RUNS} jobs`);
  console.log(`  job.start reply:            median ${quantile(replies, 0.5).toFixed(1)} ms`);
  console.log(`  job.start -> first session started (provider known): median ${quantile(firstSession, 0.5).toFixed(0)} ms`);
  console.log(`  job.start -> first progress: ${firstProgress.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} (median ${quantile(firstProgress, 0.5).toFixed(0)} ms)`);
  if (bundledFirst.length) console.log(`  bundled worker (dist/electron), start -> first progress: median ${quantile(bundledFirst, 0.5).toFixed(0)} ms`);
  console.log(`  layer.pixel idle:           ${summary(idle)}`);
  console.log(`  layer.pixel, job in worker: ${summary(duringJob)}`);
  console.log(`  layer.pixel, task on the serving thread: ${summary(duringInThread)}`);
  console.log(`  worker vs serving thread, median: ${(quantile(duringInThread, 0.5) / quantile(duringJob, 0.5)).toFixed(1)}x slower on the serving thread`);
} finally {
  client.close();
  await host.stop();
  rmSync(tmp, { recursive: true, force: true });
}

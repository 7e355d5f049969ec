/**
 * A RowSink that runs the writer (output-writer.ts) in a worker thread. The writer's
 * JavaScript (overview averaging, tile cutting, sample interleaving, predictor) is
 * about 40% of the main thread's CPU in a tiled run; in a worker it runs beside
 * reading, inference and blending. On small rasters starting the thread (which loads its
 * modules) costs more than it saves, hence runTiled's size threshold (README, Benchmarks:
 * tiler). Rows are transferred, not copied. At most two row batches
 * are in flight, so memory stays bounded when the writer is slower.
 *
 * The worker is always ended (terminate) after finish, abort or a failure, so a
 * cancelled run leaves no thread behind.
 */
import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { partPrefix } from '../raster/index.ts';
import type { Worker } from 'node:worker_threads';
import { startWorker, workerEntry, type WorkerEntry } from './worker-start.ts';
import { ApiError, type ErrorCode } from '../api.ts';
import type { NumericArray } from '../raster/index.ts';
import type { OutputSpec, RowSink } from './output-writer.ts';

export type ToWriter = { type: 'rows'; bands: NumericArray[]; rows: number } | { type: 'finish' } | { type: 'abort' };
export type FromWriter =
  | { type: 'ready' | 'ack' | 'done' | 'aborted' }
  | { type: 'error'; message: string; code?: string; file?: string };

const MAX_IN_FLIGHT = 2;

/** The write worker's entry (worker-start.ts), null when its file is missing (then the caller writes on the main thread). */
export function writerWorkerEntry(): WorkerEntry | null {
  return workerEntry(import.meta.url, 'write-worker');
}

function toError(m: { message: string; code?: string; file?: string }): Error {
  return m.code ? new ApiError(m.code as ErrorCode, m.message, m.file) : new Error(m.message);
}

export class WorkerSink implements RowSink {
  private inFlight = 0;
  private failure: Error | null = null;
  private waiters: (() => void)[] = [];
  private final: { type: string; resolve: () => void; reject: (e: Error) => void } | null = null;
  private ended = false;
  /** The thread died without cleaning up (uncaught error, exit): its partial file may remain. */
  private crashed = false;

  private constructor(private readonly worker: Worker, private readonly path: string) {
    worker.on('message', (m: FromWriter) => this.onMessage(m));
    worker.on('error', (err) => {
      this.crashed = true;
      this.fail(err instanceof Error ? err : new Error(String(err)));
    });
    worker.on('exit', (code) => {
      if (this.ended) return;
      this.crashed = true;
      this.fail(new Error(`the output writer thread stopped (exit code ${code})`));
    });
  }

  static async open(spec: OutputSpec, entry: { url: URL; typescript: boolean }): Promise<WorkerSink> {
    const sink = new WorkerSink(startWorker(entry, spec), spec.path);
    try {
      await sink.expect('ready');
    } catch (err) {
      await sink.end();
      throw err;
    }
    return sink;
  }

  private onMessage(m: FromWriter): void {
    if (m.type === 'ack') {
      this.inFlight--;
      this.waiters.shift()?.();
    } else if (m.type === 'error') {
      this.fail(toError(m));
    } else if (this.final && this.final.type === m.type) {
      const f = this.final;
      this.final = null;
      f.resolve();
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiters.splice(0)) w();
    const f = this.final;
    this.final = null;
    f?.reject(this.failure);
  }

  private expect(type: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.final = { type, resolve, reject };
    });
  }

  async writeRows(bands: NumericArray[], rows: number): Promise<void> {
    while (this.inFlight >= MAX_IN_FLIGHT && !this.failure) await new Promise<void>((r) => this.waiters.push(r));
    if (this.failure) throw this.failure;
    this.inFlight++;
    const transfer = [...new Set(bands.map((b) => b.buffer as ArrayBuffer))];
    this.worker.postMessage({ type: 'rows', bands, rows } satisfies ToWriter, transfer);
  }

  async finish(): Promise<void> {
    try {
      const done = this.expect('done');
      this.worker.postMessage({ type: 'finish' } satisfies ToWriter);
      await done;
    } finally {
      await this.end();
    }
  }

  async abort(): Promise<void> {
    if (this.ended) return;
    try {
      // The worker deletes its partial file; if it has already failed it did so itself.
      if (!this.failure) {
        const aborted = this.expect('aborted');
        this.worker.postMessage({ type: 'abort' } satisfies ToWriter);
        await aborted;
      }
    } catch {
      // a failure while aborting: the worker's own error path removed the file
    } finally {
      await this.end();
    }
  }

  private async end(): Promise<void> {
    this.ended = true;
    await this.worker.terminate();
    if (this.crashed) await this.removeOrphans();
  }

  /** The writer thread's temporary file, by its name (raster/part-path.ts; a thread shares the pid). */
  private async removeOrphans(): Promise<void> {
    const prefix = partPrefix(this.path);
    const dir = dirname(this.path);
    const names = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => rm(join(dir, n), { force: true })));
  }
}

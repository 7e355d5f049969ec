/**
 * The engine's jobs: queued in order, one running at a time (two jobs on one machine would
 * only share its cores and memory), each in its own worker thread (job-thread.ts). Every
 * change to a job goes to the listeners: status changes at once, progress at most ten times
 * a second per job (the last one always). Finished jobs stay listed for the session. A
 * training (job.train) is a job like a task run: its own worker (main/train), its curve
 * growing in `training` by one point per epoch.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { ApiError, type ApiErrorShape, type JobInfo, type JobProgress, type JobRequest, type TrainJobRequest } from '../api.ts';
import { runTrainJob } from '../train/index.ts';
import { inWorker } from './job-thread.ts';
import { checkRequestFiles } from './request-files.ts';
import { resolveRequestNames } from './request-names.ts';
import { parseJobRequest } from './task-run.ts';
import { prepareTraining, type PreparedTraining } from './train-request.ts';

const PROGRESS_EVERY_MS = 100;

type Work = { kind: 'task'; request: JobRequest } | { kind: 'train'; prepared: PreparedTraining };

interface Job {
  info: JobInfo;
  work: Work;
  controller: AbortController;
  /** Settles when the job has ended, whichever way. */
  ended: Promise<void>;
  end: () => void;
  lastProgressAt: number;
}

const snapshot = (j: Job): JobInfo => structuredClone(j.info);
const newId = () => randomBytes(6).toString('base64url');

function errorShape(err: unknown): ApiErrorShape {
  if (err instanceof ApiError) return err.toJSON();
  return { code: 'E_INTERNAL', message: (err instanceof Error ? err.message : String(err)).split('\n')[0] };
}

export class JobQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Set<(job: JobInfo) => void>();
  private running: Job | null = null;
  private closed = false;

  /** Validates the request, its model and head names and its files, queues it and returns the job as queued. */
  async start(raw: JobRequest): Promise<JobInfo> {
    if (this.closed) throw new ApiError('E_CANCELLED', 'the engine is shutting down');
    const request = await resolveRequestNames(parseJobRequest(raw));
    checkRequestFiles(request);
    return this.enqueue({ kind: 'task', request }, request.task, resolve(request.out), newId());
  }

  /** Checks the labels and the model, queues the training and returns the job as queued. */
  async startTrain(r: TrainJobRequest, cacheDir: string): Promise<JobInfo> {
    if (this.closed) throw new ApiError('E_CANCELLED', 'the engine is shutting down');
    const id = newId();
    const prepared = await prepareTraining(r, cacheDir, id);
    const training = { classes: prepared.classes, epochs: prepared.epochs, curve: [], samples: null, validation: null, head: null };
    return this.enqueue({ kind: 'train', prepared }, 'train', resolve(prepared.options.out), id, training);
  }

  private enqueue(work: Work, task: JobInfo['task'], out: string, id: string, training?: JobInfo['training']): JobInfo {
    for (const other of this.jobs.values()) {
      if ((other.info.status === 'queued' || other.info.status === 'running') && other.info.out === out) {
        throw new ApiError('E_BAD_REQUEST', `out: ${out} is already the output of job ${other.info.id} (${other.info.status})`, out);
      }
    }
    let end = () => undefined as void;
    const ended = new Promise<void>((r) => (end = r));
    const job: Job = {
      info: {
        id, task, status: 'queued', out, progress: null, provider: null, error: null,
        report: null, outputs: [], queuedAt: Date.now(), startedAt: null, endedAt: null,
        ...(training ? { training } : {}),
      },
      work, controller: new AbortController(), ended, end, lastProgressAt: 0,
    };
    this.jobs.set(job.info.id, job);
    this.emit(job);
    this.pump();
    return snapshot(job);
  }

  /** Cancels a job and resolves when it has ended: a queued one at once, a running one within one batch. */
  async cancel(id: string): Promise<JobInfo> {
    const job = this.jobs.get(id);
    if (!job) throw new ApiError('E_NOT_FOUND', `no job "${id}"`);
    if (job.info.status === 'queued') this.finish(job, 'cancelled');
    else if (job.info.status === 'running') {
      job.controller.abort();
      await job.ended;
    }
    return snapshot(job);
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map(snapshot);
  }

  get(id: string): JobInfo {
    const job = this.jobs.get(id);
    if (!job) throw new ApiError('E_NOT_FOUND', `no job "${id}"`);
    return snapshot(job);
  }

  onJob(listener: (job: JobInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Cancels every queued and running job and waits for the running one to end. */
  async close(): Promise<void> {
    this.closed = true;
    const running = this.running;
    for (const job of this.jobs.values()) if (job.info.status === 'queued') this.finish(job, 'cancelled');
    if (running) {
      running.controller.abort();
      await running.ended;
    }
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const next = [...this.jobs.values()].find((j) => j.info.status === 'queued');
    if (!next) return;
    this.running = next;
    next.info.status = 'running';
    next.info.startedAt = Date.now();
    this.emit(next);
    void this.run(next).finally(() => {
      this.running = null;
      this.pump();
    });
  }

  private progress(job: Job, p: JobProgress): void {
    job.info.progress = p;
    const now = Date.now();
    if (p.done < p.total && now - job.lastProgressAt < PROGRESS_EVERY_MS) return;
    job.lastProgressAt = now;
    this.emit(job);
  }

  private async run(job: Job): Promise<void> {
    try {
      if (job.work.kind === 'train') await this.train(job, job.work.prepared);
      else await this.task(job, job.work.request);
      this.finish(job, 'done');
    } catch (err) {
      const cancelled = job.controller.signal.aborted || (err instanceof ApiError && err.code === 'E_CANCELLED');
      if (cancelled) this.finish(job, 'cancelled');
      else this.finish(job, 'failed', errorShape(err));
    }
  }

  private async train(job: Job, prepared: PreparedTraining): Promise<void> {
    const training = job.info.training!;
    const started = Date.now();
    const r = await runTrainJob(prepared.options, {
      signal: job.controller.signal,
      onProgress: (stage, done, total, _message, etaS) => this.progress(job, { stage, done, total, elapsedS: (Date.now() - started) / 1000, etaS: etaS ?? null }),
      onEpoch: (p) => {
        training.curve.push({ epoch: p.epoch, loss: p.loss, valMacroF1: p.valMacroF1, best: p.best });
        job.lastProgressAt = 0;
      },
    });
    training.samples = { train: r.samples.train, val: r.samples.val };
    training.validation = r.validation;
    training.head = r.head;
  }

  private async task(job: Job, request: JobRequest): Promise<void> {
    const r = await inWorker({ kind: 'task', request }, {
      signal: job.controller.signal,
      onProgress: (p) => this.progress(job, p),
      onProvider: (provider) => {
        job.info.provider = provider;
        this.emit(job);
      },
    });
    if (r.type !== 'done') throw new ApiError('E_INTERNAL', 'the job worker replied with a probe result');
    job.info.provider = r.outcome.provider ?? job.info.provider;
    job.info.outputs = r.outcome.outputs;
    job.info.report = `${job.info.out}.report.json`;
  }

  private finish(job: Job, status: 'done' | 'failed' | 'cancelled', error: ApiErrorShape | null = null): void {
    job.info.status = status;
    job.info.error = error;
    job.info.endedAt = Date.now();
    this.emit(job);
    job.end();
  }

  private emit(job: Job): void {
    const info = snapshot(job);
    for (const l of this.listeners) l(info);
  }
}

// How a job reads in the Jobs list: its progress as a percentage and an ETA, its status in words.
import type { JobInfo } from '../../../../main/api.ts';

export function percent(job: JobInfo): number | null {
  const p = job.progress;
  if (!p || p.total <= 0) return null;
  return Math.min(100, Math.floor((100 * p.done) / p.total));
}

export function etaText(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'ETA unknown';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `ETA ${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `ETA ${m} min ${s % 60} s` : `ETA ${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A train job in its training stage: which epoch it is at, from its curve. */
function epochText(job: JobInfo): string {
  const t = job.training;
  if (job.task !== 'train' || !t || job.progress?.stage !== 'training') return '';
  return `, epoch ${t.curve.length} of ${t.epochs}`;
}

export function statusText(job: JobInfo): string {
  switch (job.status) {
    case 'queued':
      return 'queued';
    case 'running':
      return job.progress?.stage ? `running (${job.progress.stage}${epochText(job)})` : 'running';
    case 'done':
      return 'done';
    case 'failed':
      return `failed: ${job.error?.message ?? 'unknown error'}`;
    case 'cancelled':
      return 'cancelled';
  }
}

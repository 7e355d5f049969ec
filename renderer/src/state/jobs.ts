// The engine's jobs as this window knows them: every `job` event of the connection (jobs
// of every window of this engine), seeded from job.list when the connection comes up, so a
// reload still shows what runs. Kept oldest first, as the engine lists them.
import type { JobInfo } from '../../../main/api.ts';
import type { AppClient } from '../client/app-client.ts';
import { Store, useStore } from './store.ts';

export const jobsStore = new Store<JobInfo[]>([]);

export function useJobs(): JobInfo[] {
  return useStore(jobsStore, (s) => s);
}

const ENDED = new Set(['done', 'failed', 'cancelled']);

/** A job.list reply may be older than an event that came meanwhile: an ended job never goes back. */
function merge(old: JobInfo | undefined, next: JobInfo): JobInfo {
  if (old && ENDED.has(old.status) && !ENDED.has(next.status)) return old;
  return next;
}

export function upsertJob(job: JobInfo): void {
  jobsStore.update((jobs) => {
    const i = jobs.findIndex((j) => j.id === job.id);
    if (i < 0) return [...jobs, job].sort((a, b) => a.queuedAt - b.queuedAt);
    const merged = merge(jobs[i], job);
    if (merged === jobs[i]) return jobs;
    const copy = [...jobs];
    copy[i] = merged;
    return copy;
  });
}

/** Follows the engine's jobs for as long as the returned function is not called. */
export function watchJobs(client: AppClient, onChange: (job: JobInfo) => void): () => void {
  const offJob = client.onJob((job) => {
    upsertJob(job);
    onChange(job);
  });
  const load = () => {
    client.call('job.list', {}).then(
      ({ jobs }) => jobs.forEach(upsertJob),
      () => undefined, // the list is a convenience; events still arrive
    );
  };
  if (client.connection === 'connected') load();
  const offConn = client.onConnection((c) => c === 'connected' && load());
  return () => {
    offJob();
    offConn();
  };
}

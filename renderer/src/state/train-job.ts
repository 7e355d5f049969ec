// Starting a head training (job.train) and stopping it (job.cancel). The job is one of the
// engine's jobs: it goes into the jobs store at once, so the Jobs list and the Train head
// panel follow the same `job` events from here on.
import type { JobInfo, TrainJobRequest } from '../../../main/api.ts';
import type { AppClient } from '../client/app-client.ts';
import { errorShapeOf } from '../client/call-error.ts';
import { upsertJob } from './jobs.ts';
import { editTrain } from './train-session.ts';

export async function startTraining(client: AppClient, request: TrainJobRequest): Promise<{ job: JobInfo } | { error: string }> {
  try {
    const job = await client.call('job.train', request);
    upsertJob(job);
    editTrain({ jobId: job.id, saved: null, applyJobId: null });
    return { job };
  } catch (err) {
    return { error: errorShapeOf(err).message };
  }
}

export const isLive = (job: JobInfo | null | undefined): boolean => job?.status === 'queued' || job?.status === 'running';

// Starting and cancelling jobs from this window, and opening a finished job's outputs as
// layers by themselves. Only jobs started here open here: another window of the same
// engine sees them in its Jobs list but keeps its own layers.
import type { JobInfo, JobRequest } from '../../../main/api.ts';
import type { AppClient } from '../client/app-client.ts';
import { errorShapeOf } from '../client/call-error.ts';
import { appStore } from './app-state.ts';
import { rememberRequest } from './job-requests.ts';
import { jobsStore, upsertJob } from './jobs.ts';
import { pushNotice } from './notices.ts';
import { openPaths } from './open-action.ts';
import { isVectorPath, openVector } from './vector-open.ts';

const mine = new Set<string>();
const opened = new Set<string>();
let openChain: Promise<void> = Promise.resolve();

/** Resolves once no open is running (layer.open shows one at a time, with its own progress). */
function openIdle(): Promise<void> {
  if (!appStore.get().openTask) return Promise.resolve();
  return new Promise((resolve) => {
    const off = appStore.subscribe(() => {
      if (appStore.get().openTask) return;
      off();
      resolve();
    });
  });
}

const RASTER = /\.tiff?$/i;

/** Rasters through layer.open (one at a time, with its progress), polygons and boxes as vector layers. */
function openOutputs(client: AppClient, job: JobInfo): void {
  if (!mine.has(job.id) || job.status !== 'done' || opened.has(job.id)) return;
  opened.add(job.id);
  for (const path of job.outputs) {
    if (RASTER.test(path)) {
      openChain = openChain.then(openIdle).then(async () => {
        await openPaths(client, [path]);
      });
    } else if (isVectorPath(path)) {
      openChain = openChain.then(async () => {
        await openVector(client, path);
      });
    }
  }
}

/** Called for every job event. */
export function onJobEvent(client: AppClient, job: JobInfo): void {
  openOutputs(client, job);
}

/** Queues the job; the reply or the refusal (naming the key) comes back for the panel to show. */
export async function startJob(client: AppClient, request: JobRequest): Promise<{ job: JobInfo } | { error: string }> {
  try {
    const job = await client.call('job.start', request);
    rememberRequest(job.id, request); // a saved project keeps it
    mine.add(job.id);
    upsertJob(job);
    // Events may have overtaken the reply: act on the newest state known.
    openOutputs(client, jobsStore.get().find((j) => j.id === job.id) ?? job);
    return { job };
  } catch (err) {
    return { error: errorShapeOf(err).message };
  }
}

export async function cancelJob(client: AppClient, id: string): Promise<void> {
  try {
    upsertJob(await client.call('job.cancel', { id }));
  } catch (err) {
    pushNotice(errorShapeOf(err));
  }
}

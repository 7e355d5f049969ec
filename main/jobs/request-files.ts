/**
 * The files a job request names, checked when it is queued (a stat each, on the serving
 * thread) so that a missing input fails `job.start` naming its key, not the job an hour later
 * when it reaches the front of the queue. Everything else about the files (grids, bands,
 * dates, manifests) the task checks before any work, in the worker.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ApiError, type JobRequest } from '../api.ts';

/** Every path in the request with its key, e.g. ["inputs.before.0", "/data/a/imgs_1"]. */
function namedPaths(r: JobRequest): [string, string][] {
  const out: [string, string][] = [];
  const add = (key: string, p: string | undefined) => p !== undefined && out.push([key, p]);
  const addAll = (key: string, ps: string[] | undefined) => ps?.forEach((p, i) => add(`${key}.${i}`, p));
  add('model', r.model);
  add('head', r.head);
  addAll('inputs.input', r.inputs.input);
  addAll('inputs.before', r.inputs.before);
  addAll('inputs.after', r.inputs.after);
  for (const k of ['series', 'seriesA', 'seriesB'] as const) {
    const s = r.inputs[k];
    addAll(`inputs.${k}.s2`, s?.s2);
    addAll(`inputs.${k}.s1`, s?.s1);
    add(`inputs.${k}.hr`, s?.hr);
  }
  add('mask.path', r.mask?.path);
  const q = r.options?.query;
  if (q && 'polygon' in q) add('options.query.polygon', q.polygon);
  return out;
}

export function checkRequestFiles(r: JobRequest): void {
  for (const [key, p] of namedPaths(r)) {
    if (!existsSync(p)) throw new ApiError('E_NOT_FOUND', `${key}: ${p}: no such file or folder`, p);
  }
  for (const [key, p] of [['out', r.out], ['options.vectors', r.options?.vectors]] as const) {
    if (p === undefined) continue;
    const dir = dirname(resolve(p));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ApiError('E_NOT_FOUND', `${key}: ${dir}: no such folder to write into`, dir);
    if (existsSync(p) && statSync(p).isDirectory()) throw new ApiError('E_BAD_REQUEST', `${key}: ${p} is a folder`, p);
  }
}

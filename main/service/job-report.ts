/**
 * job.report: the run report a finished job wrote, for the Jobs list to show. Only the
 * job's own report path is read (never a path the window names), and a report larger
 * than any run writes is refused rather than parsed.
 */
import { readFile, stat } from 'node:fs/promises';
import { ApiError, type JobInfo, type ReplyOf } from '../api.ts';

/** A tiled run's report lists a few hundred entries; 16 MiB is far above any. */
const MAX_REPORT_BYTES = 16 * 1024 * 1024;

export async function jobReport(job: JobInfo): Promise<ReplyOf<'job.report'>> {
  const path = job.report;
  if (job.status !== 'done' || !path) throw new ApiError('E_NOT_FOUND', `job "${job.id}" is ${job.status}: it has no report`);
  let text: string;
  try {
    const { size } = await stat(path);
    if (size > MAX_REPORT_BYTES) throw new ApiError('E_BAD_REQUEST', `${path}: the report is ${size} bytes, more than a run writes`, path);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError('E_NOT_FOUND', `${path}: the report is gone (${(err as Error).message})`, path);
  }
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch (err) {
    throw new ApiError('E_BAD_REQUEST', `${path}: not a JSON report (${(err as Error).message})`, path);
  }
  if (!report || typeof report !== 'object' || Array.isArray(report)) throw new ApiError('E_BAD_REQUEST', `${path}: the report is not a JSON object`, path);
  return { path, report: report as Record<string, unknown> };
}

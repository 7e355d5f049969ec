/**
 * The one dispatch from a job request to a task: `skysense run` and the job worker both run
 * tasks here, so a request gives the same outputs whichever started it. The request is
 * validated against JobRequest first (a bad one fails naming its key); the tasks are loaded
 * on first use so that importing this room does not load ONNX Runtime.
 */
import { ApiError, JobRequest } from '../api.ts';
import { isDeepness, runDeepnessTask } from './deepness-task.ts';
import { changeSeries, maskOption, rasterOrSeries, seriesInputs } from './series-inputs.ts';
import type { TaskHooks, TaskReport, TaskResult } from './task-report.ts';
import { resolveRequestNames } from './request-names.ts';
import { vectorize } from './vectorize.ts';

/** The request checked against the contract; E_BAD_REQUEST naming the first bad key otherwise. */
export function parseJobRequest(raw: unknown): JobRequest {
  const checked = JobRequest.safeParse(raw);
  if (checked.success) return checked.data;
  const first = checked.error.issues[0];
  const where = first?.path?.length ? first.path.join('.') : 'request';
  throw new ApiError('E_BAD_REQUEST', `${where}: ${first?.message ?? 'invalid'}`);
}

export async function runTask(raw: JobRequest, hooks: TaskHooks): Promise<TaskResult> {
  const r = await resolveRequestNames(parseJobRequest(raw));
  const report = await dispatch(r, hooks);
  if (!r.options?.vectors) return { report };
  return { report, vectors: await vectorize(r, report, hooks.signal) };
}

async function dispatch(r: JobRequest, hooks: TaskHooks): Promise<TaskReport> {
  const { progress, signal } = hooks;
  const o = r.options ?? {};
  const c = {
    out: r.out,
    gsd: o.gsd,
    mask: maskOption(r),
    modality: o.modality,
    bands: o.bands,
    providers: o.providers?.join(','),
    tile: o.tile,
    overlap: o.overlap,
    batch: o.batch,
    progress,
    signal,
  };
  const tasks = await import('../tasks/index.ts');
  switch (r.task) {
    case 'embed':
      if (r.inputs.series) {
        return tasks.runFusedEmbed({
          model: r.model!, ...seriesInputs(r), mask: c.mask,
          out: r.out, providers: c.providers, tile: o.tile, overlap: o.overlap, batch: o.batch, shard: o.shard, dataType: o.dtype, progress, signal,
        });
      }
      return tasks.runEmbed({ ...c, model: r.model!, inputs: r.inputs.input!, shard: o.shard, dataType: o.dtype });
    case 'cluster':
      return tasks.runCluster({ ...c, model: r.model!, ...rasterOrSeries(r), k: o.k!, seed: o.seed });
    case 'similar':
      return tasks.runSimilar({ ...c, model: r.model!, ...rasterOrSeries(r), query: o.query!, shard: o.shard });
    default:
      break;
  }
  if (isDeepness(r)) return runDeepnessTask(r as JobRequest & { task: 'segment' | 'detect' }, hooks);
  const head = { ...c, head: r.head!, model: r.model, shard: o.shard };
  switch (r.task) {
    case 'segment':
      return tasks.runSegment({ ...head, ...rasterOrSeries(r), probabilities: o.probabilities ?? false, grid: o.outputGrid });
    case 'change': {
      const pair = r.inputs.seriesA
        ? { seriesA: changeSeries(r.inputs.seriesA), seriesB: changeSeries(r.inputs.seriesB!), resample: r.inputs.resample }
        : { inputsA: r.inputs.before!, inputsB: r.inputs.after! };
      return tasks.runChange({ ...head, ...pair, grid: o.outputGrid });
    }
    case 'classify':
      return tasks.runClassify({ ...head, ...rasterOrSeries(r), grid: o.grid, probabilities: o.probabilities ?? false });
    case 'detect':
      return tasks.runDetect({ ...head, inputs: r.inputs.input!, threshold: o.threshold, iouThreshold: o.iou });
  }
}

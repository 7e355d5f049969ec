/**
 * `skysense run`'s parsed flags as a job request (main/api.ts JobRequest), which the shared
 * dispatch in main/jobs runs, as it runs `job.start`. Each flag maps to the request key of
 * the same name; the roles of --input follow from the task and the series flags, as the
 * checks of run-args.ts read them.
 */
import type { JobRequest, JobSeries } from '../api.ts';
import { isChangeSeries, isFeatureSeries, isFused, isSeries, UsageError, type CliSeries, type RunArgs } from './run-args.ts';

/** A raster given as one --input: a single path, or the files of one scene. */
function single(files: string[]): string {
  if (files.length !== 1) throw new UsageError(`each dated raster must be one file or band folder (got ${files.length} files after one flag)`);
  return files[0];
}

const nonEmpty = <T>(xs: T[]): T[] | undefined => (xs.length ? xs : undefined);

/** --input per S2 date, --s1 per S1 date, --hr and the dates. */
function series(r: RunArgs): JobSeries {
  return { s2: nonEmpty(r.inputs.map(single)), s1: nonEmpty(r.s1.map(single)), hr: r.hr && single(r.hr), dates: r.dates, s1Dates: r.s1Dates };
}

/** One series of change (--a ... or --b ...). */
function changeSeries(s: CliSeries): JobSeries {
  return { s2: nonEmpty(s.s2.map(single)), s1: nonEmpty(s.s1.map(single)), dates: s.dates, s1Dates: s.s1Dates };
}

function inputs(r: RunArgs): JobRequest['inputs'] {
  const deepness = !!r.model && /\.onnx$/i.test(r.model) && !r.head;
  if (deepness && r.task !== 'segment' && r.task !== 'detect') throw new UsageError(`Deepness models run as --task segment (Segmentor, Regressor) or --task detect (Detector), not ${r.task}`);
  if (r.task === 'change' && !deepness) {
    return isChangeSeries(r)
      ? { seriesA: changeSeries(r.seriesA), seriesB: changeSeries(r.seriesB), resample: r.resample }
      : { before: r.inputs[0], after: r.inputs[1] };
  }
  const fused = r.task === 'embed' ? isFused(r) : r.task === 'cluster' || r.task === 'similar' ? isFeatureSeries(r) : !deepness && isSeries(r);
  return fused ? { series: series(r), resample: r.resample } : { input: r.inputs[0], resample: r.resample };
}

export function jobRequestOf(r: RunArgs): JobRequest {
  const query = r.task !== 'similar' ? undefined : r.point ? { xy: r.point } : r.lonLat ? { lonLat: r.lonLat } : { polygon: r.polygon! };
  const options = {
    k: r.k, seed: r.seed, query, grid: r.grid, outputGrid: r.outputGrid,
    probabilities: r.probabilities || undefined, vectors: r.vectors, threshold: r.threshold, iou: r.iou,
    smallSegment: r.smallSegment, dtype: r.dtype, gsd: r.gsd, modality: r.modality, bands: r.bands,
    providers: r.providers ? [r.providers] : undefined,
    tile: r.tile, overlap: r.overlap, batch: r.batch, shard: r.shard, threads: r.threads, fp16: r.fp16 || undefined,
  };
  const mask = r.mask ? { path: r.mask, values: r.maskValues, threshold: r.maskThreshold } : undefined;
  return { task: r.task, model: r.model, head: r.head, inputs: inputs(r), mask, options, out: r.out };
}

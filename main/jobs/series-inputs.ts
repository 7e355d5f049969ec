/**
 * The roles of a job request's inputs in the shapes the tasks take: a series to fuse, one
 * raster or a series for the feature tasks, the two series of a fused change head.
 */
import type { JobRequest, JobSeries } from '../api.ts';
import type { MaskSpec } from '../inputs/index.ts';

type SeriesInputs = { s2?: string[]; s1?: string[]; hr?: string; dates?: string[]; s1Dates?: string[]; resample?: 'none' | 'nearest' };

/** inputs.series (S2 per date, S1 per date, HR, dates) with inputs.resample. */
export function seriesInputs(r: JobRequest): SeriesInputs {
  const s = r.inputs.series ?? {};
  return { s2: s.s2, s1: s.s1, hr: s.hr, dates: s.dates, s1Dates: s.s1Dates, resample: r.inputs.resample };
}

/** cluster / similar / segment / classify: one raster, or a series to fuse. */
export function rasterOrSeries(r: JobRequest): { inputs: string[] } | SeriesInputs {
  return r.inputs.series ? seriesInputs(r) : { inputs: r.inputs.input! };
}

/** One series of change with a fused head, as runChange takes it. */
export function changeSeries(s: JobSeries): { s2?: string[]; s1?: string[]; dates?: string[]; s1Dates?: string[] } {
  return { s2: s.s2, s1: s.s1, dates: s.dates, s1Dates: s.s1Dates };
}

/** The request's mask as the tasks' `mask` option. */
export function maskOption(r: JobRequest): MaskSpec | undefined {
  return r.mask ? { path: r.mask.path, values: r.mask.values, threshold: r.mask.threshold } : undefined;
}

/** The raster polygons are attributed to: the last date given (after, or series b's last). */
export function sourceOf(r: JobRequest): string {
  const i = r.inputs;
  if (i.input) return i.input.join(',');
  if (i.after) return i.after.join(',');
  if (i.series) return i.series.s2?.at(-1) ?? '';
  return i.seriesB?.s2?.at(-1) ?? i.seriesB?.s1?.at(-1) ?? '';
}

/**
 * The `segment` task: per-pixel classes from a segmentation head (kind "head", task
 * "segment"). A single-date head (encoder modality hr, s2 or s1) reads one raster
 * (`inputs`) through its encoder's taps; a fused head (modality "fused") reads an S2 and/or
 * S1 time series (`s2`, `s1`, `dates`, `s1Dates`, `resample`, as fused-embed takes them)
 * through the fusion module (segment-series.ts). Each is refused, by name, the other's input.
 * Writes <out> (Byte class raster: nodata 255, colour table and category names from the
 * head's classes, 'nearest' overviews), with `probabilities` also <out-stem>.prob.tif
 * (Float32, one band per head output channel: the blended class probabilities), and
 * <out>.report.json. See heads/dense-head-run.ts for the grid and tiling, heads/class-output.ts for how
 * classes are decided.
 */
import { ApiError } from '../../api.ts';
import { readHeadFolder } from '../../heads/index.ts';
import { routeHead } from '../../heads/index.ts';
import { openRaster, type Raster } from '../../raster/index.ts';
import { runDenseHead, type DenseHeadOptions } from '../../heads/index.ts';
import { prepareHeadInput, type HeadInput } from '../../heads/index.ts';
import { reportModelInput } from '../../inputs/index.ts';
import type { HeadReport } from '../../heads/index.ts';
import { openHeadSetup } from '../../heads/index.ts';
import { runSegmentSeries, type SegmentSeriesReport } from './segment-series.ts';
import type { SeriesInputOptions } from '../../heads/index.ts';

export type { SegmentSeriesReport } from './segment-series.ts';

export interface SegmentOptions extends DenseHeadOptions, SeriesInputOptions {
  /** Single-date heads: the raster, one file or the single-band files / folder of one scene. */
  inputs?: string[];
}

export type SegmentReport = (HeadReport & { task: 'segment' }) | SegmentSeriesReport;

/** Runs segment; writes <out>, optionally <out-stem>.prob.tif, and <out>.report.json. */
export async function runSegment(o: SegmentOptions): Promise<SegmentReport> {
  const t0 = performance.now();
  const h = await readHeadFolder(o.head);
  const m = h.manifest;
  if (m.task === 'segment' && routeHead(h, o) === 'series') return runSegmentSeries(h, o, t0);
  if (!o.inputs || o.inputs.length === 0) throw new ApiError('E_BAD_REQUEST', `segment with head "${m.name}" needs an input raster`);
  const inputs = o.inputs;
  const setup = await openHeadSetup(o, 'segment', h);
  let raster: Raster | null = null;
  let input: HeadInput | null = null;
  try {
    raster = await openRaster(inputs, { signal: o.signal, coarseBands: 'bilinear' });
    input = await prepareHeadInput(raster, setup, o);
    const report = await runDenseHead({
      setup,
      o,
      task: 'segment',
      raster: input.raster,
      bands: input.mapping.bands,
      inputs: [input],
      reportInputs: [reportModelInput(input, setup.modalityId)],
      probabilities: o.probabilities ?? false,
      t0,
    });
    return report as SegmentReport;
  } finally {
    // The prepared view closes the file and the mask.
    await (input?.raster ?? raster)?.close().catch(() => undefined);
    await setup.close();
  }
}

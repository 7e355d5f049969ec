/**
 * The `segment` task: per-pixel classes of one single-date raster from a segmentation head
 * (kind "head", task "segment") on its encoder. Writes <out> (Byte class raster: nodata 255,
 * colour table and category names from the head's classes, 'nearest' overviews), with
 * `probabilities` also <out-stem>.prob.tif (Float32, one band per head output channel: the
 * blended class probabilities), and <out>.report.json. See dense-head-run.ts for the grid
 * and tiling, class-output.ts for how classes are decided.
 */
import { openRaster, type Raster } from '../raster/index.ts';
import { runDenseHead, type DenseHeadOptions } from './dense-head-run.ts';
import { prepareHeadInput, reportHeadInput, type HeadInput } from './head-input.ts';
import type { HeadReport } from './head-report.ts';
import { openHeadSetup } from './head-setup.ts';

export interface SegmentOptions extends DenseHeadOptions {
  /** The raster: one file, or the single-band files / folder of one scene. */
  inputs: string[];
}

export type SegmentReport = HeadReport & { task: 'segment' };

/** Runs segment; writes <out>, optionally <out-stem>.prob.tif, and <out>.report.json. */
export async function runSegment(o: SegmentOptions): Promise<SegmentReport> {
  const t0 = performance.now();
  const setup = await openHeadSetup(o, 'segment');
  let raster: Raster | null = null;
  let input: HeadInput | null = null;
  try {
    raster = await openRaster(o.inputs, { signal: o.signal });
    input = await prepareHeadInput(raster, setup, o);
    const report = await runDenseHead({
      setup,
      o,
      task: 'segment',
      raster: input.raster,
      bands: input.mapping.bands,
      inputs: [input],
      reportInputs: [reportHeadInput(input, setup.modalityId)],
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

/**
 * The `change` task: a change head (kind "head", task "change") on two rasters of the same
 * grid, date a and date b. The encoder runs on each date's tile and the head reads both
 * dates' taps. Writes <out> (Byte change mask: nodata 255, colour table and category names
 * from the head's classes), <out-stem>.prob.tif (Float32 change probability: one band per
 * head output channel — for the usual binary sigmoid head, p(change)) and
 * <out>.report.json.
 *
 * The two rasters must share CRS, size and geotransform exactly; otherwise the run stops
 * before any work with an error naming both files and what differs (stacked-raster.ts).
 * Each date's units are detected on its own, so a pair stored differently (dB and linear
 * power, DN and reflectance) is still compared like for like.
 */
import { ApiError } from '../api.ts';
import { openRaster, type Raster } from '../raster/index.ts';
import { runDenseHead, type DenseHeadOptions } from './dense-head-run.ts';
import { prepareHeadInput, reportHeadInput, type HeadInput } from './head-input.ts';
import type { HeadReport } from './head-report.ts';
import { openHeadSetup } from './head-setup.ts';
import { checkSameGrid, stackRasters } from './stacked-raster.ts';

export interface ChangeOptions extends Omit<DenseHeadOptions, 'probabilities'> {
  /** Date a (before): one file, or the single-band files / folder of one scene. */
  inputsA: string[];
  /** Date b (after), on date a's grid. */
  inputsB: string[];
}

export type ChangeReport = HeadReport & { task: 'change' };

/** Runs change; writes <out>, <out-stem>.prob.tif and <out>.report.json. */
export async function runChange(o: ChangeOptions): Promise<ChangeReport> {
  const t0 = performance.now();
  const setup = await openHeadSetup(o, 'change');
  let a: Raster | null = null;
  let b: Raster | null = null;
  let stack: Raster | null = null;
  let ia: HeadInput | null = null;
  let ib: HeadInput | null = null;
  try {
    a = await openRaster(o.inputsA, { signal: o.signal });
    b = await openRaster(o.inputsB, { signal: o.signal });
    checkSameGrid(a.info, b.info);
    // One mask (on the shared grid) applies to both dates; both go to the same processing grid.
    ia = await prepareHeadInput(a, setup, o);
    ib = await prepareHeadInput(b, setup, o);
    stack = stackRasters(ia.raster, ib.raster);
    const na = a.info.bandCount;
    if (ia.mapping.bands.length !== ib.mapping.bands.length) throw new ApiError('E_INTERNAL', 'the two dates map to different band counts');
    const report = await runDenseHead({
      setup,
      o,
      task: 'change',
      raster: stack,
      bands: [...ia.mapping.bands, ...ib.mapping.bands.map((x) => x + na)],
      inputs: [ia, ib],
      reportInputs: [
        { ...reportHeadInput(ia, setup.modalityId), date: 'a' },
        { ...reportHeadInput(ib, setup.modalityId), date: 'b' },
      ],
      probabilities: true,
      t0,
    });
    return report as ChangeReport;
  } finally {
    if (stack) await stack.close().catch(() => undefined);
    else await Promise.all([(ia?.raster ?? a)?.close().catch(() => undefined), (ib?.raster ?? b)?.close().catch(() => undefined)]);
    await setup.close();
  }
}

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
 *
 * A fused change head (encoder.modality "fused") reads two S2/S1 time series instead
 * (seriesA, seriesB): change-series.ts.
 */
import { ApiError } from '../../api.ts';
import { openRaster, type Raster } from '../../raster/index.ts';
import { runDenseHead, type DenseHeadOptions } from '../../heads/index.ts';
import { prepareHeadInput, type HeadInput } from '../../heads/index.ts';
import { reportModelInput } from '../../inputs/index.ts';
import type { HeadReport } from '../../heads/index.ts';
import { openHeadSetup } from '../../heads/index.ts';
import { readHeadFolder } from '../../heads/index.ts';
import { runChangeSeries, type ChangeSeriesOptions, type ChangeSeriesReport } from './change-series.ts';

export type { ChangeSeriesReport } from './change-series.ts';
import { checkSameGrid, stackRasters } from './date-pair.ts';

export interface ChangeOptions extends Omit<DenseHeadOptions, 'probabilities'>, Omit<ChangeSeriesOptions, keyof DenseHeadOptions> {
  /** Single-date heads: date a (before): one file, or the single-band files / folder of one scene. */
  inputsA?: string[];
  /** Single-date heads: date b (after), on date a's grid. */
  inputsB?: string[];
}

export type ChangeReport = (HeadReport & { task: 'change' }) | ChangeSeriesReport;

const given = (v: unknown) => v !== undefined && !(Array.isArray(v) && v.length === 0);

/** Runs change; writes <out>, <out-stem>.prob.tif and <out>.report.json. */
export async function runChange(o: ChangeOptions): Promise<ChangeReport> {
  const t0 = performance.now();
  const h = await readHeadFolder(o.head);
  const m = h.manifest;
  const seriesGiven = (['seriesA', 'seriesB', 'resample'] as const).filter((k) => given(o[k]));
  if (m.task === 'change' && m.encoder.modality === 'fused') {
    if (given(o.inputsA) || given(o.inputsB)) {
      throw new ApiError(
        'E_BAD_REQUEST',
        `${h.manifestPath}: head "${m.name}" is a fused change head (encoder.modality "fused"): it reads two S2 and/or S1 time series (seriesA, seriesB; on the command line --a/--b per S2 date, --a-s1/--b-s1 per S1 date), not two single rasters (${[...(o.inputsA ?? []), ...(o.inputsB ?? [])].join(', ')})`,
        h.manifestPath,
      );
    }
    return runChangeSeries(h, o, t0);
  }
  if (m.task === 'change' && seriesGiven.length > 0) {
    throw new ApiError(
      'E_BAD_REQUEST',
      `${h.manifestPath}: head "${m.name}" reads two single ${m.encoder.modality} rasters (encoder.modality "${m.encoder.modality}"), not time series: ${seriesGiven.join(', ')} apply only to fused change heads (encoder.modality "fused"); give date a and date b as inputsA / inputsB (--input BEFORE --input AFTER)`,
      h.manifestPath,
    );
  }
  if (!given(o.inputsA) || !given(o.inputsB)) throw new ApiError('E_BAD_REQUEST', `change with head "${m.name}" needs two rasters: date a (before) and date b (after)`);
  const inputsA = o.inputsA!;
  const inputsB = o.inputsB!;
  const setup = await openHeadSetup(o, 'change', h);
  let a: Raster | null = null;
  let b: Raster | null = null;
  let stack: Raster | null = null;
  let ia: HeadInput | null = null;
  let ib: HeadInput | null = null;
  try {
    a = await openRaster(inputsA, { signal: o.signal, coarseBands: 'bilinear' });
    b = await openRaster(inputsB, { signal: o.signal, coarseBands: 'bilinear' });
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
        { ...reportModelInput(ia, setup.modalityId), date: 'a' },
        { ...reportModelInput(ib, setup.modalityId), date: 'b' },
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

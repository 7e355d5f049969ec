/**
 * change with a fused head (head manifest encoder.modality "fused"): the head reads the fusion
 * module's features of two S2 and/or S1 time series, series a (inputs with date "a") and
 * series b (date "b"). Each series is read, dated and checked as segment's fused path does
 * (fusion/fused-series.ts) and fused on its own in every tile; the head then sees both. The
 * outputs are change's: the Byte change mask (nodata 255, palette, category names),
 * <out-stem>.prob.tif (Float32 probabilities) and <out>.report.json with both series' dates
 * and sources.
 *
 * Every raster of a and b must lie on one grid: each series is fitted to its own reference
 * (its first S2, or first S1, raster) as usual, and the two references must be the same grid,
 * checked on the files' headers before any session starts.
 */
import { resolve } from 'node:path';
import { ApiError } from '../../api.ts';
import type { HeadManifest } from '../../model/index.ts';
import { openRaster } from '../../raster/index.ts';
import type { DenseHeadOptions } from '../../heads/index.ts';
import { writeReport } from '../../raster/index.ts';
import { seriesGrid } from '../../fusion/index.ts';
import { checkSeriesOptions, openFusedSeries, type CheckedSeries, type FusedInputReport, type FusedSeries } from '../../fusion/index.ts';
import type { Resample } from '../../fusion/index.ts';
import { maskedRaster, openMask, type MaskReport, type OpenedMask } from '../../inputs/index.ts';
import { openFusedHead, runFusedDense, type FusedDenseReport } from '../../heads/index.ts';
import type { DatedSeriesSummary } from '../../fusion/index.ts';
import { checkSameGrid, stackRasters } from './date-pair.ts';

/** One series of a change run: S2 and/or S1 rasters, one per date, and optionally their dates. */
export interface ChangeSeries {
  s2?: string[];
  s1?: string[];
  /** S2 dates, YYYY-MM-DD, one per s2 raster. */
  dates?: string[];
  /** S1 dates, one per s1 raster. */
  s1Dates?: string[];
}

export interface ChangeSeriesOptions extends DenseHeadOptions {
  seriesA?: ChangeSeries;
  seriesB?: ChangeSeries;
  resample?: Resample;
  /** "Today" for the future-date check (default now). */
  now?: Date;
}

type SeriesPart = DatedSeriesSummary;

export type ChangeSeriesReport = FusedDenseReport & {
  task: 'change';
  /** Each series as segment's fused path reports it. */
  series: { a: SeriesPart; b: SeriesPart };
  /** One per raster: its series (a or b), source, date and where the date came from. */
  inputs: (FusedInputReport & { series: 'a' | 'b' })[];
};

/** The first raster of a series: the one its other rasters are fitted to. */
const referenceOf = (c: CheckedSeries) => (c.s2.length > 0 ? c.s2[0] : c.s1[0]);

/** Both series' references on one grid, read from the headers only. */
async function checkSeriesGrids(a: CheckedSeries, b: CheckedSeries, signal?: AbortSignal): Promise<void> {
  const ra = await openRaster([referenceOf(a)], { signal });
  try {
    const rb = await openRaster([referenceOf(b)], { signal });
    try {
      try {
        checkSameGrid(ra.info, rb.info);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        throw new ApiError('E_BAND_MISMATCH', `series a and b must share one grid: ${msg.replace('(date a)', '(first raster of series a)').replace('(date b)', '(first raster of series b)')}`, rb.info.path);
      }
    } finally {
      await rb.close().catch(() => undefined);
    }
  } finally {
    await ra.close().catch(() => undefined);
  }
}

function summary(f: FusedSeries, mask: MaskReport | null): SeriesPart {
  return { modalities: f.modalities, hr: f.hr, grid: seriesGrid(f), mask, notes: f.notes, sessions: f.sessions, dateEmbedding: f.dateEmbedding };
}

/** Runs a fused change head on series a and b; called by runChange. */
export async function runChangeSeries(h: { dir: string; manifestPath: string; manifest: HeadManifest }, o: ChangeSeriesOptions, t0: number): Promise<ChangeSeriesReport> {
  const now = o.now ?? new Date();
  const name = h.manifest.name;
  if (o.gsd !== undefined) throw new ApiError('E_BAD_REQUEST', `gsd "${o.gsd}": does not apply to fused head "${name}": the S2/S1 series are fused on their own 10 m grid`);
  if (o.grid !== undefined && o.grid !== 'input' && o.grid !== 'model') throw new ApiError('E_BAD_REQUEST', `grid "${String(o.grid)}": use "input" or "model"`);
  for (const d of ['a', 'b'] as const) {
    if (!h.manifest.inputs.some((i) => i.date === d)) throw new ApiError('E_CORRUPT', `${h.manifestPath}: inputs: no input with date "${d}"; a change head reads series a and b`, h.manifestPath);
  }
  const asked = (['a', 'b'] as const).map((d) => {
    const s = d === 'a' ? o.seriesA : o.seriesB;
    return checkSeriesOptions({ ...s, resample: o.resample, out: o.out }, now, `change with fused head "${name}", series ${d}`);
  });
  const inB = new Set([...asked[1].s2, ...asked[1].s1].map((p) => resolve(p)));
  const dup = [...asked[0].s2, ...asked[0].s1].find((p) => inB.has(resolve(p)));
  if (dup) throw new ApiError('E_BAD_REQUEST', `${dup}: given in both series a and b`, dup);
  await checkSeriesGrids(asked[0], asked[1], o.signal);
  const fh = await openFusedHead(h, o);
  const series: FusedSeries[] = [];
  let mask: OpenedMask | null = null;
  try {
    // The mask is opened (and its pixels counted) once, for both series, below.
    for (const a of asked) {
      series.push(await openFusedSeries(fh.model, a, { ...o, resample: o.resample, mask: undefined }, { task: 'change', now, tilePref: fh.head.tile }));
    }
    const [fa, fb] = series;
    if (o.mask) mask = await openMask(o.mask, fa.ref, o.signal, o.out);
    const prefixed = (f: FusedSeries, d: string) => Object.fromEntries(Object.entries(f.dateMetadata).map(([k, v]) => [k.replace('SKYSENSE_', `SKYSENSE_${d}_`), v]));
    // The tiler reads a's bands then b's from one view; closing the series (and the mask) closes what it reads.
    const both = stackRasters(fa.raster, fb.raster);
    const raster = mask ? maskedRaster(both, mask) : both;
    const { report: common, outPath } = await runFusedDense({
      fh,
      task: 'change',
      o,
      series,
      dates: ['a', 'b'],
      raster,
      probabilities: true,
      dateMetadata: { ...prefixed(fa, 'A'), ...prefixed(fb, 'B') },
      gridNote: `the reference grid of ${fa.ref.path}: same CRS, size and geotransform (one value per S2 pixel)`,
      t0,
    });
    const report: ChangeSeriesReport = {
      task: 'change',
      ...common,
      series: { a: summary(fa, mask?.report ?? null), b: summary(fb, mask?.report ?? null) },
      inputs: [...fa.inputs.map((x) => ({ ...x, series: 'a' as const })), ...fb.inputs.map((x) => ({ ...x, series: 'b' as const }))],
    };
    await writeReport(`${outPath}.report.json`, report);
    return report;
  } finally {
    for (const s of series) await s.close().catch(() => undefined);
    await mask?.raster.close().catch(() => undefined);
    await fh.model.close();
  }
}

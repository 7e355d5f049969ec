/**
 * The `fused-embed` task: SkySense's multi-modal, multi-date features. Inputs are a
 * Sentinel-2 series (one raster per date: a multi-band file or a band folder) and/or a
 * Sentinel-1 series, all over the same ground; the output is the fusion module's feature
 * (cls token) for every pixel of the S2 grid: a Float32 GeoTIFF, NaN nodata, one band per
 * feature channel, plus <out>.report.json with the dates and where each came from.
 *
 * Path per tile (fusion/fused-infer.ts): each date through its encoder (last tap) and
 * UPHead, one token per 10 m pixel, then all dates into `fusion` with their day of year.
 * The tiler runs on the reference grid (the first S2 input; the first S1 one without S2),
 * and each tile reads the same window of every date (fusion/date-stack.ts).
 *
 * With `hr` (an aerial / VHR raster of the same ground, same CRS), the HR encoder's stride-32
 * features join the fusion as one more frame (fusion/hr-frame.ts): the HR image is resampled
 * onto the reference grid subdivided 32 times (one Sentinel pixel = 32 x 32 HR pixels, as
 * SkySense fuses them), encoded in a first pass, and the output covers the reference pixels
 * the HR image covers.
 *
 * Every check happens before inference (fusion/fused-series.ts, shared with segment's fused heads): option values and the user's dates, then each
 * raster's bands, its grid against the reference (fusion/grid-fit.ts), the mask's grid
 * (inputs/masked-raster.ts: one mask on the reference grid, applied to every date), its
 * date (inputs/series-dates.ts) and its units. There is no `gsd` option: S2 and S1 are
 * fused on their 10 m grid.
 */
import { loadModelFolder, parseProviderList, type Fallback } from '../../model/index.ts';
import { writeReport } from '../../raster/index.ts';
import { featureDataType, featureRasterOptions, type FeatureDataType } from './feature-dtype.ts';
import { runTiled, type StageTimings, type TiledProgress } from '../../tiler/index.ts';
import type { FrameModality } from '../../fusion/index.ts';
import type { HrFrameReport } from '../../fusion/index.ts';
import { seriesGrid, type SeriesGrid } from '../../fusion/index.ts';
import { checkSeriesOptions, openFusedSeries, type FusedInputReport, type FusedSeries, type SeriesOptions } from '../../fusion/index.ts';
import type { MaskReport } from '../../inputs/index.ts';

export type { FusedInputReport } from '../../fusion/index.ts';

export interface FusedEmbedOptions extends SeriesOptions {
  model: string;
  /** Provider list as the user wrote it ("cpu", "cuda,cpu"); default the engine's order. */
  providers?: string;
  shard?: string;
  /** Sample type of the feature GeoTIFF: float32 (default) or float16 (see feature-dtype.ts). */
  dataType?: FeatureDataType;
  /** "Today" for the future-date check (default now). */
  now?: Date;
  progress?: (p: TiledProgress) => void;
}

export interface FusedEmbedReport {
  task: 'fused-embed';
  model: {
    dir: string;
    name: string;
    weights: string;
    modules: string[];
    dateEmbedding: { table: number; index: string; appliesTo: string[] } | null;
  };
  modalities: FrameModality[];
  /** The HR frame (grid, resampling, its encoder pass); null without --hr. */
  hr: HrFrameReport | null;
  grid: SeriesGrid;
  mask: MaskReport | null;
  inputs: FusedInputReport[];
  notes: string[];
  /** Provider of the fusion session; `sessions` has every module's. */
  provider: string;
  sessions: Record<string, string>;
  fallbacks: Fallback[];
  tile: number;
  overlap: number;
  margin: number;
  batch: number;
  tiles: { inferred: number; skipped: number; total: number };
  timings: StageTimings & { prepare: number };
  throughputMpxPerS: number;
  outputs: { path: string; width: number; height: number; bands: number; dataType: 'Float32' | 'Float16'; nodata: string; geoTransformNote: string }[];
}

/** Runs fused-embed; writes <out> and <out>.report.json and returns the report. */
export async function runFusedEmbed(o: FusedEmbedOptions): Promise<FusedEmbedReport> {
  const t0 = performance.now();
  const now = o.now ?? new Date();
  const asked = checkSeriesOptions(o, now, 'fused-embed');
  const dataType = featureDataType(o.dataType);
  const providers = o.providers ? parseProviderList(o.providers) : undefined;
  const model = await loadModelFolder(o.model, { providers, cache: false });
  let series: FusedSeries | null = null;
  try {
    const m = model.manifest;
    series = await openFusedSeries(model, asked, o, { task: 'fused-embed', now, shard: o.shard, progress: o.progress });
    const f = series;
    const ref = f.ref;
    const prepare = performance.now() - t0;
    const result = await runTiled({
      raster: f.raster,
      tile: f.tile,
      overlap: f.overlap,
      margin: f.margin,
      stride: 1,
      batch: f.batch,
      ...featureRasterOptions(f.channels, dataType),
      outPath: o.out,
      shard: o.shard,
      signal: o.signal,
      progress: o.progress,
      metadata: {
        SKYSENSE_TASK: 'fused-embed',
        SKYSENSE_MODEL: m.name,
        SKYSENSE_MODULE: f.fusionName,
        SKYSENSE_OUTPUT: f.fusionOutput,
        ...f.dateMetadata,
      },
      infer: f.infer(f.margin),
    });

    const report: FusedEmbedReport = {
      task: 'fused-embed',
      model: { dir: model.dir, name: m.name, weights: m.provenance.weights, modules: Object.keys(f.sessions), dateEmbedding: f.dateEmbedding },
      modalities: f.modalities,
      hr: f.hr,
      grid: seriesGrid(f),
      mask: f.mask,
      inputs: f.inputs,
      notes: f.notes,
      provider: f.provider,
      sessions: f.sessions,
      fallbacks: f.fallbacks,
      tile: f.tile,
      overlap: f.overlap,
      margin: f.margin,
      batch: f.batch,
      tiles: { inferred: result.tiles, skipped: result.skipped, total: result.total },
      timings: { ...result.timings, prepare },
      throughputMpxPerS: (ref.width * result.height) / 1e6 / (result.timings.total / 1000),
      outputs: [{ path: result.outPath, width: result.width, height: result.height, bands: f.channels, dataType, nodata: 'NaN', geoTransformNote: `the reference grid of ${ref.path} (one fused feature per input pixel)` }],
    };
    await writeReport(`${result.outPath}.report.json`, report);
    return report;
  } finally {
    await series?.close();
    await model.close();
  }
}

/**
 * Where a features task (cluster, similar) gets its per-location features: one raster
 * through its encoder (encoder/encoder-run.ts: the last tap), or a series fused by SkySense's
 * fusion module (fusion/fused-series.ts: S2 and/or S1 dates, optionally an HR image), so
 * label-free segmentation and similarity search work on a time series as well as on one
 * date. Both give the same shape to the task: a raster the tiler reads, the tile plan
 * numbers, an InferFn returning C x th/stride x tw/stride features per tile, and the head
 * of the run report.
 *
 * A series is chosen by giving `s2`, `s1` or `hr` (the CLI: several --input, --s1, --hr or
 * --dates); the options that only mean something for one raster (`modality`, `bands`,
 * `gsd`) are refused with it.
 */
import { ApiError, type RasterInfo } from '../../api.ts';
import { loadModelFolder, parseProviderList } from '../../model/index.ts';
import { prepareEncoderRun, reportRun, type EncoderRunOptions, type RunReportHead, type TilingHead } from '../../encoder/index.ts';
import type { FeatureTiling } from '../../tiler/index.ts';
import type { FusedEmbedReport } from './fused-embed.ts';
import { seriesGrid } from '../../fusion/index.ts';
import { checkSeriesOptions, openFusedSeries, type FusedInputReport, type FusedSeries, type SeriesOptions } from '../../fusion/index.ts';
import { gridWords } from '../../inputs/index.ts';

/** What the tiler and the query need from a feature source. */
export interface FeatureSource extends FeatureTiling {
  info: RasterInfo;
}

/** The head of a report of a features task on a fused series (as segment with a fused head reports it). */
export interface FusedRunHead extends TilingHead {
  model: FusedEmbedReport['model'];
  series: Pick<FusedEmbedReport, 'modalities' | 'hr' | 'grid' | 'mask' | 'notes' | 'sessions'>;
  inputs: FusedInputReport[];
}

export type FeatureRunHead = RunReportHead | FusedRunHead;

export interface FeatureRun extends FeatureSource {
  modelName: string;
  moduleName: string;
  outputName: string;
  /** For geoTransformNote: "the input", the processing grid, or the series' reference grid. */
  gridWords: string;
  prepareMs: number;
  head: FeatureRunHead;
  close(): Promise<void>;
}

export type FeatureTaskOptions = Omit<EncoderRunOptions, 'inputs'> &
  Pick<SeriesOptions, 's2' | 's1' | 'hr' | 'dates' | 's1Dates' | 'resample'> & {
    /** One raster (its files); not with a series. */
    inputs?: string[];
    /** "Today" for the future-date check of a series (default now). */
    now?: Date;
  };

/** What a task checks before long work: the grid and how it is tiled. */
export type FeatureCheck = (run: Pick<FeatureSource, 'info' | 'raster' | 'bands' | 'stride' | 'tile' | 'overlap' | 'margin'>) => Promise<void> | void;

export function isSeriesRun(o: FeatureTaskOptions): boolean {
  return [o.s2, o.s1].some((v) => v !== undefined && v.length > 0) || o.hr !== undefined || o.dates !== undefined || o.s1Dates !== undefined || o.resample !== undefined;
}

/**
 * Opens the feature source. `check` runs before any inference for one raster; for a series
 * it runs once the series is open (after the HR pass when there is one).
 */
export async function openFeatureRun(o: FeatureTaskOptions, task: string, check?: FeatureCheck): Promise<FeatureRun> {
  if (!isSeriesRun(o)) {
    if (!o.inputs || o.inputs.length === 0) throw new ApiError('E_BAD_REQUEST', `${task} needs an input raster (or an S2/S1 series)`);
    const run = await prepareEncoderRun({ ...o, inputs: o.inputs }, task, (r) => check?.({ ...r, bands: r.mapping.bands }));
    return {
      raster: run.raster,
      info: run.info,
      bands: run.mapping.bands,
      tile: run.tile,
      overlap: run.overlap,
      margin: run.margin,
      stride: run.stride,
      batch: run.batch,
      channels: run.channels,
      infer: run.infer,
      modelName: run.model.manifest.name,
      moduleName: run.moduleName,
      outputName: run.outputName,
      gridWords: gridWords(run.preparation),
      prepareMs: run.prepareMs,
      head: reportRun(run, run.stride),
      close: () => run.close(),
    };
  }
  if (o.inputs && o.inputs.length > 0) throw new ApiError('E_BAD_REQUEST', `${task}: give one raster (inputs) or a series (s2 / s1 / hr), not both`);
  for (const [k, flag] of [['modality', '--modality'], ['bands', '--bands'], ['gsd', '--gsd']] as const) {
    if (o[k] !== undefined) throw new ApiError('E_BAD_REQUEST', `${flag} does not apply to ${task} on a series: bands are found by name in every date and the series is fused on its own 10 m grid`);
  }
  const t0 = performance.now();
  const now = o.now ?? new Date();
  const asked = checkSeriesOptions({ ...o, out: o.out }, now, task);
  const providers = o.providers ? parseProviderList(o.providers) : undefined;
  const model = await loadModelFolder(o.model, { providers, cache: false });
  let f: FusedSeries;
  try {
    f = await openFusedSeries(model, asked, { ...o, out: o.out }, { task, now, progress: o.progress });
  } catch (err) {
    await model.close();
    throw err;
  }
  const source: FeatureSource = {
    raster: f.raster,
    info: f.raster.info,
    bands: f.raster.info.bandNames.map((_, i) => i + 1),
    tile: f.tile,
    overlap: f.overlap,
    margin: f.margin,
    stride: 1,
    batch: f.batch,
    channels: f.channels,
    infer: f.infer(f.margin),
  };
  const close = async () => {
    await f.close();
    await model.close();
  };
  try {
    await check?.(source);
  } catch (err) {
    await close();
    throw err;
  }
  const m = model.manifest;
  return {
    ...source,
    modelName: m.name,
    moduleName: f.fusionName,
    outputName: f.fusionOutput,
    gridWords: `the reference grid of ${f.ref.path}${f.hr ? ' (the part the HR image covers)' : ''}`,
    prepareMs: performance.now() - t0,
    head: {
      model: { dir: model.dir, name: m.name, weights: m.provenance.weights, modules: Object.keys(f.sessions), dateEmbedding: f.dateEmbedding },
      series: {
        modalities: f.modalities,
        hr: f.hr,
        grid: seriesGrid(f),
        mask: f.mask,
        notes: f.notes,
        sessions: f.sessions,
      },
      inputs: f.inputs,
      provider: f.provider,
      fallbacks: f.fallbacks,
      tile: f.tile,
      overlap: f.overlap,
      margin: f.margin,
      stride: 1,
    },
    close,
  };
}

/**
 * The `embed` task: per-location SkySense features of one single-date raster (S2, S1 or
 * HR), written as a Float32 (or, with dataType float16, half-float) GeoTIFF with one band
 * per feature channel.
 *
 * It runs the modality's encoder alone and keeps its LAST tap (feat_l3 / feat_s32): that
 * is the deepest single-date representation, and it sits on the encoder's own grid
 * (stride 4 for S2/S1, 32 for HR). The UPHead (s2_up/s1_up) only re-grids those same
 * features onto the HR fusion grid (a 1x1 conv + pixel shuffle, 4x finer than the
 * Sentinel pixel) for the fusion module; for a single modality it would add channels
 * and 16x the output size without adding information about the input.
 *
 * Tiles are the encoder's tile size with overlap = size - step from the manifest. The
 * ViT attends across the whole tile, so an output pixel depends on which tile produced
 * it; half the overlap at each interior edge is dropped (margin), which makes every output
 * pixel come from exactly one tile — the one in which it is farthest from an edge.
 * The shared steps (model, raster, bands, units, session, infer) are in encoder/encoder-run.ts.
 */
import { runTiled, type StageTimings } from '../../tiler/index.ts';
import { prepareEncoderRun, type EncoderRunOptions, reportRun, type RunReportHead } from '../../encoder/index.ts';
import { writeReport } from '../../raster/index.ts';
import { gridWords } from '../../inputs/index.ts';
import { featureDataType, featureRasterOptions, type FeatureDataType } from './feature-dtype.ts';
import { tiledOptions } from '../../tiler/index.ts';

export interface EmbedOptions extends EncoderRunOptions {
  shard?: string;
  /**
   * Sample type of the feature GeoTIFF (default float32; float16: see feature-dtype.ts and
   * README's embed section for measured sizes and errors).
   */
  dataType?: FeatureDataType;
}

export interface EmbedReport extends RunReportHead {
  task: 'embed';
  tiles: { inferred: number; skipped: number; total: number };
  timings: StageTimings & { prepare: number };
  throughputMpxPerS: number;
  outputs: { path: string; width: number; height: number; bands: number; dataType: 'Float32' | 'Float16'; nodata: string; geoTransformNote: string }[];
}

/** Runs embed; writes <out> and <out>.report.json and returns the report. */
export async function runEmbed(o: EmbedOptions): Promise<EmbedReport> {
  const dataType = featureDataType(o.dataType);
  const run = await prepareEncoderRun(o, 'embed');
  try {
    const { info, stride, channels } = run;
    const result = await runTiled({
      ...tiledOptions({ ...run, bands: run.mapping.bands }),
      ...featureRasterOptions(channels, dataType),
      outPath: o.out,
      shard: o.shard,
      signal: o.signal,
      progress: o.progress,
      metadata: { SKYSENSE_TASK: 'embed', SKYSENSE_MODEL: run.model.manifest.name, SKYSENSE_MODULE: run.moduleName, SKYSENSE_OUTPUT: run.outputName, SKYSENSE_UNITS: run.units.reason },
      infer: run.infer,
    });

    const report: EmbedReport = {
      task: 'embed',
      ...reportRun(run, stride),
      tiles: { inferred: result.tiles, skipped: result.skipped, total: result.total },
      timings: { ...result.timings, prepare: run.prepareMs },
      // Input pixels of this run's rows (a shard covers only its own).
      throughputMpxPerS: (info.width * Math.min(info.height, result.height * stride)) / 1e6 / (result.timings.total / 1000),
      outputs: [{ path: result.outPath, width: result.width, height: result.height, bands: channels, dataType, nodata: 'NaN', geoTransformNote: `geotransform of ${gridWords(run.preparation)} with the pixel size x ${stride} (one feature per ${stride} x ${stride} pixels)` }],
    };
    await writeReport(`${result.outPath}.report.json`, report);
    return report;
  } finally {
    await run.close();
  }
}

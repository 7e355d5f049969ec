/**
 * segment with a fused head (head manifest encoder.modality "fused"): per-pixel classes of an
 * S2 and/or S1 time series from a head on the fusion module's features (one 128-channel
 * feature per S2 pixel, stride 1). runSegment routes here; the series is read, dated and
 * checked exactly as fused-embed does (fusion/fused-series.ts) and the outputs are those of
 * every segment run: the Byte class raster (nodata 255, palette, category names), optionally
 * <out-stem>.prob.tif, and <out>.report.json with the dates and where each came from.
 *
 * The fusion runs on whole tiles here, not only on the part the blend keeps (as fused-embed
 * does): a head may look at neighbouring pixels, and a feature left NaN at the tile's margin
 * would spread into the kept part. Output is on the reference grid (the first S2 input):
 * the fused features are already one per input pixel, so the `grid` option has nothing to
 * choose and there is no `gsd` (S2/S1 are fused on their 10 m grid).
 */
import { ApiError } from '../../api.ts';
import type { HeadManifest } from '../../model/index.ts';
import { writeReport } from '../../raster/index.ts';
import { checkSeriesOptions, openFusedSeries, seriesGrid, type DatedSeriesSummary, type FusedInputReport, type FusedSeries } from '../../fusion/index.ts';
import { openFusedHead, runFusedDense, type DenseHeadOptions, type HeadReport, type SeriesInputOptions } from '../../heads/index.ts';

export type SegmentSeriesReport = Omit<HeadReport, 'task' | 'inputs'> & {
  task: 'segment';
  /** The fused series, as fused-embed reports it. */
  series: DatedSeriesSummary;
  /** One per date: its source, date and where the date came from (fused-embed's inputs). */
  inputs: FusedInputReport[];
};

/** Runs a fused segment head on an S2 / S1 series; called by runSegment. */
export async function runSegmentSeries(
  h: { dir: string; manifestPath: string; manifest: HeadManifest },
  o: DenseHeadOptions & SeriesInputOptions,
  t0: number,
): Promise<SegmentSeriesReport> {
  const now = o.now ?? new Date();
  if (o.gsd !== undefined) throw new ApiError('E_BAD_REQUEST', `gsd "${o.gsd}": does not apply to fused head "${h.manifest.name}": the S2/S1 series is fused on its own 10 m grid`);
  if (o.grid !== undefined && o.grid !== 'input' && o.grid !== 'model') throw new ApiError('E_BAD_REQUEST', `grid "${String(o.grid)}": use "input" or "model"`);
  const asked = checkSeriesOptions(o, now, `segment with fused head "${h.manifest.name}"`);
  const fh = await openFusedHead(h, o);
  let series: FusedSeries | null = null;
  try {
    series = await openFusedSeries(fh.model, asked, o, { task: 'segment', now, tilePref: fh.head.tile, shard: o.shard, progress: o.progress });
    const f = series;
    const { report: common, outPath } = await runFusedDense({
      fh,
      task: 'segment',
      o,
      series: [f],
      dates: [undefined],
      raster: f.raster,
      probabilities: o.probabilities ?? false,
      dateMetadata: f.dateMetadata,
      gridNote: `the reference grid of ${f.ref.path}: same CRS, size and geotransform (one class per S2 pixel)`,
      t0,
    });
    const report: SegmentSeriesReport = {
      task: 'segment',
      ...common,
      series: { modalities: f.modalities, hr: f.hr, grid: seriesGrid(f), mask: f.mask, notes: f.notes, sessions: f.sessions, dateEmbedding: f.dateEmbedding },
      inputs: f.inputs,
    };
    await writeReport(`${outPath}.report.json`, report);
    return report;
  } finally {
    await series?.close();
    await fh.model.close();
  }
}

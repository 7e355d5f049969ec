/**
 * How every task's report describes a fused series: its reference grid and what was fused
 * (modalities, the HR frame, the mask, notes, where each session ran), written the same way
 * by fused-embed, the feature tasks and the fused heads so one reader understands them all.
 */
import type { GeoTransform } from '../api.ts';
import type { MaskReport } from '../inputs/index.ts';
import { crsName } from '../raster/index.ts';
import type { FrameModality } from './fused-infer.ts';
import type { FusedSeries } from './fused-series.ts';
import type { HrFrameReport } from './hr-frame.ts';

export interface SeriesGrid {
  reference: string;
  width: number;
  height: number;
  crs: string | null;
  geoTransform: GeoTransform;
}

export interface SeriesSummary {
  modalities: FrameModality[];
  /** The HR frame (grid, resampling, its encoder pass); null without an HR image. */
  hr: HrFrameReport | null;
  grid: SeriesGrid;
  mask: MaskReport | null;
  notes: string[];
  /** Provider of each session, by module name. */
  sessions: Record<string, string>;
}

/** A series summary with the date embedding the fusion module applied. */
export type DatedSeriesSummary = SeriesSummary & { dateEmbedding: FusedSeries['dateEmbedding'] };

/** The reference grid as reports give it. */
export function seriesGrid(f: FusedSeries): SeriesGrid {
  const ref = f.ref;
  return { reference: ref.path, width: ref.width, height: ref.height, crs: crsName(ref.crs), geoTransform: [...ref.geoTransform] };
}

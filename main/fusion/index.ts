// main/fusion: SkySense's multi-date, multi-modal path: series stacking and dating, the HR frame, fused inference, series reports.
export { seriesGrid, type SeriesGrid, type DatedSeriesSummary } from './series-report.ts';
export {
  checkSeriesOptions,
  openFusedSeries,
  type CheckedSeries,
  type FusedInputReport,
  type FusedSeries,
  type SeriesOptions,
} from './fused-series.ts';
export type { Resample } from './grid-fit.ts';
export type { FrameModality } from './fused-infer.ts';
export { coveredWindow, type HrFrameReport } from './hr-frame.ts';

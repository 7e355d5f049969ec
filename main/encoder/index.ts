// main/encoder: one raster through a single-date encoder: preparation, session, the tiler's InferFn and the run report's head.
export { TILE_VIEWS, type TileView } from './tile-view.ts';
export { checkTile, encoderFor, encoderInfer, prepareEncoderRun, reportRun, type EncoderRunOptions, type RunReportHead, type TilingHead } from './encoder-run.ts';

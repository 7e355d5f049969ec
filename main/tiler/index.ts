// main/tiler: the streaming engine every task runs through: tile plans and reads, the read -> infer -> blend -> write pipeline, output sinks, shards.
export { runTiled, checkOutPath, WORKER_MIN_VALUES, type RunTiledOptions, type RunTiledResult, type PostTransform } from './run-tiled.ts';
export { planTiles, parseShard, type Tile, type TilePlan, type Shard } from './tile-plan.ts';
export type { InferFn, StageTimings } from './pipeline.ts';
export type { TiledProgress } from './progress.ts';
export { inputRowsOf, tileAt } from './tile-plan.ts';
export { openRowSink, outputGeoTransform, type RowSink, type OutputSpec } from './output-writer.ts';
export { ProgressClock } from './progress.ts';
export { streamFeatures, tiledOptions, featurePlan, knownEmptyTiles, type FeatureTiling } from './feature-stream.ts';
export { cancelled } from './pipeline.ts';
export { readTile, type TileData } from './tile-read.ts';
export { BlendAccumulator } from './blend-accumulator.ts';
export { blendWindows } from './blend-weights.ts';

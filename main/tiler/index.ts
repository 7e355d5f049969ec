// main/tiler: the streaming engine every task runs through: tile plans and reads, the read -> infer -> blend -> write pipeline, output sinks, shards.
export { runTiled, checkOutPath, type RunTiledResult, type PostTransform } from './run-tiled.ts';
export { planTiles, parseShard, inputRowsOf, tileAt, type Tile, type TilePlan, type Shard } from './tile-plan.ts';
export { cancelled, type InferFn, type StageTimings } from './pipeline.ts';
export { ProgressClock, type TiledProgress } from './progress.ts';
export { openRowSink, outputGeoTransform, type RowSink, type OutputSpec } from './output-writer.ts';
export { streamFeatures, tiledOptions, featurePlan, knownEmptyTiles, type FeatureTiling } from './feature-stream.ts';
export { readTile, type TileData } from './tile-read.ts';
export { startWorker, workerEntry } from './worker-start.ts';
export { BlendAccumulator } from './blend-accumulator.ts';
export { blendWindows } from './blend-weights.ts';

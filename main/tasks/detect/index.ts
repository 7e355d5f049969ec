/**
 * main/tasks/detect: boxes from detectors (SkySense detect heads, Deepness YOLO models):
 * box geometry, rotated IoU, class-wise NMS, merging across tiles, the tile loop, and
 * boxes written as map polygons.
 */
export { runDetect, type DetectOptions, type DetectReport } from './run.ts';
export { boxExtent, type Box, type Point } from '../../heads/index.ts';
export { boxCorners } from '../../vector/index.ts';
export { axisIoU, rotatedIoU, classWiseNms } from './nms.ts';
export { TileMerger, type MergeOptions, type MergeStats } from './tile-merge.ts';
export { detectTiles, type DetectInferFn, type DetectTilesOptions, type DetectTilesResult } from './detect-tiles.ts';
export { decodeCells, type CellDecodeSpec } from '../../heads/index.ts';
export { openBoxOutput, type BoxOutput, type BoxOutputOptions } from './box-output.ts';
export { detectionReport, type DetectionsReport, type ShardReport } from './detect-tiles.ts';

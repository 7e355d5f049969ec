/**
 * main/tasks/detect: boxes from detectors (SkySense detect heads, Deepness YOLO models):
 * box geometry, rotated IoU, class-wise NMS, merging across tiles, the tile loop, and
 * boxes written as map polygons.
 */
export { runDetect, type DetectReport } from './run.ts';
export { axisIoU, rotatedIoU, classWiseNms } from './nms.ts';
export { TileMerger } from './tile-merge.ts';
export { detectTiles, detectionReport, type DetectTilesResult, type DetectionsReport, type ShardReport } from './detect-tiles.ts';
export { openBoxOutput } from './box-output.ts';

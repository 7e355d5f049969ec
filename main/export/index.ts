/**
 * main/export: results written for other software: rasters as Cloud-Optimized GeoTIFF,
 * vector layers as GeoPackage or GeoJSON, map snapshots as PNG, each to a checked
 * destination under a temporary name then renamed.
 */
export { exportCog } from './raster-export.ts';
export { exportVector } from './vector-export.ts';
export { writePng } from './png-write.ts';

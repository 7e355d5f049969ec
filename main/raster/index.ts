/**
 * main/raster: the raster reading layer (plain Node). Opens GeoTIFF/COG, band folders
 * and PNG/JPEG; reads windows and overviews; prepares display COGs; writes tiled
 * GeoTIFFs. See /work/notes/interfaces.md for the contract.
 */
export type { NumericArray, Window, Raster, ReadOptions } from './types.ts';
export { openRaster, rasterInfo } from './open-raster.ts';
export { prepareDisplay } from './display-cache.ts';
export { bandStats } from './band-stats.ts';
export { crsTransformer } from './crs-transform.ts';
export { pixelOf, coordOf } from './geotransform.ts';
export { GeoTiffWriter, type GeoTiffWriterOptions } from './tiff-writer.ts';
export { PyramidWriter } from './pyramid-writer.ts';

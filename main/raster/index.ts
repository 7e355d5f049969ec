/**
 * main/raster: the raster reading layer (plain Node). Opens GeoTIFF/COG, band folders
 * and PNG/JPEG; reads windows and overviews; prepares display COGs; writes tiled
 * GeoTIFFs. What the UI sees of it is main/api.ts.
 */
export type { NumericArray, Window, Raster, ReadOptions, ProgressContext } from './types.ts';
export { openRaster, rasterInfo, inspectRaster } from './open-raster.ts';
export { readTiffTags } from './tiff-file.ts';
export { prepareDisplay } from './display-cache.ts';
export { bandStats } from './band-stats.ts';
export { crsTransformer } from './crs-transform.ts';
export { pixelOf, coordOf, cornersOf, IDENTITY, applyGeoTransform } from './geotransform.ts';
export { GeoTiffWriter, type GeoTiffWriterOptions } from './tiff-writer.ts';
export { PyramidWriter } from './pyramid-writer.ts';
export { sampleAxis } from './sample-grid.ts';
export { crsLabel, sameCrs, sameGeoTransform } from './grid-compare.ts';
export { cellArea, type CellArea } from './cell-area.ts';
export { writeReport } from './write-whole.ts';
export { crsName, metresPerUnit } from './crs-units.ts';
export { isNodata } from './nodata.ts';
export { parseGdalMetadata } from './gdal-metadata.ts';
export { Tag } from './tiff-tags.ts';
export { axisTaps, resampleBand, type ResampleMethod } from './resample-kernels.ts';
export { writeCategoryNames, readCategoryNames } from './category-names.ts';
export { lookupEpsg } from './epsg.ts';
export { makeArray, typeRange, bytesPerSample } from './data-type.ts';
export { partPrefix, partPath } from './part-path.ts';
export { removeStaleParts } from './stale-parts.ts';
export { ellipsoidRingArea } from './ellipsoid-area.ts';
export { countClasses } from './class-count.ts';

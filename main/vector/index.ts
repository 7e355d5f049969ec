/**
 * main/vector: class rasters to polygons, detection boxes to polygons, and the
 * GeoJSON / GeoPackage writers every GIS reads.
 */
export type { Feature, FieldDef, FieldType, Geometry, PolygonGeometry, MultiPolygonGeometry, Position, PropertyValue, VectorWriter, VectorWriterOptions } from './types.ts';
export { openVectorWriter, vectorFormatOf, type VectorFormat } from './vector-writer.ts';
export { GeoJsonWriter } from './geojson-writer.ts';
export { GeoPackageWriter, GPKG_MAX_BYTES, type GeoPackageWriterLimits } from './gpkg-writer.ts';
export {
  polygonizeRaster,
  checkClassRaster,
  featureCrs,
  CLASS_POLYGON_FIELDS,
  type PolygonizeOptions,
  type PolygonizeSummary,
  type ClassSummary,
} from './polygonize.ts';
export { polygonizeToFile, layerNameOf, type PolygonizeToFileOptions, type PolygonizeFileReport } from './polygonize-to-file.ts';
export { boxToPolygon, boxCorners, type PixelBox } from './boxes.ts';
export { geometryArea, polygonArea } from './polygon-area.ts';
export { readCategoryNames, classNameMap, type ClassNames } from './category-names.ts';
export { planarRingArea } from './polygon-area.ts';

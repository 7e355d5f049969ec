/**
 * main/vector: class rasters to polygons, detection boxes to polygons, and the
 * GeoJSON / GeoPackage writers every GIS reads, and the readers of GeoJSON and GeoPackage labels.
 */
export type { Feature, FieldDef, VectorWriter } from './types.ts';
export { openVectorWriter, vectorFormatOf } from './vector-writer.ts';
export { GeoPackageWriter } from './gpkg-writer.ts';
export { CLASS_POLYGON_FIELDS } from './polygonize.ts';
export { polygonizeToFile } from './polygonize-to-file.ts';
export { boxToPolygon, boxCorners, type PixelBox } from './boxes.ts';
export { geometryArea, linearUnitMetres, planarRingArea } from './polygon-area.ts';
export { insidePolygon, readQueryPolygons, readGeoJsonFeatures, WGS84_LONLAT, type PolygonRings } from './geojson-read.ts';
export { readGpkgFeatures } from './gpkg-read.ts';
export { readVectorForDisplay } from './display-read.ts';

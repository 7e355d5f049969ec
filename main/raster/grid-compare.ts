/**
 * Whether two rasters share a CRS and a pixel grid: what band folders, change pairs, fused
 * series and masks all check before reading windows of one as windows of the other.
 */
import type { RasterInfo } from '../api.ts';

/** 'EPSG:32632' or the CRS name, for error messages. */
export function crsLabel(info: RasterInfo): string {
  if (!info.crs) return 'no CRS';
  return info.crs.epsg !== null ? `EPSG:${info.crs.epsg}` : `"${info.crs.name}"`;
}

/** Same EPSG code when both have one, else the same proj4 definition or WKT. */
export function sameCrs(a: RasterInfo, b: RasterInfo): boolean {
  if (!a.crs || !b.crs) return a.crs === b.crs;
  if (a.crs.epsg !== null && b.crs.epsg !== null) return a.crs.epsg === b.crs.epsg;
  return a.crs.proj4 === b.crs.proj4 || a.crs.wkt === b.crs.wkt;
}

/** Geotransforms agree to a thousandth of a pixel at every corner of `a`. */
export function sameGeoTransform(a: RasterInfo, b: RasterInfo): boolean {
  const ga = a.geoTransform;
  const gb = b.geoTransform;
  const tol = 1e-3 * Math.max(Math.abs(ga[1]), Math.abs(ga[5]), Math.abs(ga[2]), Math.abs(ga[4]));
  for (const [x, y] of [[0, 0], [a.width, 0], [0, a.height], [a.width, a.height]]) {
    if (Math.abs(ga[0] + x * ga[1] + y * ga[2] - (gb[0] + x * gb[1] + y * gb[2])) > tol) return false;
    if (Math.abs(ga[3] + x * ga[4] + y * ga[5] - (gb[3] + x * gb[4] + y * gb[5])) > tol) return false;
  }
  return true;
}

/**
 * GDAL's six-number geotransform from GeoTIFF tags, corner coordinates the way gdalinfo
 * prints them, and pixel <-> coordinate mapping.
 */
import type { Corners, GeoTransform, RasterInfo } from '../api.ts';

export const IDENTITY: GeoTransform = [0, 1, 0, 0, 0, 1];

/**
 * From ModelTransformation, or one tiepoint + ModelPixelScale. PixelIsPoint rasters are
 * shifted by half a pixel so the transform addresses pixel corners, as GDAL does.
 * Null when the file has no affine georeferencing (e.g. only GCPs).
 */
export function geoTransformFromTags(
  tiepoint: ArrayLike<number> | null,
  scale: ArrayLike<number> | null,
  transformation: ArrayLike<number> | null,
  pixelIsPoint: boolean,
): GeoTransform | null {
  let gt: GeoTransform | null = null;
  if (transformation && transformation.length >= 16) {
    const m = transformation;
    gt = [m[3], m[0], m[1], m[7], m[4], m[5]];
  } else if (tiepoint && tiepoint.length === 6 && scale && scale.length >= 2) {
    const [i, j, , x, y] = Array.from(tiepoint);
    const sx = scale[0];
    const sy = scale[1];
    gt = [x - i * sx, sx, 0, y + j * sy, 0, -sy];
  }
  if (gt && pixelIsPoint) {
    gt = [gt[0] - 0.5 * gt[1] - 0.5 * gt[2], gt[1], gt[2], gt[3] - 0.5 * gt[4] - 0.5 * gt[5], gt[4], gt[5]];
  }
  return gt;
}

export function applyGeoTransform(gt: GeoTransform, col: number, row: number): [number, number] {
  return [gt[0] + col * gt[1] + row * gt[2], gt[3] + col * gt[4] + row * gt[5]];
}

export function invertGeoTransform(gt: GeoTransform): GeoTransform {
  const det = gt[1] * gt[5] - gt[2] * gt[4];
  if (det === 0) throw new Error('geotransform is not invertible');
  const inv = 1 / det;
  return [
    (gt[2] * gt[3] - gt[0] * gt[5]) * inv,
    gt[5] * inv,
    -gt[2] * inv,
    (-gt[1] * gt[3] + gt[0] * gt[4]) * inv,
    -gt[4] * inv,
    gt[1] * inv,
  ];
}

export function cornersOf(gt: GeoTransform, width: number, height: number): Corners {
  return {
    upperLeft: applyGeoTransform(gt, 0, 0),
    lowerLeft: applyGeoTransform(gt, 0, height),
    upperRight: applyGeoTransform(gt, width, 0),
    lowerRight: applyGeoTransform(gt, width, height),
    center: applyGeoTransform(gt, width / 2, height / 2),
  };
}

/**
 * Layer-CRS coordinate -> fractional pixel position [col, row] (GDAL convention: the
 * first pixel spans 0..1, so Math.floor gives the pixel index).
 */
export function pixelOf(info: RasterInfo, xy: [number, number]): [number, number] {
  const inv = invertGeoTransform(info.geoTransform);
  return applyGeoTransform(inv, xy[0], xy[1]);
}

/** Pixel position (fractional col,row) -> layer-CRS coordinate; the inverse of pixelOf. */
export function coordOf(info: RasterInfo, colRow: [number, number]): [number, number] {
  return applyGeoTransform(info.geoTransform, colRow[0], colRow[1]);
}


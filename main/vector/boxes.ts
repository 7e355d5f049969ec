/**
 * Detection boxes -> polygons. A box is given in pixel coordinates of the raster it
 * was detected on (centre, size, and for oriented boxes an angle in radians,
 * counter-clockwise as seen on the image, 0 = axis aligned: the detect head's
 * convention of main/heads/box.ts) and comes out as a closed ring in the raster's CRS
 * through its geotransform, counter-clockwise in that CRS like polygonized regions.
 */
import { ApiError, type GeoTransform } from '../api.ts';
import { applyGeoTransform } from '../raster/index.ts';
import type { PolygonGeometry } from './types.ts';

export interface PixelBox {
  cx: number;
  cy: number;
  w: number;
  h: number;
  /** Radians, counter-clockwise on the image (y down); default 0. */
  angle?: number;
}

/** The four corners in pixel coordinates, clockwise on screen (y down) from the box's own top-left. */
export function boxCorners(box: PixelBox): [number, number][] {
  const { cx, cy, w, h } = box;
  const a = box.angle ?? 0;
  if (![cx, cy, w, h, a].every(Number.isFinite) || w <= 0 || h <= 0) {
    throw new ApiError('E_BAD_REQUEST', `box (${cx}, ${cy}, ${w} x ${h}, angle ${a}) needs finite numbers and a positive size`);
  }
  const c = Math.cos(a);
  const s = Math.sin(a);
  // Counter-clockwise on screen with y pointing down: x' = u·cos + v·sin, y' = -u·sin + v·cos.
  const at = (u: number, v: number): [number, number] => [cx + u * c + v * s, cy - u * s + v * c];
  return [at(-w / 2, -h / 2), at(w / 2, -h / 2), at(w / 2, h / 2), at(-w / 2, h / 2)];
}

export function boxToPolygon(box: PixelBox, gt: GeoTransform): PolygonGeometry {
  let corners = boxCorners(box).map(([col, row]) => applyGeoTransform(gt, col, row));
  // Corners run clockwise on screen (y down); a north-up geotransform (negative determinant)
  // keeps them clockwise in the CRS, so reverse them to the counter-clockwise of RFC 7946.
  if (gt[1] * gt[5] - gt[2] * gt[4] < 0) corners = corners.reverse();
  return { type: 'Polygon', coordinates: [[...corners, [corners[0][0], corners[0][1]]]] };
}

// Labels are kept in their raster's CRS; the map shows EPSG:3857. These convert a label to
// an OpenLayers geometry on the map and a drawn or edited geometry back, with OpenLayers'
// own transform (the raster's CRS registered by layer-projection.ts).
import Point from 'ol/geom/Point.js';
import Polygon from 'ol/geom/Polygon.js';
import type Geometry from 'ol/geom/Geometry.js';
import { transform } from 'ol/proj.js';
import type { LabelFeature } from '../../../main/api.ts';
import { MAP_PROJECTION } from './display-geotiff.ts';

type XY = [number, number];

export function labelGeometry(f: LabelFeature, crs: string): Point | Polygon {
  const toMap = (c: XY) => transform(c, crs, MAP_PROJECTION);
  return f.shape === 'point' ? new Point(toMap(f.coordinates[0])) : new Polygon([f.coordinates.map(toMap)]);
}

/** A point's one position, or a polygon's outer ring (closed), in the raster's CRS. */
export function labelCoordinates(g: Geometry, crs: string): XY[] {
  const fromMap = (c: number[]) => transform(c, MAP_PROJECTION, crs) as XY;
  if (g instanceof Point) return [fromMap(g.getCoordinates())];
  if (g instanceof Polygon) {
    const ring = (g.getCoordinates()[0] ?? []).map(fromMap);
    if (ring.length > 0) ring[ring.length - 1] = [ring[0][0], ring[0][1]];
    return ring;
  }
  return [];
}

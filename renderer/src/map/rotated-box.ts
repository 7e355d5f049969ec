// The "rotated box" label as a Draw geometry function: the first two clicks are the corners
// of one side, the third gives the width (its distance from that side, on either side). So a
// rectangle at any angle takes three clicks, and OpenLayers' Draw shows it as it grows.
import Polygon from 'ol/geom/Polygon.js';
import type { GeometryFunction } from 'ol/interaction/Draw.js';
import type { Coordinate } from 'ol/coordinate.js';

/** The closed ring of the rectangle with side a-b reaching out to c's distance from that side. */
export function rotatedBoxRing(a: Coordinate, b: Coordinate, c: Coordinate): Coordinate[] {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const len = Math.hypot(dx, dy);
  if (len === 0) return [a, b, b, a, a].map((p) => [p[0], p[1]]);
  const [nx, ny] = [-dy / len, dx / len];
  const w = (c[0] - a[0]) * nx + (c[1] - a[1]) * ny;
  const [ox, oy] = [nx * w, ny * w];
  return [[a[0], a[1]], [b[0], b[1]], [b[0] + ox, b[1] + oy], [a[0] + ox, a[1] + oy], [a[0], a[1]]];
}

/** For Draw({ type: 'Polygon', maxPoints: 3, geometryFunction }). */
export const rotatedBox: GeometryFunction = (coordinates, geometry) => {
  const points = (coordinates as Coordinate[][])[0] ?? [];
  const [a, b, c] = points;
  const ring = !a ? [] : !b ? [a, a, a, a] : rotatedBoxRing(a, b, c ?? b);
  const poly = (geometry as Polygon | undefined) ?? new Polygon([]);
  poly.setCoordinates([ring]);
  return poly;
};

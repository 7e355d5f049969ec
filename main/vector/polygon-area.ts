/**
 * Area of a polygon in m² from its CRS coordinates: planar (shoelace) in a projected
 * CRS with metre or foot units, on the WGS84 ellipsoid in a geographic CRS (see
 * raster/ellipsoid-area.ts), null when there is no CRS or its unit has no length.
 */
import type { Crs } from '../api.ts';
import { ellipsoidRingArea } from '../raster/index.ts';
import type { Geometry, Position } from './types.ts';
import { metresPerUnit } from '../raster/index.ts';

/** Metres per CRS unit for planar areas; null for geographic or unknown units. */
export function linearUnitMetres(crs: Crs): number | null {
  return metresPerUnit(crs);
}

export function geometryArea(g: Geometry, crs: Crs | null): number | null {
  if (!crs) return null;
  if (g.type === 'Point') return 0;
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let sum = 0;
  for (const rings of polys) {
    const a = polygonArea(rings, crs);
    if (a === null) return null;
    sum += a;
  }
  return sum;
}

/** Outer ring minus holes, whatever their orientation. */
export function polygonArea(rings: Position[][], crs: Crs): number | null {
  const unit = linearUnitMetres(crs);
  if (crs.units !== 'degree' && unit === null) return null;
  let area = 0;
  rings.forEach((ring, i) => {
    const a = Math.abs(crs.units === 'degree' ? ellipsoidRingArea(flatten(ring)) : planarRingArea(ring) * unit! * unit!);
    area += i === 0 ? a : -a;
  });
  return area;
}

/** Signed shoelace area, taken about the first vertex so large projected coordinates do not cancel. */
export function planarRingArea(ring: Position[]): number {
  const x0 = ring[0][0];
  const y0 = ring[0][1];
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    s += (ring[i][0] - x0) * (ring[i + 1][1] - y0) - (ring[i + 1][0] - x0) * (ring[i][1] - y0);
  }
  // The closing edge back to the first vertex adds nothing about that vertex, closed ring or not.
  return s / 2;
}

function flatten(ring: Position[]): Float64Array {
  const closed = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1];
  const n = closed ? ring.length - 1 : ring.length;
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = ring[i][0];
    out[2 * i + 1] = ring[i][1];
  }
  return out;
}

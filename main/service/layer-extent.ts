/**
 * A layer's footprint on the map. Straight edges in the layer CRS bend in Web Mercator
 * (UTM near a zone edge, polar or conic projections), so each edge is sampled, not just
 * the four corners, before taking the bounding box.
 */
import type { GeoTransform, RasterInfo } from '../api.ts';
import { crsTransformer } from '../raster/index.ts';

export type Extent = [number, number, number, number];

const SAMPLES_PER_EDGE = 32;
// Web Mercator is undefined at the poles; clamp geographic inputs to its valid band.
const MAX_MERCATOR_LAT = 85.0511287798066;

function toCrs(gt: GeoTransform, col: number, row: number): [number, number] {
  return [gt[0] + col * gt[1] + row * gt[2], gt[3] + col * gt[4] + row * gt[5]];
}

/** Pixel space, y up (row = -y): what the renderer uses for non-georeferenced images. */
export function pixelExtent(info: RasterInfo): Extent {
  return [0, -info.height, info.width, 0];
}

/** True when the layer can be placed on the Web Mercator map. */
export function isMapped(info: RasterInfo): boolean {
  return info.georeferenced && info.crs !== null;
}

export function mapExtent(info: RasterInfo): Extent | null {
  if (!isMapped(info) || !info.crs) return null;
  const tr = crsTransformer(info.crs);
  const geographic = info.crs.units === 'degree';
  const { width: w, height: h, geoTransform: gt } = info;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const visit = (col: number, row: number) => {
    let [x, y] = toCrs(gt, col, row);
    if (geographic) {
      x = Math.max(-180, Math.min(180, x));
      y = Math.max(-MAX_MERCATOR_LAT, Math.min(MAX_MERCATOR_LAT, y));
    }
    let p: [number, number];
    try {
      p = tr.toMap([x, y]);
    } catch {
      return; // a point outside the projection's domain does not shrink the rest
    }
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) return;
    minX = Math.min(minX, p[0]); maxX = Math.max(maxX, p[0]);
    minY = Math.min(minY, p[1]); maxY = Math.max(maxY, p[1]);
  };
  for (let i = 0; i <= SAMPLES_PER_EDGE; i++) {
    const f = i / SAMPLES_PER_EDGE;
    visit(f * w, 0);
    visit(f * w, h);
    visit(0, f * h);
    visit(w, f * h);
  }
  return Number.isFinite(minX) && Number.isFinite(minY) ? [minX, minY, maxX, maxY] : null;
}

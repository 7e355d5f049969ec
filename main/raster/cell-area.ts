/**
 * Ground area of the cells of an output grid (the input's grid scaled by `stride`), in m²,
 * for per-class areas in run reports.
 *
 * - Projected CRS: the geotransform's cell area (|det|) in the CRS's linear unit, converted
 *   to m². That is area on the projection plane: a projection's scale error is not
 *   removed (UTM: within 0.04 % near the central meridian, up to ~0.1 % at a zone edge).
 * - Geographic CRS (degrees): the exact area of the cell on the CRS's ellipsoid, between its
 *   two parallels and two meridians (authalic-latitude formula), row by row, because a
 *   degree cell shrinks towards the poles. Rotated geographic grids use the cell's
 *   centre latitude for the scale, and the report says so.
 * - Not georeferenced, or a unit we cannot convert: no area.
 *
 * Cells of the last row or column that reach past the raster edge count only the part
 * inside it.
 */
import proj4 from 'proj4';
import type { RasterInfo } from '../api.ts';
import { metresPerUnit } from './crs-units.ts';
import { ellipsoidStripArea } from './ellipsoid-area.ts';

export interface CellArea {
  /** m² of output cell (col, row) (row on the whole output grid), or null when unknown. */
  cell(col: number, row: number): number | null;
  method: 'planar' | 'ellipsoid' | 'none';
  note: string;
}

function ellipsoidOf(info: RasterInfo): { a: number; e: number } {
  // proj4 parses the CRS's own definition: +ellps, +datum, or explicit +a/+b/+rf.
  const p = proj4.Proj(info.crs!.proj4) as unknown as { a?: number; es?: number };
  const a = p.a ?? 6378137;
  const es = p.es ?? 0.0066943799901413165;
  return { a, e: Math.sqrt(es) };
}

export function cellArea(info: RasterInfo, stride: number): CellArea {
  const gt = info.geoTransform;
  const W = info.width;
  const H = info.height;
  const fracCol = (col: number) => Math.max(0, Math.min(stride, W - col * stride)) / stride;
  const fracRow = (row: number) => Math.max(0, Math.min(stride, H - row * stride)) / stride;
  if (!info.georeferenced || !info.crs) return { cell: () => null, method: 'none', note: 'the input is not georeferenced: no areas' };
  const units = info.crs.units;
  if (units === 'degree') {
    const { a, e } = ellipsoidOf(info);
    const rotated = gt[2] !== 0 || gt[4] !== 0;
    const rad = Math.PI / 180;
    const rowCache = new Map<number, number>();
    const rowArea = (row: number): number => {
      let v = rowCache.get(row);
      if (v !== undefined) return v;
      const y0 = row * stride;
      const y1 = Math.min(H, (row + 1) * stride);
      if (!rotated) {
        const lat0 = (gt[3] + y0 * gt[5]) * rad;
        const lat1 = (gt[3] + y1 * gt[5]) * rad;
        const dLon = Math.abs(stride * gt[1]) * rad;
        v = dLon * Math.abs(ellipsoidStripArea(lat1, a, e) - ellipsoidStripArea(lat0, a, e));
      } else {
        // Rotated grid: the cell's parallelogram in degrees, scaled at its centre latitude.
        const lat = (gt[3] + ((y0 + y1) / 2) * gt[5] + (stride / 2) * gt[4]) * rad;
        const s = Math.sin(lat);
        const w = 1 - e * e * s * s;
        const mPerDegLat = (a * (1 - e * e)) / Math.pow(w, 1.5) * rad;
        const mPerDegLon = (a * Math.cos(lat)) / Math.sqrt(w) * rad;
        v = Math.abs(gt[1] * gt[5] - gt[2] * gt[4]) * stride * (y1 - y0) * mPerDegLat * mPerDegLon;
      }
      rowCache.set(row, v);
      return v;
    };
    return {
      cell: (col, row) => rowArea(row) * fracCol(col),
      method: 'ellipsoid',
      note: rotated
        ? `geographic CRS on a rotated grid: cell areas from the ${info.crs.name} ellipsoid's scale at each cell's centre latitude`
        : `geographic CRS: exact cell areas on the ${info.crs.name} ellipsoid (between the cell's parallels and meridians)`,
    };
  }
  const k = metresPerUnit(info.crs);
  if (k === null) return { cell: () => null, method: 'none', note: `CRS unit "${units}" cannot be converted to metres: no areas` };
  const px = Math.abs(gt[1] * gt[5] - gt[2] * gt[4]) * k * k;
  return {
    cell: (col, row) => px * stride * stride * fracCol(col) * fracRow(row),
    method: 'planar',
    note: `projected CRS (${info.crs.name}): cell area from the geotransform on the projection plane (the projection's scale error is not removed)`,
  };
}

// The rows of a detections table: class, score and ground area of each scored feature,
// best score first. The area is the file's own (our detect writes `area` in m²) where it
// has one, else the geodesic area of the lon/lat polygon.
import GeoJSON from 'ol/format/GeoJSON.js';
import { getArea } from 'ol/sphere.js';
import type { VectorData } from '../../../main/api.ts';
import { classOf } from './vector-layers.ts';

export interface DetectionRow {
  index: number;
  cls: string;
  score: number;
  areaM2: number | null;
}

/** At most this many rows are listed; the map shows every feature. */
export const MAX_ROWS = 1000;

export function detectionRows(data: VectorData): DetectionRow[] {
  const format = new GeoJSON();
  const rows = data.features.map((f, index) => {
    const own = [f.properties.area, f.properties.area_m2].find((v) => typeof v === 'number');
    let areaM2 = typeof own === 'number' ? own : null;
    if (areaM2 === null && (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon')) {
      const g = format.readGeometry(f.geometry);
      areaM2 = g ? getArea(g, { projection: 'EPSG:4326' }) : null;
    }
    return { index, cls: classOf(data, index), score: Number(f.properties.score), areaM2 };
  });
  return rows.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, MAX_ROWS);
}

/**
 * Reads GeoJSON files: the polygon(s) of a `similar` query (a Polygon or MultiPolygon
 * geometry, a Feature holding one, or a FeatureCollection: all its polygon features, as one
 * union), and the features of a label file (polygons and points with their properties).
 *
 * Coordinates are RFC 7946 longitude, latitude (WGS 84) unless the file has the older
 * (2008) `crs` member naming another CRS ("EPSG:32633", "urn:ogc:def:crs:EPSG::32633",
 * CRS84); those are x, y in that CRS, resolved offline from the EPSG index. Axis order is
 * always x (easting / longitude) first, as GeoJSON writers (GDAL, QGIS) put it.
 */
import { readFile, stat } from 'node:fs/promises';
import { ApiError } from '../api.ts';
import { lookupEpsg } from '../raster/index.ts';

/** One polygon: rings of [x, y], the first the outer boundary, the others holes. */
export type PolygonRings = [number, number][][];

export interface QueryPolygons {
  polygons: PolygonRings[];
  /** proj4 definition of the coordinates. */
  proj4: string;
  /** Words for reports and errors: "lon/lat (RFC 7946)" or "EPSG:32633 (crs member)". */
  crsName: string;
}

export const WGS84_LONLAT = '+proj=longlat +datum=WGS84 +no_defs';
const MAX_BYTES = 64 * 2 ** 20;

function bad(path: string, msg: string): ApiError {
  return new ApiError('E_BAD_REQUEST', `${path}: ${msg}`, path);
}

function crsOf(path: string, doc: Record<string, unknown>): { proj4: string; crsName: string } {
  const crs = doc.crs as { type?: string; properties?: { name?: unknown } } | undefined;
  if (crs === undefined || crs === null) return { proj4: WGS84_LONLAT, crsName: 'lon/lat WGS 84 (RFC 7946)' };
  const name = crs.properties?.name;
  if (crs.type !== 'name' || typeof name !== 'string') throw bad(path, 'the "crs" member must be {"type": "name", "properties": {"name": "EPSG:<code>"}}');
  if (/CRS84$/i.test(name)) return { proj4: WGS84_LONLAT, crsName: 'lon/lat WGS 84 (CRS84)' };
  const m = /EPSG:{1,2}(\d+)$/i.exec(name);
  if (!m) throw new ApiError('E_CRS_UNKNOWN', `${path}: crs "${name}" is not an EPSG code or CRS84`, path);
  const entry = lookupEpsg(Number(m[1]));
  if (!entry) throw new ApiError('E_CRS_UNKNOWN', `${path}: crs EPSG:${m[1]} is not in the offline EPSG index`, path);
  // EPSG:4326 and its kin name lat/lon axes, but GeoJSON writers still put longitude first.
  return { proj4: entry.proj4, crsName: `EPSG:${m[1]} (crs member)` };
}

function position(path: string, p: unknown, where: string): [number, number] {
  if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
    throw bad(path, `${where}: a position must be [x, y] numbers`);
  }
  return [p[0], p[1]];
}

function polygon(path: string, coords: unknown, where: string): PolygonRings {
  if (!Array.isArray(coords) || coords.length === 0) throw bad(path, `${where}: a Polygon needs at least one ring`);
  return coords.map((ring, r) => {
    if (!Array.isArray(ring) || ring.length < 4) throw bad(path, `${where}.coordinates[${r}]: a ring needs at least 4 positions (closed)`);
    return ring.map((p, i) => position(path, p, `${where}.coordinates[${r}][${i}]`));
  });
}

function geometryPolygons(path: string, g: unknown, where: string): PolygonRings[] {
  const geom = g as { type?: unknown; coordinates?: unknown } | null;
  if (!geom || typeof geom !== 'object') throw bad(path, `${where}: no geometry`);
  if (geom.type === 'Polygon') return [polygon(path, geom.coordinates, where)];
  if (geom.type === 'MultiPolygon') {
    if (!Array.isArray(geom.coordinates)) throw bad(path, `${where}: MultiPolygon coordinates must be an array`);
    return geom.coordinates.map((c, i) => polygon(path, c, `${where}.coordinates[${i}]`));
  }
  throw bad(path, `${where}: a ${String(geom.type)} geometry; the query needs a Polygon or MultiPolygon (or give a point)`);
}

async function readDoc(path: string, what: string): Promise<Record<string, unknown>> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new ApiError('E_NOT_FOUND', `${path}: ${what} does not exist`, path);
  }
  if (size === 0) throw new ApiError('E_EMPTY', `${path}: empty file`, path);
  if (size > MAX_BYTES) throw new ApiError('E_TOO_LARGE', `${path}: ${size} bytes; a ${what} is at most ${MAX_BYTES} bytes`, path);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw bad(path, `not JSON (${(err as Error).message})`);
  }
  if (!doc || typeof doc !== 'object') throw bad(path, 'not a GeoJSON object');
  return doc;
}

export async function readQueryPolygons(path: string): Promise<QueryPolygons> {
  const doc = await readDoc(path, 'query polygon file');
  const { proj4, crsName } = crsOf(path, doc);
  let polygons: PolygonRings[];
  if (doc.type === 'FeatureCollection') {
    if (!Array.isArray(doc.features)) throw bad(path, 'a FeatureCollection needs a "features" array');
    polygons = [];
    doc.features.forEach((f, i) => {
      const t = (f as { geometry?: { type?: string } })?.geometry?.type;
      if (t === 'Polygon' || t === 'MultiPolygon') polygons.push(...geometryPolygons(path, (f as { geometry: unknown }).geometry, `features[${i}].geometry`));
    });
    if (polygons.length === 0) throw bad(path, 'the FeatureCollection holds no Polygon or MultiPolygon feature');
  } else if (doc.type === 'Feature') {
    polygons = geometryPolygons(path, doc.geometry, 'geometry');
  } else {
    polygons = geometryPolygons(path, doc, 'the geometry');
  }
  return { polygons, proj4, crsName };
}

/** Even-odd test of (x, y) against every ring of one polygon (holes excluded). */
export function insidePolygon(rings: PolygonRings, x: number, y: number): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** One feature of a label file: its polygons and points, in the file's CRS, and its properties. */
export interface GeoJsonFeature {
  polygons: PolygonRings[];
  points: [number, number][];
  properties: Record<string, unknown>;
}

function featureGeometry(path: string, g: unknown, where: string): Pick<GeoJsonFeature, 'polygons' | 'points'> {
  const geom = g as { type?: unknown; coordinates?: unknown } | null;
  if (!geom || typeof geom !== 'object') throw bad(path, `${where}: no geometry`);
  if (geom.type === 'Point') return { polygons: [], points: [position(path, geom.coordinates, `${where}.coordinates`)] };
  if (geom.type === 'MultiPoint') {
    if (!Array.isArray(geom.coordinates)) throw bad(path, `${where}: MultiPoint coordinates must be an array`);
    return { polygons: [], points: geom.coordinates.map((p, i) => position(path, p, `${where}.coordinates[${i}]`)) };
  }
  if (geom.type === 'Polygon' || geom.type === 'MultiPolygon') return { polygons: geometryPolygons(path, geom, where), points: [] };
  throw bad(path, `${where}: a ${String(geom.type)} geometry; labels are Polygons, MultiPolygons, Points or MultiPoints`);
}

/** The features of a GeoJSON label file (a FeatureCollection or one Feature), in its CRS. */
export async function readGeoJsonFeatures(path: string): Promise<{ features: GeoJsonFeature[]; proj4: string; crsName: string }> {
  const doc = await readDoc(path, 'label file');
  const { proj4, crsName } = crsOf(path, doc);
  const list = doc.type === 'FeatureCollection' ? doc.features : doc.type === 'Feature' ? [doc] : null;
  if (!Array.isArray(list)) throw bad(path, 'labels must be a GeoJSON FeatureCollection (or one Feature) with properties');
  const features = list.map((f, i) => {
    const feat = f as { geometry?: unknown; properties?: unknown };
    const properties = feat && typeof feat.properties === 'object' && feat.properties !== null ? (feat.properties as Record<string, unknown>) : {};
    return { ...featureGeometry(path, feat?.geometry, `features[${i}].geometry`), properties };
  });
  return { features, proj4, crsName };
}

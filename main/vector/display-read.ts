/**
 * A GeoJSON or GeoPackage file read for the map: every feature with all its attributes,
 * reprojected to lon/lat (the renderer draws RFC 7946 GeoJSON, whatever the file's CRS),
 * and the attribute that names each feature's class, so the map can style per class.
 */
import { extname, resolve } from 'node:path';
import proj4 from 'proj4';
import { ApiError, type VectorData, type VectorFeature, type VectorGeometry } from '../api.ts';
import { readGeoJsonFeatures, WGS84_LONLAT, type GeoJsonFeature } from './geojson-read.ts';
import { readGpkgFeatures } from './gpkg-read.ts';

/** Class attributes in the order they are looked for: ours (class_name, class), then common names. */
const CLASS_FIELDS = ['class_name', 'class', 'category', 'label', 'type', 'name'];

type Value = VectorFeature['properties'][string];

function plain(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  // Blobs and nested objects are not shown on a map.
  return null;
}

function geometryOf(f: GeoJsonFeature, toLonLat: (p: [number, number]) => [number, number]): VectorGeometry {
  if (f.polygons.length > 0) {
    const polys = f.polygons.map((rings) => rings.map((ring) => ring.map(toLonLat)));
    return polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
  }
  const pts = f.points.map(toLonLat);
  return pts.length === 1 ? { type: 'Point', coordinates: pts[0] } : { type: 'MultiPoint', coordinates: pts };
}

function classFieldOf(fields: string[], features: VectorFeature[]): string | null {
  const lower = new Map(fields.map((f) => [f.toLowerCase(), f]));
  for (const want of CLASS_FIELDS) {
    const f = lower.get(want);
    if (f && features.some((x) => x.properties[f] !== null && x.properties[f] !== '')) return f;
  }
  return null;
}

export async function readVectorForDisplay(file: string, table?: string): Promise<VectorData> {
  const path = resolve(file);
  const ext = extname(path).toLowerCase();
  let read: { features: GeoJsonFeature[]; proj4: string; crsName: string; table: string | null; skipped: number };
  if (ext === '.gpkg') {
    const g = await readGpkgFeatures(path, null, table);
    read = { ...g, table: g.table };
  } else if (ext === '.geojson' || ext === '.json') {
    if (table) throw new ApiError('E_BAD_REQUEST', `${path}: a GeoJSON file has no tables`, path);
    read = { ...(await readGeoJsonFeatures(path)), table: null, skipped: 0 };
  } else {
    throw new ApiError('E_UNSUPPORTED', `${path}: not a vector format SkySense reads (GeoPackage .gpkg, GeoJSON .geojson / .json)`, path);
  }
  const same = read.proj4 === WGS84_LONLAT;
  const tr = same ? null : proj4(read.proj4, WGS84_LONLAT);
  const toLonLat = (p: [number, number]): [number, number] => (tr ? (tr.forward(p) as [number, number]) : p);
  const fields: string[] = [];
  const seen = new Set<string>();
  const features = read.features.map((f) => {
    const properties: Record<string, Value> = {};
    for (const [k, v] of Object.entries(f.properties)) {
      if (!seen.has(k)) {
        seen.add(k);
        fields.push(k);
      }
      properties[k] = plain(v);
    }
    return { geometry: geometryOf(f, toLonLat), properties };
  });
  const scored = features.length > 0 && features.every((f) => typeof f.properties.score === 'number');
  return {
    path,
    format: ext === '.gpkg' ? 'GPKG' : 'GeoJSON',
    table: read.table,
    crsName: read.crsName,
    fields,
    classField: classFieldOf(fields, features),
    scored,
    features,
    skipped: read.skipped,
  };
}

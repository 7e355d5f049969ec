/**
 * A GeoJSON or GeoPackage layer (ours or anyone's) exported as GeoPackage or GeoJSON, by
 * the output's extension, through the vector room's reader and writers. Features are read
 * as the map has them (reprojected to lon/lat WGS 84) and written in EPSG:4326 in both
 * formats, so a GeoJSON export is RFC 7946 and a GeoPackage export opens anywhere.
 * Attribute types are taken from the values (integers, reals, else text; booleans as 0/1),
 * and names the writers refuse are made safe. The writers take polygons only: a layer of
 * points is refused by name.
 */
import { basename, extname } from 'node:path';
import { ApiError, type Crs, type VectorData, type VectorFeature } from '../api.ts';
import { lookupEpsg } from '../raster/index.ts';
import { openVectorWriter, readVectorForDisplay, type Feature, type FieldDef } from '../vector/index.ts';
import { checkDestination } from './destination.ts';

type Value = VectorFeature['properties'][string];

export interface VectorExportResult {
  out: string;
  features: number;
}

function wgs84(): Crs {
  const e = lookupEpsg(4326)!;
  return { epsg: 4326, name: e.name, wkt: e.wkt, proj4: e.proj4, units: 'degree' };
}

/** A name the writers take: letters, digits and _, not starting with a digit, not fid/geom, unique. */
function safeName(name: string, taken: Set<string>): string {
  let n = name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 60) || 'field';
  if (/^[0-9]/.test(n)) n = `_${n}`;
  if (n.toLowerCase() === 'fid' || n.toLowerCase() === 'geom') n = `${n}_1`;
  let unique = n;
  for (let k = 2; taken.has(unique.toLowerCase()); k++) unique = `${n}_${k}`;
  taken.add(unique.toLowerCase());
  return unique;
}

function typeOf(values: Value[]): FieldDef['type'] {
  const set = values.filter((v) => v !== null);
  if (set.length > 0 && set.every((v) => typeof v === 'boolean')) return 'integer';
  if (!set.every((v) => typeof v === 'number')) return 'text';
  return set.every((v) => Number.isSafeInteger(v)) ? 'integer' : 'real';
}

function converted(v: Value, type: FieldDef['type']): string | number | null {
  if (v === null) return null;
  if (typeof v === 'boolean') return type === 'text' ? String(v) : v ? 1 : 0;
  return type === 'text' ? String(v) : v;
}

function layerNameOf(data: VectorData): string {
  const base = data.table ?? basename(data.path, extname(data.path));
  const n = base.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^gpkg_/i, '').slice(0, 60);
  return /^[A-Za-z_]/.test(n) ? n : `_${n}`;
}

export async function exportVector(path: string, out: string, table?: string): Promise<VectorExportResult> {
  const data = await readVectorForDisplay(path, table);
  const target = await checkDestination(out, ['.gpkg', '.geojson', '.json'], [data.path]);
  const point = data.features.find((f) => f.geometry.type === 'Point' || f.geometry.type === 'MultiPoint');
  if (point) throw new ApiError('E_UNSUPPORTED', `${data.path}: has point features; exports write polygon layers only`, data.path);
  const taken = new Set<string>();
  const fields = data.fields.map((source) => ({ source, def: { name: safeName(source, taken), type: typeOf(data.features.map((f) => f.properties[source] ?? null)) } }));
  const multi = data.features.some((f) => f.geometry.type === 'MultiPolygon');
  const writer = await openVectorWriter(target, { crs: wgs84(), layer: layerNameOf(data), fields: fields.map((f) => f.def), geometryType: multi ? 'MultiPolygon' : 'Polygon' });
  try {
    const features: Feature[] = data.features.map((f) => ({
      geometry: f.geometry as Feature['geometry'],
      properties: Object.fromEntries(fields.map(({ source, def }) => [def.name, converted(f.properties[source] ?? null, def.type)])),
    }));
    await writer.add(features);
    await writer.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return { out: target, features: data.features.length };
}

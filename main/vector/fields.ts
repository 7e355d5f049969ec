/**
 * The attribute schema a writer is opened with, checked once up front, and each
 * feature's values checked against it, so a bad value is reported with the output file
 * and the field instead of producing a file other tools reject.
 */
import { ApiError } from '../api.ts';
import type { Feature, FieldDef, Geometry, PropertyValue, VectorWriterOptions } from './types.ts';

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const RESERVED = new Set(['fid', 'geom']);

export function checkWriterOptions(path: string, o: VectorWriterOptions): void {
  if (typeof o.layer !== 'string' || !/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/.test(o.layer) || /^gpkg_/i.test(o.layer)) {
    throw new ApiError('E_BAD_REQUEST', `${path}: layer name "${o.layer}" must be 1-63 letters, digits, _ or -, start with a letter or _, and not start with gpkg_`, path);
  }
  if (o.geometryType !== 'Polygon' && o.geometryType !== 'MultiPolygon' && o.geometryType !== 'Geometry') {
    throw new ApiError('E_BAD_REQUEST', `${path}: geometry type "${String(o.geometryType)}" is not Polygon, MultiPolygon or Geometry`, path);
  }
  const seen = new Set<string>();
  for (const f of o.fields) {
    if (!FIELD_NAME.test(f.name) || RESERVED.has(f.name.toLowerCase())) {
      throw new ApiError('E_BAD_REQUEST', `${path}: field name "${f.name}" must be letters, digits and _ (not fid or geom)`, path);
    }
    if (seen.has(f.name.toLowerCase())) throw new ApiError('E_BAD_REQUEST', `${path}: field "${f.name}" is declared twice`, path);
    seen.add(f.name.toLowerCase());
    if (f.type !== 'text' && f.type !== 'integer' && f.type !== 'real') {
      throw new ApiError('E_BAD_REQUEST', `${path}: field "${f.name}" has type "${String(f.type)}"; use text, integer or real`, path);
    }
  }
}

/** The feature's value for one field, checked; missing and NaN become null. */
export function fieldValue(path: string, f: FieldDef, props: Feature['properties']): PropertyValue {
  const v = props[f.name];
  if (v === undefined || v === null) return null;
  if (f.type === 'text') {
    if (typeof v !== 'string') throw new ApiError('E_BAD_REQUEST', `${path}: field "${f.name}" is text but got ${typeof v}`, path);
    return v;
  }
  if (typeof v !== 'number') throw new ApiError('E_BAD_REQUEST', `${path}: field "${f.name}" is ${f.type} but got ${typeof v}`, path);
  if (Number.isNaN(v)) return null;
  if (!Number.isFinite(v)) throw new ApiError('E_BAD_REQUEST', `${path}: field "${f.name}" got ${v}`, path);
  if (f.type === 'integer' && !Number.isSafeInteger(v)) {
    throw new ApiError('E_BAD_REQUEST', `${path}: field "${f.name}" is integer but got ${v}`, path);
  }
  return v;
}

/** Polygons as a list of polygons (a Polygon is one), after checking the geometry fits the layer. */
export function polygonsOf(path: string, g: Geometry, layerType: VectorWriterOptions['geometryType']): number[][][][] {
  if (g?.type === 'Polygon') return [checkPolygon(path, g.coordinates)];
  if (g?.type === 'MultiPolygon') {
    if (layerType === 'Polygon') throw new ApiError('E_BAD_REQUEST', `${path}: a MultiPolygon feature in a Polygon layer`, path);
    return g.coordinates.map((p) => checkPolygon(path, p));
  }
  throw new ApiError('E_BAD_REQUEST', `${path}: geometry type "${String((g as { type?: unknown })?.type)}" is not Polygon or MultiPolygon`, path);
}

function checkPolygon(path: string, rings: number[][][]): number[][][] {
  if (!Array.isArray(rings) || rings.length === 0) throw new ApiError('E_BAD_REQUEST', `${path}: a polygon without rings`, path);
  for (const ring of rings) {
    if (!Array.isArray(ring) || ring.length < 4) throw new ApiError('E_BAD_REQUEST', `${path}: a polygon ring needs at least 4 positions`, path);
    for (const p of ring) {
      if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) throw new ApiError('E_BAD_REQUEST', `${path}: a coordinate is not a finite number`, path);
    }
  }
  return rings;
}

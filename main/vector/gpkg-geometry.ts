/**
 * GeoPackage geometry blobs (OGC 12-128, "StandardGeoPackageBinary"): an 8-byte header
 * ("GP", version 0, flags, srs_id), an xy envelope, then ISO WKB of the polygon,
 * multipolygon or point, all little-endian.
 */

import { ApiError } from '../api.ts';

export interface Envelope {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

const WKB_POLYGON = 3;
const WKB_MULTIPOLYGON = 6;
// flags: bit 0 little-endian, bits 1-3 = 1 (envelope [minx, maxx, miny, maxy]), not empty, standard.
const FLAGS = 0b0000_0011;
const HEADER = 8 + 32;

function polygonBytes(rings: number[][][]): number {
  let n = 1 + 4 + 4;
  for (const r of rings) n += 4 + r.length * 16;
  return n;
}

/**
 * One blob for `polygons` (one polygon -> WKB Polygon when `multi` is false, else a
 * MultiPolygon); returns the envelope too, for the layer's extent.
 */
export function gpkgGeometry(polygons: number[][][][], multi: boolean, srsId: number): { blob: Uint8Array; env: Envelope } {
  let size = HEADER + (multi ? 1 + 4 + 4 : 0);
  for (const p of polygons) size += polygonBytes(p);
  const buf = new ArrayBuffer(size);
  const dv = new DataView(buf);
  const bytes = new Uint8Array(buf);
  bytes[0] = 0x47; // G
  bytes[1] = 0x50; // P
  bytes[2] = 0;
  bytes[3] = FLAGS;
  dv.setInt32(4, srsId, true);
  let o = HEADER;
  const env: Envelope = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
  const header = (type: number, count: number) => {
    bytes[o] = 1;
    dv.setUint32(o + 1, type, true);
    dv.setUint32(o + 5, count, true);
    o += 9;
  };
  if (multi) header(WKB_MULTIPOLYGON, polygons.length);
  for (const rings of polygons) {
    header(WKB_POLYGON, rings.length);
    for (const ring of rings) {
      dv.setUint32(o, ring.length, true);
      o += 4;
      for (const p of ring) {
        const x = p[0];
        const y = p[1];
        dv.setFloat64(o, x, true);
        dv.setFloat64(o + 8, y, true);
        o += 16;
        if (x < env.minX) env.minX = x;
        if (x > env.maxX) env.maxX = x;
        if (y < env.minY) env.minY = y;
        if (y > env.maxY) env.maxY = y;
      }
    }
  }
  dv.setFloat64(8, env.minX, true);
  dv.setFloat64(16, env.maxX, true);
  dv.setFloat64(24, env.minY, true);
  dv.setFloat64(32, env.maxY, true);
  return { blob: bytes, env };
}

/** What a label file's feature holds: polygons (rings of [x, y], outer first) and points. */
export interface ParsedGeometry {
  polygons: [number, number][][][];
  points: [number, number][];
}

const WKB_NAMES = ['Geometry', 'Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon', 'GeometryCollection', 'CircularString', 'CompoundCurve', 'CurvePolygon', 'MultiCurve', 'MultiSurface', 'Curve', 'Surface', 'PolyhedralSurface', 'TIN', 'Triangle'];
// Envelope sizes by the header's envelope indicator (flags bits 1-3): none, xy, xyz, xym, xyzm.
const ENVELOPE_BYTES = [0, 32, 48, 48, 64];

/**
 * Reads a GeoPackage geometry blob (header, then WKB): points, multipoints, polygons,
 * multipolygons and collections of them, in 2D (Z and M values, ISO or EWKB flagged, are
 * skipped). Returns null for an empty geometry; throws an Error naming the WKB type of
 * anything else (lines and curves label no cells), for the caller to place in its file.
 */
export function readGpkgGeometry(blob: Uint8Array): ParsedGeometry | null {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) throw new Error('not a GeoPackage geometry blob (no "GP" header)');
  const flags = blob[3];
  if (flags & 0b10_0000) throw new Error('an extended (non-standard) GeoPackage geometry');
  const envelope = (flags >> 1) & 0b111;
  if (envelope >= ENVELOPE_BYTES.length) throw new Error(`envelope indicator ${envelope} is not defined`);
  if (flags & 0b1_0000) return null;
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  let o = 8 + ENVELOPE_BYTES[envelope];
  const out: ParsedGeometry = { polygons: [], points: [] };
  const need = (n: number) => {
    if (o + n > blob.length) throw new Error('the WKB ends early');
  };
  const geometry = (): void => {
    need(5);
    const le = blob[o] === 1;
    let code = dv.getUint32(o + 1, le);
    o += 5;
    // EWKB flags Z (0x80000000), M (0x40000000) and an SRID (0x20000000); ISO adds 1000/2000/3000.
    let dims = 2;
    if (code & 0x20000000) {
      need(4);
      o += 4;
    }
    if (code & 0x80000000) dims++;
    if (code & 0x40000000) dims++;
    code &= 0x0fffffff;
    const iso = Math.floor(code / 1000);
    if (iso === 1 || iso === 2) dims++;
    else if (iso === 3) dims += 2;
    const type = code % 1000;
    const xy = (): [number, number] => {
      need(8 * dims);
      const p: [number, number] = [dv.getFloat64(o, le), dv.getFloat64(o + 8, le)];
      o += 8 * dims;
      return p;
    };
    const count = () => {
      need(4);
      const n = dv.getUint32(o, le);
      o += 4;
      return n;
    };
    if (type === 1) {
      const p = xy();
      // An empty point is written as NaN coordinates.
      if (!Number.isNaN(p[0]) && !Number.isNaN(p[1])) out.points.push(p);
    } else if (type === 3) {
      const rings: [number, number][][] = [];
      for (let r = count(); r > 0; r--) {
        const ring: [number, number][] = [];
        for (let i = count(); i > 0; i--) ring.push(xy());
        rings.push(ring);
      }
      if (rings.length > 0) out.polygons.push(rings);
    } else if (type === 4 || type === 6 || type === 7) {
      for (let i = count(); i > 0; i--) geometry();
    } else {
      throw new Error(`a ${WKB_NAMES[type] ?? `WKB type ${type}`} geometry; labels are Polygons, MultiPolygons, Points or MultiPoints`);
    }
  };
  geometry();
  return out.polygons.length === 0 && out.points.length === 0 ? null : out;
}

const WKB_POINT = 1;

/** One blob for a point (its envelope is the point itself). */
export function gpkgPoint(path: string, p: number[], srsId: number): { blob: Uint8Array; env: Envelope } {
  const [x, y] = p;
  if (!Number.isFinite(x) || !Number.isFinite(y)) throw new ApiError('E_BAD_REQUEST', `${path}: a coordinate is not a finite number`, path);
  const buf = new ArrayBuffer(HEADER + 21);
  const dv = new DataView(buf);
  const bytes = new Uint8Array(buf);
  bytes.set([0x47, 0x50, 0, FLAGS]);
  dv.setInt32(4, srsId, true);
  [x, x, y, y].forEach((v, i) => dv.setFloat64(8 + i * 8, v, true));
  bytes[HEADER] = 1;
  dv.setUint32(HEADER + 1, WKB_POINT, true);
  dv.setFloat64(HEADER + 5, x, true);
  dv.setFloat64(HEADER + 13, y, true);
  return { blob: bytes, env: { minX: x, maxX: x, minY: y, maxY: y } };
}

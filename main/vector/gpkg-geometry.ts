/**
 * GeoPackage geometry blobs (OGC 12-128, "StandardGeoPackageBinary"): an 8-byte header
 * ("GP", version 0, flags, srs_id), an xy envelope, then ISO WKB of the polygon or
 * multipolygon, all little-endian.
 */

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

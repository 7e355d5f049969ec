/**
 * Where a `similar` query is on the output (embedding) grid: a point given in lon/lat
 * (WGS 84) or in the raster's own CRS, or the polygons of a GeoJSON file. Points are
 * checked against the raster's extent and its nodata before any model runs; polygons are
 * reduced to the output pixels whose centres they contain.
 *
 * A ring drawn on the map comes in the raster's CRS already, and is resolved as a polygon.
 *
 * Polygon edges are transformed vertex by vertex, so an edge that is straight in lon/lat
 * is straight on the raster's grid too; over a query polygon's size the curvature this
 * ignores is far below a pixel.
 */
import proj4 from 'proj4';
import { ApiError, type RasterInfo } from '../../api.ts';
import type { Raster } from '../../raster/index.ts';
import { pixelOf } from '../../raster/index.ts';
import { insidePolygon, readQueryPolygons, WGS84_LONLAT, type PolygonRings } from '../../vector/index.ts';
import { isNodata } from '../../raster/index.ts';
import { crsName } from '../../raster/index.ts';

/** A point in lon/lat (WGS 84), a point in the raster's CRS, a GeoJSON polygon file, or a ring in the raster's CRS. */
export type SimilarQuery = { lonLat: [number, number] } | { xy: [number, number] } | { polygon: string } | { ring: [number, number][] };

export interface QueryRegion {
  kind: 'point' | 'polygon';
  /** Output-grid box holding the query: columns [c0, c1), rows [r0, r1). */
  c0: number;
  r0: number;
  c1: number;
  r1: number;
  /** Whether output pixel (col, row) belongs to the query. */
  inside(col: number, row: number): boolean;
  /** What the query resolved to, for the report. */
  summary: QuerySummary;
}

export interface QuerySummary {
  kind: 'point' | 'polygon';
  given: SimilarQuery;
  /** CRS the query's coordinates were read in. */
  queryCrs: string;
  /** Point: its coordinates in the raster's CRS. */
  xy?: [number, number];
  /** Point: the input pixel [col, row] and the output (embedding) pixel holding it. */
  inputPixel?: [number, number];
  outputPixel?: [number, number];
  /** Polygon: count of polygons and their box on the output grid [c0, r0, c1, r1). */
  polygons?: number;
  outputBox?: [number, number, number, number];
}

const fmt = (v: number) => String(Number(v.toPrecision(10)));
const pair = (p: [number, number]) => `(${fmt(p[0])}, ${fmt(p[1])})`;

function extentWords(info: RasterInfo): string {
  const cs = Object.values(info.corners);
  const xs = cs.map((c) => c[0]);
  const ys = cs.map((c) => c[1]);
  return `x ${fmt(Math.min(...xs))} to ${fmt(Math.max(...xs))}, y ${fmt(Math.min(...ys))} to ${fmt(Math.max(...ys))}`;
}

function crsWords(info: RasterInfo): string {
  if (!info.georeferenced || !info.crs) return 'pixel coordinates (the raster is not georeferenced)';
  return crsName(info.crs)!;
}

function toRasterCrs(info: RasterInfo, fromProj4: string, what: string): (p: [number, number]) => [number, number] {
  if (!info.georeferenced || !info.crs) {
    throw new ApiError('E_BAD_REQUEST', `${info.path}: the raster has no CRS, so ${what} cannot be placed on it; give the query as xy in pixel coordinates`, info.path);
  }
  const conv = proj4(fromProj4, info.crs.proj4);
  return (p) => {
    const r = conv.forward([p[0], p[1]]);
    return [r[0], r[1]];
  };
}

function checkPair(name: string, v: unknown): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new ApiError('E_BAD_REQUEST', `query ${name}: expected two finite numbers [x, y], got ${JSON.stringify(v)}`);
  }
  return [v[0], v[1]];
}

async function resolvePoint(q: SimilarQuery, info: RasterInfo, raster: Raster, bands: number[], stride: number): Promise<QueryRegion> {
  let xy: [number, number];
  let words: string;
  let queryCrs: string;
  if ('lonLat' in q) {
    const ll = checkPair('lonLat', q.lonLat);
    if (Math.abs(ll[1]) > 90) throw new ApiError('E_BAD_REQUEST', `query lon/lat ${pair(ll)}: latitude must be within -90..90 (longitude first)`);
    xy = toRasterCrs(info, WGS84_LONLAT, `a lon/lat point`)(ll);
    words = `query point lon/lat ${pair(ll)} (${pair(xy)} in ${crsWords(info)})`;
    queryCrs = 'lon/lat WGS 84';
  } else {
    xy = checkPair('xy', (q as { xy: unknown }).xy);
    words = `query point ${pair(xy)} in ${crsWords(info)}`;
    queryCrs = crsWords(info);
  }
  const [fc, fr] = pixelOf(info, xy);
  if (!Number.isFinite(fc) || !Number.isFinite(fr) || fc < 0 || fr < 0 || fc >= info.width || fr >= info.height) {
    throw new ApiError('E_BAD_REQUEST', `${words} lies outside ${info.path} (${extentWords(info)})`, info.path);
  }
  const col = Math.floor(fc);
  const row = Math.floor(fr);
  const oc = Math.floor(col / stride);
  const or = Math.floor(row / stride);
  // The tiler calls an output cell nodata when every input pixel of it is nodata in every band.
  const nodata = info.nodata;
  if (nodata !== null) {
    const x = oc * stride;
    const y = or * stride;
    const win = { x, y, width: Math.min(stride, info.width - x), height: Math.min(stride, info.height - y) };
    const px = await raster.readWindow(win, { bands });
    if (px.every((b) => Array.prototype.every.call(b, (v: number) => isNodata(v, nodata)))) {
      throw new ApiError('E_BAD_REQUEST', `${words} falls on nodata of ${info.path} (input pixel ${col}, ${row})`, info.path);
    }
  }
  return {
    kind: 'point',
    c0: oc,
    r0: or,
    c1: oc + 1,
    r1: or + 1,
    inside: (c, r) => c === oc && r === or,
    summary: { kind: 'point', given: q, queryCrs, xy, inputPixel: [col, row], outputPixel: [oc, or] },
  };
}

async function resolvePolygon(path: string, q: SimilarQuery, info: RasterInfo, stride: number): Promise<QueryRegion> {
  const { polygons, proj4: def, crsName } = await readQueryPolygons(path);
  const toCrs = toRasterCrs(info, def, `the polygons of ${path}`);
  const inCrs = polygons.map((rings) => rings.map((ring) => ring.map((p) => toCrs(p))));
  return polygonRegion(inCrs, q, info, stride, { what: path, file: path, crsName });
}

/** A ring in the raster's CRS: one polygon without holes (a closing vertex is optional). */
function resolveRing(q: { ring: [number, number][] }, info: RasterInfo, stride: number): QueryRegion {
  if (!Array.isArray(q.ring) || q.ring.length < 3) throw new ApiError('E_BAD_REQUEST', 'query ring: expected at least 3 vertices [x, y]');
  const ring = q.ring.map((p, i) => checkPair(`ring[${i}]`, p));
  return polygonRegion([[ring]], q, info, stride, { what: 'query ring', crsName: crsWords(info) });
}

/** Polygons already in the raster's CRS, reduced to the output pixels whose centres they hold. */
function polygonRegion(
  polygons: PolygonRings[], q: SimilarQuery, info: RasterInfo, stride: number,
  src: { what: string; file?: string; crsName: string },
): QueryRegion {
  const { what: path, file, crsName } = src;
  const outW = Math.ceil(info.width / stride);
  const outH = Math.ceil(info.height / stride);
  // Vertices on the output grid (fractional output pixels).
  const grid: PolygonRings[] = polygons.map((rings) =>
    rings.map((ring) =>
      ring.map((p) => {
        const [c, r] = pixelOf(info, p);
        return [c / stride, r / stride] as [number, number];
      }),
    ),
  );
  const all = grid.flat(2);
  if (all.some(([c, r]) => !Number.isFinite(c) || !Number.isFinite(r))) throw new ApiError('E_BAD_REQUEST', `${path}: some vertices cannot be transformed to ${crsWords(info)}`, file);
  const cs = all.map((p) => p[0]);
  const rs = all.map((p) => p[1]);
  const c0 = Math.max(0, Math.floor(Math.min(...cs)));
  const r0 = Math.max(0, Math.floor(Math.min(...rs)));
  const c1 = Math.min(outW, Math.ceil(Math.max(...cs)));
  const r1 = Math.min(outH, Math.ceil(Math.max(...rs)));
  if (c0 >= c1 || r0 >= r1) {
    throw new ApiError('E_BAD_REQUEST', `${path}: the query polygon (${crsName}) lies outside ${info.path} (${extentWords(info)})`, file ?? info.path);
  }
  const inside = (c: number, r: number) => grid.some((rings) => insidePolygon(rings, c + 0.5, r + 0.5));
  let any = false;
  for (let r = r0; r < r1 && !any; r++) for (let c = c0; c < c1 && !any; c++) any = inside(c, r);
  if (!any) {
    throw new ApiError('E_BAD_REQUEST', `${path}: the query polygon contains no pixel centre of the embedding grid (one pixel = ${stride} x ${stride} input pixels); draw it larger or give a point`, file ?? info.path);
  }
  return { kind: 'polygon', c0, r0, c1, r1, inside, summary: { kind: 'polygon', given: q, queryCrs: crsName, polygons: polygons.length, outputBox: [c0, r0, c1, r1] } };
}

export async function resolveQuery(q: SimilarQuery, info: RasterInfo, raster: Raster, bands: number[], stride: number): Promise<QueryRegion> {
  if (!q || typeof q !== 'object') throw new ApiError('E_BAD_REQUEST', 'query: give { lonLat: [lon, lat] }, { xy: [x, y] } (raster CRS) or { polygon: "file.geojson" }');
  if ('polygon' in q) {
    if (typeof q.polygon !== 'string' || q.polygon === '') throw new ApiError('E_BAD_REQUEST', 'query polygon: expected a GeoJSON file path');
    return resolvePolygon(q.polygon, q, info, stride);
  }
  if ('ring' in q) return resolveRing(q, info, stride);
  if ('lonLat' in q || 'xy' in q) return resolvePoint(q, info, raster, bands, stride);
  throw new ApiError('E_BAD_REQUEST', `query ${JSON.stringify(q)}: give { lonLat: [lon, lat] }, { xy: [x, y] } (raster CRS) or { polygon: "file.geojson" }`);
}

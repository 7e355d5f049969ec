/**
 * Class raster -> polygons, streamed: the band is read in full-width row windows and
 * fed to the region scanner, and each window's finished polygons go to the caller's
 * sink before the next window is read. Memory follows the width and the open polygons,
 * not the height.
 *
 * Polygons are 4-connected regions of one value (GDAL's gdal_polygonize default) with
 * vertices on pixel corners, mapped through the geotransform into the raster's CRS;
 * outer rings counter-clockwise and holes clockwise in that CRS (RFC 7946's rule).
 * Area: m² in a projected CRS (pixel area from the geotransform), the WGS84 ellipsoidal
 * area of the pixels in a geographic one (raster/ellipsoid-area.ts), null in pixel space or
 * unknown units.
 */
import { ApiError, type Crs, type GeoTransform, type RasterInfo } from '../api.ts';
import type { ProgressContext, Raster } from '../raster/index.ts';
import { applyGeoTransform } from '../raster/index.ts';
import { RegionScanner, type ScannedRegion } from './region-scan.ts';
import { shoelace } from './ring-trace.ts';
import { ellipsoidRingArea } from '../raster/index.ts';
import { linearUnitMetres } from './polygon-area.ts';
import { classNameMap, type ClassNames } from './category-names.ts';
import type { Feature, FieldDef, Position } from './types.ts';

export interface PolygonizeOptions extends ProgressContext {
  /** 1-based band to polygonize (default 1). */
  band?: number;
  /** Names by class value: an array indexed by value, or value -> name. */
  classNames?: ClassNames;
  /** Values left out besides the raster's nodata (e.g. 0 for background). */
  skipValues?: number[];
  /** Written into every feature's `source` (default the raster's path). */
  sourceFile?: string;
  /** Rows per read (default: about 1 M pixels, whole blocks). */
  rowsPerRead?: number;
}

export interface ClassSummary {
  value: number;
  name: string | null;
  polygons: number;
  pixels: number;
  /** Sum of the polygons' areas (m²); null when the CRS has no metric area. */
  areaM2: number | null;
}

export interface PolygonizeSummary {
  polygons: number;
  pixels: number;
  /** By class value, ascending. */
  classes: ClassSummary[];
  /** The CRS of the coordinates (null: pixel space). */
  crs: Crs | null;
  /** Largest number of polygons open at once and of boundary edges held (memory check). */
  peakOpenPolygons: number;
  peakEdges: number;
}

/** The attribute table of class polygons, in order. */
export const CLASS_POLYGON_FIELDS: FieldDef[] = [
  { name: 'class', type: 'integer' },
  { name: 'class_name', type: 'text' },
  { name: 'area_m2', type: 'real' },
  { name: 'pixels', type: 'integer' },
  { name: 'source', type: 'text' },
];

const INTEGER_TYPES = new Set(['Byte', 'Int8', 'UInt16', 'Int16', 'UInt32', 'Int32']);
const PIXELS_PER_READ = 1 << 20;

/** Checks that `raster` can be polygonized; throws a specific ApiError naming the file. */
export function checkClassRaster(info: RasterInfo, band = 1): void {
  if (!INTEGER_TYPES.has(info.dataType)) {
    throw new ApiError(
      'E_UNSUPPORTED',
      `${info.path}: band ${band} is ${info.dataType}; polygonizing needs a class raster of integer values (Byte, UInt16, ...)`,
      info.path,
    );
  }
  if (!Number.isInteger(band) || band < 1 || band > info.bandCount) {
    throw new ApiError('E_BAD_REQUEST', `${info.path}: has ${info.bandCount} band(s), band ${band} asked for`, info.path);
  }
}

/** The CRS features are written in: the raster's, or null in pixel space. */
export function featureCrs(info: RasterInfo): Crs | null {
  return info.georeferenced ? info.crs : null;
}

export async function polygonizeRaster(
  raster: Raster,
  opts: PolygonizeOptions,
  sink: (features: Feature[]) => Promise<void>,
): Promise<PolygonizeSummary> {
  const info = raster.info;
  const band = opts.band ?? 1;
  checkClassRaster(info, band);
  const crs = featureCrs(info);
  const gt: GeoTransform = info.geoTransform;
  const names = classNameMap(opts.classNames);
  const source = opts.sourceFile ?? info.path;
  const isValid = validity(info.nodata, opts.skipValues ?? []);
  const area = areaOf(crs, gt);

  const byClass = new Map<number, ClassSummary>();
  let pending: Feature[] = [];
  let polygons = 0;
  let pixels = 0;
  const toFeature = (r: ScannedRegion) => {
    const { rings, areaM2 } = placeRings(r, gt, area);
    const name = names.get(r.value) ?? null;
    pending.push({
      geometry: { type: 'Polygon', coordinates: rings },
      properties: { class: r.value, class_name: name, area_m2: areaM2, pixels: r.pixels, source },
    });
    let c = byClass.get(r.value);
    if (!c) {
      c = { value: r.value, name, polygons: 0, pixels: 0, areaM2: areaM2 === null ? null : 0 };
      byClass.set(r.value, c);
    }
    c.polygons++;
    c.pixels += r.pixels;
    if (c.areaM2 !== null && areaM2 !== null) c.areaM2 += areaM2;
    polygons++;
    pixels += r.pixels;
  };

  const scanner = new RegionScanner(info.width, isValid, toFeature);
  const rows = rowsPerRead(info, opts.rowsPerRead);
  let peakOpen = 0;
  let peakEdges = 0;
  opts.progress?.('polygonize', 0, info.height);
  for (let y = 0; y < info.height; y += rows) {
    if (opts.signal?.aborted) throw new ApiError('E_CANCELLED', `${info.path}: polygonizing cancelled`, info.path);
    const h = Math.min(rows, info.height - y);
    const [data] = await raster.readWindow({ x: 0, y, width: info.width, height: h }, { bands: [band], signal: opts.signal });
    try {
      for (let r = 0; r < h; r++) scanner.pushRow(data, r * info.width);
      peakOpen = Math.max(peakOpen, scanner.openRegions);
      peakEdges = Math.max(peakEdges, scanner.liveEdges);
      if (y + h === info.height) scanner.end();
    } catch (err) {
      // Only a bug gets here (a boundary that does not close): say where, with the file.
      throw new ApiError('E_INTERNAL', `${info.path}: polygonizing failed near row ${scanner.rows} (${(err as Error).message})`, info.path);
    }
    if (pending.length > 0) {
      const batch = pending;
      pending = [];
      await sink(batch);
    }
    opts.progress?.('polygonize', y + h, info.height);
  }
  const classes = [...byClass.values()].sort((a, b) => a.value - b.value);
  return { polygons, pixels, classes, crs, peakOpenPolygons: peakOpen, peakEdges };
}

/** Whether a value is polygonized; plain comparisons for the usual one or two left-out values (this runs per pixel). */
function validity(nodata: number | null, skipValues: number[]): (v: number) => boolean {
  const out = [...new Set([...(nodata === null || Number.isNaN(nodata) ? [] : [nodata]), ...skipValues])];
  if (out.length === 0) return () => true;
  const [a, b] = out;
  if (out.length === 1) return (v) => v !== a;
  if (out.length === 2) return (v) => v !== a && v !== b;
  const set = new Set(out);
  return (v) => !set.has(v);
}

function rowsPerRead(info: RasterInfo, asked?: number): number {
  if (asked !== undefined) {
    if (!Number.isInteger(asked) || asked < 1) throw new ApiError('E_BAD_REQUEST', `rowsPerRead must be a positive integer, got ${asked}`);
    return asked;
  }
  let rows = Math.max(1, Math.floor(PIXELS_PER_READ / info.width));
  const blockH = info.blockSize[1];
  if (blockH > 1 && rows >= blockH) rows -= rows % blockH;
  return Math.min(rows, info.height);
}

type AreaRule =
  | { kind: 'planar'; m2PerPixel: number }
  | { kind: 'ellipsoid' }
  | { kind: 'none' };

function areaOf(crs: Crs | null, gt: GeoTransform): AreaRule {
  if (!crs) return { kind: 'none' };
  if (crs.units === 'degree') return { kind: 'ellipsoid' };
  const u = linearUnitMetres(crs);
  if (u === null) return { kind: 'none' };
  return { kind: 'planar', m2PerPixel: Math.abs(gt[1] * gt[5] - gt[2] * gt[4]) * u * u };
}

/**
 * Pixel-corner rings -> closed CRS rings (outer counter-clockwise) and the area.
 * The pixel-space ring areas must add up to the pixel count: a cheap check that every
 * traced boundary is whole.
 */
function placeRings(r: ScannedRegion, gt: GeoTransform, rule: AreaRule): { rings: Position[][]; areaM2: number | null } {
  let pixelArea = 0;
  for (const ring of r.rings) pixelArea += shoelace(ring) / 2;
  if (pixelArea !== r.pixels) throw new Error(`polygon of class ${r.value}: rings enclose ${pixelArea} pixels, scanned ${r.pixels}`);
  // A north-up geotransform (negative pixel height) mirrors pixel space: reverse to keep outer rings counter-clockwise.
  const flip = gt[1] * gt[5] - gt[2] * gt[4] < 0;
  let areaM2: number | null = rule.kind === 'planar' ? r.pixels * rule.m2PerPixel : rule.kind === 'none' ? null : 0;
  const rings: Position[][] = r.rings.map((ring, idx) => {
    const n = ring.length >> 1;
    const out: Position[] = new Array(n + 1);
    const flat = rule.kind === 'ellipsoid' ? new Float64Array(2 * n) : null;
    for (let i = 0; i < n; i++) {
      const k = flip ? n - 1 - i : i;
      const p = applyGeoTransform(gt, ring[2 * k], ring[2 * k + 1]);
      out[i] = p;
      if (flat) {
        flat[2 * i] = p[0];
        flat[2 * i + 1] = p[1];
      }
    }
    out[n] = [out[0][0], out[0][1]];
    if (flat) areaM2! += (idx === 0 ? 1 : -1) * Math.abs(ellipsoidRingArea(flat));
    return out;
  });
  return { rings, areaM2 };
}

/**
 * GDAL/OGR's vector tools as the oracle for vector outputs: ogrinfo summaries,
 * SQL through the SQLite dialect with SpatiaLite functions (ST_Area(geom, 1) is the
 * ellipsoidal area, ST_IsValid GEOS validity), gdal_polygonize.py, ogr2ogr and GDAL's
 * GeoPackage validator. Synchronous, like test/helpers/gdal.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';

function run(tool: string, args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row = Record<string, any>;

/** Rows of an SQLite-dialect query over a vector file (read through ogr2ogr as GeoJSON, geometry dropped). */
export function ogrSql(path: string, sql: string): Row[] {
  const out = run('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', path, '-dialect', 'sqlite', '-sql', sql]);
  return (JSON.parse(out).features as { properties: Row }[]).map((f) => f.properties);
}

/** A whole vector layer as GeoJSON (coordinates as GDAL reads them), optionally reprojected by GDAL. */
export function ogrGeoJson(path: string, extra: string[] = []): { features: { properties: Row; geometry: { type: string; coordinates: unknown } }[] } {
  return JSON.parse(run('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', ...extra, path]));
}

export interface OgrSummary {
  layer: string;
  geometry: string;
  featureCount: number;
  /** Field name -> OGR type (Integer, Integer64, Real, String). */
  fields: Record<string, string>;
  /** EPSG code of the layer SRS (the outermost ID in its WKT), null when none. */
  epsg: number | null;
}

/** `ogrinfo -ro -al -so` of a single-layer file, parsed. */
export function ogrinfoSummary(path: string): OgrSummary {
  const text = run('ogrinfo', ['-ro', '-al', '-so', path]);
  const layer = /^Layer name: (.*)$/m.exec(text)?.[1] ?? '';
  const geometry = /^Geometry: (.*)$/m.exec(text)?.[1] ?? '';
  const featureCount = Number(/^Feature Count: (\d+)$/m.exec(text)?.[1] ?? NaN);
  const srs = /Layer SRS WKT:\n([\s\S]*?)\n(?:Data axis|[A-Za-z ]+:)/.exec(text)?.[1] ?? '';
  const ids = [...srs.matchAll(/ID\["EPSG",(\d+)\]/g)];
  const epsg = srs.trim() === '(unknown)' || ids.length === 0 ? null : Number(ids[ids.length - 1][1]);
  const fields: Record<string, string> = {};
  for (const m of text.matchAll(/^(\w+): (\w+) \(/gm)) {
    if (['Layer', 'Geometry', 'Feature', 'Extent', 'FID', 'Data'].includes(m[1])) continue;
    fields[m[1]] = m[2];
  }
  return { layer, geometry, featureCount, fields, epsg };
}

/** gdal_polygonize.py (4-connected, GDAL's default) of band 1 into a GeoPackage layer "poly" with field "val". */
export function gdalPolygonize(raster: string, out: string): void {
  run('gdal_polygonize.py', ['-q', raster, '-f', 'GPKG', out, 'poly', 'val']);
}

export function ogr2ogr(args: string[]): void {
  run('ogr2ogr', args);
}

const VALIDATOR = '/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py';

/** GDAL's GeoPackage validator: exit status and whatever it printed. */
export function validateGpkg(path: string): { status: number; output: string } {
  const r = spawnSync('/usr/bin/python3', [VALIDATOR, path], { encoding: 'utf8' });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}`.trim() };
}

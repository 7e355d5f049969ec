/**
 * Reads the features of a GeoPackage label file (OGC 12-128) with sql.js, as
 * readGeoJsonFeatures reads GeoJSON: polygons and points with the one attribute asked for,
 * in the layer's CRS (its srs_id resolved through the EPSG index, or the WKT it stores).
 * sql.js opens a database only from bytes in memory, so the file is read whole; label
 * files are small, and larger ones are refused by size rather than by running out of
 * WebAssembly memory. Rows come in fid order, so "the later feature wins" means what it
 * does for the GeoJSON that ogr2ogr writes from the same table.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Database } from 'sql.js';
import { ApiError } from '../api.ts';
import { lookupEpsg } from '../raster/index.ts';
import type { GeoJsonFeature } from './geojson-read.ts';
import { readGpkgGeometry } from './gpkg-geometry.ts';
import { quoteId } from './gpkg-schema.ts';
import { loadSqlJs } from './gpkg-writer.ts';

const MAX_BYTES = 256 * 2 ** 20;

export interface GpkgFeatures {
  features: GeoJsonFeature[];
  proj4: string;
  crsName: string;
  /** The feature table read. */
  table: string;
  /** Where feature n came from, for messages: `table "poly" fid 12`. */
  where: (n: number) => string;
  /** Rows without a geometry (null or empty), left out. */
  skipped: number;
  /** The other feature tables, when there are several and none was asked for. */
  others: string[];
}

function bad(path: string, msg: string, code: 'E_BAD_REQUEST' | 'E_CRS_UNKNOWN' | 'E_EMPTY' | 'E_NOT_FOUND' = 'E_BAD_REQUEST'): ApiError {
  return new ApiError(code, `${path}: ${msg}`, path);
}

function rows(db: Database, sql: string, params: (string | number)[] = []): Record<string, unknown>[] {
  const st = db.prepare(sql);
  try {
    st.bind(params);
    const out: Record<string, unknown>[] = [];
    while (st.step()) out.push(st.getAsObject());
    return out;
  } finally {
    st.free();
  }
}

/** The layer's CRS as proj4: an EPSG srs by its code, else the last EPSG id of its WKT. */
function crsOf(path: string, db: Database, table: string, srsId: number, pixels: boolean): { proj4: string; crsName: string } {
  const [srs] = rows(db, 'SELECT srs_name, organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?', [srsId]);
  const where = `table "${table}": srs_id ${srsId}`;
  if (!srs) throw bad(path, `${where} is not in gpkg_spatial_ref_sys`, 'E_CRS_UNKNOWN');
  // A detect run on a raster without georeferencing writes pixel coordinates under the undefined SRS.
  if (pixels && (srsId === 0 || srsId === -1 || srs.definition === 'undefined')) return { proj4: '', crsName: 'pixel coordinates (undefined SRS)' };
  if (srsId === 0 || srsId === -1 || srs.definition === 'undefined') throw bad(path, `${where} is an undefined SRS; assign the labels' CRS with ogr2ogr -a_srs EPSG:<code>`, 'E_CRS_UNKNOWN');
  let code: number | null = String(srs.organization).toUpperCase() === 'EPSG' ? Number(srs.organization_coordsys_id) : null;
  if (code === null) {
    const ids = [...String(srs.definition).matchAll(/(?:ID|AUTHORITY)\["EPSG",\s*"?(\d+)"?\]/g)];
    if (ids.length) code = Number(ids[ids.length - 1][1]);
  }
  const entry = code === null ? null : lookupEpsg(code);
  if (!entry) throw bad(path, `${where} (${String(srs.srs_name)}${code === null ? ', no EPSG code' : `, EPSG:${code}`}) is not in the offline EPSG index`, 'E_CRS_UNKNOWN');
  // GeoPackage stores x = easting / longitude first whatever the CRS's axis order.
  return { proj4: entry.proj4, crsName: `EPSG:${code} (srs_id ${srsId})` };
}

/** `field` null reads every attribute column (to display a layer); a name reads that one (labels). */
/** `pixels`: the layer may have the undefined SRS (a detect run's output on a raster without georeferencing); its proj4 is then "". */
export async function readGpkgFeatures(path: string, field: string | null, layer?: string, pixels = false): Promise<GpkgFeatures> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw bad(path, 'label file does not exist', 'E_NOT_FOUND');
  }
  if (size === 0) throw bad(path, 'empty file', 'E_EMPTY');
  if (size > MAX_BYTES) throw new ApiError('E_TOO_LARGE', `${path}: ${size} bytes; a GeoPackage label file is read whole and may be at most ${MAX_BYTES} bytes (ogr2ogr -f GeoJSON reads any size)`, path);
  const SQL = await loadSqlJs();
  const bytes = await readFile(path);
  let db: Database;
  try {
    db = new SQL.Database(bytes);
  } catch (err) {
    throw bad(path, `not a GeoPackage (${(err as Error).message})`);
  }
  try {
    let tables: Record<string, unknown>[];
    try {
      // gpkg_contents in insertion order: "the first" is the first table written.
      tables = rows(db, `SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name WHERE c.data_type = 'features' ORDER BY c.rowid`);
    } catch (err) {
      throw bad(path, `not a GeoPackage (${(err as Error).message})`);
    }
    const names = tables.map((t) => String(t.table_name));
    if (names.length === 0) throw bad(path, 'holds no feature table (gpkg_contents lists no "features" layer with a geometry column)');
    const t = layer === undefined ? tables[0] : tables[names.indexOf(layer)];
    if (!t) throw bad(path, `no feature table "${layer}"; its feature tables: ${names.join(', ')}`);
    const table = String(t.table_name);
    const geomCol = String(t.column_name);
    const { proj4, crsName } = crsOf(path, db, table, Number(t.srs_id), pixels);
    const cols = rows(db, `PRAGMA table_info(${quoteId(table)})`).map((c) => String(c.name));
    if (field !== null && !cols.includes(field)) throw bad(path, `table "${table}" has no field "${field}" (its fields: ${cols.filter((c) => c !== geomCol).join(', ')}); give the class field with --class-field`);
    const pk = rows(db, `PRAGMA table_info(${quoteId(table)})`).find((c) => Number(c.pk) === 1);
    const fid = pk ? String(pk.name) : 'rowid';
    const fids: unknown[] = [];
    const features: GeoJsonFeature[] = [];
    let skipped = 0;
    let total = 0;
    const attrs = field === null ? cols.filter((c) => c !== geomCol) : [field];
    const st = db.prepare(`SELECT ${[fid, geomCol, ...attrs].map(quoteId).join(', ')} FROM ${quoteId(table)} ORDER BY ${quoteId(fid)}`);
    try {
      while (st.step()) {
        total++;
        const [id, blob, ...values] = st.get();
        let g: ReturnType<typeof readGpkgGeometry> = null;
        if (blob instanceof Uint8Array) {
          try {
            g = readGpkgGeometry(blob);
          } catch (err) {
            throw bad(path, `table "${table}" fid ${String(id)}: ${(err as Error).message}`);
          }
        }
        if (!g) {
          skipped++;
          continue;
        }
        fids.push(id);
        features.push({ polygons: g.polygons, points: g.points, properties: Object.fromEntries(attrs.map((a, i) => [a, values[i]])) });
      }
    } finally {
      st.free();
    }
    if (features.length === 0) throw bad(path, `table "${table}" holds no feature with a geometry (${total} rows)`, 'E_EMPTY');
    return { features, proj4, crsName, table, where: (n) => `table "${table}" fid ${String(fids[n])}`, skipped, others: layer === undefined ? names.slice(1) : [] };
  } finally {
    db.close();
  }
}

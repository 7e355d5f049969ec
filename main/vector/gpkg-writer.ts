/**
 * GeoPackage writer on sql.js (SQLite compiled to WebAssembly: no native build to ship
 * per platform). sql.js keeps the whole database in WebAssembly memory and only hands
 * it out as one byte array, so a GeoPackage cannot be streamed to disk: the database
 * grows in memory while features are added and is written (temporary name, then
 * renamed) on finish. WebAssembly memory stops at 2 GiB and the export needs a second
 * copy, so writes stop with E_TOO_LARGE past `maxBytes` (default 1 GiB of feature
 * data, roughly 4 million pixel-edge polygons of a few dozen vertices); GeoJSON has no
 * such limit. Coordinates stay in the layer's own CRS (srs_id = its EPSG code).
 */
import { createRequire } from 'node:module';
import initSqlJs, { type Database, type SqlJsStatic, type Statement } from 'sql.js';
import { ApiError } from '../api.ts';
import { PartFile } from './part-file.ts';
import { checkWriterOptions, fieldValue, polygonsOf } from './fields.ts';
import { gpkgGeometry, gpkgPoint, type Envelope } from './gpkg-geometry.ts';
import { APPLICATION_ID, CORE_TABLES, USER_VERSION, layerTableSql, quoteId, srsRows } from './gpkg-schema.ts';
import type { Feature, VectorWriter, VectorWriterOptions } from './types.ts';

export const GPKG_MAX_BYTES = 1 << 30;

let sqlJs: Promise<SqlJsStatic> | null = null;
/** sql.js, loaded once per process (the GeoPackage reader shares it). */
export function loadSqlJs(): Promise<SqlJsStatic> {
  if (!sqlJs) {
    const wasm = createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');
    sqlJs = initSqlJs({ locateFile: () => wasm });
  }
  return sqlJs;
}

export interface GeoPackageWriterLimits {
  /** Stop with E_TOO_LARGE once the feature data passes this many bytes. */
  maxBytes?: number;
}

export class GeoPackageWriter implements VectorWriter {
  private readonly insert: Statement;
  private readonly env: Envelope = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
  private bytes = 0;

  private constructor(
    private readonly path: string,
    private readonly file: PartFile,
    private readonly db: Database,
    private readonly opts: VectorWriterOptions,
    private readonly srsId: number,
    private readonly maxBytes: number,
  ) {
    const cols = ['geom', ...opts.fields.map((f) => f.name)];
    this.insert = db.prepare(`INSERT INTO ${quoteId(opts.layer)} (${cols.map(quoteId).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
  }

  static async open(path: string, opts: VectorWriterOptions, limits: GeoPackageWriterLimits = {}): Promise<GeoPackageWriter> {
    checkWriterOptions(path, opts);
    const SQL = await loadSqlJs();
    const file = await PartFile.open(path);
    const db = new SQL.Database();
    try {
      db.run(`PRAGMA application_id = ${APPLICATION_ID}`);
      db.run(`PRAGMA user_version = ${USER_VERSION}`);
      for (const sql of CORE_TABLES) db.run(sql);
      const { rows, srsId } = srsRows(opts.crs);
      const srs = db.prepare('INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)');
      for (const r of rows) srs.run([r.srs_name, r.srs_id, r.organization, r.organization_coordsys_id, r.definition, r.description]);
      srs.free();
      db.run(layerTableSql(opts.layer, opts.geometryType, opts.fields));
      db.run('INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES (?, ?, ?, ?, ?)', [
        opts.layer,
        'features',
        opts.layer,
        '',
        srsId,
      ]);
      db.run('INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)', [opts.layer, 'geom', opts.geometryType.toUpperCase(), srsId]);
      db.run('BEGIN');
      return new GeoPackageWriter(path, file, db, opts, srsId, limits.maxBytes ?? GPKG_MAX_BYTES);
    } catch (err) {
      db.close();
      await file.discard();
      throw err;
    }
  }

  async add(features: Feature[]): Promise<void> {
    this.file.assertOpen();
    const layerType = this.opts.geometryType;
    for (const f of features) {
      const { blob, env } =
        f.geometry?.type === 'Point' && layerType === 'Geometry'
          ? gpkgPoint(this.path, f.geometry.coordinates, this.srsId)
          : gpkgGeometry(polygonsOf(this.path, f.geometry, layerType), layerType === 'MultiPolygon' || (layerType === 'Geometry' && f.geometry.type === 'MultiPolygon'), this.srsId);
      const values: (string | number | null | Uint8Array)[] = [blob];
      let size = blob.length;
      for (const fd of this.opts.fields) {
        const v = fieldValue(this.path, fd, f.properties);
        values.push(v);
        size += typeof v === 'string' ? v.length * 3 : 8;
      }
      this.bytes += size;
      if (this.bytes > this.maxBytes) {
        throw new ApiError(
          'E_TOO_LARGE',
          `${this.path}: the GeoPackage passes ${Math.round(this.maxBytes / 2 ** 20)} MiB, the most built in memory (sql.js); write .geojson for outputs this large`,
          this.path,
        );
      }
      this.insert.run(values);
      if (env.minX < this.env.minX) this.env.minX = env.minX;
      if (env.maxX > this.env.maxX) this.env.maxX = env.maxX;
      if (env.minY < this.env.minY) this.env.minY = env.minY;
      if (env.maxY > this.env.maxY) this.env.maxY = env.maxY;
    }
  }

  async finish(): Promise<void> {
    await this.file.commit(() => {
      try {
        if (Number.isFinite(this.env.minX)) {
          this.db.run('UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?', [
            this.env.minX,
            this.env.minY,
            this.env.maxX,
            this.env.maxY,
            this.opts.layer,
          ]);
        }
        this.db.run(`UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?`, [this.opts.layer]);
        this.insert.free();
        this.db.run('COMMIT');
        return this.db.export();
      } finally {
        this.db.close();
      }
    });
  }

  async abort(): Promise<void> {
    // The database is open exactly while the file is: finish closes both.
    if (this.file.isOpen) this.db.close();
    await this.file.discard();
  }
}

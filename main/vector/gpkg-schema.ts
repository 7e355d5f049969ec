/**
 * The tables of an OGC GeoPackage (12-128r18, version 1.3) that a features layer
 * needs: the spatial reference systems with the three rows every GeoPackage must hold
 * (-1, 0, EPSG:4326), the contents list, the geometry column register, and the layer's
 * own table. No spatial index: sql.js has no R*Tree module (GDAL and QGIS work without
 * one and can add it: `ogrinfo out.gpkg -sql "SELECT CreateSpatialIndex('layer','geom')"`).
 */
import type { Crs } from '../api.ts';
import { lookupEpsg } from '../raster/index.ts';
import type { FieldDef } from './types.ts';

export const APPLICATION_ID = 0x47504b47; // "GPKG"
export const USER_VERSION = 10300; // 1.3.0

/** srs_id used for a CRS without an EPSG code (GDAL's convention for user-defined systems). */
const CUSTOM_SRS_ID = 100000;

export function quoteId(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export const CORE_TABLES = [
  `CREATE TABLE gpkg_spatial_ref_sys (
    srs_name TEXT NOT NULL,
    srs_id INTEGER PRIMARY KEY,
    organization TEXT NOT NULL,
    organization_coordsys_id INTEGER NOT NULL,
    definition TEXT NOT NULL,
    description TEXT)`,
  `CREATE TABLE gpkg_contents (
    table_name TEXT NOT NULL PRIMARY KEY,
    data_type TEXT NOT NULL,
    identifier TEXT UNIQUE,
    description TEXT DEFAULT '',
    last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    min_x DOUBLE,
    min_y DOUBLE,
    max_x DOUBLE,
    max_y DOUBLE,
    srs_id INTEGER,
    CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`,
  `CREATE TABLE gpkg_geometry_columns (
    table_name TEXT NOT NULL,
    column_name TEXT NOT NULL,
    geometry_type_name TEXT NOT NULL,
    srs_id INTEGER NOT NULL,
    z TINYINT NOT NULL,
    m TINYINT NOT NULL,
    CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
    CONSTRAINT uk_gc_table_name UNIQUE (table_name),
    CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
    CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`,
];

export interface SrsRow {
  srs_name: string;
  srs_id: number;
  organization: string;
  organization_coordsys_id: number;
  definition: string;
  description: string | null;
}

/** The mandatory rows plus the layer's own CRS; returns them and the srs_id the layer uses. */
export function srsRows(crs: Crs | null): { rows: SrsRow[]; srsId: number } {
  const wgs84 = lookupEpsg(4326);
  const rows: SrsRow[] = [
    { srs_name: 'Undefined cartesian SRS', srs_id: -1, organization: 'NONE', organization_coordsys_id: -1, definition: 'undefined', description: 'undefined cartesian coordinate reference system' },
    { srs_name: 'Undefined geographic SRS', srs_id: 0, organization: 'NONE', organization_coordsys_id: 0, definition: 'undefined', description: 'undefined geographic coordinate reference system' },
    { srs_name: 'WGS 84 geodetic', srs_id: 4326, organization: 'EPSG', organization_coordsys_id: 4326, definition: wgs84?.wkt || 'undefined', description: 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid' },
  ];
  if (!crs) return { rows, srsId: -1 };
  if (crs.epsg === 4326) return { rows, srsId: 4326 };
  const srsId = crs.epsg ?? CUSTOM_SRS_ID;
  rows.push({
    srs_name: crs.name,
    srs_id: srsId,
    organization: crs.epsg !== null ? 'EPSG' : 'NONE',
    organization_coordsys_id: srsId,
    definition: crs.wkt || 'undefined',
    description: null,
  });
  return { rows, srsId };
}

export function layerTableSql(layer: string, geometryType: 'Polygon' | 'MultiPolygon' | 'Geometry', fields: FieldDef[]): string {
  const cols = fields.map((f) => `${quoteId(f.name)} ${f.type === 'integer' ? 'INTEGER' : f.type === 'real' ? 'REAL' : 'TEXT'}`);
  return `CREATE TABLE ${quoteId(layer)} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom ${geometryType.toUpperCase()}${cols.map((c) => `, ${c}`).join('')})`;
}

/**
 * The vector contract shared by the polygonizer, the box helper and the writers: a
 * feature is a GeoJSON-shaped polygon or multipolygon with flat properties, in the
 * CRS the writer was opened with (writers reproject where their format demands it).
 */
import type { Crs } from '../api.ts';

export type Position = number[];

export type PolygonGeometry = { type: 'Polygon'; coordinates: Position[][] };
export type MultiPolygonGeometry = { type: 'MultiPolygon'; coordinates: Position[][][] };
/** Points are written only to layers of geometryType 'Geometry' (drawn labels mix points and polygons). */
export type PointGeometry = { type: 'Point'; coordinates: Position };
export type Geometry = PolygonGeometry | MultiPolygonGeometry | PointGeometry;

export type PropertyValue = string | number | null;

export interface Feature {
  geometry: Geometry;
  properties: Record<string, PropertyValue>;
}

export type FieldType = 'text' | 'integer' | 'real';

export interface FieldDef {
  name: string;
  type: FieldType;
}

export interface VectorWriterOptions {
  /** CRS of the coordinates handed to add(); null for pixel-space (not georeferenced) features. */
  crs: Crs | null;
  /** Layer (table) name; GeoJSON writes it as the collection's "name". */
  layer: string;
  fields: FieldDef[];
  /** 'Geometry': polygons, multipolygons and points in one layer (GeoPackage only). */
  geometryType: 'Polygon' | 'MultiPolygon' | 'Geometry';
}

export interface VectorWriter {
  /** Appends features; resolves once they are handed to the file (or database). */
  add(features: Feature[]): Promise<void>;
  /** Completes the file and renames it into place. */
  finish(): Promise<void>;
  /** Stops and deletes the partial file. Safe to call after a failure, and twice. */
  abort(): Promise<void>;
}

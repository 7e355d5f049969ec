/**
 * One entry point for vector outputs: the format follows the output path's extension
 * (.geojson/.json -> GeoJSON in WGS84, .gpkg -> GeoPackage in the layer's CRS), checked
 * before any work starts.
 */
import { extname } from 'node:path';
import { ApiError } from '../api.ts';
import { GeoJsonWriter } from './geojson-writer.ts';
import { GeoPackageWriter } from './gpkg-writer.ts';
import type { VectorWriter, VectorWriterOptions } from './types.ts';

export type VectorFormat = 'GeoJSON' | 'GPKG';

const BY_EXTENSION: Record<string, VectorFormat> = { '.geojson': 'GeoJSON', '.json': 'GeoJSON', '.gpkg': 'GPKG' };

/** The format an output path asks for; throws E_UNSUPPORTED naming the path otherwise. */
export function vectorFormatOf(path: string): VectorFormat {
  const f = BY_EXTENSION[extname(path).toLowerCase()];
  if (!f) {
    throw new ApiError('E_UNSUPPORTED', `${path}: vector outputs are .gpkg (GeoPackage) or .geojson/.json (GeoJSON), not "${extname(path) || 'no extension'}"`, path);
  }
  return f;
}

export async function openVectorWriter(path: string, opts: VectorWriterOptions): Promise<VectorWriter> {
  return vectorFormatOf(path) === 'GPKG' ? GeoPackageWriter.open(path, opts) : GeoJsonWriter.open(path, opts);
}

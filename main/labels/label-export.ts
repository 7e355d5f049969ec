/**
 * Labels for other software: GeoJSON (the labels file's own form: the raster's CRS with a
 * "crs" member where it has an EPSG code) or a GeoPackage table "labels" of polygons and
 * points in the raster's CRS, each with its class, shape and id. Both are written under a
 * temporary name and renamed when whole.
 */
import { extname, resolve } from 'node:path';
import { ApiError, type LabelSet } from '../api.ts';
import { GeoPackageWriter, type Feature } from '../vector/index.ts';
import { saveLabels } from './label-store.ts';
import { targetRaster } from './label-target.ts';

export async function exportLabels(path: string, set: LabelSet): Promise<{ path: string; features: number }> {
  const out = resolve(path);
  const ext = extname(out).toLowerCase();
  if (ext === '.geojson' || ext === '.json') {
    const saved = await saveLabels(out, set);
    return { path: saved.path, features: saved.features };
  }
  if (ext !== '.gpkg') throw new ApiError('E_UNSUPPORTED', `${out}: labels export as .gpkg (GeoPackage) or .geojson, not "${ext || 'no extension'}"`, out);
  const info = await targetRaster(set.target);
  const writer = await GeoPackageWriter.open(out, {
    crs: info.crs,
    layer: 'labels',
    geometryType: 'Geometry',
    fields: [{ name: 'class', type: 'text' }, { name: 'shape', type: 'text' }, { name: 'label_id', type: 'text' }],
  });
  try {
    const features: Feature[] = set.features.map((f) => ({
      geometry: f.shape === 'point' ? { type: 'Point', coordinates: f.coordinates[0] } : { type: 'Polygon', coordinates: [f.coordinates] },
      properties: { class: f.class, shape: f.shape, label_id: f.id },
    }));
    await writer.add(features);
    await writer.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return { path: out, features: set.features.length };
}

/**
 * Labels from either kind of file, as cells of the encoder's output grid: a GeoJSON file of
 * drawn features (vector-labels.ts) or a label raster (label-raster.ts). GeoPackage labels are
 * refused by name until they are read; ogr2ogr converts them to GeoJSON.
 */
import { extname } from 'node:path';
import { ApiError, type RasterInfo } from '../api.ts';
import { labelCells, type CellLabels } from './label-raster.ts';
import { vectorLabelCells } from './vector-labels.ts';

export interface LabelSource {
  labels: string;
  labelValues: Record<string, string> | null;
  /** The class property of vector labels (default "class"). */
  classField?: string;
}

export async function readLabels(s: LabelSource, input: RasterInfo, stride: number, classes: readonly string[], signal?: AbortSignal): Promise<CellLabels> {
  const ext = extname(s.labels).toLowerCase();
  if (ext === '.geojson' || ext === '.json') return vectorLabelCells(s.labels, input, stride, classes, s.classField, s.labelValues);
  if (ext === '.gpkg') throw new ApiError('E_UNSUPPORTED', `${s.labels}: GeoPackage labels are not read yet; convert them with ogr2ogr -f GeoJSON labels.geojson ${s.labels}`, s.labels);
  return labelCells(s.labels, input, stride, classes, s.labelValues, signal);
}

/**
 * Labels from either kind of file, as cells of the encoder's output grid: a GeoJSON or
 * GeoPackage file of drawn features (vector-labels.ts) or a label raster (label-raster.ts).
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
  /** The feature table of GeoPackage labels (default: the first). */
  layer?: string;
}

/** Multi-label cells (classify heads with a sigmoid per class): which classes each cell holds. */
export interface MultiLabel {
  /** A label raster's class is present in a cell from this share of its labelled pixels. */
  minFraction: number;
}

export async function readLabels(s: LabelSource, input: RasterInfo, stride: number, classes: readonly string[], signal?: AbortSignal, multi?: MultiLabel): Promise<CellLabels> {
  const ext = extname(s.labels).toLowerCase();
  if (ext === '.geojson' || ext === '.json' || ext === '.gpkg') return vectorLabelCells(s.labels, input, stride, classes, s.classField, s.labelValues, s.layer, multi !== undefined);
  if (s.layer !== undefined) throw new ApiError('E_BAD_REQUEST', `${s.labels}: a layer ("${s.layer}") is chosen only in GeoPackage labels`, s.labels);
  return labelCells(s.labels, input, stride, classes, s.labelValues, signal, multi?.minFraction);
}

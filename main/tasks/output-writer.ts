/**
 * Where blended rows go: main/raster's streaming GeoTIFF writer (tiled, DEFLATE with
 * the TIFF predictor, overviews built on the fly, directories first so the file reads
 * like a COG) fed full-width rows top to bottom by its PyramidWriter. The file is
 * written under a temporary name in the output folder and renamed when complete;
 * abort() deletes it.
 *
 * The output grid is the input's: same CRS, geotransform scaled by the model's stride
 * (pixel size x stride, origin unchanged) and, for a shard, moved down to its first row.
 */
import type { Crs, DataType, GeoTransform } from '../api.ts';
import { GeoTiffWriter, PyramidWriter, type GeoTiffWriterOptions, type NumericArray } from '../raster/index.ts';

export type Resampling = 'average' | 'nearest';

export interface RowSink {
  /** rows x width values per band; the arrays belong to the sink afterwards. */
  writeRows(bands: NumericArray[], rows: number): Promise<void>;
  /** Writes the directories and renames the file into place. */
  finish(): Promise<void>;
  /** Stops and deletes the partial file. */
  abort(): Promise<void>;
}

export interface OutputSpec {
  path: string;
  width: number;
  height: number;
  bandCount: number;
  dataType: DataType;
  geoTransform: GeoTransform | null;
  crs: Crs | null;
  nodata: number | null;
  bandNames?: string[];
  metadata?: Record<string, string>;
  resampling: Resampling;
  /** Palette of a single Byte/UInt16 class band: [r, g, b] per value. */
  colorTable?: [number, number, number][];
}

/** The input geotransform for an output of `stride` input pixels per pixel, starting at output row `row0`. */
export function outputGeoTransform(gt: GeoTransform, stride: number, row0: number): GeoTransform {
  const s: GeoTransform = [gt[0], gt[1] * stride, gt[2] * stride, gt[3], gt[4] * stride, gt[5] * stride];
  return [s[0] + row0 * s[2], s[1], s[2], s[3] + row0 * s[5], s[4], s[5]];
}

export function writerOptions(o: OutputSpec): GeoTiffWriterOptions {
  const float = o.dataType === 'Float32' || o.dataType === 'Float64';
  return {
    width: o.width,
    height: o.height,
    bandCount: o.bandCount,
    dataType: o.dataType,
    tileSize: 256,
    compression: 'deflate',
    // Predictors make DEFLATE work on smooth model outputs (differences are small).
    predictor: float ? 3 : 2,
    overviews: 'auto',
    geoTransform: o.geoTransform,
    crs: o.crs,
    nodata: o.nodata,
    bandNames: o.bandNames,
    metadata: o.metadata,
    colorTable: o.colorTable,
  };
}

export async function openRowSink(o: OutputSpec): Promise<RowSink> {
  const writer = await GeoTiffWriter.create(o.path, writerOptions(o));
  const pyramid = new PyramidWriter(writer, o.resampling);
  return {
    writeRows: (bands, rows) => pyramid.writeRows(bands, rows),
    finish: () => pyramid.finish(),
    abort: () => writer.abort(),
  };
}

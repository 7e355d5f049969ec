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
import { bytesPerSample } from '../raster/index.ts';

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
  /** Float32 rows stored as IEEE half floats (BitsPerSample 16); overviews are averaged in Float32 first. */
  float16?: boolean;
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

/** Most bytes one row of full-resolution tiles (all bands) may hold in the pyramid writer. */
export const TILE_ROW_BUDGET_BYTES = 64 * 1024 * 1024;

/**
 * The TIFF tile side: 256 px unless a row of 256 px tiles across the full width and all
 * bands would pass `budget` (the PyramidWriter buffers one tile row per level, ~2x the full-
 * resolution one in all): then the largest multiple of 16 (TIFF's rule) that fits, at least
 * 16. A 128-band Float32 output 11k px wide (a fused embed of a whole S2 tile) gets 16 px
 * tiles: 90 MiB for its full-resolution row instead of 1.4 GiB at 256 px. Sizes are of the
 * rows in memory (Float32 also for half-float files).
 */
export function outputTileSize(width: number, bandCount: number, dataType: DataType, budget = TILE_ROW_BUDGET_BYTES): number {
  const rowBytes = width * bandCount * bytesPerSample(dataType);
  const fit = Math.floor(budget / rowBytes / 16) * 16;
  return Math.max(16, Math.min(256, fit));
}

export function writerOptions(o: OutputSpec): GeoTiffWriterOptions {
  const float = o.dataType === 'Float32' || o.dataType === 'Float64';
  return {
    width: o.width,
    height: o.height,
    bandCount: o.bandCount,
    dataType: o.dataType,
    float16: o.float16 === true,
    tileSize: outputTileSize(o.width, o.bandCount, o.dataType),
    compression: 'deflate',
    // Predictors make DEFLATE work on smooth model outputs (differences are small). The
    // floating-point predictor also on 2-byte halves: GDAL 3.6 / libtiff 4.5 reads it (its own
    // NBITS=16 float files use it too), checked with gdalinfo -stats in embed-float16.test.ts.
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

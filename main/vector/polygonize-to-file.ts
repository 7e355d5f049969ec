/**
 * Class raster file -> vector file in one call (what the segment and change tasks use):
 * checks the output format and the raster before any work, polygonizes window by
 * window straight into the writer, and leaves either a whole file or none.
 */
import { openRaster } from '../raster/index.ts';
import { readCategoryNames, type ClassNames } from './category-names.ts';
import { CLASS_POLYGON_FIELDS, checkClassRaster, featureCrs, polygonizeRaster, type PolygonizeSummary } from './polygonize.ts';
import { openVectorWriter, vectorFormatOf, type VectorFormat } from './vector-writer.ts';
import type { ProgressContext } from '../raster/index.ts';
import { basename, extname } from 'node:path';

export interface PolygonizeToFileOptions extends ProgressContext {
  /** Names by class value; default the CategoryNames in `<raster>.aux.xml`, if any. */
  classNames?: ClassNames;
  /** Values left out besides nodata (e.g. [0] for background). */
  skipValues?: number[];
  /** Written into every feature's `source` (default the raster path as given). */
  sourceFile?: string;
  /** Layer name (default the output file's name without extension, made safe). */
  layer?: string;
  /** 1-based band (default 1). */
  band?: number;
  /** Rows per read (default about 1 M pixels). */
  rowsPerRead?: number;
}

export interface PolygonizeFileReport extends PolygonizeSummary {
  output: string;
  format: VectorFormat;
  layer: string;
}

export async function polygonizeToFile(rasterPath: string, outPath: string, opts: PolygonizeToFileOptions = {}): Promise<PolygonizeFileReport> {
  const format = vectorFormatOf(outPath);
  const raster = await openRaster([rasterPath], { signal: opts.signal });
  try {
    const band = opts.band ?? 1;
    checkClassRaster(raster.info, band);
    const classNames = opts.classNames ?? (await readCategoryNames(rasterPath, band));
    const layer = opts.layer ?? layerNameOf(outPath);
    const writer = await openVectorWriter(outPath, {
      crs: featureCrs(raster.info),
      layer,
      fields: CLASS_POLYGON_FIELDS,
      geometryType: 'Polygon',
    });
    try {
      const summary = await polygonizeRaster(
        raster,
        {
          band,
          classNames,
          skipValues: opts.skipValues,
          sourceFile: opts.sourceFile ?? rasterPath,
          rowsPerRead: opts.rowsPerRead,
          signal: opts.signal,
          progress: opts.progress,
        },
        (features) => writer.add(features),
      );
      await writer.finish();
      return { ...summary, output: outPath, format, layer };
    } catch (err) {
      await writer.abort();
      throw err;
    }
  } finally {
    await raster.close();
  }
}

/** A layer name from a file name: letters, digits, _ and -, starting with a letter or _. */
export function layerNameOf(path: string): string {
  let name = basename(path, extname(path)).replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 63);
  if (!/^[A-Za-z_]/.test(name)) name = `_${name}`.slice(0, 63);
  if (/^gpkg_/i.test(name)) name = `layer_${name}`.slice(0, 63);
  return name;
}

/**
 * A raster (an open layer, or any file we read) exported as a Cloud-Optimized GeoTIFF:
 * 512 px tiles, DEFLATE, internal overviews, directories first and the tile data coarsest
 * overview first (the raster writer's COG layout), georeferencing, nodata, band
 * descriptions, the colour table and the category names (`.aux.xml`, as our outputs have
 * them). Read in full-width strips of one tile row and streamed through PyramidWriter,
 * so memory depends on the width, never the height. Class rasters get nearest-neighbour
 * overviews (an average of two classes is a third class), others averaged.
 */
import { rm } from 'node:fs/promises';
import { ApiError, type CallContext, type RasterInfo } from '../api.ts';
import { GeoTiffWriter, PyramidWriter, writeCategoryNames, type Raster } from '../raster/index.ts';
import { checkDestination } from './destination.ts';

const TILE = 512;

export interface RasterExportResult {
  out: string;
  width: number;
  height: number;
  overviews: number;
}

/** "Band 3" is GDAL's name for a band without a description: not written as one. */
function descriptions(info: RasterInfo): string[] {
  return info.bandNames.map((n, i) => (n === `Band ${i + 1}` ? '' : n));
}

function throwIfCancelled(signal: AbortSignal, out: string): void {
  if (signal.aborted) throw new ApiError('E_CANCELLED', `${out}: export cancelled`, out);
}

export async function exportCog(raster: Raster, out: string, ctx: CallContext): Promise<RasterExportResult> {
  const info = raster.info;
  const target = await checkDestination(out, ['.tif', '.tiff'], info.files);
  const classes = info.colorTable !== null || info.categoryNames !== null;
  const integer = !/^Float/.test(info.dataType);
  const writer = await GeoTiffWriter.create(target, {
    width: info.width,
    height: info.height,
    bandCount: info.bandCount,
    dataType: info.dataType,
    tileSize: TILE,
    compression: 'deflate',
    predictor: integer ? 2 : 3,
    overviews: 'auto',
    cogLayout: true,
    geoTransform: info.georeferenced ? info.geoTransform : null,
    crs: info.georeferenced ? info.crs : null,
    nodata: info.nodata,
    bandNames: descriptions(info),
    colorTable: info.colorTable?.map(([r, g, b]) => [r, g, b] as [number, number, number]),
  });
  const pyramid = new PyramidWriter(writer, classes ? 'nearest' : 'average');
  try {
    ctx.progress('export', 0, info.height);
    for (let y = 0; y < info.height; y += TILE) {
      throwIfCancelled(ctx.signal, target);
      const h = Math.min(TILE, info.height - y);
      const strip = await raster.readWindow({ x: 0, y, width: info.width, height: h }, { signal: ctx.signal });
      await pyramid.writeRows(strip, h);
      ctx.progress('export', y + h, info.height);
    }
    throwIfCancelled(ctx.signal, target);
    await pyramid.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  // A sidecar left by an earlier file of this name would lend it the old names.
  if (info.categoryNames) await writeCategoryNames(target, info.categoryNames);
  else await rm(`${target}.aux.xml`, { force: true });
  return { out: target, width: info.width, height: info.height, overviews: writer.levels.length - 1 };
}

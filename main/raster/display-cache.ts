/**
 * prepareDisplay: the GeoTIFF the renderer range-reads. The original file when it is
 * already a tiled GeoTIFF with overviews down to a small size (or small itself), else a
 * tiled, DEFLATE-compressed GeoTIFF with overviews built into cacheDir: streamed strip
 * by strip through PyramidWriter (memory bounded by width, not size), written under a
 * temporary name and renamed when whole, reused while the inputs' paths, sizes and
 * mtimes are unchanged. Band folders always go through the cache. Cancelling removes
 * the partial file.
 */
import { mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Raster } from './types.ts';
import type { ProgressContext } from './types.ts';
import { rasterError, throwIfAborted } from './errors.ts';
import { cacheKey } from './cache-key.ts';
import { GeoTiffWriter } from './tiff-writer.ts';
import { PyramidWriter } from './pyramid-writer.ts';
import { isFloat } from './data-type.ts';

/** Rasters up to this size a side are displayed from the original file. */
const SMALL_SIDE = 2048;
const STRIP_ROWS = 256;

export async function prepareDisplay(raster: Raster, cacheDir: string, ctx: ProgressContext = {}): Promise<{ path: string; cached: boolean }> {
  const info = raster.info;
  if (info.format === 'PNG' || info.format === 'JPEG') {
    throw rasterError('E_UNSUPPORTED', info.path, 'PNG and JPEG layers are shown whole, not through a display GeoTIFF');
  }
  if (info.format !== 'BandFolder' && (await usableAsIs(raster))) return { path: info.files[0], cached: false };

  const key = await cacheKey(info.files);
  const target = join(cacheDir, `${key}.tif`);
  try {
    const st = await stat(target);
    if (st.size > 0) return { path: target, cached: true };
  } catch {
    // not built yet
  }
  throwIfAborted(ctx.signal, info.path);
  const writer = await createWriter(cacheDir, target, raster);
  // Class values must not be averaged into other classes: overviews of a class raster pick a pixel.
  const classes = info.colorTable !== null || info.categoryNames !== null;
  const pyramid = new PyramidWriter(writer, classes ? 'nearest' : 'average');
  try {
    ctx.progress?.('display-cache', 0, info.height);
    for (let y = 0; y < info.height; y += STRIP_ROWS) {
      throwIfAborted(ctx.signal, info.path);
      const h = Math.min(STRIP_ROWS, info.height - y);
      const strip = await raster.readWindow({ x: 0, y, width: info.width, height: h }, { signal: ctx.signal });
      await pyramid.writeRows(strip, h);
      ctx.progress?.('display-cache', y + h, info.height);
    }
    throwIfAborted(ctx.signal, info.path);
    await pyramid.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return { path: target, cached: true };
}

async function createWriter(cacheDir: string, target: string, raster: Raster): Promise<GeoTiffWriter> {
  const info = raster.info;
  try {
    await mkdir(cacheDir, { recursive: true });
    return await GeoTiffWriter.create(target, {
      width: info.width,
      height: info.height,
      bandCount: info.bandCount,
      dataType: info.dataType,
      tileSize: 256,
      compression: 'deflate',
      // A cache: favour build speed over size.
      deflateLevel: 1,
      predictor: isFloat(info.dataType) ? 1 : 2,
      overviews: 'auto',
      geoTransform: info.georeferenced ? info.geoTransform : null,
      crs: info.crs,
      nodata: info.nodata,
      bandNames: info.bandNames,
      metadata: { SKYSENSE_SOURCE: info.files.join(';') },
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw rasterError('E_INTERNAL', cacheDir, `the display cache cannot be written here (${code})`);
  }
}

/** Tiled with overviews reaching a small size (or small), and little-endian (geotiff.js mis-reads big-endian offset arrays). */
async function usableAsIs(raster: Raster): Promise<boolean> {
  const info = raster.info;
  const small = Math.max(info.width, info.height) <= SMALL_SIDE;
  const coarsest = info.overviews.length ? info.overviews[info.overviews.length - 1] : null;
  const pyramid = info.tiled && coarsest !== null && Math.max(coarsest.width, coarsest.height) <= SMALL_SIDE;
  if (!small && !pyramid) return false;
  const fh = await open(info.files[0], 'r');
  try {
    const b = Buffer.alloc(2);
    await fh.read(b, 0, 2, 0);
    return b.toString('latin1') === 'II';
  } finally {
    await fh.close();
  }
}

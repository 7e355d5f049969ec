/**
 * openRaster / rasterInfo: one file (GeoTIFF, PNG, JPEG), a folder of single-band
 * files, or several single-band files of one scene. What a path is comes from its first
 * bytes; every failure is an ApiError naming the file.
 */
import { ApiError, type RasterInfo } from '../api.ts';
import type { Raster } from './types.ts';
import { probeFile } from './file-kind.ts';
import { openSingle } from './single-raster.ts';
import { openBandSet, listBandFolder, type BandSetOptions } from './band-set.ts';
import { throwIfAborted } from './errors.ts';

/** `coarseBands` applies to band sets only (band-set.ts); single files read as stored. */
export async function openRaster(paths: string[], opts: BandSetOptions = {}): Promise<Raster> {
  if (!Array.isArray(paths) || paths.length === 0) throw new ApiError('E_BAD_REQUEST', 'no file given');
  throwIfAborted(opts.signal, paths[0]);
  if (paths.length === 1) {
    const probe = await probeFile(paths[0]);
    if (probe.kind === 'dir') {
      const files = await listBandFolder(paths[0]);
      if (files.length === 1) return openSingle(files[0], opts.signal);
      return openBandSet(paths[0], files, opts);
    }
    return openSingle(paths[0], opts.signal);
  }
  return openBandSet(paths[0], paths, opts);
}

/** RasterInfo and the reader's warnings (what `skysense info` prints to stderr, as gdalinfo does). */
export async function inspectRaster(paths: string[]): Promise<{ info: RasterInfo; warnings: readonly string[] }> {
  const r = await openRaster(paths);
  try {
    return { info: r.info, warnings: r.warnings ?? [] };
  } finally {
    await r.close();
  }
}

export async function rasterInfo(paths: string[]): Promise<RasterInfo> {
  const r = await openRaster(paths);
  try {
    return r.info;
  } finally {
    await r.close();
  }
}

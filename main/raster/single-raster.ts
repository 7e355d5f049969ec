/** Opens one raster file (GeoTIFF, PNG or JPEG) by what its first bytes say it is. */
import { ApiError } from '../api.ts';
import type { Raster } from './types.ts';
import type { IndexedSource } from './indexed-source.ts';
import { probeFile } from './file-kind.ts';
import { TiffRaster } from './tiff-raster.ts';
import { ImageRaster } from './image-raster.ts';
import { asRasterError, throwIfAborted } from './errors.ts';

export async function openSingle(file: string, signal?: AbortSignal, cacheBytes?: number): Promise<Raster & IndexedSource> {
  const probe = await probeFile(file);
  throwIfAborted(signal, file);
  try {
    if (probe.kind === 'tiff') return await TiffRaster.open(file, probe.size, cacheBytes);
    if (probe.kind === 'png' || probe.kind === 'jpeg') return await ImageRaster.open(file, probe.kind, probe.size);
  } catch (err) {
    throw asRasterError(err, file);
  }
  throw new ApiError('E_NOT_RASTER', `${file}: is a folder, not a raster file`, file);
}


/**
 * The `layer.open` command: open the raster, make something the renderer can
 * range-read (the file itself or a COG in the cache), and register the files it may
 * fetch. Bad input fails in openRaster with a specific error before any long work.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ApiError, type CallContext, type Layer } from '../api.ts';
import { openRaster, prepareDisplay, type Raster } from '../raster/index.ts';
import { isMapped, mapExtent, pixelExtent } from './layer-extent.ts';
import type { LayerRegistry, ServedFile } from './layer-registry.ts';

const IMAGE_TYPES: Record<string, string> = { PNG: 'image/png', JPEG: 'image/jpeg' };

function layerName(paths: string[], info: Layer['info']): string {
  if (info.format === 'BandFolder') {
    // Band folders are often named alike (imgs_1, GRANULE/…/R10m): the parent tells scenes apart.
    const folder = paths.length === 1 ? info.path : dirname(paths[0]);
    return `${basename(dirname(folder))}/${basename(folder)}`;
  }
  const name = basename(info.path);
  return paths.length > 1 ? `${name} (+${paths.length - 1} files)` : name;
}

function newLayerId(): string {
  return randomBytes(6).toString('base64url'); // 8 chars, matches LayerId
}

export async function openLayer(
  paths: string[],
  ctx: CallContext,
  registry: LayerRegistry,
  displayCacheDir: string,
): Promise<Layer> {
  const absolute = paths.map((p) => resolve(p));
  const raster: Raster = await openRaster(absolute, { signal: ctx.signal });
  try {
    const info = raster.info;
    const id = newLayerId();
    const served = new Map<string, ServedFile>();
    let cogPath: string | null = null;
    let imageUrl: string | null = null;
    let cached = false;
    const imageType = IMAGE_TYPES[info.format];
    if (imageType) {
      imageUrl = `/data/layers/${id}/image`;
      served.set(imageUrl, { file: info.files[0], contentType: imageType });
    } else {
      await mkdir(displayCacheDir, { recursive: true });
      const display = await prepareDisplay(raster, displayCacheDir, {
        signal: ctx.signal,
        progress: (stage, done, total) => ctx.progress(stage, done, total),
      });
      cogPath = `/data/layers/${id}/cog.tif`;
      served.set(cogPath, { file: display.path, contentType: 'image/tiff' });
      cached = display.cached;
    }
    if (ctx.signal.aborted) throw new ApiError('E_CANCELLED', `opening ${info.path} cancelled`, info.path);
    const extent3857 = isMapped(info) ? mapExtent(info) : pixelExtent(info);
    const layer: Layer = { id, name: layerName(paths, info), info, cogPath, imageUrl, extent3857, cached };
    registry.add(layer, raster, served);
    return layer;
  } catch (err) {
    await raster.close().catch(() => undefined);
    throw err;
  }
}

/** Where display COGs go inside the engine's cache folder. */
export function displayCacheDirOf(cacheDir: string): string {
  return join(cacheDir, 'display');
}

/**
 * A raster seen at another pixel size: the processing grid of a model trained at one
 * ground sample distance (a Deepness model's `resolution` in cm per pixel, a SkySense
 * modality's `gsd`).
 *
 * The tiler plans and reads tiles on whatever Raster it is given, so resampling is a
 * view: same origin and extent, pixel size `res`, width = round(W x |pixelX| / res)
 * (gdalwarp -tr's rule), and memory stays one tile: no resampled copy of the scene is made.
 *
 * 'nearest' turns every window read on the new grid into a fractional window read on the
 * source with outWidth/outHeight, which main/raster samples at the output pixel centres
 * (GDAL's rounding): it equals `gdalwarp -tr res res -te <same extent> -r near` pixel for
 * pixel. That is what the Deepness plugin gets from QGIS's provider block reads; where the
 * raster has overviews and the model is coarser, the read takes the overview level
 * main/raster picks (as gdalwarp -ovr AUTO would).
 *
 * 'average' and 'bilinear' read the source window at full resolution and resample it
 * (raster/resample-kernels.ts), as `gdalwarp -r average` / `-r bilinear` do: nearest drops most
 * source pixels when the model is coarser and aliases fine texture (roof tiles, rows of
 * crops) into patterns the model never saw. Their windows come back as Float32 (averages
 * are fractional) with NaN as nodata when the source has a nodata value. A decimated read
 * (outWidth below the window, a preview) is sampled by nearest neighbour.
 */
import { ApiError, type GeoTransform, type RasterInfo } from '../api.ts';
import type { NumericArray, Raster, ReadOptions, Window } from '../raster/index.ts';
import { cornersOf } from '../raster/index.ts';
import { isNodata } from '../raster/index.ts';
import { axisTaps, resampleBand, type ResampleMethod } from '../raster/index.ts';
import { metresPerUnit } from '../raster/index.ts';

export type { ResampleMethod } from '../raster/index.ts';

/** Pixel width and height in metres, or null when the grid is not north-up in a linear CRS. */
export function metricPixelSize(info: RasterInfo): [number, number] | null {
  const gt = info.geoTransform;
  const perUnit = metresPerUnit(info.crs) ?? undefined;
  if (!info.georeferenced || perUnit === undefined || gt[2] !== 0 || gt[4] !== 0) return null;
  return [Math.abs(gt[1]) * perUnit, Math.abs(gt[5]) * perUnit];
}

/** Mean of a metric pixel's width and height in cm; NaN when the grid is not metric. */
function meanCm(size: [number, number] | null): number {
  return size ? ((size[0] + size[1]) / 2) * 100 : Number.NaN;
}

export interface ProcessingGrid {
  width: number;
  height: number;
  geoTransform: GeoTransform;
  /** Source pixels per grid pixel along x and y. */
  factorX: number;
  factorY: number;
  /** Native pixel size of the source in cm (mean of x and y). */
  sourceResolutionCm: number;
  resolutionCm: number;
  resampled: boolean;
  /** Source pixel coordinates of the grid's origin (absent: the source's own origin). */
  originX?: number;
  originY?: number;
}

/**
 * A north-up grid given by its own geotransform and size over `info` (same CRS): the HR
 * grid of a fused run, aligned to the Sentinel grid rather than to the HR file's origin.
 */
export function alignedGrid(info: RasterInfo, geoTransform: GeoTransform, width: number, height: number): ProcessingGrid {
  const gt = info.geoTransform;
  if (gt[2] !== 0 || gt[4] !== 0 || geoTransform[2] !== 0 || geoTransform[4] !== 0) {
    throw new ApiError('E_UNSUPPORTED', `${info.path}: a rotated geotransform cannot be resampled here; warp it north-up first (gdalwarp)`, info.path);
  }
  return {
    width,
    height,
    geoTransform: [...geoTransform],
    factorX: geoTransform[1] / gt[1],
    factorY: geoTransform[5] / gt[5],
    sourceResolutionCm: meanCm(metricPixelSize(info)),
    resolutionCm: meanCm(metricPixelSize({ ...info, geoTransform })),
    resampled: true,
    originX: (geoTransform[0] - gt[0]) / gt[1],
    originY: (geoTransform[3] - gt[3]) / gt[5],
  };
}

/**
 * The grid of `info` at `resolutionCm` (null: the native grid). Errors name the file when
 * the raster cannot be put on a metric grid (no georeferencing, rotated, degrees).
 */
export function processingGrid(info: RasterInfo, resolutionCm: number | null): ProcessingGrid {
  const gt = info.geoTransform;
  const nativeCm = meanCm(metricPixelSize(info));
  if (resolutionCm === null) {
    return { width: info.width, height: info.height, geoTransform: gt, factorX: 1, factorY: 1, sourceResolutionCm: nativeCm, resolutionCm: nativeCm, resampled: false };
  }
  const file = info.path;
  const perUnit = metresPerUnit(info.crs) ?? undefined;
  if (!Number.isFinite(resolutionCm) || resolutionCm <= 0) throw new ApiError('E_BAD_REQUEST', `resolution ${resolutionCm} cm/px: must be > 0`);
  if (!info.georeferenced || !info.crs) {
    throw new ApiError('E_UNSUPPORTED', `${file}: has no georeferencing, so it cannot be resampled to ${resolutionCm} cm/px; give the raster a CRS or run at its native pixel size`, file);
  }
  if (perUnit === undefined) {
    throw new ApiError('E_UNSUPPORTED', `${file}: its CRS (${info.crs.name}) is in ${info.crs.units}; a resolution in cm/px needs a metric CRS (reproject, e.g. gdalwarp -t_srs EPSG:<UTM zone>)`, file);
  }
  if (gt[2] !== 0 || gt[4] !== 0) throw new ApiError('E_UNSUPPORTED', `${file}: a rotated geotransform cannot be resampled here; warp it north-up first (gdalwarp)`, file);
  const res = resolutionCm / 100 / perUnit;
  const factorX = res / Math.abs(gt[1]);
  const factorY = res / Math.abs(gt[5]);
  const width = Math.floor(info.width / factorX + 0.5);
  const height = Math.floor(info.height / factorY + 0.5);
  if (width < 1 || height < 1) {
    throw new ApiError('E_BAD_REQUEST', `${file}: at ${resolutionCm} cm/px the raster would be ${width} x ${height} px; it is smaller than one pixel of the model`, file);
  }
  return {
    width,
    height,
    geoTransform: [gt[0], Math.sign(gt[1]) * res, 0, gt[3], 0, Math.sign(gt[5]) * res],
    factorX,
    factorY,
    sourceResolutionCm: nativeCm,
    resolutionCm,
    resampled: true,
  };
}

/** `src` on `grid` (the same raster when the grid is native). Closing it closes src. */
export function resampledRaster(src: Raster, grid: ProcessingGrid, method: ResampleMethod = 'nearest'): Raster {
  if (!grid.resampled) return src;
  const smooth = method !== 'nearest';
  const srcNodata = src.info.nodata;
  const nodata = smooth && srcNodata !== null ? Number.NaN : srcNodata;
  const info: RasterInfo = {
    ...src.info,
    width: grid.width,
    height: grid.height,
    geoTransform: grid.geoTransform,
    corners: cornersOf(grid.geoTransform, grid.width, grid.height),
    ...(smooth ? { dataType: 'Float32' as const, nodata } : {}),
    // Overviews describe the source grid; the tiler's empty-tile pre-scan must not use them.
    overviews: [],
  };
  const { factorX: fx, factorY: fy } = grid;
  const ox = grid.originX ?? 0;
  const oy = grid.originY ?? 0;
  const nearest = (win: Window, opts: ReadOptions) =>
    src.readWindow(
      { x: ox + win.x * fx, y: oy + win.y * fy, width: win.width * fx, height: win.height * fy },
      { ...opts, outWidth: opts.outWidth ?? win.width, outHeight: opts.outHeight ?? win.height },
    );
  if (!smooth) return { info, readWindow: (win, opts = {}) => nearest(win, opts), close: () => src.close() };

  // What a pixel holds when no valid source pixel feeds it / when it lies off the grid.
  const invalid = Number.NaN;
  const outside = nodata ?? 0;
  return {
    info,
    async readWindow(win: Window, opts: ReadOptions = {}): Promise<NumericArray[]> {
      const ow = opts.outWidth ?? win.width;
      const oh = opts.outHeight ?? win.height;
      if (ow !== win.width || oh !== win.height) {
        const arrs = await nearest(win, opts);
        return arrs.map((a) => Float32Array.from(a, (v) => (srcNodata !== null && isNodata(v, srcNodata) ? invalid : v)));
      }
      const xs = axisTaps(method, win.x, ow, fx, src.info.width, grid.width, ox);
      const ys = axisTaps(method, win.y, oh, fy, src.info.height, grid.height, oy);
      const bandCount = opts.bands?.length ?? src.info.bandCount;
      if (xs.hi <= xs.lo || ys.hi <= ys.lo) return Array.from({ length: bandCount }, () => new Float32Array(ow * oh).fill(outside));
      const arrs = await src.readWindow({ x: xs.lo, y: ys.lo, width: xs.hi - xs.lo, height: ys.hi - ys.lo }, { bands: opts.bands, signal: opts.signal });
      return arrs.map((a) => resampleBand(method, a, xs, ys, srcNodata, invalid, outside));
    },
    close: () => src.close(),
  };
}

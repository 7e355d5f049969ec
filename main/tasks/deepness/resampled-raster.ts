/**
 * A raster seen at another pixel size: the processing grid of a Deepness model, whose
 * `resolution` metadata says at how many cm per pixel it was trained.
 *
 * The tiler plans and reads tiles on whatever Raster it is given, so resampling is a
 * view: same origin and extent, pixel size `res`, width = round(W x |pixelX| / res)
 * (gdalwarp -tr's rule), and every window read on the new grid becomes a fractional
 * window read on the source with outWidth/outHeight, which main/raster samples at the
 * output pixel centres (nearest neighbour, GDAL's rounding). The result equals
 * `gdalwarp -tr res res -te <same extent> -r near` pixel for pixel, and memory stays one
 * tile: no resampled copy of the scene is made. Nearest is what the plugin gets from
 * QGIS's provider block reads; where the raster has overviews and the model is coarser,
 * the read takes the overview level main/raster picks (as gdalwarp -ovr AUTO would).
 */
import { ApiError, type GeoTransform, type RasterInfo } from '../../api.ts';
import type { Raster, ReadOptions, Window } from '../../raster/index.ts';
import { cornersOf } from '../../raster/geotransform.ts';

const METRES_PER_UNIT: Record<string, number> = { m: 1, ft: 0.3048, 'us-ft': 1200 / 3937 };

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
}

/**
 * The grid of `info` at `resolutionCm` (null: the native grid). Errors name the file when
 * the raster cannot be put on a metric grid (no georeferencing, rotated, degrees).
 */
export function processingGrid(info: RasterInfo, resolutionCm: number | null): ProcessingGrid {
  const gt = info.geoTransform;
  const native: ProcessingGrid = {
    width: info.width,
    height: info.height,
    geoTransform: gt,
    factorX: 1,
    factorY: 1,
    sourceResolutionCm: Number.NaN,
    resolutionCm: Number.NaN,
    resampled: false,
  };
  const perUnit = info.crs ? METRES_PER_UNIT[info.crs.units] : undefined;
  if (info.georeferenced && perUnit !== undefined && gt[2] === 0 && gt[4] === 0) {
    native.sourceResolutionCm = ((Math.abs(gt[1]) + Math.abs(gt[5])) / 2) * perUnit * 100;
    native.resolutionCm = native.sourceResolutionCm;
  }
  if (resolutionCm === null) return native;
  const file = info.path;
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
    sourceResolutionCm: native.sourceResolutionCm,
    resolutionCm,
    resampled: true,
  };
}

/** `src` on `grid` (the same raster when the grid is native). Closing it closes src. */
export function resampledRaster(src: Raster, grid: ProcessingGrid): Raster {
  if (!grid.resampled) return src;
  const info: RasterInfo = {
    ...src.info,
    width: grid.width,
    height: grid.height,
    geoTransform: grid.geoTransform,
    corners: cornersOf(grid.geoTransform, grid.width, grid.height),
    // Overviews describe the source grid; the tiler's empty-tile pre-scan must not use them.
    overviews: [],
  };
  const { factorX: fx, factorY: fy } = grid;
  return {
    info,
    readWindow: (win: Window, opts: ReadOptions = {}) =>
      src.readWindow(
        { x: win.x * fx, y: win.y * fy, width: win.width * fx, height: win.height * fy },
        { ...opts, outWidth: opts.outWidth ?? win.width, outHeight: opts.outHeight ?? win.height },
      ),
    close: () => src.close(),
  };
}

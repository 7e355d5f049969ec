/**
 * On which grid a raster is processed: its own pixels, or resampled to the ground sample
 * distance (GSD) the model's modality was trained at (the manifest's `gsd`, 0.3 m for HR).
 *
 * Objects must appear at the size the encoder learnt them: a 0.1 m drone mosaic fed
 * natively shows every car 3x too large, and the stride-32 features then describe parts
 * of roofs instead of buildings. So by default HR rasters are read at the model's GSD.
 * Sentinel-2/-1 rasters come on the 10 m grid the model uses (20/60 m bands are already
 * brought to 10 m when a band folder is opened), so they stay native unless asked.
 *
 * Tolerance: a raster within 25 % of the model's GSD (0.24-0.375 m for 0.3 m) is kept
 * native. Resampling by a factor near 1 costs sharpness (an area average of 1.2 source
 * pixels blurs every edge) while the scale error it removes is small: SkySense's own
 * fine-tuning recipes jitter scale far more (iSAID: random resize 0.5-2.0, SKYSENSE.md),
 * so the model tolerates it. Common products stay untouched that way (25 cm national
 * orthophotos, 30 cm satellite), while 20 cm aerial imagery or 50 cm satellite (1.5-1.7x
 * off) and drone imagery are resampled. The ratio is taken on the mean of the pixel's
 * width and height and applied symmetrically (0.8 .. 1.25 kept).
 *
 * Method: area average when the model's pixel is larger (downsampling: every source pixel
 * counts, no aliasing), bilinear when it is smaller (upsampling). Only a raster that is
 * georeferenced, north-up and in a linear CRS (metres or feet) can be put on a metric
 * grid; anything else is processed at its own pixel size and the report says why.
 */
import { ApiError, type RasterInfo } from '../api.ts';
import type { ModalityId } from '../model/index.ts';
import { metricPixelSize, processingGrid, type ProcessingGrid } from './resampled-raster.ts';
import { crsName } from '../raster/index.ts';

export type GsdMode = 'model' | 'native';

/** Largest relative difference from the model's GSD that is processed natively. */
export const GSD_TOLERANCE = 0.25;

export interface GsdDecision {
  mode: GsdMode;
  modeFrom: 'option' | 'default';
  /** The model's GSD for this modality, metres. */
  modelGsdM: number;
  /** The raster's pixel width and height in metres; null when unknown (no metric grid). */
  nativeGsdM: [number, number] | null;
  resampled: boolean;
  method: 'average' | 'bilinear' | null;
  /** Source pixels per processing pixel along x and y (1 when native). */
  factor: [number, number];
  /** One line for the report: what was done and why. */
  note: string;
}

const fmt = (v: number) => Number(v.toPrecision(3)).toString();

function defaultMode(modality: ModalityId): GsdMode {
  return modality === 'hr' ? 'model' : 'native';
}

/** Rough metres per pixel of a degree grid at its centre (spherical Earth; only for the note). */
function degreePixelM(info: RasterInfo): [number, number] {
  const gt = info.geoTransform;
  const lat = ((gt[3] + gt[5] * info.height / 2) * Math.PI) / 180;
  const m = 6371008.8 * (Math.PI / 180);
  return [Math.abs(gt[1]) * m * Math.cos(lat), Math.abs(gt[5]) * m];
}

export function decideGsd(info: RasterInfo, modality: ModalityId, modelGsdM: number, asked?: GsdMode): { decision: GsdDecision; grid: ProcessingGrid } {
  if (asked !== undefined && asked !== 'model' && asked !== 'native') throw new ApiError('E_BAD_REQUEST', `gsd "${String(asked)}": use "model" or "native"`);
  const mode = asked ?? defaultMode(modality);
  const modeFrom = asked ? 'option' : 'default';
  const file = info.path;
  const nativeGsdM = metricPixelSize(info);
  const native = (note: string): { decision: GsdDecision; grid: ProcessingGrid } => ({
    decision: { mode, modeFrom, modelGsdM, nativeGsdM, resampled: false, method: null, factor: [1, 1], note },
    grid: processingGrid(info, null),
  });
  const size = nativeGsdM ? (fmt(nativeGsdM[0]) === fmt(nativeGsdM[1]) ? `${fmt(nativeGsdM[0])} m` : `${fmt(nativeGsdM[0])} x ${fmt(nativeGsdM[1])} m`) : null;
  const mean = nativeGsdM ? (nativeGsdM[0] + nativeGsdM[1]) / 2 : Number.NaN;
  const ratio = mean / modelGsdM;
  // The slack keeps a pixel stored as 0.19999999999977 m at the boundary where 0.2 m is.
  const within = ratio <= (1 + GSD_TOLERANCE) * (1 + 1e-9) && ratio >= (1 - 1e-9) / (1 + GSD_TOLERANCE);

  if (mode === 'native') {
    const why = asked ? 'gsd native' : `the default for ${modality}: Sentinel rasters come on the model's grid`;
    const off = size && !within ? `; its ${size} pixel is not the model's ${fmt(modelGsdM)} m (use gsd model to resample)` : '';
    return native(`processed at its native pixel size${size ? ` (${size})` : ''} (${why})${off}`);
  }
  if (!nativeGsdM) {
    const gt = info.geoTransform;
    if (!info.georeferenced || !info.crs) {
      return native(`${file} has no georeferencing, so its pixel size is unknown: processed at its native pixel size (the model expects ${fmt(modelGsdM)} m per pixel; resample the image to that first if it differs)`);
    }
    if (gt[2] !== 0 || gt[4] !== 0) {
      return native(`${file} has a rotated geotransform: processed at its native pixel size (warp it north-up with gdalwarp -tr ${modelGsdM} ${modelGsdM} -r average to use the model's ${fmt(modelGsdM)} m)`);
    }
    if (info.crs.units === 'degree') {
      const [mx, my] = degreePixelM(info);
      return native(
        `${file} is in a geographic CRS (${crsName(info.crs)}, degrees), about ${fmt(mx)} x ${fmt(my)} m per pixel at its centre: processed at its native pixel size; to use the model's ${fmt(modelGsdM)} m, reproject it to a metric CRS first (gdalwarp -t_srs EPSG:<UTM zone> -tr ${modelGsdM} ${modelGsdM} -r average)`,
      );
    }
    return native(`${file}: its CRS (${info.crs.name}) has no linear unit: processed at its native pixel size`);
  }
  if (within) {
    return native(`its ${size} pixel is within ${GSD_TOLERANCE * 100} % of the model's ${fmt(modelGsdM)} m: processed at its native pixel size`);
  }
  const method = ratio < 1 ? 'average' : 'bilinear';
  // Rounded so 0.3 m stays 0.3 after the cm round trip (0.3 * 100 is 30.000000000000004).
  const grid = processingGrid(info, Math.round(modelGsdM * 100 * 1e9) / 1e9);
  const how = method === 'average' ? `area average (${fmt(grid.factorX)} source pixels per model pixel)` : `bilinear interpolation (${fmt(1 / grid.factorX)} model pixels per source pixel)`;
  return {
    decision: {
      mode,
      modeFrom,
      modelGsdM,
      nativeGsdM,
      resampled: true,
      method,
      factor: [grid.factorX, grid.factorY],
      note: `${size} resampled to the model's ${fmt(modelGsdM)} m by ${how}: ${info.width} x ${info.height} -> ${grid.width} x ${grid.height} px`,
    },
    grid,
  };
}

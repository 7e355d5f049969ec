/**
 * The raster a task actually tiles: the opened input, masked (masked-raster.ts) and put on
 * the processing grid (model-gsd.ts, resampled-raster.ts), plus what was done for the
 * report. Shared by every encoder and head task so each gets the same `gsd` and `mask`
 * options.
 *
 * Order: the mask is applied on the input's own grid (where it lies), then the masked
 * raster is resampled, so masked pixels carry no weight in the averages. Band mapping and
 * modality guessing happen before, on the file as it is (they look at its sample type);
 * units detection after, on what the model will see.
 *
 * Outputs of a resampled run lie on the processing grid: the input's origin and CRS with
 * the model's pixel size, stated in the report (`preparation.grid`).
 */
import type { GeoTransform } from '../api.ts';
import type { ModalityId } from '../model/index.ts';
import type { Raster } from '../raster/index.ts';
import { maskedRaster, openMask, type MaskReport, type MaskSpec } from './masked-raster.ts';
import { decideGsd, type GsdDecision, type GsdMode } from './model-gsd.ts';
import { resampledRaster } from './resampled-raster.ts';
import { crsName } from '../raster/index.ts';

export type { MaskSpec } from './masked-raster.ts';
export type { GsdMode } from './model-gsd.ts';

/** The options every task takes for its input. */
export interface InputOptions {
  /** 'model': resample to the model's GSD (default for HR); 'native': the raster's own pixels (default for S2/S1). */
  gsd?: GsdMode;
  /** Pixels to treat as nodata, from a single-band raster on the input's grid. */
  mask?: MaskSpec;
}

export interface InputPreparation {
  /** The input as opened. */
  source: { width: number; height: number; geoTransform: GeoTransform };
  /** The grid the task runs on (and writes, scaled by its stride). */
  grid: { width: number; height: number; geoTransform: GeoTransform; crs: string | null };
  gsd: GsdDecision;
  mask: MaskReport | null;
}

export interface PreparedInput {
  /** Closing it closes the source raster and the mask. */
  raster: Raster;
  preparation: InputPreparation;
}

export async function prepareInput(
  source: Raster,
  o: InputOptions & { modality: ModalityId; modelGsdM: number; out?: string; signal?: AbortSignal },
): Promise<PreparedInput> {
  const info = source.info;
  const { decision, grid } = decideGsd(info, o.modality, o.modelGsdM, o.gsd);
  const mask = o.mask ? await openMask(o.mask, info, o.signal, o.out) : null;
  const masked = mask ? maskedRaster(source, mask) : source;
  const raster = decision.method ? resampledRaster(masked, grid, decision.method) : masked;
  const crs = crsName(info.crs);
  return {
    raster,
    preparation: {
      source: { width: info.width, height: info.height, geoTransform: [...info.geoTransform] },
      grid: { width: raster.info.width, height: raster.info.height, geoTransform: [...raster.info.geoTransform], crs },
      gsd: decision,
      mask: mask?.report ?? null,
    },
  };
}

/** "the input" or what the processing grid is, for geoTransformNote lines ("geotransform of ..."). */
export function gridWords(p: InputPreparation): string {
  return p.gsd.resampled ? `the processing grid (the input resampled to ${p.gsd.modelGsdM} m, see preparation.grid)` : 'the input';
}

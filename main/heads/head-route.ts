/**
 * Which path a head task takes: a fused head (encoder.modality "fused") reads a series
 * (s2 / s1 / hr, with their dates), any other head one raster (inputs). segment and
 * classify route here first, so the wrong kind of input is refused by name, with what the
 * head wants, before any file is read.
 */
import { ApiError } from '../api.ts';
import type { HeadManifest } from '../model/index.ts';

export interface RouteInputs {
  inputs?: string[];
  s2?: string[];
  s1?: string[];
  hr?: string;
  dates?: string[];
  s1Dates?: string[];
  resample?: string;
}

/** 'series' for a fused head, 'single' otherwise; throws when the inputs given are the other kind. */
export function routeHead(h: { manifestPath: string; manifest: Pick<HeadManifest, 'name' | 'encoder'> }, o: RouteInputs): 'series' | 'single' {
  const m = h.manifest;
  const given = (Object.entries({ s2: o.s2, s1: o.s1, hr: o.hr, dates: o.dates, s1Dates: o.s1Dates, resample: o.resample }) as [string, unknown][])
    .filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k]) => k);
  if (m.encoder.modality === 'fused') {
    if (o.inputs !== undefined) {
      throw new ApiError(
        'E_BAD_REQUEST',
        `${h.manifestPath}: head "${m.name}" is a fused head (encoder.modality "fused"): it reads an S2 and/or S1 time series (s2 / s1, one raster per date; on the command line --input per S2 date, --s1 per S1 date, or one --input with --dates; --hr adds an HR image), not a single raster (${o.inputs.join(', ')})`,
        h.manifestPath,
      );
    }
    return 'series';
  }
  if (given.length > 0) {
    throw new ApiError(
      'E_BAD_REQUEST',
      `${h.manifestPath}: head "${m.name}" reads one ${m.encoder.modality} raster (encoder.modality "${m.encoder.modality}"), not a time series: ${given.join(', ')} apply only to fused heads (encoder.modality "fused"); give one raster as inputs (one --input)`,
      h.manifestPath,
    );
  }
  return 'single';
}

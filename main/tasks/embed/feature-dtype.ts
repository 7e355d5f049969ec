/**
 * The sample type of a feature GeoTIFF (embed, fused-embed): float32, or float16 stored as
 * IEEE half floats (BitsPerSample 16, SampleFormat 3; raster/float16.ts): half the bytes,
 * relative error at most 2^-11, NaN nodata kept. GDAL before 3.11 reads half as Float32.
 */
import { ApiError } from '../../api.ts';

export type FeatureDataType = 'float32' | 'float16';

/** runTiled's output options for a feature raster of `channels` bands f000.. (nodata NaN: features take any value). */
export function featureRasterOptions(channels: number, dataType: 'Float32' | 'Float16') {
  return {
    outChannels: channels,
    outDataType: 'Float32' as const,
    outFloat16: dataType === 'Float16',
    nodata: Number.NaN,
    bandNames: Array.from({ length: channels }, (_, i) => `f${String(i).padStart(3, '0')}`),
  };
}

/** The report's name for the written type (GDAL's names; Float16 as GDAL 3.11 spells it), after checking the option. */
export function featureDataType(t: FeatureDataType | undefined): 'Float32' | 'Float16' {
  if (t === undefined || t === 'float32') return 'Float32';
  if (t === 'float16') return 'Float16';
  throw new ApiError('E_BAD_REQUEST', `dataType must be float32 or float16 (got "${String(t)}")`);
}

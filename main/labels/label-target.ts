/**
 * The raster labels belong to: the one raster of a segment target, the before date of a
 * change pair (both dates share its grid), the first S2 (else S1) date of a series (the
 * fused grid is the first date's). Its CRS is the labels' CRS, its grid their pixels.
 */
import { ApiError, type LabelTarget, type RasterInfo } from '../api.ts';
import { rasterInfo } from '../raster/index.ts';

export function targetPaths(t: LabelTarget): string[] {
  if (t.kind === 'raster') return t.paths;
  if (t.kind === 'pair') return t.before;
  const first = t.series.s2?.[0] ?? t.series.s1?.[0];
  if (!first) throw new ApiError('E_BAD_REQUEST', 'target.series: a series needs s2 and/or s1 rasters');
  return [first];
}

/** The target raster's facts; labels are drawn in a CRS, so a raster without one is refused by name. */
export async function targetRaster(t: LabelTarget): Promise<RasterInfo> {
  const info = await rasterInfo(targetPaths(t));
  if (!info.georeferenced || !info.crs) throw new ApiError('E_BAD_REQUEST', `${info.path}: the raster has no CRS; labels are drawn on georeferenced rasters`, info.path);
  return info;
}

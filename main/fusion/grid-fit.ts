/**
 * Whether one raster of a fused run (another date, or S1) lies on the reference grid (the
 * first S2 input's), checked before any pixel is read.
 *
 * "Same grid" means the same CRS, no rotation, and both the origin and the far corner
 * within half a pixel of the reference: then pixel (col, row) of one is pixel (col, row)
 * of the other. Anything else is refused, naming both files and the offset in pixels,
 * unless the run asks for `resample: 'nearest'`: a raster in the same CRS is then read
 * onto the reference grid by nearest neighbour (each reference pixel centre takes the
 * value of the source pixel containing it; outside the source it is nodata). Nearest
 * keeps the sensor's values (no blending of reflectance or dB across pixels) and is
 * exact for whole-pixel offsets (a crop of the same grid). Reprojection between CRSs
 * is not done here: gdalwarp does it properly, and the message says how.
 */
import { ApiError, type GeoTransform, type RasterInfo } from '../api.ts';
import { crsLabel, sameCrs } from '../raster/index.ts';

export type Resample = 'none' | 'nearest';

export type GridFit =
  | { kind: 'same' }
  /** Source pixel of reference pixel (col, row) = floor(a + (col + 0.5) * sx), floor(b + (row + 0.5) * sy). */
  | { kind: 'nearest'; a: number; sx: number; b: number; sy: number; offsetPx: [number, number] };

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : Number(v.toPrecision(3)).toString());

function gridText(info: RasterInfo): string {
  const gt = info.geoTransform;
  return `${info.width} x ${info.height} px, origin (${gt[0]}, ${gt[3]}), pixel ${gt[1]} x ${gt[5]}`;
}

/** How `other` maps onto `ref`'s grid; throws a specific error when it cannot be used. */
export function fitGrid(ref: RasterInfo, other: RasterInfo, resample: Resample): GridFit {
  const mismatch = (problem: string) => new ApiError('E_BAND_MISMATCH', `${other.path}: ${problem}`, other.path);
  if (ref.georeferenced !== other.georeferenced) {
    throw mismatch(`is ${other.georeferenced ? '' : 'not '}georeferenced, unlike ${ref.path}; fused inputs must lie on one grid`);
  }
  if (!ref.georeferenced) {
    if (ref.width === other.width && ref.height === other.height) return { kind: 'same' };
    throw mismatch(`is ${other.width} x ${other.height} px, unlike ${ref.path} (${ref.width} x ${ref.height}), and has no georeferencing to align them`);
  }
  if (!sameCrs(ref, other)) {
    throw mismatch(`CRS ${crsLabel(other)} differs from ${crsLabel(ref)} of ${ref.path}; reproject it onto that grid first (gdalwarp -t_srs, -te, -tr from gdalinfo of ${ref.path})`);
  }
  for (const info of [ref, other]) {
    const gt = info.geoTransform;
    if (gt[2] !== 0 || gt[4] !== 0) throw new ApiError('E_UNSUPPORTED', `${info.path}: rotated grids cannot be fused (gdalwarp it to a north-up grid)`, info.path);
  }
  const r: GeoTransform = ref.geoTransform;
  const o: GeoTransform = other.geoTransform;
  // Offsets in reference pixels of the two corners.
  const dx0 = (o[0] - r[0]) / r[1];
  const dy0 = (o[3] - r[3]) / r[5];
  const dx1 = (o[0] + other.width * o[1] - (r[0] + ref.width * r[1])) / r[1];
  const dy1 = (o[3] + other.height * o[5] - (r[3] + ref.height * r[5])) / r[5];
  if (Math.max(Math.abs(dx0), Math.abs(dy0), Math.abs(dx1), Math.abs(dy1)) <= 0.5 && other.width === ref.width && other.height === ref.height) {
    return { kind: 'same' };
  }
  const where = `its grid (${gridText(other)}) differs from ${ref.path} (${gridText(ref)}) by more than half a pixel: origin off by (${fmt(dx0)}, ${fmt(dy0)}) px, far corner by (${fmt(dx1)}, ${fmt(dy1)}) px`;
  if (resample !== 'nearest') {
    throw mismatch(`${where}; put it on that grid (gdalwarp -te/-ts) or resample on read (--resample nearest)`);
  }
  // Overlap of the two footprints, in reference pixels.
  const ox0 = Math.max(0, Math.min(dx0, ref.width + dx1));
  const ox1 = Math.min(ref.width, Math.max(dx0, ref.width + dx1));
  const oy0 = Math.max(0, Math.min(dy0, ref.height + dy1));
  const oy1 = Math.min(ref.height, Math.max(dy0, ref.height + dy1));
  if (ox1 <= ox0 || oy1 <= oy0) throw mismatch(`does not overlap ${ref.path}`);
  const sx = r[1] / o[1];
  const sy = r[5] / o[5];
  return { kind: 'nearest', a: (r[0] - o[0]) / o[1], sx, b: (r[3] - o[3]) / o[5], sy, offsetPx: [dx0, dy0] };
}

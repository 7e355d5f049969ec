/** Whether a sample is the raster's nodata value; a NaN nodata matches every NaN sample. */
export function isNodata(v: number, nodata: number): boolean {
  return v === nodata || (nodata !== nodata && v !== v);
}

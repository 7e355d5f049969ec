/**
 * The colour table of a palette GeoTIFF (Photometric 3, TIFF tag ColorMap), as GDAL reads
 * it: 16-bit components scaled to 0..255 and alpha 255. TIFF stores 0..65535, but some
 * writers put 0..255 there or shift 8 bits; GDAL guesses which from the values, and so do
 * we, so a table shows the colours every GIS shows.
 */
import type { TiffFile } from './tiff-file.ts';
import { arr } from './tiff-file.ts';
import { Tag } from './tiff-tags.ts';

const PALETTE = 3;

export type ColorEntry = [number, number, number, number];

/** 1 when every component fits a byte, 256 when all are whole multiples of 256 and not of 257, else 257. */
function multiplierOf(values: ArrayLike<number>): number {
  let max = 0;
  let by256 = true;
  let by257 = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > max) max = v;
    if (v % 256 !== 0) by256 = false;
    if (v % 257 !== 0) by257 = false;
  }
  if (max < 256) return 1;
  return by256 && !by257 ? 256 : 257;
}

/** GDAL also makes the nodata value's entry transparent (alpha 0), so nodata never draws. */
export function readColorTable(tf: TiffFile, nodata: number | null): ColorEntry[] | null {
  if (tf.photometric !== PALETTE) return null;
  const map = arr(tf.main, Tag.ColorMap);
  if (!map || map.length === 0 || map.length % 3 !== 0) return null;
  const n = map.length / 3;
  const k = multiplierOf(map);
  const out: ColorEntry[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = [Math.floor(map[i] / k), Math.floor(map[n + i] / k), Math.floor(map[2 * n + i] / k), 255];
  }
  if (nodata !== null && Number.isInteger(nodata) && nodata >= 0 && nodata < n) out[nodata][3] = 0;
  return out;
}

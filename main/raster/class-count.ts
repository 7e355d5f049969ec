/**
 * Pixels and ground area per value of band 1 of a class raster, read in row strips so
 * memory follows the raster's width, never its height. Areas use the same cell areas as
 * the run reports (cell-area.ts), so a count and a report agree on one grid.
 */
import { ApiError } from '../api.ts';
import type { ClassArea } from '../api.ts';
import { cellArea } from './cell-area.ts';
import { isFloat } from './data-type.ts';
import { throwIfAborted } from './errors.ts';
import type { Raster } from './types.ts';

/** Strips of about this many pixels. */
const STRIP_PIXELS = 1 << 20;

export async function countClasses(raster: Raster, signal?: AbortSignal): Promise<{ classes: ClassArea[]; note: string }> {
  const info = raster.info;
  if (isFloat(info.dataType)) throw new ApiError('E_UNSUPPORTED', `${info.path}: a ${info.dataType} raster holds measurements, not classes; areas are counted for integer class rasters`, info.path);
  const area = cellArea(info, 1);
  const nodata = info.nodata;
  const pixels = new Map<number, number>();
  const m2 = new Map<number, number>();
  const rows = Math.max(1, Math.floor(STRIP_PIXELS / info.width));
  for (let y = 0; y < info.height; y += rows) {
    throwIfAborted(signal, info.path);
    const h = Math.min(rows, info.height - y);
    const [band] = await raster.readWindow({ x: 0, y, width: info.width, height: h }, { bands: [1], signal });
    for (let r = 0; r < h; r++) {
      for (let x = 0; x < info.width; x++) {
        const v = band[r * info.width + x];
        if (v === nodata) continue;
        pixels.set(v, (pixels.get(v) ?? 0) + 1);
        if (area.method !== 'none') m2.set(v, (m2.get(v) ?? 0) + (area.cell(x, y + r) ?? 0));
      }
    }
  }
  const classes = [...pixels.keys()].sort((a, b) => a - b).map((value) => ({
    value,
    pixels: pixels.get(value)!,
    areaM2: area.method === 'none' ? null : m2.get(value)!,
  }));
  return { classes, note: `counted over every pixel of ${info.path}; ${area.note}` };
}

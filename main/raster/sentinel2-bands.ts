/**
 * Sentinel-2 band names from file names (B02.tif, T31UFQ_..._B8A_20m.jp2, B2.tif) and
 * the order bands come in a product (B8A sits between B08 and B09).
 */
import { basename, extname } from 'node:path';

export const S2_ORDER = ['B01', 'B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B09', 'B10', 'B11', 'B12'];

/** The Sentinel-2 band a file holds, normalised (B2 -> B02), or null. */
export function sentinel2Band(file: string): string | null {
  const stem = basename(file, extname(file));
  const m = /(?:^|[^A-Za-z0-9])B(0?[1-9]|1[0-2]|8A)(?=$|[^A-Za-z0-9])/i.exec(stem);
  if (!m) return null;
  const id = m[1].toUpperCase();
  return id === '8A' ? 'B8A' : `B${id.padStart(2, '0')}`;
}

/** A band's display name: its Sentinel-2 id, else the file name without extension. */
export function bandNameOf(file: string): string {
  return sentinel2Band(file) ?? basename(file, extname(file));
}

/** Sentinel-2 bands first in product order, then the others in the order given. */
export function sortBandFiles(files: string[]): string[] {
  const rank = (f: string) => {
    const b = sentinel2Band(f);
    return b ? S2_ORDER.indexOf(b) : S2_ORDER.length;
  };
  return files
    .map((f, i) => ({ f, i, r: rank(f) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.f);
}

/**
 * Class names for a class raster: given by the caller (an array indexed by class value,
 * or value -> name), else the CategoryNames GDAL keeps in `<raster>.aux.xml` (what the
 * tiler writes next to class maps, and what QGIS shows).
 */
export { readCategoryNames } from '../raster/index.ts';

export type ClassNames = readonly string[] | Readonly<Record<number, string>>;

/** value -> name; empty names are left out. */
export function classNameMap(names: ClassNames | undefined): Map<number, string> {
  const out = new Map<number, string>();
  if (!names) return out;
  if (Array.isArray(names)) {
    names.forEach((n, i) => {
      if (typeof n === 'string' && n !== '') out.set(i, n);
    });
  } else {
    for (const [k, n] of Object.entries(names)) {
      const v = Number(k);
      if (Number.isFinite(v) && typeof n === 'string' && n !== '') out.set(v, n);
    }
  }
  return out;
}

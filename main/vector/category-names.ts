/**
 * Class names for a class raster: given by the caller (an array indexed by class value,
 * or value -> name), else the CategoryNames GDAL keeps in `<raster>.aux.xml` (what the
 * tiler writes next to class maps, and what QGIS shows).
 */
import { readFile } from 'node:fs/promises';

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

/** CategoryNames of one band from `<rasterPath>.aux.xml`; empty when there is none. */
export async function readCategoryNames(rasterPath: string, band = 1): Promise<string[]> {
  let xml: string;
  try {
    xml = await readFile(`${rasterPath}.aux.xml`, 'utf8');
  } catch {
    return [];
  }
  const bandRe = /<PAMRasterBand\b([^>]*)>([\s\S]*?)<\/PAMRasterBand>/g;
  for (let m = bandRe.exec(xml); m; m = bandRe.exec(xml)) {
    const num = /\bband="(\d+)"/.exec(m[1]);
    if (Number(num?.[1] ?? 1) !== band) continue;
    const cats = /<CategoryNames>([\s\S]*?)<\/CategoryNames>/.exec(m[2]);
    if (!cats) return [];
    const names: string[] = [];
    const catRe = /<Category(?:\s*\/>|>([\s\S]*?)<\/Category>)/g;
    for (let c = catRe.exec(cats[1]); c; c = catRe.exec(cats[1])) names.push(unescapeXml(c[1] ?? ''));
    return names;
  }
  return [];
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');
}

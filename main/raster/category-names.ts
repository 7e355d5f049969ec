/**
 * Class names of a class raster. GeoTIFF has no tag for them, so they live where GDAL and
 * QGIS look: the PAM sidecar `<raster>.aux.xml` (CategoryNames, index = class value).
 */
import { readFile } from 'node:fs/promises';
import { escapeXml, unescapeXml } from './gdal-metadata.ts';
import { writeWhole } from './write-whole.ts';

/** Writes the sidecar with the names of band 1 ('' for unnamed values), temporary name then rename. */
export async function writeCategoryNames(rasterPath: string, names: readonly string[]): Promise<void> {
  const cats = names.map((n) => `      <Category>${escapeXml(n)}</Category>`).join('\n');
  await writeWhole(`${rasterPath}.aux.xml`, `<PAMDataset>\n  <PAMRasterBand band="1">\n    <CategoryNames>\n${cats}\n    </CategoryNames>\n  </PAMRasterBand>\n</PAMDataset>\n`);
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

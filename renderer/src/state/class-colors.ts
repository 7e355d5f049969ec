// The colours a class raster's values draw in: its own colour table where it has one (as
// GDAL and QGIS show it), else a fixed qualitative palette by value, so names without a
// table still get colours that stay put between sessions.
import type { RasterInfo } from '../../../main/api.ts';

// Kelly / Trubetskoy's distinct colours: adjacent values stay distinguishable.
const DISTINCT = ['#e6194b', '#3cb44b', '#4363d8', '#ffe119', '#f58231', '#911eb4', '#46f0f0', '#f032e6', '#bcf60c', '#fabebe', '#008080', '#e6beff', '#9a6324', '#fffac8', '#800000', '#aaffc3', '#808000', '#ffd8b1', '#000075', '#808080'];

const hex2 = (v: number) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, '0');

export function rgbaHex(c: readonly number[]): string {
  return `#${hex2(c[0])}${hex2(c[1])}${hex2(c[2])}${hex2(c[3] ?? 255)}`;
}

/** One '#rrggbbaa' per value the band's type can hold (at most 256 for a palette lookup). */
export function classColorsOf(info: Pick<RasterInfo, 'colorTable' | 'categoryNames' | 'dataType'>): string[] {
  if (info.colorTable) return info.colorTable.map(rgbaHex);
  const n = info.dataType === 'Byte' || info.dataType === 'Int8' ? 256 : Math.max(256, info.categoryNames?.length ?? 0);
  return Array.from({ length: n }, (_, v) => `${DISTINCT[v % DISTINCT.length]}ff`);
}

/** '#rrggbbaa' -> [r, g, b, a 0..1], what OpenLayers' palette expression takes. */
export function olColor(hex: string): [number, number, number, number] {
  const n = (i: number) => parseInt(hex.slice(i, i + 2), 16);
  return [n(1), n(3), n(5), hex.length >= 9 ? n(7) / 255 : 1];
}

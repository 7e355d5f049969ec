// What a freshly opened layer looks like: true colour where the band names say which
// bands are red/green/blue (Sentinel-2 B04/B03/B02, or Red/Green/Blue), 1-2-3 for 8-bit
// RGB(A) photos, else 3-2-1, grey for fewer than three bands; a 2-98 % stretch, which
// survives outliers.
import type { DataType, RasterInfo } from '../../../main/api.ts';
import type { Display, Range } from './app-state.ts';
import { classColorsOf } from './class-colors.ts';

function findBand(names: string[], wanted: string[]): number {
  const i = names.findIndex((n) => wanted.includes(n.trim().toLowerCase()));
  return i < 0 ? 0 : i + 1;
}

export function defaultBands(info: Pick<RasterInfo, 'bandNames' | 'bandCount' | 'dataType'>): Pick<Display, 'mode' | 'bands'> {
  const names = info.bandNames;
  for (const [r, g, b] of [['b04', 'b03', 'b02'], ['red', 'green', 'blue']]) {
    const bands: [number, number, number] = [findBand(names, [r]), findBand(names, [g]), findBand(names, [b])];
    if (bands.every((x) => x > 0)) return { mode: 'rgb', bands };
  }
  // A 3- or 4-band 8-bit file is a photo (RGB or RGBA: aerial, drone, PNG-like); 3-2-1
  // would show it as BGR. Multispectral stacks (Landsat's 3-2-1 convention) get 3-2-1.
  if (info.dataType === 'Byte' && (info.bandCount === 3 || info.bandCount === 4)) return { mode: 'rgb', bands: [1, 2, 3] };
  if (info.bandCount >= 3) return { mode: 'rgb', bands: [3, 2, 1] };
  return { mode: 'grey', bands: [1, 1, 1] };
}

export function dataTypeRange(t: DataType): Range {
  switch (t) {
    case 'Byte': return { min: 0, max: 255 };
    case 'Int8': return { min: -128, max: 127 };
    case 'UInt16': return { min: 0, max: 65535 };
    case 'Int16': return { min: -32768, max: 32767 };
    case 'UInt32': return { min: 0, max: 4294967295 };
    case 'Int32': return { min: -2147483648, max: 2147483647 };
    default: return { min: 0, max: 1 };
  }
}

export function defaultDisplay(info: RasterInfo): Display {
  const r = dataTypeRange(info.dataType);
  const base: Display = { ...defaultBands(info), stretch: 'p2p98', manual: [r, r, r], gamma: 1, classColors: null };
  if (info.bandCount !== 1) return base;
  // A class raster (a colour table or class names, as GDAL reads any) draws its classes; a
  // single float band (probabilities, similarity) a colour ramp with its scale.
  if (info.colorTable || info.categoryNames) return { ...base, mode: 'classes', classColors: classColorsOf(info) };
  if (info.dataType === 'Float32' || info.dataType === 'Float64') return { ...base, mode: 'ramp', stretch: 'minmax' };
  return base;
}

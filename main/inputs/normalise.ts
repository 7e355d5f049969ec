/**
 * Turns a tile of raw raster values (C x H x W, the tiler's layout) into what the encoder
 * reads: units converted (units.ts), then (v - mean) / std per band. Nodata and NaN become
 * 0 after normalisation, i.e. the band mean, which disturbs attention least; the tiler
 * carries the validity mask itself and writes nodata over output cells with no valid input.
 */
import type { Modality } from '../model/index.ts';
import { isNodata } from '../raster/index.ts';
import type { UnitsDetection } from './units.ts';

export type Normaliser = (tile: Float32Array) => Float32Array;

export function makeNormaliser(modality: Modality, units: UnitsDetection, nodata: number | null): Normaliser {
  const C = modality.bands.length;
  const mean = Float32Array.from(modality.mean);
  const inv = Float32Array.from(modality.std, (s) => 1 / s);
  const conv = units.convert;
  return (tile) => {
    const plane = tile.length / C;
    for (let c = 0; c < C; c++) {
      const m = mean[c];
      const k = inv[c];
      const o = c * plane;
      for (let i = o; i < o + plane; i++) {
        const v = tile[i];
        if (v !== v || (nodata !== null && isNodata(v, nodata))) {
          tile[i] = 0;
          continue;
        }
        const u = conv.kind === 'dB' ? 10 * Math.log10(Math.max(v, 1e-10)) : v * conv.multiply;
        tile[i] = (u - m) * k;
      }
    }
    return tile;
  };
}

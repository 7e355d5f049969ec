/**
 * Coordinate transforms between a layer's CRS and the map's EPSG:3857 with proj4
 * (offline; datum grids are optional, see crs-proj4.ts). Latitudes are clamped to
 * Web Mercator's valid range so a global raster does not produce infinities.
 */
import proj4 from 'proj4';
import type { Crs } from '../api.ts';

const WEB_MERCATOR = '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs';
const MAX_LAT = 85.0511287798066;

export interface CrsTransformer {
  toMap(xy: [number, number]): [number, number];
  fromMap(xy: [number, number]): [number, number];
}

export function crsTransformer(crs: Crs): CrsTransformer {
  if (crs.epsg === 3857) {
    return { toMap: (xy) => [xy[0], xy[1]], fromMap: (xy) => [xy[0], xy[1]] };
  }
  const conv = proj4(crs.proj4, WEB_MERCATOR);
  const geographic = crs.units === 'degree';
  return {
    toMap(xy) {
      const p: [number, number] = geographic ? [xy[0], Math.max(-MAX_LAT, Math.min(MAX_LAT, xy[1]))] : [xy[0], xy[1]];
      const r = conv.forward(p);
      return [r[0], r[1]];
    },
    fromMap(xy) {
      const r = conv.inverse([xy[0], xy[1]]);
      return [r[0], r[1]];
    },
  };
}


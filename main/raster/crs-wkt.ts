/**
 * WKT1 for CRSs built from GeoKeys (codes we resolve come with epsg-index's own WKT).
 * Only what other tools need to recognise the CRS: GEOGCS with datum and spheroid,
 * PROJCS with projection, parameters and unit.
 */
import type { Ellipsoid } from './crs-tables.ts';

export function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
}

function q(s: string): string {
  return `"${s.replace(/"/g, "'")}"`;
}

export function geogcsWkt(name: string, datum: string, ell: Ellipsoid, towgs84: number[] | null, pmName: string, pmLon: number): string {
  const tow = towgs84 ? `,TOWGS84[${[...towgs84, 0, 0, 0, 0, 0, 0, 0].slice(0, 7).map(fmt).join(',')}]` : '';
  return `GEOGCS[${q(name)},DATUM[${q(datum)},SPHEROID[${q(ell.name)},${fmt(ell.a)},${fmt(ell.rf)}]${tow}],PRIMEM[${q(pmName)},${fmt(pmLon)}],UNIT["degree",0.0174532925199433]]`;
}

export function projcsWkt(name: string, geogcs: string, method: string, params: [string, number][], unitName: string, toMeter: number): string {
  const ps = params.map(([n, v]) => `PARAMETER[${q(n)},${fmt(v)}]`).join(',');
  return `PROJCS[${q(name)},${geogcs},PROJECTION[${q(method)}],${ps},UNIT[${q(unitName)},${fmt(toMeter)}],AXIS["Easting",EAST],AXIS["Northing",NORTH]]`;
}

/** The EPSG code of the GEOGCS inside a WKT1 PROJCS/GEOGCS, if it carries one. */
export function geogcsEpsg(wkt: string): number | null {
  const start = wkt.indexOf('GEOGCS[');
  if (start < 0) return null;
  let depth = 0;
  for (let i = start + 6; i < wkt.length; i++) {
    if (wkt[i] === '[') depth++;
    else if (wkt[i] === ']') {
      depth--;
      if (depth === 0) {
        const body = wkt.slice(start, i + 1);
        const m = /AUTHORITY\["EPSG","(\d+)"\]\]$/.exec(body);
        return m ? Number(m[1]) : null;
      }
    }
  }
  return null;
}

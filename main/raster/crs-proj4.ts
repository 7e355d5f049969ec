/**
 * Small helpers over proj4 definition strings: parsing into key/values, making grid
 * shifts optional (proj4js throws when a +nadgrids file is absent, and no grid files
 * ship offline: "@grid,@null" falls back to no shift), and unit detection.
 */
import type { Crs } from '../api.ts';

export function parseProj4(def: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const tok of def.trim().split(/\s+/)) {
    if (!tok.startsWith('+')) continue;
    const eq = tok.indexOf('=');
    if (eq < 0) out.set(tok.slice(1), '');
    else out.set(tok.slice(1, eq), tok.slice(eq + 1));
  }
  return out;
}

export function formatProj4(params: Map<string, string>): string {
  return [...params.entries()].map(([k, v]) => (v === '' ? `+${k}` : `+${k}=${v}`)).join(' ');
}

/** Make every grid optional and drop tokens proj4js does not need. */
export function normalizeProj4(def: string): string {
  const p = parseProj4(def);
  p.delete('type');
  const grids = p.get('nadgrids');
  if (grids !== undefined) {
    const names = grids.split(',').map((g) => g.replace(/^@/, '')).filter((g) => g !== '' && g !== 'null');
    p.set('nadgrids', [...names.map((g) => `@${g}`), '@null'].join(','));
  }
  if (!p.has('no_defs')) p.set('no_defs', '');
  return formatProj4(p);
}

const DATUM_KEYS = ['datum', 'ellps', 'a', 'b', 'rf', 'f', 'R', 'towgs84', 'nadgrids', 'pm'];

/** The geodetic part (datum, ellipsoid, shifts, prime meridian) of a definition. */
export function datumPart(def: string): string {
  const p = parseProj4(def);
  const out = new Map<string, string>();
  for (const k of DATUM_KEYS) if (p.has(k)) out.set(k, p.get(k)!);
  return formatProj4(out);
}

export function unitsOf(def: string): Crs['units'] {
  const p = parseProj4(def);
  const proj = p.get('proj');
  if (proj === 'longlat' || proj === 'latlong' || proj === 'lonlat' || proj === 'latlon') return 'degree';
  const units = p.get('units');
  if (units === 'm') return 'm';
  if (units === 'ft') return 'ft';
  if (units === 'us-ft') return 'us-ft';
  const toMeter = p.get('to_meter');
  if (toMeter !== undefined) {
    const v = Number(toMeter);
    if (v === 1) return 'm';
    if (Math.abs(v - 0.3048) < 1e-12) return 'ft';
    if (Math.abs(v - 0.3048006096012192) < 1e-12) return 'us-ft';
    return 'other';
  }
  return units === undefined ? 'm' : 'other';
}


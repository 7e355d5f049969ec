/**
 * What reports and area sums need to know of a CRS: how many metres one of its linear units
 * is, and the short name a report gives it.
 */
import type { Crs } from '../api.ts';

const METRES: Partial<Record<Crs['units'], number>> = { m: 1, ft: 0.3048, 'us-ft': 1200 / 3937 };

/** Metres per CRS unit; null for degrees, other units, or no CRS. */
export function metresPerUnit(crs: Crs | null): number | null {
  return crs ? (METRES[crs.units] ?? null) : null;
}

/** 'EPSG:32632', else the CRS's name; null without a CRS (reports). */
export function crsName(crs: Crs | null): string | null {
  if (!crs) return null;
  return crs.epsg !== null ? `EPSG:${crs.epsg}` : crs.name;
}

/**
 * Resolves a GeoTIFF's CRS offline from its GeoKeys: EPSG codes through epsg-index,
 * user-defined CRSs (projection method + parameters, datum/ellipsoid) into a proj4
 * definition and a WKT1 string. Codes we cannot resolve fail with E_CRS_UNKNOWN.
 */
import type { Crs } from '../api.ts';
import { rasterError } from './errors.ts';
import { lookupEpsg } from './epsg.ts';
import { GK, USER_DEFINED, keyNumber, keyString, type GeoKeys } from './geokeys.ts';
import { angularUnits, ellipsoids, linearUnits, primeMeridians } from './crs-tables.ts';
import { projectionByCt, type ProjectionDef } from './crs-projections.ts';
import { datumPart, normalizeProj4, unitsOf } from './crs-proj4.ts';
import { fmt, geogcsWkt, projcsWkt } from './crs-wkt.ts';

interface Geog {
  proj4: string;
  wkt: string;
  name: string;
  epsg: number | null;
}

/** Null when the file has no GeoKeys (or a model type that carries no CRS). */
export function crsFromGeoKeys(keys: GeoKeys, file: string): Crs | null {
  if (keys.size === 0) return null;
  const pcs = keyNumber(keys, GK.ProjectedCSType);
  let model = keyNumber(keys, GK.GTModelType);
  if (model === undefined) model = pcs !== undefined ? 1 : keyNumber(keys, GK.GeographicType) !== undefined ? 2 : undefined;
  if (model === 3) throw rasterError('E_UNSUPPORTED', file, 'geocentric CRSs are not supported');
  if (model === 1) return projected(keys, pcs, file);
  if (model === 2) return geographic(keys, file);
  return null;
}

function unknown(file: string, what: string): Error {
  return rasterError('E_CRS_UNKNOWN', file, `CRS code ${what} is not known (not in the offline EPSG index)`);
}

function fromEpsg(code: number, want: 'PROJCRS' | 'GEOGCRS', file: string): Crs {
  const e = lookupEpsg(code);
  if (!e || !e.kind.includes(want.slice(0, 4))) throw unknown(file, `EPSG:${code}`);
  const proj4 = normalizeProj4(e.proj4);
  return { epsg: code, name: e.name, wkt: e.wkt, proj4, units: unitsOf(proj4) };
}

function geographic(keys: GeoKeys, file: string): Crs {
  const code = keyNumber(keys, GK.GeographicType);
  if (code !== undefined && code !== USER_DEFINED) return fromEpsg(code, 'GEOGCRS', file);
  const g = geogPart(keys, file);
  const proj4 = normalizeProj4(`+proj=longlat ${g.proj4}`);
  return { epsg: null, name: g.name, wkt: g.wkt, proj4, units: 'degree' };
}

function projected(keys: GeoKeys, pcs: number | undefined, file: string): Crs {
  if (pcs !== undefined && pcs !== USER_DEFINED) return fromEpsg(pcs, 'PROJCRS', file);
  const g = geogPart(keys, file);
  const unitCode = keyNumber(keys, GK.ProjLinearUnits) ?? 9001;
  const unitSize = keyNumber(keys, GK.ProjLinearUnitSize);
  const unit = linearUnits[unitCode] ?? (unitSize ? { name: 'unknown', toMeter: unitSize } : undefined);
  if (!unit) throw unknown(file, `EPSG:${unitCode} (linear unit)`);
  const unitProj4 = 'proj4' in unit && unit.proj4 ? `+units=${unit.proj4}` : `+to_meter=${unit.toMeter}`;
  const name = keyString(keys, GK.PCSCitation) ?? keyString(keys, GK.GTCitation) ?? 'unnamed';
  const projCode = keyNumber(keys, GK.Projection);

  let projPart: string;
  let method: string;
  let wktParams: [string, number][];
  const utm = projCode !== undefined ? utmZone(projCode) : null;
  if (utm) {
    projPart = `+proj=utm +zone=${utm.zone}${utm.south ? ' +south' : ''}`;
    method = 'Transverse_Mercator';
    wktParams = [
      ['latitude_of_origin', 0],
      ['central_meridian', utm.zone * 6 - 183],
      ['scale_factor', 0.9996],
      ['false_easting', 500000 / unit.toMeter],
      ['false_northing', (utm.south ? 10000000 : 0) / unit.toMeter],
    ];
  } else {
    if (projCode !== undefined && projCode !== USER_DEFINED) throw unknown(file, `EPSG:${projCode} (projection)`);
    const ct = keyNumber(keys, GK.ProjCoordTrans);
    const def = ct !== undefined ? projectionByCt(ct) : undefined;
    if (!def) throw rasterError('E_CRS_UNKNOWN', file, `CRS uses GeoTIFF coordinate transformation ${ct ?? '(none)'}, which is not supported`);
    const angle = angularUnits[keyNumber(keys, GK.GeogAngularUnits) ?? 9102] ?? 1;
    ({ projPart, wktParams } = projParams(def, keys, angle, unit.toMeter));
    method = def.wkt;
  }
  const proj4 = normalizeProj4(`${projPart} ${g.proj4} ${unitProj4}`);
  const wkt = projcsWkt(name, g.wkt, method, wktParams, unit.name, unit.toMeter);
  return { epsg: null, name, wkt, proj4, units: unitsOf(proj4) };
}

function projParams(def: ProjectionDef, keys: GeoKeys, angle: number, toMeter: number): { projPart: string; wktParams: [string, number][] } {
  const parts = [`+proj=${def.proj}`];
  const wktParams: [string, number][] = [];
  for (const p of def.params) {
    let v: number | undefined;
    for (const k of p.keys) {
      v = keyNumber(keys, k);
      if (v !== undefined) break;
    }
    v ??= p.default ?? 0;
    const wktValue = p.kind === 'angle' ? v * angle : v;
    const projValue = p.kind === 'angle' ? v * angle : p.kind === 'length' ? v * toMeter : v;
    parts.push(`+${p.proj4}=${fmt(projValue)}`);
    wktParams.push([p.wkt, wktValue]);
  }
  if (def.ct === 15) {
    const latTs = wktParams.find(([n]) => n === 'latitude_of_origin')?.[1] ?? 90;
    parts.push(`+lat_0=${latTs < 0 ? -90 : 90}`);
  }
  if (def.extra) parts.push(def.extra);
  return { projPart: parts.join(' '), wktParams };
}

function utmZone(code: number): { zone: number; south: boolean } | null {
  if (code >= 16001 && code <= 16060) return { zone: code - 16000, south: false };
  if (code >= 16101 && code <= 16160) return { zone: code - 16100, south: true };
  return null;
}

/** The geodetic datum part: an EPSG geographic CRS, or datum / ellipsoid / prime meridian keys. */
function geogPart(keys: GeoKeys, file: string): Geog {
  const code = keyNumber(keys, GK.GeographicType);
  const citation = geogName(keyString(keys, GK.GeogCitation));
  if (code !== undefined && code !== USER_DEFINED) {
    const e = lookupEpsg(code);
    if (!e || !e.kind.includes('GEOG')) throw unknown(file, `EPSG:${code}`);
    return { proj4: datumPart(normalizeProj4(e.proj4)), wkt: e.wkt, name: e.name, epsg: code };
  }
  const angle = angularUnits[keyNumber(keys, GK.GeogAngularUnits) ?? 9102] ?? 1;
  const pmCode = keyNumber(keys, GK.GeogPrimeMeridian);
  const pmLon = pmCode !== undefined && primeMeridians[pmCode] ? primeMeridians[pmCode].lon : (keyNumber(keys, GK.GeogPrimeMeridianLong) ?? 0) * angle;
  const pmName = pmCode !== undefined && primeMeridians[pmCode] ? primeMeridians[pmCode].name : pmLon === 0 ? 'Greenwich' : 'unnamed';
  const pmProj = pmLon !== 0 ? ` +pm=${fmt(pmLon)}` : '';
  const towgs = keys.get(GK.GeogTOWGS84);
  const towgsArr = Array.isArray(towgs) ? towgs : typeof towgs === 'number' ? [towgs] : null;
  const towgsProj = towgsArr ? ` +towgs84=${towgsArr.map(fmt).join(',')}` : '';

  const datumCode = keyNumber(keys, GK.GeogGeodeticDatum);
  if (datumCode !== undefined && datumCode !== USER_DEFINED) {
    // EPSG numbers a datum's geographic CRS 2000 below the datum (6326 -> 4326).
    const e = lookupEpsg(datumCode - 2000);
    if (e && e.kind.includes('GEOG')) {
      return { proj4: `${datumPart(normalizeProj4(e.proj4))}${towgsProj}${pmProj}`, wkt: e.wkt, name: citation ?? e.name, epsg: null };
    }
  }
  const ellCode = keyNumber(keys, GK.GeogEllipsoid);
  let ell = ellCode !== undefined && ellCode !== USER_DEFINED ? ellipsoids[ellCode] : undefined;
  if (!ell) {
    const a = keyNumber(keys, GK.GeogSemiMajorAxis);
    const rfKey = keyNumber(keys, GK.GeogInvFlattening);
    const b = keyNumber(keys, GK.GeogSemiMinorAxis);
    if (a !== undefined) {
      const rf = rfKey !== undefined ? rfKey : b !== undefined && b !== a ? a / (a - b) : 0;
      ell = { name: 'unnamed', a, rf };
    } else if (ellCode !== undefined && ellCode !== USER_DEFINED) {
      throw unknown(file, `EPSG:${ellCode} (ellipsoid)`);
    } else if (datumCode !== undefined && datumCode !== USER_DEFINED) {
      throw unknown(file, `EPSG:${datumCode} (datum)`);
    } else {
      ell = ellipsoids[7030]; // no datum information at all: GDAL assumes WGS 84 too
    }
  }
  const ellProj = ell.rf === 0 ? `+a=${fmt(ell.a)} +b=${fmt(ell.a)}` : `+a=${fmt(ell.a)} +rf=${fmt(ell.rf)}`;
  const name = citation ?? 'unknown';
  const wkt = geogcsWkt(name, 'unknown', ell, towgsArr, pmName, pmLon);
  return { proj4: `${ellProj}${towgsProj}${pmProj}`, wkt, name, epsg: null };
}

/** GDAL writes "GCS Name = X|Datum = ...|" citations; keep the name. */
function geogName(c: string | undefined): string | undefined {
  if (!c) return undefined;
  const m = /GCS Name = ([^|]*)/.exec(c);
  return (m ? m[1] : c).trim() || undefined;
}

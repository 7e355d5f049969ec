/**
 * GeoKeys for writing a CRS into a GeoTIFF: the EPSG code when there is one; otherwise
 * a user-defined CRS rebuilt from the proj4 definition (projection method, parameters,
 * ellipsoid, TOWGS84, prime meridian, units) and the geographic CRS's EPSG code taken
 * from the WKT when it names one. Unknown projections keep only the model type and name.
 */
import type { Crs } from '../api.ts';
import { GK, USER_DEFINED, type GeoKeys } from './geokeys.ts';
import { parseProj4 } from './crs-proj4.ts';
import { projectionForProj4 } from './crs-projections.ts';
import { ellipsoids } from './crs-tables.ts';
import { geogcsEpsg } from './crs-wkt.ts';

const DATUM_GEOG: Record<string, number> = { WGS84: 4326, NAD83: 4269, NAD27: 4267 };
const UNIT_CODES: Record<string, number> = { m: 9001, ft: 9002, 'us-ft': 9003, km: 9036 };
const UNIT_METERS: Record<string, number> = { m: 1, ft: 0.3048, 'us-ft': 0.3048006096012192, km: 1000 };

export function geoKeysForCrs(crs: Crs): GeoKeys {
  const keys: GeoKeys = new Map();
  const p = parseProj4(crs.proj4);
  const geographic = crs.units === 'degree';
  keys.set(GK.GTModelType, geographic ? 2 : 1);
  keys.set(GK.GTRasterType, 1); // PixelIsArea
  if (crs.epsg !== null) {
    if (geographic) {
      keys.set(GK.GeographicType, crs.epsg);
      keys.set(GK.GeogCitation, crs.name);
      keys.set(GK.GeogAngularUnits, 9102);
    } else {
      keys.set(GK.ProjectedCSType, crs.epsg);
      keys.set(GK.GTCitation, crs.name);
      const unit = UNIT_CODES[p.get('units') ?? 'm'];
      if (unit) keys.set(GK.ProjLinearUnits, unit);
    }
    return keys;
  }
  if (geographic) {
    keys.set(GK.GeogCitation, crs.name);
    writeGeog(keys, p, crs.wkt);
    return keys;
  }
  keys.set(GK.GTCitation, crs.name);
  keys.set(GK.ProjectedCSType, USER_DEFINED);
  const toMeter = p.has('to_meter') ? Number(p.get('to_meter')) : UNIT_METERS[p.get('units') ?? 'm'] ?? 1;
  const unitCode = UNIT_CODES[p.get('units') ?? (p.has('to_meter') ? '' : 'm')];
  if (unitCode) keys.set(GK.ProjLinearUnits, unitCode);
  else {
    keys.set(GK.ProjLinearUnits, USER_DEFINED);
    keys.set(GK.ProjLinearUnitSize, toMeter);
  }
  if (!writeProjection(keys, p, toMeter)) {
    keys.delete(GK.ProjectedCSType);
    return keys;
  }
  writeGeog(keys, p, crs.wkt);
  return keys;
}

function writeProjection(keys: GeoKeys, p: Map<string, string>, toMeter: number): boolean {
  if (p.get('proj') === 'utm') {
    const zone = Number(p.get('zone'));
    if (!(zone >= 1 && zone <= 60)) return false;
    keys.set(GK.Projection, (p.has('south') ? 16100 : 16000) + zone);
    return true;
  }
  const def = projectionForProj4(p);
  if (!def) return false;
  keys.set(GK.Projection, USER_DEFINED);
  keys.set(GK.ProjCoordTrans, def.ct);
  for (const param of def.params) {
    const raw = p.get(param.proj4);
    const v = raw === undefined ? param.default ?? 0 : Number(raw);
    keys.set(param.keys[0], param.kind === 'length' ? v / toMeter : v);
  }
  return true;
}

function writeGeog(keys: GeoKeys, p: Map<string, string>, wkt: string): void {
  keys.set(GK.GeogAngularUnits, 9102);
  const code = geogcsEpsg(wkt) ?? DATUM_GEOG[p.get('datum') ?? ''];
  if (code) {
    keys.set(GK.GeographicType, code);
    return;
  }
  keys.set(GK.GeographicType, USER_DEFINED);
  keys.set(GK.GeogGeodeticDatum, USER_DEFINED);
  const ellps = p.get('ellps');
  const known = ellps ? Object.entries(ellipsoids).find(([, e]) => e.proj4 === ellps) : undefined;
  if (known) {
    keys.set(GK.GeogEllipsoid, Number(known[0]));
  } else {
    keys.set(GK.GeogEllipsoid, USER_DEFINED);
    const a = Number(p.get('a') ?? p.get('R') ?? 6378137);
    keys.set(GK.GeogSemiMajorAxis, a);
    if (p.has('rf')) keys.set(GK.GeogInvFlattening, Number(p.get('rf')));
    else if (p.has('b')) keys.set(GK.GeogSemiMinorAxis, Number(p.get('b')));
    else if (!p.has('R')) keys.set(GK.GeogInvFlattening, 298.257223563);
    else keys.set(GK.GeogSemiMinorAxis, a);
  }
  if (p.has('towgs84')) keys.set(GK.GeogTOWGS84, p.get('towgs84')!.split(',').map(Number));
  if (p.has('pm') && Number(p.get('pm')) !== 0) keys.set(GK.GeogPrimeMeridianLong, Number(p.get('pm')));
}

/**
 * GeoTIFF coordinate transformation codes (ProjCoordTransGeoKey) <-> proj4 projections
 * and WKT1 names. One table serves reading (GeoKeys -> proj4 + WKT) and writing
 * (proj4 -> GeoKeys) so the two stay symmetric. Each parameter lists the GeoKeys it may
 * be stored under, in the order GDAL falls back through them.
 */
import { GK } from './geokeys.ts';

export type ParamKind = 'angle' | 'length' | 'scale';

export interface ProjParam {
  proj4: string;
  wkt: string;
  keys: number[];
  kind: ParamKind;
  default?: number;
}

export interface ProjectionDef {
  ct: number;
  proj: string;
  wkt: string;
  params: ProjParam[];
  /** Fixed proj4 flags. */
  extra?: string;
}

const lat0 = (keys: number[], wkt = 'latitude_of_origin'): ProjParam => ({ proj4: 'lat_0', wkt, keys, kind: 'angle', default: 0 });
const lon0 = (keys: number[], wkt = 'central_meridian'): ProjParam => ({ proj4: 'lon_0', wkt, keys, kind: 'angle', default: 0 });
const k0 = (keys: number[]): ProjParam => ({ proj4: 'k_0', wkt: 'scale_factor', keys, kind: 'scale', default: 1 });
const x0 = (keys: number[] = [GK.ProjFalseEasting, GK.ProjFalseOriginEasting, GK.ProjCenterEasting]): ProjParam => ({ proj4: 'x_0', wkt: 'false_easting', keys, kind: 'length', default: 0 });
const y0 = (keys: number[] = [GK.ProjFalseNorthing, GK.ProjFalseOriginNorthing, GK.ProjCenterNorthing]): ProjParam => ({ proj4: 'y_0', wkt: 'false_northing', keys, kind: 'length', default: 0 });
const sp1: ProjParam = { proj4: 'lat_1', wkt: 'standard_parallel_1', keys: [GK.ProjStdParallel1], kind: 'angle', default: 0 };
const sp2: ProjParam = { proj4: 'lat_2', wkt: 'standard_parallel_2', keys: [GK.ProjStdParallel2], kind: 'angle', default: 0 };

const NAT_LAT = [GK.ProjNatOriginLat, GK.ProjFalseOriginLat, GK.ProjCenterLat];
const NAT_LON = [GK.ProjNatOriginLong, GK.ProjFalseOriginLong, GK.ProjCenterLong];
const CEN_LAT = [GK.ProjCenterLat, GK.ProjNatOriginLat, GK.ProjFalseOriginLat];
const CEN_LON = [GK.ProjCenterLong, GK.ProjNatOriginLong, GK.ProjFalseOriginLong];
const FO_LAT = [GK.ProjFalseOriginLat, GK.ProjNatOriginLat, GK.ProjCenterLat];
const FO_LON = [GK.ProjFalseOriginLong, GK.ProjNatOriginLong, GK.ProjCenterLong];
const SCALE = [GK.ProjScaleAtNatOrigin, GK.ProjScaleAtCenter];

export const projections: ProjectionDef[] = [
  { ct: 1, proj: 'tmerc', wkt: 'Transverse_Mercator', params: [lat0(NAT_LAT), lon0(NAT_LON), k0(SCALE), x0(), y0()] },
  {
    ct: 3, proj: 'omerc', wkt: 'Hotine_Oblique_Mercator', extra: '+no_uoff',
    params: [
      lat0(CEN_LAT, 'latitude_of_center'),
      { proj4: 'lonc', wkt: 'longitude_of_center', keys: CEN_LON, kind: 'angle', default: 0 },
      { proj4: 'alpha', wkt: 'azimuth', keys: [GK.ProjAzimuthAngle], kind: 'angle', default: 0 },
      { proj4: 'gamma', wkt: 'rectified_grid_angle', keys: [GK.ProjRectifiedGridAngle, GK.ProjAzimuthAngle], kind: 'angle', default: 0 },
      k0([GK.ProjScaleAtCenter, GK.ProjScaleAtNatOrigin]),
      x0(), y0(),
    ],
  },
  { ct: 7, proj: 'merc', wkt: 'Mercator_1SP', params: [lon0(NAT_LON), k0(SCALE), x0(), y0()] },
  { ct: 8, proj: 'lcc', wkt: 'Lambert_Conformal_Conic_2SP', params: [sp1, sp2, lat0(FO_LAT), lon0(FO_LON), x0([GK.ProjFalseOriginEasting, GK.ProjFalseEasting]), y0([GK.ProjFalseOriginNorthing, GK.ProjFalseNorthing])] },
  { ct: 9, proj: 'lcc', wkt: 'Lambert_Conformal_Conic_1SP', params: [{ ...sp1, keys: NAT_LAT }, lat0(NAT_LAT), lon0(NAT_LON), k0(SCALE), x0(), y0()] },
  { ct: 10, proj: 'laea', wkt: 'Lambert_Azimuthal_Equal_Area', params: [lat0(CEN_LAT, 'latitude_of_center'), lon0(CEN_LON, 'longitude_of_center'), x0(), y0()] },
  { ct: 11, proj: 'aea', wkt: 'Albers_Conic_Equal_Area', params: [sp1, sp2, lat0(NAT_LAT, 'latitude_of_center'), lon0(NAT_LON, 'longitude_of_center'), x0(), y0()] },
  { ct: 12, proj: 'aeqd', wkt: 'Azimuthal_Equidistant', params: [lat0(CEN_LAT, 'latitude_of_center'), lon0(CEN_LON, 'longitude_of_center'), x0(), y0()] },
  { ct: 13, proj: 'eqdc', wkt: 'Equidistant_Conic', params: [sp1, sp2, lat0(NAT_LAT, 'latitude_of_center'), lon0(NAT_LON, 'longitude_of_center'), x0(), y0()] },
  { ct: 14, proj: 'stere', wkt: 'Stereographic', params: [lat0(NAT_LAT), lon0(NAT_LON), k0(SCALE), x0(), y0()] },
  {
    ct: 15, proj: 'stere', wkt: 'Polar_Stereographic',
    params: [
      { proj4: 'lat_ts', wkt: 'latitude_of_origin', keys: [GK.ProjNatOriginLat, GK.ProjStdParallel1], kind: 'angle', default: 90 },
      lon0([GK.ProjStraightVertPoleLong, GK.ProjNatOriginLong]),
      k0(SCALE), x0(), y0(),
    ],
  },
  { ct: 16, proj: 'sterea', wkt: 'Oblique_Stereographic', params: [lat0(NAT_LAT), lon0(NAT_LON), k0(SCALE), x0(), y0()] },
  { ct: 17, proj: 'eqc', wkt: 'Equirectangular', params: [{ proj4: 'lat_ts', wkt: 'standard_parallel_1', keys: [GK.ProjStdParallel1], kind: 'angle', default: 0 }, lat0(CEN_LAT), lon0(CEN_LON), x0(), y0()] },
  { ct: 18, proj: 'cass', wkt: 'Cassini_Soldner', params: [lat0(NAT_LAT), lon0(NAT_LON), x0(), y0()] },
  { ct: 19, proj: 'gnom', wkt: 'Gnomonic', params: [lat0(CEN_LAT), lon0(CEN_LON), x0(), y0()] },
  { ct: 20, proj: 'mill', wkt: 'Miller_Cylindrical', params: [lat0(CEN_LAT, 'latitude_of_center'), lon0(CEN_LON, 'longitude_of_center'), x0(), y0()] },
  { ct: 21, proj: 'ortho', wkt: 'Orthographic', params: [lat0(CEN_LAT), lon0(CEN_LON), x0(), y0()] },
  { ct: 22, proj: 'poly', wkt: 'Polyconic', params: [lat0(NAT_LAT), lon0(NAT_LON), x0(), y0()] },
  { ct: 23, proj: 'robin', wkt: 'Robinson', params: [lon0(CEN_LON, 'longitude_of_center'), x0(), y0()] },
  { ct: 24, proj: 'sinu', wkt: 'Sinusoidal', params: [lon0(CEN_LON, 'longitude_of_center'), x0(), y0()] },
  { ct: 25, proj: 'vandg', wkt: 'VanDerGrinten', params: [lon0(CEN_LON), x0(), y0()] },
  { ct: 26, proj: 'nzmg', wkt: 'New_Zealand_Map_Grid', params: [lat0(NAT_LAT), lon0(NAT_LON), x0(), y0()] },
  { ct: 28, proj: 'cea', wkt: 'Cylindrical_Equal_Area', params: [{ proj4: 'lat_ts', wkt: 'standard_parallel_1', keys: [GK.ProjStdParallel1], kind: 'angle', default: 0 }, lon0(NAT_LON), x0(), y0()] },
];

export function projectionByCt(ct: number): ProjectionDef | undefined {
  return projections.find((p) => p.ct === ct);
}

/** The table entry for a parsed proj4 definition (writing GeoKeys for a CRS without an EPSG code). */
export function projectionForProj4(params: Map<string, string>): ProjectionDef | undefined {
  const proj = params.get('proj');
  if (proj === 'lcc') return projectionByCt(params.has('lat_2') ? 8 : 9);
  if (proj === 'stere') {
    const lat = Number(params.get('lat_0') ?? '0');
    return projectionByCt(Math.abs(lat) === 90 ? 15 : 14);
  }
  return projections.find((p) => p.proj === proj);
}

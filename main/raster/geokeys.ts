/**
 * The GeoKeyDirectory (GeoTIFF 1.1 section 7): key ids, decoding into a map, encoding
 * back into the three TIFF tags. Values are numbers, number arrays or strings.
 */

export const GK = {
  GTModelType: 1024,
  GTRasterType: 1025,
  GTCitation: 1026,
  GeographicType: 2048,
  GeogCitation: 2049,
  GeogGeodeticDatum: 2050,
  GeogPrimeMeridian: 2051,
  GeogAngularUnits: 2054,
  GeogAngularUnitSize: 2055,
  GeogEllipsoid: 2056,
  GeogSemiMajorAxis: 2057,
  GeogSemiMinorAxis: 2058,
  GeogInvFlattening: 2059,
  GeogPrimeMeridianLong: 2061,
  GeogTOWGS84: 2062,
  ProjectedCSType: 3072,
  PCSCitation: 3073,
  Projection: 3074,
  ProjCoordTrans: 3075,
  ProjLinearUnits: 3076,
  ProjLinearUnitSize: 3077,
  ProjStdParallel1: 3078,
  ProjStdParallel2: 3079,
  ProjNatOriginLong: 3080,
  ProjNatOriginLat: 3081,
  ProjFalseEasting: 3082,
  ProjFalseNorthing: 3083,
  ProjFalseOriginLong: 3084,
  ProjFalseOriginLat: 3085,
  ProjFalseOriginEasting: 3086,
  ProjFalseOriginNorthing: 3087,
  ProjCenterLong: 3088,
  ProjCenterLat: 3089,
  ProjCenterEasting: 3090,
  ProjCenterNorthing: 3091,
  ProjScaleAtNatOrigin: 3092,
  ProjScaleAtCenter: 3093,
  ProjAzimuthAngle: 3094,
  ProjStraightVertPoleLong: 3095,
  ProjRectifiedGridAngle: 3096,
} as const;

/** "user-defined" in every GeoKey code space. */
export const USER_DEFINED = 32767;

export type GeoKeyValue = number | number[] | string;
export type GeoKeys = Map<number, GeoKeyValue>;

const TAG_DOUBLE = 34736;
const TAG_ASCII = 34737;

export function parseGeoKeys(
  directory: ArrayLike<number> | null,
  doubles: ArrayLike<number> | null,
  ascii: string | null,
): GeoKeys {
  const keys: GeoKeys = new Map();
  if (!directory || directory.length < 4) return keys;
  const n = directory[3];
  for (let i = 1; i <= n && i * 4 + 3 < directory.length; i++) {
    const id = directory[i * 4];
    const loc = directory[i * 4 + 1];
    const count = directory[i * 4 + 2];
    const off = directory[i * 4 + 3];
    if (loc === 0) {
      keys.set(id, off);
    } else if (loc === TAG_DOUBLE && doubles) {
      const vals = Array.from(doubles).slice(off, off + count);
      keys.set(id, count === 1 ? vals[0] : vals);
    } else if (loc === TAG_ASCII && ascii !== null) {
      // GeoTIFF ends each ASCII value with '|' (and the tag with NUL).
      keys.set(id, ascii.substring(off, off + count).replace(/[|\0]+$/, ''));
    }
  }
  return keys;
}

export function keyNumber(keys: GeoKeys, id: number): number | undefined {
  const v = keys.get(id);
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length > 0) return v[0];
  return undefined;
}

export function keyString(keys: GeoKeys, id: number): string | undefined {
  const v = keys.get(id);
  return typeof v === 'string' ? v : undefined;
}

export interface EncodedGeoKeys {
  directory: Uint16Array;
  doubles: Float64Array | null;
  ascii: string | null;
}

export function encodeGeoKeys(keys: GeoKeys): EncodedGeoKeys {
  const ids = [...keys.keys()].sort((a, b) => a - b);
  const dir: number[] = [1, 1, 0, ids.length];
  const doubles: number[] = [];
  let ascii = '';
  for (const id of ids) {
    const v = keys.get(id)!;
    if (typeof v === 'string') {
      const s = `${v}|`;
      dir.push(id, TAG_ASCII, s.length, ascii.length);
      ascii += s;
    } else if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535 && !isDoubleKey(id)) {
      dir.push(id, 0, 1, v);
    } else {
      const vals = typeof v === 'number' ? [v] : v;
      dir.push(id, TAG_DOUBLE, vals.length, doubles.length);
      doubles.push(...vals);
    }
  }
  return {
    directory: Uint16Array.from(dir),
    doubles: doubles.length ? Float64Array.from(doubles) : null,
    ascii: ascii ? ascii : null,
  };
}

/** Keys whose values are always doubles (parameters), even when integral. */
function isDoubleKey(id: number): boolean {
  return (id >= 3078 && id <= 3096) || id === GK.GeogSemiMajorAxis || id === GK.GeogSemiMinorAxis
    || id === GK.GeogInvFlattening || id === GK.GeogPrimeMeridianLong || id === GK.GeogTOWGS84
    || id === GK.ProjLinearUnitSize || id === GK.GeogAngularUnitSize;
}

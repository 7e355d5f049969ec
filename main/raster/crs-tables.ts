/**
 * EPSG codes GeoTIFFs use for ellipsoids, prime meridians and units when a CRS is
 * user-defined. epsg-index only lists CRSs, so these few are tabulated here
 * (values from the EPSG dataset).
 */

export interface Ellipsoid {
  name: string;
  a: number;
  /** Inverse flattening; 0 for a sphere. */
  rf: number;
  /** proj4's +ellps name where it has one. */
  proj4?: string;
}

export const ellipsoids: Record<number, Ellipsoid> = {
  7001: { name: 'Airy 1830', a: 6377563.396, rf: 299.3249646, proj4: 'airy' },
  7002: { name: 'Airy Modified 1849', a: 6377340.189, rf: 299.3249646, proj4: 'mod_airy' },
  7003: { name: 'Australian National Spheroid', a: 6378160, rf: 298.25, proj4: 'aust_SA' },
  7004: { name: 'Bessel 1841', a: 6377397.155, rf: 299.1528128, proj4: 'bessel' },
  7006: { name: 'Bessel Namibia', a: 6377483.865, rf: 299.1528128, proj4: 'bess_nam' },
  7008: { name: 'Clarke 1866', a: 6378206.4, rf: 294.978698213898, proj4: 'clrk66' },
  7011: { name: 'Clarke 1880 (IGN)', a: 6378249.2, rf: 293.466021293627 },
  7012: { name: 'Clarke 1880 (RGS)', a: 6378249.145, rf: 293.465, proj4: 'clrk80' },
  7013: { name: 'Clarke 1880 (Arc)', a: 6378249.145, rf: 293.4663077 },
  7015: { name: 'Everest 1830 (1937 Adjustment)', a: 6377276.345, rf: 300.8017 },
  7016: { name: 'Everest 1830 (1967 Definition)', a: 6377298.556, rf: 300.8017 },
  7018: { name: 'Everest 1830 Modified', a: 6377304.063, rf: 300.8017 },
  7019: { name: 'GRS 1980', a: 6378137, rf: 298.257222101, proj4: 'GRS80' },
  7020: { name: 'Helmert 1906', a: 6378200, rf: 298.3, proj4: 'helmert' },
  7021: { name: 'Indonesian National Spheroid', a: 6378160, rf: 298.247 },
  7022: { name: 'International 1924', a: 6378388, rf: 297, proj4: 'intl' },
  7024: { name: 'Krassowsky 1940', a: 6378245, rf: 298.3, proj4: 'krass' },
  7025: { name: 'NWL 9D', a: 6378145, rf: 298.25 },
  7029: { name: 'War Office', a: 6378300, rf: 296 },
  7030: { name: 'WGS 84', a: 6378137, rf: 298.257223563, proj4: 'WGS84' },
  7034: { name: 'Clarke 1880', a: 6378249.144808011, rf: 293.466307656 },
  7035: { name: 'Sphere', a: 6371000, rf: 0 },
  7036: { name: 'GRS 1967', a: 6378160, rf: 298.247167427 },
  7043: { name: 'WGS 72', a: 6378135, rf: 298.26, proj4: 'WGS72' },
  7044: { name: 'Everest 1830 (1962 Definition)', a: 6377301.243, rf: 300.8017255 },
  7045: { name: 'Everest 1830 (1975 Definition)', a: 6377299.151, rf: 300.8017255 },
  7048: { name: 'GRS 1980 Authalic Sphere', a: 6371007, rf: 0 },
  7049: { name: 'IAG 1975', a: 6378140, rf: 298.257 },
  7050: { name: 'GRS 1967 Modified', a: 6378160, rf: 298.25 },
  7052: { name: 'Clarke 1866 Authalic Sphere', a: 6370997, rf: 0 },
  7053: { name: 'Hough 1960', a: 6378270, rf: 297 },
  7054: { name: 'PZ-90', a: 6378136, rf: 298.257839303 },
  7056: { name: 'Everest 1830 (RSO 1969)', a: 6377295.664, rf: 300.8017 },
  7057: { name: 'International 1924 Authalic Sphere', a: 6371228, rf: 0 },
  7059: { name: 'Popular Visualisation Sphere', a: 6378137, rf: 0 },
};

/** Prime meridians: longitude east of Greenwich in degrees. */
export const primeMeridians: Record<number, { name: string; lon: number }> = {
  8901: { name: 'Greenwich', lon: 0 },
  8902: { name: 'Lisbon', lon: -9.0754862 },
  8903: { name: 'Paris', lon: 2.33722917 },
  8904: { name: 'Bogota', lon: -74.04513 },
  8905: { name: 'Madrid', lon: -3.411658 },
  8906: { name: 'Rome', lon: 12.45233 },
  8907: { name: 'Bern', lon: 7.439583333333333 },
  8908: { name: 'Jakarta', lon: 106.807719 },
  8909: { name: 'Ferro', lon: -17.66666666666667 },
  8910: { name: 'Brussels', lon: 4.367975 },
  8911: { name: 'Stockholm', lon: 18.05827777777778 },
  8912: { name: 'Athens', lon: 23.7163375 },
  8913: { name: 'Oslo', lon: 10.72291666666667 },
};

/** Linear units: metres per unit, proj4 name where it has one. */
export const linearUnits: Record<number, { name: string; toMeter: number; proj4?: string }> = {
  9001: { name: 'metre', toMeter: 1, proj4: 'm' },
  9002: { name: 'foot', toMeter: 0.3048, proj4: 'ft' },
  9003: { name: 'US survey foot', toMeter: 0.3048006096012192, proj4: 'us-ft' },
  9005: { name: "Clarke's foot", toMeter: 0.3047972654 },
  9030: { name: 'nautical mile', toMeter: 1852 },
  9036: { name: 'kilometre', toMeter: 1000, proj4: 'km' },
};

/** Angular units: degrees per unit. */
export const angularUnits: Record<number, number> = {
  9101: 180 / Math.PI,
  9102: 1,
  9103: 1 / 60,
  9104: 1 / 3600,
  9105: 0.9,
  9122: 1,
};

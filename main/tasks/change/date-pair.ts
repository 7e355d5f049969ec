/**
 * Two dates of one scene as one raster for the tiler: date a's bands, then date b's, read
 * window by window from both files (nothing is copied or resampled). The two must share
 * the grid exactly — CRS, size and geotransform — and checkSameGrid says which differs,
 * naming both files, before any work: a change map from misregistered dates would report
 * the shift as change.
 *
 * Windows come back as Float32 with NaN as the one nodata (the dates may differ in sample
 * type and nodata value); a pixel that is nodata in every band of either date is NaN in
 * both, so change is only computed where both dates see the ground.
 */
import { ApiError, type RasterInfo } from '../../api.ts';
import type { NumericArray, Raster, ReadOptions, Window } from '../../raster/index.ts';
import { isNodata } from '../../raster/index.ts';
import { sameCrs, sameGeoTransform } from '../../raster/index.ts';

export function checkSameGrid(a: RasterInfo, b: RasterInfo): void {
  const both = `${a.path} (date a) and ${b.path} (date b)`;
  const fail = (what: string) => new ApiError('E_BAND_MISMATCH', `${both}: ${what}; resample date b onto date a's grid first (e.g. gdalwarp -te/-tr/-t_srs from date a)`, b.path);
  if (a.georeferenced !== b.georeferenced) throw fail(`only ${a.georeferenced ? 'date a' : 'date b'} is georeferenced`);
  if (!sameCrs(a, b)) throw fail(`different CRS (${a.crs?.name ?? 'none'} vs ${b.crs?.name ?? 'none'})`);
  if (a.width !== b.width || a.height !== b.height) throw fail(`different sizes (${a.width} x ${a.height} vs ${b.width} x ${b.height} px)`);
  if (a.georeferenced && !sameGeoTransform(a, b)) {
    throw fail(`different geotransforms ([${a.geoTransform.join(', ')}] vs [${b.geoTransform.join(', ')}])`);
  }
}

export function stackRasters(a: Raster, b: Raster): Raster {
  const ia = a.info;
  const ib = b.info;
  checkSameGrid(ia, ib);
  // Float32 with NaN as the one nodata: the dates may differ in sample type and nodata value.
  const nodata = ia.nodata !== null || ib.nodata !== null ? Number.NaN : null;
  const na = ia.bandCount;
  const info: RasterInfo = {
    ...ia,
    path: `${ia.path} + ${ib.path}`,
    files: [...ia.files, ...ib.files],
    bandCount: na + ib.bandCount,
    bandNames: [...ia.bandNames.map((n) => `a:${n}`), ...ib.bandNames.map((n) => `b:${n}`)],
    dataType: 'Float32',
    nodata,
    // The decimated empty-tile scan reads overviews; only both dates' common levels are cheap.
    overviews: ia.overviews.filter((o) => ib.overviews.some((p) => p.width === o.width && p.height === o.height)),
  };
  return {
    info,
    async readWindow(win: Window, opts: ReadOptions = {}): Promise<NumericArray[]> {
      const bands = opts.bands ?? info.bandNames.map((_, i) => i + 1);
      const fromA = bands.filter((x) => x <= na);
      const fromB = bands.filter((x) => x > na).map((x) => x - na);
      const [ra, rb] = await Promise.all([
        fromA.length ? a.readWindow(win, { ...opts, bands: fromA }) : Promise.resolve([]),
        fromB.length ? b.readWindow(win, { ...opts, bands: fromB }) : Promise.resolve([]),
      ]);
      const fa = ra.map((x) => Float32Array.from(x));
      const fb = rb.map((x) => Float32Array.from(x));
      maskEither(ra, ia.nodata, rb, ib.nodata, [...fa, ...fb]);
      let ka = 0;
      let kb = 0;
      return bands.map((x) => (x <= na ? fa[ka++] : fb[kb++]));
    },
    async close() {
      await Promise.all([a.close(), b.close()]);
    },
  };
}

/** NaN in every output band where either date is nodata in all of its bands read. */
function maskEither(ra: NumericArray[], nda: number | null, rb: NumericArray[], ndb: number | null, out: Float32Array[]): void {
  if (out.length === 0) return;
  const n = out[0].length;
  const empty = (arrs: NumericArray[], nd: number | null, i: number) => nd !== null && arrs.length > 0 && arrs.every((x) => isNodata(x[i], nd));
  for (let i = 0; i < n; i++) {
    if (empty(ra, nda, i) || empty(rb, ndb, i)) for (const x of out) x[i] = Number.NaN;
  }
}

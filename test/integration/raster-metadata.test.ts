/**
 * RasterInfo of real files against `gdalinfo -json`: size, band count, data type,
 * nodata, band names, CRS (EPSG equal where GDAL identifies one; otherwise pixel
 * positions transformed to the base geographic CRS by proj4 vs gdaltransform),
 * geotransform to 1e-9, corners, overview sizes, block size and compression.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import proj4 from 'proj4';
import { openRaster } from '../../main/raster/index.ts';
import { coordOf } from '../../main/raster/geotransform.ts';
import { lookupEpsg } from '../../main/raster/epsg.ts';
import { normalizeProj4 } from '../../main/raster/crs-proj4.ts';
import type { RasterInfo } from '../../main/api.ts';
import { dataPath, gdalEpsg, gdalinfo, gdalOverviews, gdalTransform, type GdalInfo } from '../helpers/gdal.ts';

interface Case {
  file: string;
  /** Geographic CRS the file's CRS is based on, for the transform check when GDAL finds no EPSG code. */
  baseGeog?: number;
  /** GDAL's JPEG driver exposes DCT-scaled reductions as overviews; we do not. */
  skipOverviews?: boolean;
}

const cases: Case[] = [
  { file: 'samples/L7_ETMs.tif' },
  { file: 'samples/elev.tif' },
  { file: 'samples/meuse.tif', baseGeog: 4326 },
  { file: 'samples/cea.tif', baseGeog: 4267 },
  { file: 'samples/lc.tif', baseGeog: 4269 },
  { file: 'samples/olinda_dem_utm25s.tif', baseGeog: 4326 },
  { file: 'oscd/aguasclaras/imgs_1/B02.tif' },
  { file: 'oscd/aguasclaras/imgs_1/B05.tif' },
  { file: 'oscd/aguasclaras/imgs_1/B01.tif' },
  { file: 'oscd/bercy/imgs_2/B8A.tif' },
  { file: 'oscd/aguasclaras/cm/aguasclaras-cm.tif' },
  { file: 's1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif' },
  { file: 's1s2/sen1floods11/sample/S2/Spain_7370579_S2Hand.tif' },
  { file: 'hr/spacenet_atlanta_solaris/sample_geotiff.tif' },
  { file: 'timeseries/cropharvest/98-togo_2019-02-06_2020-02-01.tif' },
  { file: 'hr/openearthmap/adelaide_2.tif' },
  { file: 'hr/loveda/img_dir/0.png' },
  { file: 'hr/loveda/ann_dir/0.png' },
  { file: 'more/hrsid_ship/images/P0007_3000_3800_1800_2600.jpg', skipOverviews: true },
];

function near(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs GDAL ${expected} (tolerance ${tol})`);
}

function gdalNodata(g: GdalInfo): number | null {
  const v = g.bands[0].noDataValue;
  if (v === undefined) return null;
  return v === 'NaN' ? NaN : Number(v);
}

function checkInfo(info: RasterInfo, g: GdalInfo, c: Case): void {
  assert.deepEqual([info.width, info.height], g.size, 'size');
  assert.equal(info.bandCount, g.bands.length, 'band count');
  for (const b of g.bands) assert.equal(info.dataType, b.type, `data type of band ${b.band}`);
  const nd = gdalNodata(g);
  if (nd === null) assert.equal(info.nodata, null, 'nodata');
  else assert.ok(Object.is(info.nodata, nd) || info.nodata === nd, `nodata ${info.nodata} vs GDAL ${nd}`);
  assert.deepEqual(info.bandNames, g.bands.map((b: GdalInfo) => b.description || `Band ${b.band}`), 'band names');
  assert.deepEqual(info.blockSize, g.bands[0].block, 'block size');
  assert.equal(info.compression, g.metadata?.IMAGE_STRUCTURE?.COMPRESSION ?? null, 'compression');
  if (!c.skipOverviews) assert.deepEqual(info.overviews.map((o) => [o.width, o.height]), gdalOverviews(g), 'overviews');

  if (g.geoTransform) {
    assert.equal(info.georeferenced, true);
    info.geoTransform.forEach((v, i) => near(v, g.geoTransform[i], 1e-9 * Math.max(1, Math.abs(g.geoTransform[i])), `geoTransform[${i}]`));
  } else {
    assert.equal(info.georeferenced, false);
    assert.deepEqual(info.geoTransform, [0, 1, 0, 0, 0, 1]);
    assert.equal(info.crs, null);
  }
  // gdalinfo prints corners rounded (7 decimals for degrees); compare at that precision.
  const tol = info.crs?.units === 'degree' ? 1e-7 : 1e-3;
  for (const k of ['upperLeft', 'lowerLeft', 'upperRight', 'lowerRight', 'center'] as const) {
    near(info.corners[k][0], g.cornerCoordinates[k][0], tol, `${k} x`);
    near(info.corners[k][1], g.cornerCoordinates[k][1], tol, `${k} y`);
  }

  const epsg = gdalEpsg(g);
  if (!g.coordinateSystem?.wkt) {
    assert.equal(info.crs, null, 'no CRS');
    return;
  }
  assert.ok(info.crs, 'CRS resolved');
  if (epsg !== null) {
    assert.equal(info.crs.epsg, epsg, 'EPSG code');
  } else {
    assert.equal(info.crs.epsg, null, 'GDAL finds no EPSG code, neither do we');
    assert.ok(c.baseGeog, 'test case names the base geographic CRS');
    const pixels: [number, number][] = [[0, 0], [info.width, info.height], [info.width / 2, 7.5], [3.25, info.height - 1]];
    const theirs = gdalTransform(pixels, { file: dataPath(c.file), tSrs: `EPSG:${c.baseGeog}` });
    const to = normalizeProj4(lookupEpsg(c.baseGeog!)!.proj4);
    // 1e-7 degree is about 1 cm: proj4js inverts the ellipsoidal equal-area projections
    // with a series for the authalic latitude where PROJ iterates (cea differs by ~1 mm).
    pixels.forEach((p, i) => {
      const [lon, lat] = proj4(info.crs!.proj4, to, coordOf(info, p));
      near(lon, theirs[i][0], 1e-7, `lon of pixel ${p}`);
      near(lat, theirs[i][1], 1e-7, `lat of pixel ${p}`);
    });
  }
}

describe('raster metadata equals gdalinfo -json', () => {
  for (const c of cases) {
    test(c.file, async () => {
      const raster = await openRaster([dataPath(c.file)]);
      try {
        checkInfo(raster.info, gdalinfo(dataPath(c.file)), c);
      } finally {
        await raster.close();
      }
    });
  }

  test('a band folder: one raster on the finest grid, Sentinel-2 band order', async () => {
    const dir = dataPath('oscd/aguasclaras/imgs_1');
    const raster = await openRaster([dir]);
    try {
      const g = gdalinfo(`${dir}/B02.tif`);
      assert.equal(raster.info.format, 'BandFolder');
      assert.deepEqual(raster.info.bandNames, ['B01', 'B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B09', 'B10', 'B11', 'B12']);
      assert.deepEqual([raster.info.width, raster.info.height], g.size);
      raster.info.geoTransform.forEach((v, i) => near(v, g.geoTransform[i], 1e-12, `geoTransform[${i}]`));
      assert.equal(raster.info.crs?.epsg, 4326);
      assert.equal(raster.info.files.length, 13);
    } finally {
      await raster.close();
    }
  });
});

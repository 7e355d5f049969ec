/**
 * The streaming polygonizer against gdal_polygonize.py on real class rasters: the
 * Sen1Floods11 hand label (Int16, EPSG:4326, -1 = no data), the eo-learn Slovenia
 * land-cover label (UInt16, UTM 33N, 0 = no data) and a LoveDA mask (PNG, pixel
 * space). The same polygons (class, envelope, size, perimeter, holes and vertices per
 * polygon; GEOS ST_Equals on a small grid of tricky cases), counts and areas per class,
 * pixel counts equal to a count over GDAL's own read, every polygon valid, and the
 * area on the ellipsoid equal to SpatiaLite's.
 */
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath, gdalinfo, gdalTranslate, gdalWindow } from '../helpers/gdal.ts';
import { gdalPolygonize, ogr2ogr, ogrSql } from '../helpers/ogr.ts';
import { polygonizeToFile } from '../../main/vector/index.ts';

const LABEL = dataPath('s1s2/sen1floods11/sample/Labels/Spain_7370579_LabelHand.tif');
const LULC = dataPath('more/eolearn_testeopatch_slovenia/LULC_label.tif');
const LOVEDA = dataPath('hr/loveda/ann_dir/0.png');

const S2 = dataPath('s1s2/sen1floods11/sample/S2/Spain_7370579_S2Hand.tif');

/** Sentinel-2 NIR (B8) cut into steps of 600 by GDAL's Python bindings: a fragmented class map full of diagonal touches and holes. */
const QUANTISE_PY = `
import sys
import numpy as np
from osgeo import gdal
src = gdal.Open(sys.argv[1])
a = src.GetRasterBand(8).ReadAsArray().astype(np.float64)
q = np.clip(a // 600, 0, 9).astype(np.uint8)
ds = gdal.GetDriverByName('GTiff').Create(sys.argv[2], src.RasterXSize, src.RasterYSize, 1, gdal.GDT_Byte, ['COMPRESS=DEFLATE'])
ds.SetGeoTransform(src.GetGeoTransform()); ds.SetProjection(src.GetProjection())
ds.GetRasterBand(1).WriteArray(q); ds = None
`;

interface Case {
  name: string;
  /** The class raster, or how to make it in the temp folder. */
  raster: string | ((dir: string) => string);
  skip: number;
  /** Ellipsoidal (geographic CRS), planar m² (projected) or no area (pixel space). */
  area: 'ellipsoid' | 'planar' | 'none';
}

const CASES: Case[] = [
  { name: 'Sen1Floods11 water label (EPSG:4326)', raster: LABEL, skip: -1, area: 'ellipsoid' },
  { name: 'eo-learn land cover (UTM 33N)', raster: LULC, skip: 0, area: 'planar' },
  { name: 'LoveDA mask (PNG, pixel space)', raster: LOVEDA, skip: 0, area: 'none' },
  {
    name: 'Sentinel-2 NIR in 600-steps (8782 fragments, EPSG:4326)',
    raster: (dir) => {
      const out = join(dir, 'nir-classes.tif');
      execFileSync('/usr/bin/python3', ['-c', QUANTISE_PY, S2, out]);
      return out;
    },
    skip: -1,
    area: 'ellipsoid',
  },
];

/** Pixels per class counted over GDAL's read of the whole band (gdal_translate to raw ENVI). */
function gdalClassCounts(raster: string, skip: number): Map<number, number> {
  const [band] = gdalWindow(raster);
  const counts = new Map<number, number>();
  for (const v of band) if (v !== skip) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

for (const c of CASES) {
  test(`polygonize matches gdal_polygonize: ${c.name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skysense-vec-'));
    try {
      const raster = typeof c.raster === 'string' ? c.raster : c.raster(dir);
      const ours = join(dir, 'ours.gpkg');
      const report = await polygonizeToFile(raster, ours, { skipValues: [c.skip] });
      const gdal = join(dir, 'gdal.gpkg');
      gdalPolygonize(raster, gdal);
      const gt = gdalinfo(raster).geoTransform as number[] | undefined;
      const pixelArea = gt ? Math.abs(gt[1] * gt[5] - gt[2] * gt[4]) : 1;

      // Per class: polygon count and the sorted list of polygon sizes in pixels.
      const oursRows = ogrSql(ours, 'SELECT class, pixels, ST_Area(geom) AS a, ST_IsValid(geom) AS ok FROM ours ORDER BY class, pixels');
      const gdalRows = ogrSql(gdal, `SELECT val, ST_Area(geom) AS a FROM poly WHERE val <> ${c.skip} ORDER BY val, a`);
      assert.equal(oursRows.length, gdalRows.length, 'polygon count');
      assert.equal(report.polygons, gdalRows.length);
      const sizes = (rows: { k: number; px: number }[]) => {
        const m = new Map<number, number[]>();
        for (const r of rows) m.set(r.k, [...(m.get(r.k) ?? []), r.px]);
        for (const v of m.values()) v.sort((a, b) => a - b);
        return m;
      };
      const oursSizes = sizes(oursRows.map((r) => ({ k: r.class, px: r.pixels })));
      const gdalSizes = sizes(gdalRows.map((r) => ({ k: r.val, px: Math.round(r.a / pixelArea) })));
      assert.deepEqual([...oursSizes.keys()].sort((a, b) => a - b), [...gdalSizes.keys()].sort((a, b) => a - b), 'classes');
      for (const [k, v] of gdalSizes) assert.deepEqual(oursSizes.get(k), v, `polygon sizes of class ${k}`);

      // Every polygon valid, and its geometric area (CRS units) equal to its pixel count.
      for (const r of oursRows) {
        assert.equal(r.ok, 1, `class ${r.class} polygon of ${r.pixels} px is invalid`);
        assert.ok(Math.abs(r.a / pixelArea - r.pixels) < 1e-6 * r.pixels, `geometry area ${r.a / pixelArea} px vs ${r.pixels} px`);
      }

      // Pixel counts per class equal GDAL's own count.
      const counts = gdalClassCounts(raster, c.skip);
      assert.deepEqual(
        report.classes.map((k) => [k.value, k.pixels]),
        [...counts.entries()].sort((a, b) => a[0] - b[0]),
      );

      // Total area per class (m²): planar against GDAL's polygons, ellipsoidal against SpatiaLite's
      // ST_Area(geom, 1) of the union of GDAL's polygons (one call per class: it is slow per small polygon).
      const areaSql = c.area === 'ellipsoid' ? 'ST_Area(ST_Union(geom), 1)' : 'SUM(ST_Area(geom))';
      const gdalArea = ogrSql(gdal, `SELECT val, ${areaSql} AS a FROM poly WHERE val <> ${c.skip} GROUP BY val ORDER BY val`);
      for (const k of report.classes) {
        const ref = gdalArea.find((r) => r.val === k.value)!.a as number;
        if (c.area === 'none') {
          assert.equal(k.areaM2, null);
          continue;
        }
        assert.ok(Math.abs(k.areaM2! - ref) <= 1e-6 * ref, `class ${k.value}: ${k.areaM2} m² vs GDAL ${ref} m²`);
      }
      if (c.area === 'ellipsoid') {
        // Per polygon (those of 100 px or more), the area_m2 field against SpatiaLite's ellipsoidal area of the same geometry.
        const [worst] = ogrSql(ours, 'SELECT COUNT(*) AS n, MAX(ABS(ST_Area(geom, 1) - area_m2) / area_m2) AS rel FROM ours WHERE pixels >= 100');
        assert.ok(worst.n >= 10);
        assert.ok(worst.rel < 1e-8, `ellipsoidal area differs from SpatiaLite by ${worst.rel} (relative)`);
      }

      // The same polygons: per polygon, class, envelope (in pixels), size, perimeter, holes and vertex count.
      const fp = (path: string, table: string, cls: string, where: string) =>
        ogrSql(
          path,
          `SELECT ${cls} AS k, MbrMinX(geom) AS x0, MbrMinY(geom) AS y0, MbrMaxX(geom) AS x1, MbrMaxY(geom) AS y1, ST_Area(geom) AS a, ` +
            `ST_Perimeter(geom) AS p, NumInteriorRings(geom) AS h, ST_NPoints(geom) AS n FROM ${table} ${where}`,
        )
          .map((r) => {
            const col = (x: number) => Math.round((x - (gt ? gt[0] : 0)) / (gt ? gt[1] : 1));
            const row = (y: number) => Math.round((y - (gt ? gt[3] : 0)) / (gt ? gt[5] : 1));
            const rows = [row(r.y0), row(r.y1)].sort((a, b) => a - b);
            return [r.k, col(r.x0), col(r.x1), ...rows, Math.round(r.a / pixelArea), Number(r.p).toPrecision(9), r.h, r.n].join('|');
          })
          .sort();
      assert.deepEqual(fp(ours, 'ours', 'class', ''), fp(gdal, 'poly', 'val', `WHERE val <> ${c.skip}`), 'the same polygons as GDAL');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('polygonize: diagonal touches, holes touching each other and the shell, as GDAL does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skysense-vec-'));
  try {
    // A 16 x 12 window of the real land-cover label (GDAL's read), with patterns written
    // over it that the label lacks (values 5-7 do not occur in it), turned back into a
    // georeferenced GeoTIFF by GDAL from an ASCII grid.
    const base = join(dir, 'base.tif');
    gdalTranslate(['-srcwin', '40', '40', '16', '12', '-ot', 'Byte', LULC, base]);
    const [grid] = gdalWindow(base);
    const set = (x: number, y: number, v: number) => (grid[y * 16 + x] = v);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) set(x, y, (x + y) % 2 ? 5 : 6); // checkerboard: 16 one-pixel polygons
    for (let y = 4; y < 11; y++) for (let x = 0; x < 7; x++) set(x, y, 7); // a 7 x 7 block ...
    set(2, 6, 5);
    set(3, 7, 5); // ... with two holes touching each other at a corner
    set(5, 9, 5);
    set(6, 10, 5); // ... and a hole touching the shell at a corner (next to a notch)
    const gt = gdalinfo(base).geoTransform as number[];
    const asc = [
      'ncols 16',
      'nrows 12',
      `xllcorner ${gt[0]}`,
      `yllcorner ${gt[3] + 12 * gt[5]}`,
      `cellsize ${gt[1]}`,
      ...Array.from({ length: 12 }, (_, y) => grid.slice(y * 16, y * 16 + 16).join(' ')),
    ].join('\n');
    writeFileSync(join(dir, 'g.asc'), `${asc}\n`);
    const raster = join(dir, 'g.tif');
    gdalTranslate(['-a_srs', 'EPSG:32633', '-ot', 'Byte', join(dir, 'g.asc'), raster]);

    const ours = join(dir, 'ours.gpkg');
    await polygonizeToFile(raster, ours);
    const gdal = join(dir, 'gdal.gpkg');
    gdalPolygonize(raster, gdal);
    const q = (path: string, table: string, cls: string) =>
      ogrSql(path, `SELECT ${cls} AS k, ROUND(ST_Area(geom)) AS a, NumInteriorRings(geom) AS holes, ST_IsValid(geom) AS ok FROM ${table} ORDER BY k, a, holes`);
    const mine = q(ours, 'ours', 'class');
    assert.deepEqual(mine, q(gdal, 'poly', 'val'));
    assert.ok(mine.every((r) => r.ok === 1), 'every polygon valid');
    ogr2ogr(['-update', '-nln', 'gdal', ours, gdal]);
    const [eq] = ogrSql(ours, 'SELECT COUNT(*) AS n FROM ours o JOIN gdal g ON o.class = g.val AND ST_Equals(o.geom, g.geom)');
    assert.equal(eq.n, mine.length, 'each polygon equals one of GDAL (GEOS ST_Equals)');
    assert.equal(mine.filter((r) => r.k === 5 || r.k === 6).length, 8 + 8 + 4, 'checkerboard pixels and hole pixels are separate polygons');
    assert.ok(mine.some((r) => r.k === 7 && r.holes === 3), 'the block keeps its three holes');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

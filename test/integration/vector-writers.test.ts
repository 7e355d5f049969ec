/**
 * GeoJSON and GeoPackage outputs as GDAL sees them: ogrinfo reads layer, count,
 * fields and CRS; GDAL's GeoPackage validator accepts the file; ogr2ogr converts both;
 * GeoJSON coordinates equal GDAL's own reprojection to WGS84. Outputs appear only
 * whole: abort, cancel and bad input leave the folder empty.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath } from '../helpers/gdal.ts';
import { rasterInfo } from '../../main/raster/index.ts';
import { ogr2ogr, ogrGeoJson, ogrinfoSummary, ogrSql, validateGpkg } from '../helpers/ogr.ts';
import { CLASS_POLYGON_FIELDS, GeoPackageWriter, openVectorWriter, polygonizeToFile, type Feature } from '../../main/vector/index.ts';

const LULC = dataPath('more/eolearn_testeopatch_slovenia/LULC_label.tif');
const LABEL = dataPath('s1s2/sen1floods11/sample/Labels/Spain_7370579_LabelHand.tif');
const LOVEDA = dataPath('hr/loveda/ann_dir/0.png');
const S1 = dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif');
// From the label's ENCODING metadata.
const LULC_NAMES = { 1: 'cultivated land', 2: 'forest', 3: 'grassland', 4: 'shrubland', 8: 'artificial surface' };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'skysense-vec-'));
}

/** Twice the signed area of a lon/lat ring (positive = counter-clockwise). */
function signedArea(ring: number[][]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return s;
}

test('GeoPackage and GeoJSON of a projected class raster: ogrinfo, validator, ogr2ogr, GDAL reprojection', async () => {
  const dir = tempDir();
  try {
    const gpkg = join(dir, 'lulc.gpkg');
    const geojson = join(dir, 'lulc.geojson');
    const opts = { skipValues: [0], classNames: LULC_NAMES };
    const r1 = await polygonizeToFile(LULC, gpkg, opts);
    const r2 = await polygonizeToFile(LULC, geojson, opts);
    assert.equal(r1.polygons, r2.polygons);
    assert.deepEqual(readdirSync(dir).sort(), ['lulc.geojson', 'lulc.gpkg'], 'no temporary files left');

    const g = ogrinfoSummary(gpkg);
    assert.equal(g.layer, 'lulc');
    assert.equal(g.geometry, 'Polygon');
    assert.equal(g.featureCount, r1.polygons);
    assert.deepEqual(g.fields, { class: 'Integer64', class_name: 'String', area_m2: 'Real', pixels: 'Integer64', source: 'String' });
    assert.equal(g.epsg, 32633);
    const j = ogrinfoSummary(geojson);
    assert.equal(j.layer, 'lulc');
    assert.equal(j.geometry, 'Polygon');
    assert.equal(j.featureCount, r1.polygons);
    assert.deepEqual(j.fields, { class: 'Integer', class_name: 'String', area_m2: 'Real', pixels: 'Integer', source: 'String' });
    assert.equal(j.epsg, 4326);

    // A real GeoPackage: GDAL's validator is silent, and the SQLite header carries 'GPKG' and 1.3.
    const v = validateGpkg(gpkg);
    assert.equal(v.status, 0, v.output);
    assert.equal(v.output, '');
    const header = readFileSync(gpkg).subarray(0, 100);
    assert.equal(header.readUInt32BE(68), 0x47504b47, 'application_id GPKG');
    assert.ok(header.readUInt32BE(60) >= 10300, 'user_version 1.3+');

    // Attributes as GDAL reads them.
    const names = ogrSql(gpkg, 'SELECT class, class_name AS name, SUM(pixels) AS px FROM lulc GROUP BY class, class_name ORDER BY class');
    assert.deepEqual(
      names.map((n) => [n.class, n.name, n.px]),
      r1.classes.map((c) => [c.value, LULC_NAMES[c.value as keyof typeof LULC_NAMES], c.pixels]),
    );
    const [src] = ogrSql(geojson, 'SELECT DISTINCT source FROM lulc');
    assert.equal(src.source, LULC);

    // GeoJSON coordinates = GDAL (PROJ) reprojecting the GeoPackage to EPSG:4326; outer rings counter-clockwise, holes clockwise.
    const mine = JSON.parse(readFileSync(geojson, 'utf8')) as { features: Feature[] };
    const ref = ogrGeoJson(gpkg, ['-t_srs', 'EPSG:4326']);
    assert.equal(mine.features.length, ref.features.length);
    let worst = 0;
    let holes = 0;
    mine.features.forEach((f, i) => {
      const rings = f.geometry.coordinates as number[][][];
      const other = ref.features[i].geometry.coordinates as number[][][];
      assert.equal(rings.length, other.length);
      rings.forEach((ring, k) => {
        assert.equal(ring.length, other[k].length);
        ring.forEach((p, n) => (worst = Math.max(worst, Math.abs(p[0] - other[k][n][0]), Math.abs(p[1] - other[k][n][1]))));
        assert.ok(k === 0 ? signedArea(ring) > 0 : signedArea(ring) < 0, `feature ${i} ring ${k} orientation`);
        if (k > 0) holes++;
      });
    });
    assert.ok(worst < 1e-9, `GeoJSON differs from GDAL's reprojection by ${worst}°`);
    assert.ok(holes > 0, 'the label has polygons with holes');

    // ogr2ogr converts both.
    ogr2ogr(['-f', 'ESRI Shapefile', join(dir, 'shp'), gpkg]);
    assert.equal(ogrinfoSummary(join(dir, 'shp', 'lulc.shp')).featureCount, r1.polygons);
    ogr2ogr(['-f', 'GPKG', join(dir, 'from-json.gpkg'), geojson]);
    const back = ogrinfoSummary(join(dir, 'from-json.gpkg'));
    assert.equal(back.featureCount, r1.polygons);
    assert.equal(back.epsg, 4326);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('geographic and pixel-space rasters: GeoPackage srs 4326 and undefined; no GeoJSON in pixel space', async () => {
  const dir = tempDir();
  try {
    const geo = join(dir, 'water.gpkg');
    const r = await polygonizeToFile(LABEL, geo, { skipValues: [-1], classNames: ['dry', 'water'] });
    const s = ogrinfoSummary(geo);
    assert.equal(s.epsg, 4326);
    assert.equal(s.featureCount, r.polygons);
    assert.equal(validateGpkg(geo).status, 0);
    assert.deepEqual(
      ogrSql(geo, 'SELECT DISTINCT class, class_name FROM water ORDER BY class').map((x) => [x.class, x.class_name]),
      [
        [0, 'dry'],
        [1, 'water'],
      ],
    );

    const mask = join(dir, 'mask.gpkg');
    const m = await polygonizeToFile(LOVEDA, mask, { skipValues: [0] });
    assert.equal(m.crs, null);
    assert.ok(m.classes.every((c) => c.areaM2 === null));
    const info = ogrinfoSummary(mask);
    assert.equal(info.epsg, null, 'no CRS');
    assert.equal(info.featureCount, m.polygons);
    const [ext] = ogrSql(mask, 'SELECT MIN(MbrMinX(geom)) AS x0, MAX(MbrMaxY(geom)) AS y1 FROM mask');
    assert.deepEqual([ext.x0, ext.y1], [0, 1024], 'pixel coordinates, as gdal_polygonize writes them');
    // GeoJSON is longitude/latitude by definition: pixel coordinates are refused up front.
    const json = join(dir, 'mask.geojson');
    await assert.rejects(polygonizeToFile(LOVEDA, json), (e: Error & { code?: string }) => e.code === 'E_UNSUPPORTED' && e.message.includes(json) && e.message.includes('.gpkg'));
    assert.equal(validateGpkg(join(dir, 'mask.gpkg')).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('MultiPolygon layers: polygons are promoted in GeoPackage; both formats read back by GDAL', async () => {
  const dir = tempDir();
  try {
    const info = await rasterInfo([LULC]);
    const sq = (x: number, y: number, d: number) => [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ];
    const [x0, y0] = info.corners.lowerLeft;
    const features: Feature[] = [
      { geometry: { type: 'Polygon', coordinates: [sq(x0, y0, 100)] }, properties: { name: 'one', n: 1, v: 0.5 } },
      { geometry: { type: 'MultiPolygon', coordinates: [[sq(x0 + 200, y0, 50)], [sq(x0 + 300, y0, 50)]] }, properties: { name: 'two', n: 2, v: null } },
    ];
    for (const name of ['multi.gpkg', 'multi.geojson']) {
      const out = join(dir, name);
      const w = await openVectorWriter(out, {
        crs: info.crs,
        layer: 'multi',
        fields: [
          { name: 'name', type: 'text' },
          { name: 'n', type: 'integer' },
          { name: 'v', type: 'real' },
        ],
        geometryType: 'MultiPolygon',
      });
      await w.add(features);
      await w.finish();
      const s = ogrinfoSummary(out);
      assert.equal(s.featureCount, 2);
      const geomCol = name.endsWith('gpkg') ? 'geom' : 'geometry';
      const rows = ogrSql(out, `SELECT name, n, v, ST_NumGeometries(${geomCol}) AS parts, ST_Area(${geomCol}) AS a FROM multi ORDER BY n`);
      assert.deepEqual(
        rows.map((r) => [r.name, r.n, r.v, r.parts]),
        [
          ['one', 1, 0.5, 1],
          ['two', 2, null, 2],
        ],
      );
      if (name.endsWith('gpkg')) {
        assert.equal(s.geometry, 'Multi Polygon');
        assert.deepEqual(
          rows.map((r) => r.a),
          [10000, 5000],
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('abort, cancel and bad input leave no file; errors name the file and the problem', async () => {
  const dir = tempDir();
  try {
    const info = await rasterInfo([LULC]);
    const feature: Feature = {
      geometry: { type: 'Polygon', coordinates: [[info.corners.upperLeft, info.corners.upperRight, info.corners.lowerRight, info.corners.upperLeft]] },
      properties: { class: 1, class_name: 'x', area_m2: 1, pixels: 1, source: 'test' },
    };
    const base = { crs: info.crs, layer: 'l', fields: CLASS_POLYGON_FIELDS, geometryType: 'Polygon' as const };

    for (const name of ['a.gpkg', 'a.geojson']) {
      const w = await openVectorWriter(join(dir, name), base);
      await w.add([feature, feature]);
      assert.equal(readdirSync(dir).length, 1, 'only the temporary file while writing');
      assert.match(readdirSync(dir)[0], new RegExp(`^\\.${name.replace('.', '\\.')}\\.part-`));
      await w.abort();
      await w.abort();
      assert.deepEqual(readdirSync(dir), [], `${name}: abort deletes the partial file`);
    }

    const out = join(dir, 'x.shp');
    await assert.rejects(polygonizeToFile(LULC, out), (e: Error & { code?: string }) => e.code === 'E_UNSUPPORTED' && e.message.includes(out) && /\.gpkg/.test(e.message));
    await assert.rejects(
      polygonizeToFile(S1, join(dir, 's1.gpkg')),
      (e: Error & { code?: string }) => e.code === 'E_UNSUPPORTED' && e.message.includes(S1) && e.message.includes('Float32'),
    );
    await assert.rejects(polygonizeToFile(LULC, join(dir, 'missing', 'x.gpkg')), (e: Error & { code?: string }) => e.code === 'E_NOT_FOUND' && e.message.includes('missing'));
    await assert.rejects(polygonizeToFile(LULC, join(dir, 'x.gpkg'), { band: 2 }), (e: Error & { code?: string }) => e.code === 'E_BAD_REQUEST');

    // Cancelled after the first window of rows.
    const ac = new AbortController();
    await assert.rejects(
      polygonizeToFile(LABEL, join(dir, 'c.geojson'), {
        rowsPerRead: 64,
        signal: ac.signal,
        progress: (_s, done) => {
          if (done > 0) ac.abort();
        },
      }),
      (e: Error & { code?: string }) => e.code === 'E_CANCELLED',
    );

    // A GeoPackage past its in-memory limit stops with E_TOO_LARGE.
    const big = await GeoPackageWriter.open(join(dir, 'big.gpkg'), base, { maxBytes: 4096 });
    await assert.rejects(big.add(Array(100).fill(feature)), (e: Error & { code?: string }) => e.code === 'E_TOO_LARGE' && e.message.includes('big.gpkg'));
    await big.abort();

    // Values that do not fit the declared fields.
    const w = await openVectorWriter(join(dir, 'f.geojson'), base);
    await assert.rejects(w.add([{ ...feature, properties: { ...feature.properties, pixels: 1.5 } }]), (e: Error & { code?: string }) => e.code === 'E_BAD_REQUEST' && e.message.includes('pixels'));
    await w.abort();
    await assert.rejects(openVectorWriter(join(dir, 'g.gpkg'), { ...base, layer: 'gpkg_x' }), (e: Error & { code?: string }) => e.code === 'E_BAD_REQUEST');

    assert.deepEqual(readdirSync(dir), [], 'nothing left behind');
    mkdirSync(join(dir, 'sub.gpkg'));
    await assert.rejects(polygonizeToFile(LULC, join(dir, 'sub.gpkg')), (e: Error & { code?: string }) => e.code === 'E_BAD_REQUEST' && e.message.includes('folder'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

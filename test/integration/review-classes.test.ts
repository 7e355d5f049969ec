/**
 * What the review side reads of class rasters and vector files, against GDAL: the colour
 * table and category names of a paletted land-cover raster of others (lc.tif), of one GDAL
 * names by itself, and of a cluster output made here; per-class areas counted by the host
 * against a numpy count times the pixel area, and read from the run report; GeoPackage and
 * GeoJSON features against ogr2ogr's lon/lat GeoJSON of the same layer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallContext } from '../../main/api.ts';
import { createHandlers, type Service } from '../../main/service/index.ts';
import { dataPath, gdalinfo, gdalTranslate, REPO_ROOT } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const ctx: CallContext = { signal: new AbortController().signal, progress: () => undefined };
const LC = dataPath('samples/lc.tif');
const S1 = dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif');
const BUILDINGS = dataPath('hr/spacenet_atlanta_solaris/geotiff_labels.geojson');
// Reading only: GDAL must not leave a .aux.xml beside the shared data.
const GDAL_ENV = { ...process.env, GDAL_PAM_ENABLED: 'NO' };

/** value -> pixel count of band 1, by numpy over GDAL's read (nodata left out). */
function numpyCounts(path: string): Map<number, number> {
  const py = `
import json, sys, numpy as np
from osgeo import gdal
ds = gdal.Open(sys.argv[1]); b = ds.GetRasterBand(1); a = b.ReadAsArray(); nd = b.GetNoDataValue()
v, c = np.unique(a[a != nd] if nd is not None else a, return_counts=True)
print(json.dumps([[int(x), int(y)] for x, y in zip(v, c)]))`;
  const out = execFileSync('/usr/bin/python3', ['-c', py, path], { encoding: 'utf8', env: GDAL_ENV });
  return new Map(JSON.parse(out) as [number, number][]);
}

let tmp = '';
let h: Service;
let clusters = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-review-'));
  h = createHandlers({ cacheDir: join(tmp, 'cache'), transport: 'host' });
  const crop = join(tmp, 's1-crop.tif');
  gdalTranslate(['-q', '-srcwin', '128', '256', '160', '160', S1, crop]);
  clusters = join(tmp, 'clusters.tif');
  const r = skysense('run', '--task', 'cluster', '--model', join(REPO_ROOT, 'models/skysense-tiny'), '--input', crop, '--k', '4', '--threads', '1', '--provider', 'cpu', '--out', clusters);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  await h?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('class rasters: colour table and category names as GDAL reads them', () => {
  test('lc.tif (paletted land cover of others): every colour table entry equals gdalinfo; no category names', async () => {
    const info = await h['raster.info']({ paths: [LC] }, ctx);
    const g = gdalinfo(LC);
    assert.equal(g.bands[0].colorInterpretation, 'Palette');
    assert.deepEqual(info.colorTable, g.bands[0].colorTable.entries);
    assert.equal(info.categoryNames, g.bands[0].categories ?? null);
  });

  test('category names GDAL itself wrote into a sidecar (with its other PAM items) are read as gdalinfo lists them', async () => {
    const named = join(tmp, 'lc-named.tif');
    copyFileSync(LC, named);
    const py = `
import sys
from osgeo import gdal
# Read-only: what a GTiff cannot hold goes to the PAM sidecar, as GDAL keeps it for any file.
ds = gdal.Open(sys.argv[1])
b = ds.GetRasterBand(1)
names = [''] * 96
for v, n in [(11, 'Open water'), (21, 'Developed, open'), (42, 'Evergreen forest'), (95, 'Wetlands & <herbaceous>')]: names[v] = n
b.SetCategoryNames(names)
b.SetDescription('land cover')
b.ComputeStatistics(False)
ds = None`;
    execFileSync('/usr/bin/python3', ['-c', py, named], { encoding: 'utf8' });
    const xml = readFileSync(`${named}.aux.xml`, 'utf8');
    assert.match(xml, /<Statistics|STATISTICS_MEAN/, 'the sidecar holds more than the names');
    const info = await h['raster.info']({ paths: [named] }, ctx);
    assert.deepEqual(info.categoryNames, gdalinfo(named).bands[0].categories);
    assert.equal(info.categoryNames?.[95], 'Wetlands & <herbaceous>');
  });

  test('a cluster output of skysense run: palette and names equal gdalinfo', async () => {
    const info = await h['raster.info']({ paths: [clusters] }, ctx);
    const g = gdalinfo(clusters);
    assert.deepEqual(info.categoryNames, g.bands[0].categories);
    assert.deepEqual(info.colorTable, g.bands[0].colorTable.entries);
    assert.deepEqual(info.categoryNames?.slice(1), ['cluster 1', 'cluster 2', 'cluster 3', 'cluster 4']);
  });
});

describe('class areas (layer.classAreas)', () => {
  test('lc.tif has no run report: counted by the host, pixels equal numpy, area = pixels x 3000 m x 3000 m', async () => {
    const layer = await h['layer.open']({ paths: [LC] }, ctx);
    const r = await h['layer.classAreas']({ id: layer.id }, ctx);
    assert.equal(r.source, 'counted');
    const counts = numpyCounts(LC);
    assert.deepEqual(r.classes.map((c) => [c.value, c.pixels]), [...counts]);
    const px = Math.abs(gdalinfo(LC).geoTransform[1] * gdalinfo(LC).geoTransform[5]);
    for (const c of r.classes) assert.equal(c.areaM2, c.pixels * px, `value ${c.value}`);
  });

  test('a cluster output: areas from its run report; the same file without a report counts the same pixels and areas', async () => {
    const layer = await h['layer.open']({ paths: [clusters] }, ctx);
    const fromReport = await h['layer.classAreas']({ id: layer.id }, ctx);
    assert.equal(fromReport.source, 'report');
    assert.equal(fromReport.report, `${clusters}.report.json`);
    const counts = numpyCounts(clusters);
    assert.deepEqual(fromReport.classes.map((c) => [c.value, c.pixels]), [...counts]);
    const bare = join(tmp, 'clusters-no-report.tif');
    copyFileSync(clusters, bare);
    copyFileSync(`${clusters}.aux.xml`, `${bare}.aux.xml`);
    const other = await h['layer.open']({ paths: [bare] }, ctx);
    const counted = await h['layer.classAreas']({ id: other.id }, ctx);
    assert.equal(counted.source, 'counted');
    assert.deepEqual(counted.classes.map((c) => c.pixels), fromReport.classes.map((c) => c.pixels));
    counted.classes.forEach((c, i) => {
      const want = fromReport.classes[i].areaM2!;
      assert.ok(Math.abs(c.areaM2! - want) <= 1e-9 * want, `value ${c.value}: ${c.areaM2} vs report ${want}`);
    });
  });

  test('a Float32 raster is refused by name: it holds measurements, not classes', async () => {
    const layer = await h['layer.open']({ paths: [dataPath('samples/olinda_dem_utm25s.tif')] }, ctx);
    await assert.rejects(h['layer.classAreas']({ id: layer.id }, ctx), /Float32 raster holds measurements, not classes/);
  });
});

describe('vector layers (vector.read) against ogr2ogr', () => {
  /** ogr2ogr's lon/lat GeoJSON of a vector file. */
  function ogrLonLat(src: string): { features: { geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> }[] } {
    const out = join(tmp, `ogr-${process.hrtime.bigint()}.geojson`);
    execFileSync('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:4326', '-lco', 'COORDINATE_PRECISION=15', out, src]);
    return JSON.parse(readFileSync(out, 'utf8'));
  }

  function maxDiff(a: unknown, b: unknown): number {
    if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b);
    assert.ok(Array.isArray(a) && Array.isArray(b) && a.length === b.length, 'same nesting');
    return Math.max(0, ...a.map((x, i) => maxDiff(x, (b as unknown[])[i])));
  }

  test('a GeoPackage of building polygons (made by ogr2ogr, EPSG:32616): every feature, attribute and vertex', async () => {
    const gpkg = join(tmp, 'buildings.gpkg');
    execFileSync('ogr2ogr', ['-f', 'GPKG', gpkg, BUILDINGS]);
    const v = await h['vector.read']({ path: gpkg }, ctx);
    const ref = ogrLonLat(gpkg);
    assert.equal(v.format, 'GPKG');
    assert.match(v.crsName, /EPSG:32616/);
    assert.equal(v.features.length, ref.features.length);
    assert.equal(v.features.length, 43);
    v.features.forEach((f, i) => {
      assert.equal(f.geometry.type, ref.features[i].geometry.type);
      assert.ok(maxDiff(f.geometry.coordinates, ref.features[i].geometry.coordinates) < 1e-9, `feature ${i}`);
      assert.equal(f.properties.building, ref.features[i].properties.building);
    });
  });

  test('our own segment polygons: the class field is class_name; GeoJSON and GeoPackage give the same features', async () => {
    const crop = join(tmp, 's1-crop.tif');
    const out = join(tmp, 'water.tif');
    const gpkg = join(tmp, 'water.gpkg');
    const r = skysense('run', '--task', 'segment', '--head', join(REPO_ROOT, 'models/skysense-tiny/heads/s1-water'), '--input', crop, '--threads', '1', '--provider', 'cpu', '--out', out, '--vectors', gpkg);
    assert.equal(r.code, 0, r.stderr);
    const geojson = join(tmp, 'water.geojson');
    execFileSync('ogr2ogr', ['-f', 'GeoJSON', geojson, gpkg]);
    const a = await h['vector.read']({ path: gpkg }, ctx);
    const b = await h['vector.read']({ path: geojson }, ctx);
    assert.equal(a.classField, 'class_name');
    assert.equal(b.classField, 'class_name');
    assert.deepEqual(new Set(a.features.map((f) => f.properties.class_name)), new Set(['not water', 'water']));
    assert.equal(a.features.length, b.features.length);
    a.features.forEach((f, i) => assert.ok(maxDiff(f.geometry.coordinates, b.features[i].geometry.coordinates) < 1e-7, `feature ${i}`));
  });

  test('a file that is not a vector format is refused naming it', async () => {
    await assert.rejects(h['vector.read']({ path: LC }, ctx), /lc\.tif: not a vector format/);
  });
});

/**
 * Export through the engine's own handlers (no transport): a class raster of ours (a
 * cluster run on OSCD bercy, enlarged with gdal_translate so it has overviews and arrives
 * stripped) and a Float32 SAR raster with NaN nodata become Cloud-Optimized GeoTIFFs;
 * GeoJSON and GeoPackage layers become each other; a PNG snapshot is written whole.
 * Oracles: gdalinfo -json, gdal_translate windows, GDAL's validate_cloud_optimized_geotiff,
 * ogrinfo / ogr2ogr and GDAL's GeoPackage validator.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { CallContext } from '../../main/api.ts';
import { createHandlers, type Service } from '../../main/service/index.ts';
import { dataPath, gdalinfo, gdalOverviews, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { ogrGeoJson, ogrinfoSummary, ogr2ogr, validateGpkg } from '../helpers/ogr.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const BERCY = dataPath('oscd/bercy/imgs_1');
const S1 = dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif');
const BUILDINGS = dataPath('hr/spacenet_atlanta_solaris/geotiff_labels.geojson');
const COG_VALIDATOR = '/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py';
const NO_PAM = { ...process.env, GDAL_PAM_ENABLED: 'NO' };

const ctx = (signal = new AbortController().signal): CallContext => ({ signal, progress: () => undefined });

/** GDAL's COG validator with its full check: exit status and what it printed. */
function validateCog(path: string): { status: number; output: string } {
  const r = spawnSync('/usr/bin/python3', [COG_VALIDATOR, '--full-check=yes', path], { encoding: 'utf8' });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}`.trim() };
}

/** Files in a folder whose names start with a dot: our temporary `.name.part-*` files. */
const hidden = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('.'));

describe('export: rasters as Cloud-Optimized GeoTIFF, vectors as GeoPackage / GeoJSON, PNG snapshots', () => {
  let tmp = '';
  let h: Service;
  let classes = '';

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-export-'));
    h = createHandlers({ cacheDir: join(tmp, 'cache'), transport: 'host' });
    const small = join(tmp, 'bercy-k5.tif');
    const r = skysense('run', '--task', 'cluster', '--model', join(REPO_ROOT, 'models/skysense-tiny'), '--input', BERCY, '--k', '5', '--provider', 'cpu', '--out', small);
    assert.equal(r.code, 0, r.stderr);
    // 1080 x 1188 px, stripped, with the palette and the category names (.aux.xml) carried by GDAL.
    classes = join(tmp, 'classes.tif');
    execFileSync('gdal_translate', ['-q', '-outsize', '1200%', '1200%', '-r', 'nearest', small, classes]);
  });

  after(async () => {
    await h.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('GDAL\'s validator tells a COG from a tiled GeoTIFF with overviews added after', () => {
    // The oracle itself can fail: gdaladdo appends overviews after the full-resolution data.
    const plain = join(tmp, 'plain.tif');
    execFileSync('gdal_translate', ['-q', '-co', 'TILED=YES', classes, plain]);
    execFileSync('gdaladdo', ['-q', plain, '2', '4']);
    assert.notEqual(validateCog(plain).status, 0);
  });

  test('a class raster: tiled 512 px, overviews, COG layout, same grid, CRS, nodata, palette, names and pixels', async () => {
    const out = join(tmp, 'out', 'classes-cog.tif');
    mkdirSync(join(tmp, 'out'));
    const reply = await h['export.raster']({ path: classes, out }, ctx());
    assert.deepEqual(reply, { out, width: 1080, height: 1188, overviews: 2 });
    const src = gdalinfo(classes);
    const got = gdalinfo(out);
    assert.deepEqual(src.bands[0].block, [1080, 7], 'the source is stripped');
    assert.deepEqual(got.bands[0].block, [512, 512]);
    assert.deepEqual(gdalOverviews(got), [[540, 594], [270, 297]]);
    for (const o of got.bands[0].overviews) assert.deepEqual(o.block ?? [512, 512], [512, 512]);
    assert.equal(got.metadata?.IMAGE_STRUCTURE?.COMPRESSION, 'DEFLATE');
    assert.deepEqual(got.geoTransform, src.geoTransform);
    assert.equal(got.coordinateSystem.wkt, src.coordinateSystem.wkt);
    assert.equal(got.bands[0].noDataValue, src.bands[0].noDataValue);
    assert.deepEqual(got.bands[0].colorTable, src.bands[0].colorTable);
    assert.ok(src.bands[0].categories.length >= 6);
    assert.deepEqual(got.bands[0].categories, src.bands[0].categories);
    assert.equal(got.bands[0].description, src.bands[0].description);
    assert.deepEqual(gdalWindow(out), gdalWindow(classes));
    // Overviews of classes pick pixels: only values of the source appear.
    const values = new Set(gdalWindow(classes)[0]);
    for (const level of [0, 1]) for (const v of new Set(gdalWindow(out, { overviewLevel: level })[0])) assert.ok(values.has(v), `overview ${level} value ${v}`);
    const v = validateCog(out);
    assert.equal(v.status, 0, v.output);
    assert.match(v.output, /is a valid cloud optimized GeoTIFF/);
    assert.deepEqual(hidden(join(tmp, 'out')), []);
  });

  test('an open layer: Float32 SAR with NaN nodata, bands VV / VH by name, pixels equal (NaN kept)', async () => {
    const layer = await h['layer.open']({ paths: [S1] }, ctx());
    const out = join(tmp, 's1-cog.tif');
    await h['export.raster']({ id: layer.id, out }, ctx());
    const src = gdalinfo(S1, ['--config', 'GDAL_PAM_ENABLED', 'NO']);
    const got = gdalinfo(out);
    assert.equal(got.bands.length, 2);
    assert.deepEqual(got.bands.map((b: { description?: string }) => b.description), ['VV', 'VH']);
    assert.equal(got.bands[0].type, 'Float32');
    assert.equal(got.bands[0].noDataValue, 'NaN');
    assert.deepEqual(got.geoTransform, src.geoTransform);
    assert.equal(got.coordinateSystem.wkt, src.coordinateSystem.wkt);
    const a = gdalWindow(out);
    const b = gdalWindow(S1);
    for (let band = 0; band < 2; band++) assert.ok(a[band].every((x, i) => Object.is(x, b[band][i]) || x === b[band][i]), `band ${band + 1}`);
    assert.equal(validateCog(out).status, 0);
    await h['layer.close']({ id: layer.id }, ctx());
  });

  test('destinations refused by name: a missing folder, a file as folder, the source itself, a wrong extension', async () => {
    const missing = join(tmp, 'no-such-folder', 'x.tif');
    await assert.rejects(h['export.raster']({ path: classes, out: missing }, ctx()), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'E_NOT_FOUND');
      assert.match(e.message, new RegExp(`${join(tmp, 'no-such-folder')}: the folder to export into does not exist`));
      return true;
    });
    await assert.rejects(h['export.raster']({ path: classes, out: join(classes, 'x.tif') }, ctx()), /does not exist/);
    await assert.rejects(h['export.raster']({ path: classes, out: classes }, ctx()), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'E_BAD_REQUEST');
      assert.match(e.message, /is the source of this export/);
      return true;
    });
    await assert.rejects(h['export.raster']({ path: classes, out: join(tmp, 'classes.png') }, ctx()), /writes \.tif or \.tiff files/);
    assert.equal(existsSync(join(tmp, 'no-such-folder')), false);
  });

  test('a folder this process may not write is refused by name', { skip: process.getuid?.() === 0 ? 'root may write into any folder' : false }, async () => {
    const locked = join(tmp, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    await assert.rejects(h['export.raster']({ path: classes, out: join(locked, 'x.tif') }, ctx()), /locked: this folder is not writable/);
  });

  test('cancelling stops the export and leaves no file', async () => {
    const dir = join(tmp, 'cancel');
    mkdirSync(dir);
    const ac = new AbortController();
    const c: CallContext = { signal: ac.signal, progress: (_s, done) => done > 0 && ac.abort() };
    await assert.rejects(h['export.raster']({ path: classes, out: join(dir, 'c.tif') }, c), (e: Error & { code?: string }) => e.code === 'E_CANCELLED');
    assert.deepEqual(readdirSync(dir), []);
  });

  test('GeoJSON (UTM, others\') to GeoPackage and back: every feature, its attributes, lon/lat as ogr2ogr reprojects them', async () => {
    const gpkg = join(tmp, 'buildings.gpkg');
    const reply = await h['export.vector']({ path: BUILDINGS, out: gpkg }, ctx());
    assert.equal(reply.features, 43);
    const s = ogrinfoSummary(gpkg);
    assert.equal(s.featureCount, 43);
    assert.equal(s.epsg, 4326);
    assert.equal(s.geometry, 'Polygon');
    const v = validateGpkg(gpkg);
    assert.equal(v.status, 0, v.output);
    const want = ogrGeoJson(BUILDINGS, ['-t_srs', 'EPSG:4326']).features;
    const got = ogrGeoJson(gpkg).features;
    assert.equal(got.length, want.length);
    got.forEach((f, i) => {
      assert.deepEqual(Object.keys(f.properties).sort(), Object.keys(want[i].properties).sort());
      for (const [k, x] of Object.entries(want[i].properties)) assert.equal(f.properties[k], x, `feature ${i} ${k}`);
      const a = (f.geometry.coordinates as number[][][]).flat();
      const b = (want[i].geometry.coordinates as number[][][]).flat();
      assert.equal(a.length, b.length);
      a.forEach((p, j) => assert.ok(Math.abs(p[0] - b[j][0]) < 1e-9 && Math.abs(p[1] - b[j][1]) < 1e-9, `feature ${i} vertex ${j}`));
    });
    const back = join(tmp, 'buildings.geojson');
    await h['export.vector']({ path: gpkg, out: back }, ctx());
    assert.equal(ogrinfoSummary(back).featureCount, 43);
    const doc = JSON.parse(readFileSync(back, 'utf8')) as { features: unknown[]; crs?: unknown };
    assert.equal(doc.features.length, 43);
    assert.equal(doc.crs, undefined, 'RFC 7946: lon/lat without a crs member');
    await assert.rejects(h['export.vector']({ path: gpkg, out: gpkg }, ctx()), /is the source of this export/);
  });

  test('a GeoPackage of others (ogr2ogr, MultiPolygons) exports as GeoJSON: every feature and vertex', async () => {
    const multi = join(tmp, 'multi.gpkg');
    ogr2ogr(['-f', 'GPKG', '-nlt', 'MULTIPOLYGON', multi, BUILDINGS]);
    const out = join(tmp, 'multi.geojson');
    await h['export.vector']({ path: multi, out }, ctx());
    assert.equal(ogrinfoSummary(out).featureCount, 43);
    // One-part MultiPolygons are read as the Polygons they are; the rings stay the same.
    const vertices = (p: string) => ogrGeoJson(p, ['-t_srs', 'EPSG:4326']).features.map((f) => JSON.stringify(f.geometry.coordinates).split('],[').length);
    assert.deepEqual(vertices(out), vertices(BUILDINGS));
  });

  test('a PNG snapshot is written whole; data that is not PNG is refused and leaves nothing', async () => {
    const img = new PNG({ width: 40, height: 30 });
    img.data.fill(200);
    const bytes = PNG.sync.write(img);
    const out = join(tmp, 'snap.png');
    const reply = await h['export.png']({ out, png: bytes.toString('base64') }, ctx());
    assert.deepEqual(reply, { out, bytes: bytes.length });
    assert.deepEqual(readFileSync(out), bytes);
    const bad = join(tmp, 'bad.png');
    await assert.rejects(h['export.png']({ out: bad, png: Buffer.from('not a png at all, just some text bytes here to pass the length'.repeat(2)).toString('base64') }, ctx()), /is not PNG data/);
    assert.equal(existsSync(bad), false);
    writeFileSync(join(tmp, 'keep.txt'), 'x');
    assert.deepEqual(hidden(tmp), []);
  });
});

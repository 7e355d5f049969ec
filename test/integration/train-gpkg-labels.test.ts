/**
 * GeoPackage labels (main/vector/gpkg-read.ts) against GDAL as the oracle: the Sen1Floods11
 * hand labels of Spain_7370579 (top half) polygonized by gdal_polygonize.py to GeoJSON, as
 * the GeoJSON-label test does, then written as GeoPackages by ogr2ogr (polygons, multipolygons,
 * points, boxes; in the raster's CRS and reprojected to UTM 30N, since the chip itself is in
 * EPSG:4326). Each GeoPackage must give exactly the cells that the GeoJSON GDAL writes from it
 * gives; the polygons also the raster's single-label cells. Then the errors, and a dataset
 * spec whose labels are a GeoPackage trains a head.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RasterInfo } from '../../main/api.ts';
import { rasterInfo } from '../../main/raster/index.ts';
import { trainTaskHead } from '../../main/train/index.ts';
import { vectorLabelCells } from '../../main/train/vector-labels.ts';
import { dataPath, gdalTranslate, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { gdalPolygonize, ogr2ogr } from '../helpers/ogr.ts';

const CHIP = dataPath('s1s2/sen1floods11/sample');
const CLASSES = ['not water', 'water'];
const VALUES = { '0': 'not water', '1': 'water' };

describe('GeoPackage labels, checked against the GeoJSON GDAL writes from the same layer', () => {
  let tmp = '';
  let info: RasterInfo;
  const at = (name: string) => join(tmp, name);
  const cells = (file: string, o: { field?: string; layer?: string } = {}) => vectorLabelCells(at(file), info, 4, CLASSES, o.field ?? 'val', VALUES, o.layer);
  const sameCells = async (gpkg: string, geojson: string, o: { layer?: string } = {}) => {
    const a = await cells(gpkg, o);
    const b = await cells(geojson);
    assert.deepEqual(a.counts, b.counts, `${gpkg} against ${geojson}`);
    assert.deepEqual(a.labels, b.labels, `${gpkg} against ${geojson}`);
    assert.equal(a.conflicts, b.conflicts);
    return a;
  };

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-gpkg-labels-'));
    gdalTranslate(['-srcwin', '0', '0', '512', '256', join(CHIP, 'S1/Spain_7370579_S1Hand.tif'), at('top.tif')]);
    gdalTranslate(['-srcwin', '0', '0', '512', '256', join(CHIP, 'Labels/Spain_7370579_LabelHand.tif'), at('top-label.tif')]);
    gdalPolygonize(at('top-label.tif'), at('poly.gpkg'));
    ogr2ogr(['-f', 'GeoJSON', '-where', 'val >= 0', at('labels.geojson'), at('poly.gpkg')]);
    ogr2ogr(['-f', 'GPKG', '-nln', 'labels', at('labels.gpkg'), at('labels.geojson')]);
    ogr2ogr(['-f', 'GPKG', '-nln', 'labels', '-t_srs', 'EPSG:32630', at('labels-utm.gpkg'), at('labels.geojson')]);
    ogr2ogr(['-f', 'GPKG', '-nln', 'labels', '-nlt', 'MULTIPOLYGON', at('labels-multi.gpkg'), at('labels.geojson')]);
    const sql = (g: string) => ['-dialect', 'sqlite', '-sql', `SELECT ${g} AS geom, val FROM labels`];
    ogr2ogr(['-f', 'GPKG', '-nln', 'points', ...sql('ST_PointOnSurface(geom)'), at('points.gpkg'), at('labels.gpkg')]);
    ogr2ogr(['-f', 'GPKG', '-nln', 'boxes', ...sql('ST_Envelope(geom)'), at('boxes.gpkg'), at('labels.gpkg')]);
    // GDAL's reading of each GeoPackage, as GeoJSON with every digit of the doubles (the default
    // 15 moves a point on a cell edge across it); UTM kept, the old crs member names it.
    for (const f of ['labels-multi', 'points', 'boxes', 'labels-utm']) ogr2ogr(['-f', 'GeoJSON', '-lco', 'RFC7946=NO', '-lco', 'SIGNIFICANT_FIGURES=17', at(`${f}.geojson`), at(`${f}.gpkg`)]);
    info = await rasterInfo([at('top.tif')]);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  // On a cell whose 16 pixels carry one label, the polygon holding the cell's centre must be of
  // that label; mixed cells are left out (their centre, a pixel corner, may fall either side).
  const agreesWithRaster = (labels: Int16Array, what: string) => {
    const px = gdalWindow(at('top-label.tif'))[0];
    let pure = 0;
    let same = 0;
    for (let r = 0; r < 64; r++) {
      for (let c = 0; c < 128; c++) {
        const val = px[r * 4 * 512 + c * 4];
        let one = val >= 0;
        for (let y = 0; y < 4 && one; y++) for (let x = 0; x < 4 && one; x++) one = px[(r * 4 + y) * 512 + c * 4 + x] === val;
        if (!one) continue;
        pure++;
        if (labels[r * 128 + c] === val) same++;
      }
    }
    assert.ok(pure > 5000 && same / pure > 0.995, `${what}: ${same} of ${pure} single-label cells agree`);
  };

  test('polygons in the raster CRS: the GeoJSON cells, and the label raster on single-label cells', async () => {
    const v = await sameCells('labels.gpkg', 'labels.geojson');
    assert.equal(v.note, null);
    agreesWithRaster(v.labels, 'labels.gpkg');
  });

  test('reprojected (UTM 30N), multipolygons, points and boxes: the cells of GDAL\'s GeoJSON of each', async () => {
    const utm = await sameCells('labels-utm.gpkg', 'labels-utm.geojson');
    agreesWithRaster(utm.labels, 'labels-utm.gpkg');
    await sameCells('labels-multi.gpkg', 'labels-multi.geojson');
    const points = await sameCells('points.gpkg', 'points.geojson');
    assert.ok(points.counts[0] > 10 && points.counts[1] > 10, `points label ${points.counts}`);
    const boxes = await sameCells('boxes.gpkg', 'boxes.geojson');
    assert.ok(boxes.conflicts > 0, 'overlapping boxes are counted');
  });

  test('several feature tables: the first, or the one named', async () => {
    ogr2ogr(['-f', 'GPKG', '-nln', 'polygons', at('two.gpkg'), at('labels.gpkg')]);
    ogr2ogr(['-update', '-nln', 'points', at('two.gpkg'), at('points.gpkg')]);
    const first = await sameCells('two.gpkg', 'labels.geojson');
    assert.match(first.note ?? '', /read table "polygons", the first of its feature tables \(also points; choose with --layer\)/);
    await sameCells('two.gpkg', 'points.geojson', { layer: 'points' });
    await assert.rejects(cells('two.gpkg', { layer: 'roads' }), /two\.gpkg: no feature table "roads"; its feature tables: polygons, points/);
  });

  test('errors name the file, the table and the field', async () => {
    await assert.rejects(cells('labels.gpkg', { field: 'class' }), /labels\.gpkg: table "labels" has no field "class" \(its fields: .*val.*\); give the class field with --class-field/);
    writeFileSync(at('attrs.csv'), 'name,val\na,1\n');
    ogr2ogr(['-f', 'GPKG', at('attrs.gpkg'), at('attrs.csv')]);
    await assert.rejects(cells('attrs.gpkg'), /attrs\.gpkg: holds no feature table/);
    ogr2ogr(['-f', 'GPKG', '-nln', 'lines', '-dialect', 'sqlite', '-sql', 'SELECT ST_ExteriorRing(geom) AS geom, val FROM labels', at('lines.gpkg'), at('labels.gpkg')]);
    await assert.rejects(cells('lines.gpkg'), /lines\.gpkg: table "lines" fid 1: a LineString geometry; labels are Polygons, MultiPolygons, Points or MultiPoints/);
    ogr2ogr(['-f', 'GPKG', '-nln', 'none', '-where', 'val > 100', at('empty.gpkg'), at('labels.gpkg')]);
    await assert.rejects(cells('empty.gpkg'), /empty\.gpkg: table "none" holds no feature with a geometry \(0 rows\)/);
    await assert.rejects(vectorLabelCells(at('labels.gpkg'), info, 4, CLASSES, 'val', { '0': 'not water' }), /labels\.gpkg: table "labels" fid \d+, field val = 1 is not one of the classes/);
    writeFileSync(at('not.gpkg'), 'plain text, not SQLite');
    await assert.rejects(cells('not.gpkg'), /not\.gpkg: not a GeoPackage/);
  });

  test('a dataset spec with GeoPackage labels trains a head', async () => {
    const spec = at('spec.json');
    writeFileSync(spec, JSON.stringify({ task: 'segment', classes: CLASSES, samples: [{ inputs: { image: 'top.tif' }, labels: 'labels-utm.gpkg', labelValues: VALUES }] }));
    const r = await trainTaskHead({ model: join(REPO_ROOT, 'models/skysense-tiny'), dataset: spec, classField: 'val', out: at('head'), cacheDir: at('cache'), epochs: 30, seed: 1 });
    assert.ok(r.validation.perClass.water.f1 > 0.6, `validation water F1 ${r.validation.perClass.water.f1}`);
  });
});

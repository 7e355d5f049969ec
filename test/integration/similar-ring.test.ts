/**
 * `similar` with the query as a ring in the raster's CRS (what the map's polygon drawing
 * sends, no file): the same output, value for value by GDAL, as the same polygon given as a
 * GeoJSON file; job.start's schema takes it; a ring off the raster or with too few vertices
 * is refused by name before any output.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobRequest } from '../../main/api.ts';
import { runSimilar } from '../../main/tasks/similar/similar.ts';
import { dataPath, gdalinfo, gdalTranslate, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const S1 = dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif');
const STRIDE = 4;

let tmp = '';
let scene = '';
let gt: number[] = [];
/** Raster-CRS (EPSG:4326) point of fractional output-grid position (col, row). */
const at = (col: number, row: number): [number, number] => [gt[0] + col * STRIDE * gt[1], gt[3] + row * STRIDE * gt[5]];

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-similar-ring-'));
  scene = join(tmp, 's1.tif');
  gdalTranslate(['-srcwin', '128', '0', '128', '128', S1, scene]);
  gt = gdalinfo(scene).geoTransform;
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('similar to a ring in the raster CRS', () => {
  test('equals the same polygon from a GeoJSON file, pixel for pixel', async () => {
    // A triangle over output pixels 4..20: some centres in, some out, an edge not on the grid.
    const ring = [at(4.3, 4.1), at(19.7, 6.2), at(9.1, 19.8)];
    const file = join(tmp, 'triangle.geojson');
    writeFileSync(file, JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]]] } }],
    }));
    const fromFile = await runSimilar({ model: MODEL, inputs: [scene], out: join(tmp, 'file.tif'), providers: 'cpu', query: { polygon: file } });
    const fromRing = await runSimilar({ model: MODEL, inputs: [scene], out: join(tmp, 'ring.tif'), providers: 'cpu', query: { ring } });
    assert.equal(fromRing.query.kind, 'polygon');
    assert.deepEqual(fromRing.query.given, { ring });
    assert.deepEqual(fromRing.query.outputBox, fromFile.query.outputBox);
    assert.equal(fromRing.query.pixels, fromFile.query.pixels);
    assert.ok(fromRing.query.pixels > 50 && fromRing.query.pixels < 16 * 16, `${fromRing.query.pixels} pixels inside`);
    const a = gdalWindow(join(tmp, 'file.tif'))[0];
    const b = gdalWindow(join(tmp, 'ring.tif'))[0];
    assert.equal(a.length, 32 * 32);
    assert.equal(b.findIndex((v, i) => v !== a[i]), -1, 'same similarity everywhere');
  });

  test('job.start takes it; too few vertices and a ring off the raster are refused', async () => {
    const ring = [at(1, 1), at(5, 1), at(5, 5)];
    const request = { task: 'similar', model: MODEL, inputs: { input: [scene] }, options: { query: { ring } }, out: join(tmp, 'x.tif') };
    assert.equal(JobRequest.safeParse(request).success, true, JSON.stringify(JobRequest.safeParse(request).error?.issues));
    assert.equal(JobRequest.safeParse({ ...request, options: { query: { ring: ring.slice(0, 2) } } }).success, false);
    const off = [at(-30, -30), at(-20, -30), at(-20, -20)];
    await assert.rejects(
      runSimilar({ model: MODEL, inputs: [scene], out: join(tmp, 'off.tif'), providers: 'cpu', query: { ring: off } }),
      /^ApiError: query ring: the query polygon \(EPSG:4326\) lies outside .*s1\.tif/,
    );
    assert.equal(existsSync(join(tmp, 'off.tif')), false);
    await assert.rejects(
      runSimilar({ model: MODEL, inputs: [scene], out: join(tmp, 'two.tif'), providers: 'cpu', query: { ring: ring.slice(0, 2) } }),
      /query ring: expected at least 3 vertices/,
    );
  });
});

/**
 * The similar task's query polygons (main/vector/geojson-read.ts): the point-in-polygon
 * test with a hole, GeoJSON shapes it takes (geometry, Feature, FeatureCollection with a
 * crs member) and the specific errors for what it does not; and the cluster palette's
 * colours being distinct for every possible k.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insidePolygon, readQueryPolygons, type PolygonRings } from '../../main/vector/geojson-read.ts';
import { clusterColourTable } from '../../main/tasks/cluster/cluster-palette.ts';

let tmp = '';
before(() => (tmp = mkdtempSync(join(tmpdir(), 'skysense-query-'))));
after(() => rmSync(tmp, { recursive: true, force: true }));

const write = (name: string, doc: unknown) => {
  const p = join(tmp, name);
  writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return p;
};

test('a square with a square hole: inside the ring, outside the hole and beyond', () => {
  const donut: PolygonRings = [
    [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
    [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
  ];
  assert.equal(insidePolygon(donut, 1, 1), true);
  assert.equal(insidePolygon(donut, 5, 5), false);
  assert.equal(insidePolygon(donut, 9.9, 5), true);
  assert.equal(insidePolygon(donut, 11, 5), false);
  assert.equal(insidePolygon(donut, -0.1, 5), false);
});

test('geometry, Feature and FeatureCollection (with a crs member) are read', async () => {
  const sq = [[[0, 0], [1, 0], [1, 1], [0, 0]]];
  const g = await readQueryPolygons(write('g.geojson', { type: 'Polygon', coordinates: sq }));
  assert.equal(g.polygons.length, 1);
  assert.match(g.proj4, /longlat/);
  const f = await readQueryPolygons(write('f.geojson', { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [sq, sq] } }));
  assert.equal(f.polygons.length, 2);
  const fc = await readQueryPolygons(write('fc.geojson', {
    type: 'FeatureCollection',
    crs: { type: 'name', properties: { name: 'EPSG:32633' } },
    features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] } }, { type: 'Feature', geometry: { type: 'Polygon', coordinates: sq } }],
  }));
  assert.equal(fc.polygons.length, 1);
  assert.match(fc.proj4, /\+proj=utm \+zone=33/);
  assert.equal(fc.crsName, 'EPSG:32633 (crs member)');
});

test('what is refused, with the file and the reason', async () => {
  await assert.rejects(readQueryPolygons(join(tmp, 'missing.geojson')), /missing\.geojson: query polygon file does not exist/);
  await assert.rejects(readQueryPolygons(write('bad.geojson', '{ not json')), /bad\.geojson: not JSON/);
  await assert.rejects(readQueryPolygons(write('open.geojson', { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1]]] })), /open\.geojson: the geometry\.coordinates\[0\]: a ring needs at least 4 positions/);
  await assert.rejects(readQueryPolygons(write('crs.geojson', { type: 'Polygon', crs: { type: 'name', properties: { name: 'EPSG:999999' } }, coordinates: [] })), /crs EPSG:999999 is not in the offline EPSG index/);
  await assert.rejects(readQueryPolygons(write('pts.geojson', { type: 'FeatureCollection', features: [] })), /holds no Polygon or MultiPolygon feature/);
});

test('the cluster palette gives 254 distinct colours, none black', () => {
  const table = clusterColourTable(254);
  assert.equal(table.length, 255);
  const seen = new Set(table.slice(1).map((c) => c.join(',')));
  assert.equal(seen.size, 254);
  assert.ok(!seen.has('0,0,0'));
});

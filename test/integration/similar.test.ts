/**
 * `similar` (runSimilar) on real Sentinel-1 scenes with the shipped SkySense-Tiny model:
 * a lon/lat point on a Sen1Floods11 crop (EPSG:4326) gives exactly 1 at its own pixel and
 * the cosine recomputed from `embed`'s features (read back by GDAL) everywhere else; a
 * GeoJSON polygon gives the cosine to the mean feature of the pixels whose centres it
 * holds, the same whether written in lon/lat or with a crs member; a lon/lat point on a
 * UTM BigEarthNet patch lands on the pixel GDAL finds for it; and bad queries (outside,
 * on nodata, not a polygon) fail with the coordinate named, before any output.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEmbed } from '../../main/tasks/embed/embed.ts';
import { runSimilar, type SimilarReport } from '../../main/tasks/similar/similar.ts';
import { resolveQuery } from '../../main/tasks/similar/query.ts';
import { openRaster } from '../../main/raster/index.ts';
import { seededRandom } from '../../main/tasks/cluster/kmeans.ts';
import { dataPath, gdalinfo, gdalPixel, gdalTransform, gdalTranslate, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const S1 = dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif');
const BEN = dataPath('s1s2/bigearthnet/v2/BigEarthNet-S1/S1A_IW_GRDH_1SDV_20170613T165043/S1A_IW_GRDH_1SDV_20170613T165043_33UUP_89_36');
const SIZE = 256;
const STRIDE = 4;
const OW = SIZE / STRIDE;

let tmp = '';
let scene = '';
let features: number[][] = [];
let gt: number[] = [];

/** Lon/lat of fractional output-grid position (col, row) of the crop (EPSG:4326, north up). */
const lonLatOf = (col: number, row: number): [number, number] => [gt[0] + col * STRIDE * gt[1], gt[3] + row * STRIDE * gt[5]];

function cosineTo(q: number[], p: number): number {
  let dot = 0;
  let nx = 0;
  let nq = 0;
  for (let c = 0; c < q.length; c++) {
    dot += features[c][p] * q[c];
    nx += features[c][p] ** 2;
    nq += q[c] ** 2;
  }
  return dot / Math.sqrt(nx * nq);
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-similar-'));
  scene = join(tmp, 's1.tif');
  gdalTranslate(['-srcwin', '128', '0', String(SIZE), String(SIZE), S1, scene]);
  gt = gdalinfo(scene).geoTransform;
  const out = join(tmp, 'features.tif');
  await runEmbed({ model: MODEL, inputs: [scene], out, providers: 'cpu' });
  features = gdalWindow(out);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('similar to a lon/lat point (Sen1Floods11 crop, EPSG:4326)', () => {
  const [qc, qr] = [25, 15];
  let out = '';
  let report: SimilarReport;
  before(async () => {
    out = join(tmp, 'similar-point.tif');
    // The centre of output pixel (25, 15).
    report = await runSimilar({ model: MODEL, inputs: [scene], out, providers: 'cpu', query: { lonLat: lonLatOf(qc + 0.5, qr + 0.5) } });
  });

  test('the output is the embedding grid, Float32 with NaN nodata (gdalinfo)', () => {
    const g = gdalinfo(out);
    assert.deepEqual(g.size, [OW, OW]);
    const want = [gt[0], gt[1] * STRIDE, 0, gt[3], 0, gt[5] * STRIDE];
    (g.geoTransform as number[]).forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-12));
    assert.equal(g.bands.length, 1);
    assert.equal(g.bands[0].type, 'Float32');
    assert.equal(g.bands[0].noDataValue, 'NaN');
    assert.equal(g.bands[0].description, 'similarity');
  });

  test('1 at the query pixel, within [-1, 1] everywhere', () => {
    assert.deepEqual(report.query.outputPixel, [qc, qr]);
    assert.equal(report.query.pixels, 1);
    const v = gdalPixel(out, qc, qr)[0];
    assert.ok(Math.abs(v - 1) <= 1e-5, `similarity at the query pixel: ${v}`);
    const all = gdalWindow(out)[0];
    for (const s of all) assert.ok(s >= -1 && s <= 1, `similarity ${s}`);
    assert.ok(Math.min(...all) < 0.5, 'not everything is alike');
    assert.ok(report.similarity.max <= 1 && report.similarity.min >= -1);
    assert.equal(report.similarity.pixels, OW * OW);
  });

  test('equals the cosine to the query pixel\'s embed feature at random pixels', () => {
    const all = gdalWindow(out)[0];
    const q = features.map((b) => b[qr * OW + qc]);
    const rand = seededRandom(11);
    for (let k = 0; k < 300; k++) {
      const p = Math.floor(rand() * OW * OW);
      const want = cosineTo(q, p);
      assert.ok(Math.abs(all[p] - want) <= 1e-5, `pixel ${p % OW},${Math.floor(p / OW)}: ${all[p]} vs ${want}`);
    }
    assert.deepEqual(readdirSync(tmp).filter((n) => n.includes('.tmp')), []);
  });
});

describe('similar to a GeoJSON polygon', () => {
  // Output-grid box cols 10.2..19.8, rows 30.2..39.8: the centres of 10 x 10 pixels.
  const ring = (): [number, number][] => [lonLatOf(10.2, 30.2), lonLatOf(19.8, 30.2), lonLatOf(19.8, 39.8), lonLatOf(10.2, 39.8), lonLatOf(10.2, 30.2)];
  const feature = (coords: [number, number][], crs?: string) => ({
    type: 'FeatureCollection',
    ...(crs ? { crs: { type: 'name', properties: { name: crs } } } : {}),
    features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [coords] } }],
  });

  test('the cosine to the mean feature of the 100 pixels inside', async () => {
    const file = join(tmp, 'field.geojson');
    writeFileSync(file, JSON.stringify(feature(ring())));
    const out = join(tmp, 'similar-polygon.tif');
    const report = await runSimilar({ model: MODEL, inputs: [scene], out, providers: 'cpu', query: { polygon: file } });
    assert.equal(report.query.kind, 'polygon');
    assert.equal(report.query.pixels, 100);
    assert.deepEqual(report.query.outputBox, [10, 30, 20, 40]);
    const q = features.map((b) => {
      let s = 0;
      for (let r = 30; r < 40; r++) for (let c = 10; c < 20; c++) s += b[r * OW + c];
      return s / 100;
    });
    const all = gdalWindow(out)[0];
    const rand = seededRandom(3);
    for (let k = 0; k < 200; k++) {
      const p = Math.floor(rand() * OW * OW);
      assert.ok(Math.abs(all[p] - cosineTo(q, p)) <= 1e-5, `pixel ${p}`);
    }
  });

  test('the same polygon in EPSG:3857 (crs member, coordinates from gdaltransform) selects the same pixels', async () => {
    const merc = gdalTransform(ring(), { sSrs: '+proj=longlat +datum=WGS84 +no_defs', tSrs: 'EPSG:3857' });
    const file = join(tmp, 'field-3857.geojson');
    writeFileSync(file, JSON.stringify(feature(merc, 'urn:ogc:def:crs:EPSG::3857')));
    const raster = await openRaster([scene]);
    try {
      const region = await resolveQuery({ polygon: file }, raster.info, raster, [1, 2], STRIDE);
      assert.deepEqual([region.c0, region.r0, region.c1, region.r1], [10, 30, 20, 40]);
      let n = 0;
      for (let r = 0; r < OW; r++) for (let c = 0; c < OW; c++) if (region.inside(c, r)) n++;
      assert.equal(n, 100);
      assert.match(region.summary.queryCrs, /EPSG:3857/);
    } finally {
      await raster.close();
    }
  });
});

describe('similar to a lon/lat point on a UTM raster (BigEarthNet S1, EPSG:32633)', () => {
  test('the query lands on the pixel gdallocationinfo -wgs84 finds, and is 1 there', async () => {
    const [lon, lat] = [13.75, 48.35];
    const loc = execFileSync('gdallocationinfo', ['-wgs84', join(BEN, `${BEN.split('/').at(-1)}_VV.tif`), String(lon), String(lat)], { encoding: 'utf8' });
    const m = /Location: \((\d+)P,(\d+)L\)/.exec(loc)!;
    const [col, row] = [Number(m[1]), Number(m[2])];
    const out = join(tmp, 'similar-utm.tif');
    const report = await runSimilar({ model: MODEL, inputs: [BEN], out, providers: 'cpu', query: { lonLat: [lon, lat] } });
    assert.deepEqual(report.query.inputPixel, [col, row]);
    const [oc, or] = [Math.floor(col / STRIDE), Math.floor(row / STRIDE)];
    assert.deepEqual(report.query.outputPixel, [oc, or]);
    assert.ok(Math.abs(gdalPixel(out, oc, or)[0] - 1) <= 1e-5);
    assert.match(gdalinfo(out).coordinateSystem.wkt, /UTM zone 33N/);
  });
});

describe('similar: bad queries fail before any output, naming the coordinate', () => {
  const run = (query: Parameters<typeof runSimilar>[0]['query'], out: string, inputs = [scene]) => runSimilar({ model: MODEL, inputs, out, providers: 'cpu', query });

  test('a point outside the raster', async () => {
    const out = join(tmp, 'outside.tif');
    await assert.rejects(run({ lonLat: [2.35, 48.85] }, out), /query point lon\/lat \(2\.35, 48\.85\) .* lies outside .*s1\.tif \(x -0\.77/);
    assert.ok(!existsSync(out));
    await assert.rejects(run({ xy: [500, 500] }, out), /query point \(500, 500\) in EPSG:4326 lies outside/);
  });

  test('a point on nodata', async () => {
    const holed = join(tmp, 's1-hole.tif');
    const py = `
import sys
from osgeo import gdal
import numpy as np
ds = gdal.GetDriverByName('GTiff').CreateCopy(sys.argv[2], gdal.Open(sys.argv[1]))
for b in (1, 2):
    band = ds.GetRasterBand(b)
    a = band.ReadAsArray()
    a[:32, :32] = np.nan
    band.WriteArray(a)
ds = None
`;
    const r = spawnSync('/usr/bin/python3', ['-c', py, scene, holed], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = join(tmp, 'hole.tif');
    await assert.rejects(run({ lonLat: lonLatOf(2.5, 3.5) }, out, [holed]), /query point lon\/lat .* falls on nodata of .*s1-hole\.tif \(input pixel 10, 14\)/);
    assert.ok(!existsSync(out));
  });

  test('a GeoJSON that is not a polygon, and a polygon outside the raster', async () => {
    const line = join(tmp, 'line.geojson');
    writeFileSync(line, JSON.stringify({ type: 'Feature', geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] } }));
    await assert.rejects(run({ polygon: line }, join(tmp, 'x.tif')), /line\.geojson: geometry: a LineString geometry; the query needs a Polygon or MultiPolygon/);
    const far = join(tmp, 'far.geojson');
    writeFileSync(far, JSON.stringify({ type: 'Polygon', coordinates: [[[10, 10], [11, 10], [11, 11], [10, 10]]] }));
    await assert.rejects(run({ polygon: far }, join(tmp, 'x.tif')), /far\.geojson: the query polygon \(lon\/lat WGS 84 \(RFC 7946\)\) lies outside/);
  });
});

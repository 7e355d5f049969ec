/**
 * `cluster` (runCluster) on a real Sentinel-2 band folder — an OSCD Pisa crop made here
 * with gdal_translate — with the shipped SkySense-Tiny model: the output grid against the
 * input (gdalinfo), every label against the nearest centre recomputed from `embed`'s
 * features for the same settings (read back by GDAL) and the report's centres, the
 * report's sizes against the label histogram, determinism, and the specific errors.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCluster, type ClusterReport } from '../../main/tasks/cluster/cluster.ts';
import { runEmbed } from '../../main/tasks/embed/embed.ts';
import { clusterColour } from '../../main/tasks/cluster/cluster-palette.ts';
import { dataPath, gdalChecksums, gdalinfo, gdalTranslate, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const CITY = dataPath('oscd/pisa/imgs_1');
const BANDS_10M = ['B02', 'B03', 'B04', 'B08'];
const BANDS_20M = ['B05', 'B06', 'B07', 'B8A', 'B11', 'B12'];
// A 192 x 160 px window (10 m) over the city, river and fields: 48 x 40 embedding pixels.
const [X0, Y0, W, H] = [256, 320, 192, 160];
const K = 5;

let tmp = '';
let scene = '';

/** The OSCD bands the S2 encoder reads, cropped to one window (20 m bands on their own grid). */
function cropCity(dir: string, win: [number, number, number, number]): void {
  mkdirSync(dir);
  const [x, y, w, h] = win;
  for (const b of BANDS_10M) gdalTranslate(['-srcwin', String(x), String(y), String(w), String(h), join(CITY, `${b}.tif`), join(dir, `${b}.tif`)]);
  for (const b of BANDS_20M) gdalTranslate(['-srcwin', String(x / 2), String(y / 2), String(w / 2), String(h / 2), join(CITY, `${b}.tif`), join(dir, `${b}.tif`)]);
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-cluster-'));
  scene = join(tmp, 'pisa');
  cropCity(scene, [X0, Y0, W, H]);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('cluster on an OSCD S2 crop, k = 5', () => {
  let report: ClusterReport;
  let out = '';
  let features = '';
  before(async () => {
    out = join(tmp, 'clusters.tif');
    features = join(tmp, 'features.tif');
    report = await runCluster({ model: MODEL, inputs: [scene], out, providers: 'cpu', k: K });
    await runEmbed({ model: MODEL, inputs: [scene], out: features, providers: 'cpu' });
  });

  test('the output is the embedding grid: pixel size x stride, same CRS and origin (gdalinfo)', () => {
    const g = gdalinfo(out);
    const src = gdalinfo(join(scene, 'B02.tif'));
    const stride = report.stride;
    assert.equal(stride, 4);
    assert.deepEqual(g.size, [Math.ceil(W / stride), Math.ceil(H / stride)]);
    assert.equal(g.coordinateSystem.wkt, src.coordinateSystem.wkt);
    const want = [src.geoTransform[0], src.geoTransform[1] * stride, 0, src.geoTransform[3], 0, src.geoTransform[5] * stride];
    (g.geoTransform as number[]).forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-12, `geoTransform[${i}] ${v} vs ${want[i]}`));
    (report.outputs[0].geoTransform as number[]).forEach((v, i) => assert.ok(Math.abs(v - g.geoTransform[i]) <= 1e-12));
    assert.equal(report.outputs[0].crs, 'EPSG:4326');
    const band = g.bands[0];
    assert.equal(band.type, 'Byte');
    assert.equal(band.noDataValue, 255);
    assert.equal(band.colorInterpretation, 'Palette');
    for (let v = 1; v <= K; v++) assert.deepEqual(band.colorTable.entries[v], [...clusterColour(v), 255]);
    assert.deepEqual(band.categories, ['', ...Array.from({ length: K }, (_, i) => `cluster ${i + 1}`)]);
  });

  test('every label is the nearest report centre to the embed features, standardised as reported', () => {
    const f = gdalWindow(features);
    const labels = gdalWindow(out)[0];
    const { mean, std } = report.standardisation;
    const C = f.length;
    assert.equal(C, 128);
    assert.equal(report.centres.length, K);
    assert.equal(report.centres[0].length, C);
    let checked = 0;
    for (let p = 0; p < labels.length; p++) {
      const d = report.centres.map((m) => {
        let s = 0;
        for (let c = 0; c < C; c++) s += ((f[c][p] - mean[c]) / std[c] - m[c]) ** 2;
        return s;
      });
      const best = d.indexOf(Math.min(...d));
      if (labels[p] !== best + 1) {
        // Only an exact tie may go either way.
        assert.ok(Math.abs(d[labels[p] - 1] - d[best]) <= 1e-9 * d[best], `pixel ${p}: label ${labels[p]}, nearest ${best + 1} (${d.join(', ')})`);
      }
      checked++;
    }
    assert.equal(checked, (W / 4) * (H / 4));
  });

  test('the report: sizes match the label histogram, areas, k-means figures, provider, no files left', () => {
    const labels = gdalWindow(out)[0];
    const hist = new Array(K + 1).fill(0);
    for (const v of labels) hist[v]++;
    assert.equal(hist[0], 0);
    assert.deepEqual(report.clusters.map((c) => c.pixels), hist.slice(1));
    // Numbered by size in the sample: the full raster follows closely, the first is the largest.
    assert.ok(report.clusters[0].pixels >= Math.max(...hist.slice(2)) * 0.8);
    assert.equal(report.nodataPixels, 0);
    const total = report.clusters.reduce((a, c) => a + c.pixels, 0);
    assert.equal(total, labels.length);
    // ~40 m cells (4 x 10 m) at Pisa's latitude; areas in proportion to the pixel counts.
    const perPixel = report.clusters.map((c) => c.areaM2! / c.pixels);
    for (const a of perPixel) assert.ok(a > 1400 && a < 1800, `${a} m² per pixel`);
    assert.ok(Math.max(...perPixel) / Math.min(...perPixel) < 1.001);
    assert.equal(report.sample.pixels, labels.length);
    assert.ok(report.kmeans.converged);
    assert.ok(report.kmeans.iterations >= 2);
    assert.ok(report.kmeans.inertia > 0);
    assert.equal(report.provider, 'cpu');
    assert.ok('input' in report, 'a single-raster report');
    assert.equal(report.input.modality, 's2');
    assert.ok(report.timings.total > 0 && report.timings.kmeans >= 0 && report.timings.assign > 0);
    const saved = JSON.parse(readFileSync(`${out}.report.json`, 'utf8'));
    assert.deepEqual(saved.clusters, report.clusters);
    assert.deepEqual(readdirSync(tmp).filter((n) => /tmp|\.f32/.test(n)), [], 'no scratch or temporary files left');
  });

  test('the same seed gives the same map', async () => {
    const again = join(tmp, 'clusters-again.tif');
    const r = await runCluster({ model: MODEL, inputs: [scene], out: again, providers: 'cpu', k: K });
    assert.deepEqual(gdalChecksums(again), gdalChecksums(out));
    assert.deepEqual(r.centres, report.centres);
    assert.equal(r.kmeans.iterations, report.kmeans.iterations);
  });
});

describe('cluster: bad input', () => {
  const run = (k: number, out: string, inputs = [scene]) => runCluster({ model: MODEL, inputs, out, providers: 'cpu', k });

  test('k outside 2..254 is refused before anything is written', async () => {
    for (const k of [1, 255, 2.5]) {
      const out = join(tmp, `bad-k-${k}.tif`);
      await assert.rejects(run(k, out), (e: Error) => /--k .*: the number of clusters must be a whole number from 2 to 254/.test(e.message));
      assert.ok(!existsSync(out));
    }
  });

  test('k above the pixels of the output grid names both', async () => {
    const tiny = join(tmp, 'tiny');
    cropCity(tiny, [400, 400, 8, 8]);
    const out = join(tmp, 'tiny.tif');
    await assert.rejects(run(5, out, [tiny]), /--k 5: more clusters than the 4 pixels of the 2 x 2 output grid/);
    assert.ok(!existsSync(out));
  });

  test('cancelling during the encoder pass leaves neither output nor scratch file', async () => {
    const dir = join(tmp, 'cancel');
    mkdirSync(dir);
    const ctl = new AbortController();
    let calls = 0;
    const out = join(dir, 'labels.tif');
    await assert.rejects(
      runCluster({ model: MODEL, inputs: [scene], out, providers: 'cpu', k: 3, batch: 2, signal: ctl.signal, progress: () => (calls++ === 0 ? ctl.abort() : undefined) }),
      /cancelled/,
    );
    assert.ok(calls >= 1);
    assert.deepEqual(readdirSync(dir), []);
  });

  test('an output that is not a .tif is refused', async () => {
    await assert.rejects(run(3, join(tmp, 'labels.png')), /labels\.png: the output must be a \.tif file/);
  });
});

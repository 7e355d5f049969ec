/**
 * Reviewing results in Chromium against `skysense serve`: a paletted land-cover raster of
 * others and a cluster output of ours draw by class with a legend of GDAL's names and
 * colours and the areas (counted by the host, or the run report's); a colour edit redraws
 * the map; a GeoPackage of building polygons (ogr2ogr from the SpaceNet labels) is drawn;
 * a detect output's table zooms to the object clicked. Canvas pixels are read from real
 * screenshots; gdalinfo, gdaltransform and numpy are the oracles.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import type { TestBrowser } from './helpers/browser.ts';
import type { HostProcess } from './helpers/host-process.ts';
import { openAppSession } from './helpers/app-session.ts';
import { gdalinfo } from './helpers/gdal.ts';
import { artifactsDir, repoRoot, sharedData } from './helpers/repo.ts';
import { layerItem, mapBackground, openByPath, screenPointOf, waitSettled } from './helpers/ui.ts';
import { FOTOMAP, makeOnnx, YOLO_META } from '../helpers/deepness.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const LC = sharedData('samples/lc.tif');
const S1 = sharedData('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif');
const BUILDINGS = sharedData('hr/spacenet_atlanta_solaris/geotiff_labels.geojson');
const NO_PAM = { ...process.env, GDAL_PAM_ENABLED: 'NO' };

type Hook = {
  vectors(): Array<{ id: string; count: number; visible: boolean; extent: number[] | null }>;
  vectorFeaturesAt(pixel: [number, number]): Array<{ layer: string; index: number }>;
  classColors(id: string): string[] | null;
  facts(): { extent: [number, number, number, number] | null };
};
const hook = <T>(page: Page, fn: (h: Hook, arg: unknown) => T, arg?: unknown) =>
  page.evaluate(([f, a]) => new Function('h', 'a', `return (${f})(h, a)`)((window as unknown as { __skysense: Hook }).__skysense, a), [fn.toString(), arg] as const) as Promise<T>;

/** lon/lat -> EPSG:3857, the spherical formula OpenLayers uses. */
function toMercator([lon, lat]: [number, number]): [number, number] {
  const R = 6378137;
  return [(lon * Math.PI * R) / 180, R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))];
}

/** The centre of pixel (col, row) of a raster, in EPSG:3857, by gdaltransform. */
function pixelCentre3857(file: string, col: number, row: number): [number, number] {
  const out = execFileSync('gdaltransform', [file, '-t_srs', 'EPSG:3857'], { input: `${col + 0.5} ${row + 0.5}\n`, encoding: 'utf8', env: NO_PAM });
  const [x, y] = out.trim().split(/\s+/).map(Number);
  return [x, y];
}

/** First (col, row) of band 1 holding `value`, by numpy, away from the raster's edge. */
function firstPixelOf(file: string, value: number): [number, number] {
  const py = `
import sys, numpy as np
from osgeo import gdal
ds = gdal.Open(sys.argv[1])  # held: a band outliving its dataset crashes GDAL's bindings
a = ds.GetRasterBand(1).ReadAsArray()
m = np.zeros_like(a, dtype=bool); m[1:-1, 1:-1] = (a[1:-1, 1:-1] == int(sys.argv[2])) & (a[:-2, 1:-1] == a[1:-1, 1:-1]) & (a[2:, 1:-1] == a[1:-1, 1:-1]) & (a[1:-1, :-2] == a[1:-1, 1:-1]) & (a[1:-1, 2:] == a[1:-1, 1:-1])
r, c = np.argwhere(m)[0]
print(int(c), int(r))`;
  const [c, r] = execFileSync('/usr/bin/python3', ['-c', py, file, String(value)], { encoding: 'utf8', env: NO_PAM }).trim().split(' ').map(Number);
  return [c, r];
}

async function screenColour(page: Page, at: [number, number], shot: string): Promise<[number, number, number]> {
  const img = PNG.sync.read(await page.screenshot({ path: join(artifactsDir, shot) }));
  const i = (Math.round(at[1]) * img.width + Math.round(at[0])) * 4;
  return [img.data[i], img.data[i + 1], img.data[i + 2]];
}

const near = (a: number[], b: number[], tol = 3) => a.every((v, i) => Math.abs(v - b[i]) <= tol);

describe('browser: reviewing results (class rasters, legends, vectors, detections)', () => {
  let host: HostProcess;
  let browser: TestBrowser;
  let tmp = '';
  let clusters = '';
  let gpkg = '';
  let detections = '';

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-e2e-review-'));
    const crop = join(tmp, 's1-crop.tif');
    execFileSync('gdal_translate', ['-q', '-srcwin', '128', '256', '160', '160', S1, crop], { env: NO_PAM });
    clusters = join(tmp, 'clusters.tif');
    const c = skysense('run', '--task', 'cluster', '--model', join(repoRoot, 'models/skysense-tiny'), '--input', crop, '--k', '4', '--threads', '1', '--provider', 'cpu', '--out', clusters);
    assert.equal(c.code, 0, c.stderr);
    gpkg = join(tmp, 'buildings.gpkg');
    execFileSync('ogr2ogr', ['-f', 'GPKG', gpkg, BUILDINGS]);
    const yolo = join(tmp, 'yolo.onnx');
    makeOnnx({ op: 'yolo', dst: yolo, format: 'v5', tile: 512, cell: 16, metadata: YOLO_META }, tmp);
    detections = join(tmp, 'detections.gpkg');
    const d = skysense('run', '--task', 'detect', '--model', yolo, '--input', FOTOMAP, '--provider', 'cpu', '--out', detections);
    assert.equal(d.code, 0, d.stderr);
    ({ host, browser } = await openAppSession());
  });

  after(async () => {
    await browser?.close();
    await host?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('lc.tif draws its colour table; the legend lists its classes with areas counted by the host; a colour edit redraws', async () => {
    const { page } = browser;
    await openByPath(page, LC);
    const item = layerItem(page, 'lc.tif');
    await item.waitFor({ timeout: 60_000 });
    const legend = item.getByRole('list', { name: 'Legend' });
    await legend.waitFor();
    await item.getByText('Areas counted over the raster').waitFor({ timeout: 30_000 });
    const table = gdalinfo(LC) as unknown as { bands: Array<{ colorTable: { entries: number[][] } }> };
    const entries = table.bands[0].colorTable.entries;
    // Water (11): 252 px of 3000 m x 3000 m, as numpy counts them (the integration test checks every class).
    const water = legend.getByRole('listitem').filter({ hasText: 'Class 11' });
    assert.match(await water.innerText(), /2,268 km²/);
    const hex = (c: number[]) => `#${c.slice(0, 3).map((v) => v.toString(16).padStart(2, '0')).join('')}`;
    assert.equal(await water.getByLabel('Colour of Class 11').inputValue(), hex(entries[11]));
    const id = (await item.getAttribute('data-layer-id'))!;
    assert.deepEqual((await hook(page, (h, a) => h.classColors(a as string), id))?.slice(0, 96).map((c) => c.slice(0, 7)), entries.slice(0, 96).map(hex));
    // The canvas: the middle of a water pixel shows the table's colour, then the edited one.
    const [col, row] = firstPixelOf(LC, 11);
    await waitSettled(page);
    const at = await screenPointOf(page, pixelCentre3857(LC, col, row));
    assert.ok(near(await screenColour(page, at, 'browser-review-lc.png'), entries[11]), 'water pixel in its table colour');
    await water.getByLabel('Colour of Class 11').fill('#ff00ff');
    await waitSettled(page);
    assert.ok(near(await screenColour(page, at, 'browser-review-lc-edited.png'), [255, 0, 255]), 'water pixel in the edited colour');
    await item.getByTestId('remove-layer').click();
  });

  test('a cluster output: legend of the k clusters with GDAL category names, colours and the run report areas', async () => {
    const { page } = browser;
    await openByPath(page, clusters);
    const item = layerItem(page, 'clusters.tif');
    await item.waitFor({ timeout: 60_000 });
    await item.getByText('Areas from the run report').waitFor({ timeout: 30_000 });
    const rows = item.getByRole('list', { name: 'Legend' }).getByRole('listitem');
    const g = gdalinfo(clusters) as unknown as { bands: Array<{ categories: string[]; colorTable: { entries: number[][] } }> };
    const report = JSON.parse(readFileSync(`${clusters}.report.json`, 'utf8')) as { clusters: { name: string; areaM2: number }[] };
    assert.equal(await rows.count(), 4);
    for (let v = 1; v <= 4; v++) {
      const name = g.bands[0].categories[v];
      const r = rows.nth(v - 1);
      assert.match(await r.innerText(), new RegExp(name));
      const e = g.bands[0].colorTable.entries[v];
      assert.equal(await r.getByLabel(`Colour of ${name}`).inputValue(), `#${e.slice(0, 3).map((x) => x.toString(16).padStart(2, '0')).join('')}`);
      const ha = report.clusters[v - 1].areaM2 / 1e4;
      assert.match(await r.innerText(), new RegExp(`${ha.toLocaleString('en', { maximumFractionDigits: 1 })} ha`));
    }
    await waitSettled(page);
    await page.screenshot({ path: join(artifactsDir, 'browser-review-clusters.png') });
    await item.getByTestId('remove-layer').click();
  });

  test('a GeoPackage of building polygons opens through the open dialog and its features are drawn', async () => {
    const { page } = browser;
    await openByPath(page, gpkg);
    const item = page.getByTestId('vector-item').filter({ hasText: 'buildings.gpkg' });
    await item.waitFor({ timeout: 30_000 });
    assert.match(await item.innerText(), /43 features/);
    const [layer] = await hook(page, (h) => h.vectors());
    assert.equal(layer.count, 43);
    const geo = JSON.parse(execFileSync('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:4326', '/vsistdout/', gpkg], { encoding: 'utf8' })) as { features: { geometry: { coordinates: number[][][] } }[] };
    await waitSettled(page);
    const bg = await mapBackground(page);
    const shot = PNG.sync.read(await page.screenshot({ path: join(artifactsDir, 'browser-review-buildings.png') }));
    const box = (await page.getByTestId('map').boundingBox())!;
    let hits = 0;
    for (const f of geo.features.slice(0, 10)) {
      const ring = f.geometry.coordinates[0].slice(0, -1);
      const centre = ring.reduce((s, p) => [s[0] + p[0] / ring.length, s[1] + p[1] / ring.length], [0, 0]) as [number, number];
      const [x, y] = await screenPointOf(page, toMercator(centre));
      const found = await hook(page, (h, p) => h.vectorFeaturesAt(p as [number, number]), [x - box.x, y - box.y]);
      const i = (Math.round(y) * shot.width + Math.round(x)) * 4;
      if (found.length > 0 && !near([shot.data[i], shot.data[i + 1], shot.data[i + 2]], bg, 2)) hits++;
    }
    assert.ok(hits >= 8, `${hits} of 10 building centres drawn and hit`);
  });

  test('a detect output lists its detections (class, score, area); a row zooms the map to its box', async () => {
    const { page } = browser;
    await openByPath(page, detections);
    const item = page.getByTestId('vector-item').filter({ hasText: 'detections.gpkg' });
    await item.waitFor({ timeout: 30_000 });
    const table = item.getByRole('table', { name: 'Detections' });
    await table.waitFor();
    assert.deepEqual(await table.getByRole('columnheader').allInnerTexts(), ['Class', 'Score', 'Area']);
    const geo = JSON.parse(execFileSync('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:4326', '/vsistdout/', detections], { encoding: 'utf8' })) as { features: { properties: { class: string; score: number }; geometry: { coordinates: number[][][] } }[] };
    const rows = table.getByRole('row');
    assert.equal(await rows.count(), geo.features.length + 1);
    const best = [...geo.features].sort((a, b) => b.properties.score - a.properties.score);
    const third = rows.nth(3);
    const index = Number(await third.getAttribute('data-index'));
    assert.equal(geo.features[index].properties.score, best[2].properties.score);
    assert.match(await third.innerText(), new RegExp(geo.features[index].properties.class));
    await third.click();
    await waitSettled(page);
    const pts = geo.features[index].geometry.coordinates[0].map((p) => toMercator(p as [number, number]));
    const fx = [Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[1]))];
    const view = (await hook(page, (h) => h.facts())).extent!;
    assert.ok(view[0] <= fx[0] && view[1] <= fx[1] && view[2] >= fx[2] && view[3] >= fx[3], `view ${view} holds the box ${fx}`);
    const whole = (await hook(page, (h) => h.vectors())).find((v) => v.count === geo.features.length)!.extent!;
    assert.ok(view[2] - view[0] < (whole[2] - whole[0]) / 3, `zoomed in on the box (view ${view[2] - view[0]} m wide), not the whole layer (${whole[2] - whole[0]} m)`);
    await page.screenshot({ path: join(artifactsDir, 'browser-review-detection.png') });
  });

  test('no console or page errors', () => {
    assert.deepEqual(browser.errors, []);
  });
});

/**
 * Export in Chromium against `skysense serve`: a class raster of ours exported through its
 * Export… button and the in-app save browser is a COG as gdalinfo and GDAL's validator read
 * it, with the source's palette and pixels; a destination folder that does not exist gives
 * the engine's error in the dialog; Snapshot… writes a PNG of the map's size whose map
 * pixels are the screen's, with the legend's colours and a scale bar drawn on it; a GeoJSON
 * layer of others exports as a GeoPackage ogrinfo reads.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import type { AppSession } from './helpers/app-session.ts';
import { openAppSession } from './helpers/app-session.ts';
import { gdalinfo } from '../helpers/gdal.ts';
import { artifactsDir, repoRoot, sharedData } from './helpers/repo.ts';
import { facts, layerItem, openByPath, waitSettled } from './helpers/ui.ts';
import { ogrinfoSummary } from '../helpers/ogr.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const BERCY = sharedData('oscd/bercy/imgs_1');
const BUILDINGS = sharedData('hr/spacenet_atlanta_solaris/geotiff_labels.geojson');
const COG_VALIDATOR = '/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py';

/** In the save browser: walk to `folder`, then write `name` there. */
async function saveInto(page: Page, folder: string, name: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  await navigateTo(page, folder);
  await dialog.getByLabel('File name').fill(name);
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
}

const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 3) => [0, 1, 2].every((i) => Math.abs(a[i] - b[i]) <= tol);
const hexRgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

describe('browser: export (COG through the save browser, map snapshot)', () => {
  let session: AppSession;
  let tmp = '';
  let classes = '';
  let outDir = '';

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-e2e-export-'));
    const small = join(tmp, 'bercy-k5.tif');
    const r = skysense('run', '--task', 'cluster', '--model', join(repoRoot, 'models/skysense-tiny'), '--input', BERCY, '--k', '5', '--provider', 'cpu', '--out', small);
    assert.equal(r.code, 0, r.stderr);
    classes = join(tmp, 'classes.tif');
    execFileSync('gdal_translate', ['-q', '-outsize', '1200%', '1200%', '-r', 'nearest', small, classes]);
    outDir = join(tmp, 'exports');
    mkdirSync(outDir);
    session = await openAppSession();
  });

  after(async () => {
    await session?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('Export… of a class layer writes a COG with the palette and pixels of the source', async () => {
    const { page } = session.browser;
    await openByPath(page, classes);
    const item = layerItem(page, 'classes.tif');
    await item.waitFor({ timeout: 60_000 });
    await item.getByRole('button', { name: 'Export classes.tif' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export classes.tif' });
    await dialog.waitFor();
    const format = dialog.getByRole('combobox', { name: 'Format' });
    assert.equal(await format.locator('option:checked').innerText(), 'Cloud-Optimized GeoTIFF');
    assert.equal(await dialog.getByLabel('File name').inputValue(), 'classes-cog.tif');
    await shownFolder(page, tmp);
    await saveInto(page, outDir, 'classes-cog.tif');
    const done = dialog.getByRole('status');
    await done.waitFor({ timeout: 60_000 });
    const out = join(outDir, 'classes-cog.tif');
    assert.equal(await done.getAttribute('data-path'), out);
    await page.screenshot({ path: join(artifactsDir, 'browser-export-cog.png') });
    const got = gdalinfo(out);
    const src = gdalinfo(classes);
    assert.deepEqual(got.bands[0].block, [512, 512]);
    assert.equal(got.bands[0].overviews.length, 2);
    assert.deepEqual(got.bands[0].colorTable, src.bands[0].colorTable);
    assert.deepEqual(got.bands[0].categories, src.bands[0].categories);
    assert.deepEqual(got.geoTransform, src.geoTransform);
    const checksum = (p: string) => gdalinfo(p, ['-checksum']).bands[0].checksum;
    assert.equal(checksum(out), checksum(classes));
    const v = spawnSync('/usr/bin/python3', [COG_VALIDATOR, out], { encoding: 'utf8' });
    assert.equal(v.status, 0, `${v.stdout}${v.stderr}`);
    // The same name again: the dialog asks before replacing the file.
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await dialog.getByText('classes-cog.tif exists. Replace it?').waitFor();
    await dialog.getByRole('button', { name: 'Replace' }).click();
    await dialog.getByRole('status').waitFor({ timeout: 60_000 });
    assert.equal(checksum(out), checksum(classes));
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test('a destination folder that does not exist: the dialog shows the engine\'s error naming it, nothing written', async () => {
    const { page } = session.browser;
    await layerItem(page, 'classes.tif').getByRole('button', { name: 'Export classes.tif' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export classes.tif' });
    await shownFolder(page, tmp);
    await saveInto(page, outDir, 'missing/classes.tif');
    const alert = dialog.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    assert.match(await alert.innerText(), new RegExp(`${join(outDir, 'missing')}: the folder to export into does not exist`));
    await page.screenshot({ path: join(artifactsDir, 'browser-export-error.png') });
    assert.equal(existsSync(join(outDir, 'missing')), false);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test('Snapshot… writes a PNG of the map\'s size: the map as on screen, the legend\'s colours, a scale bar', async () => {
    const { page } = session.browser;
    await waitSettled(page);
    const size = (await facts(page)).size!;
    const box = (await page.getByTestId('map').boundingBox())!;
    const screen = PNG.sync.read(await page.screenshot({ path: join(artifactsDir, 'browser-export-screen.png') }));
    const firstRow = layerItem(page, 'classes.tif').getByRole('list', { name: 'Legend' }).getByRole('listitem').first();
    const firstColour = hexRgb(await firstRow.locator('input[type=color]').inputValue());
    const rows = await layerItem(page, 'classes.tif').getByRole('list', { name: 'Legend' }).getByRole('listitem').count();
    await page.getByRole('button', { name: 'Snapshot…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Map snapshot' });
    assert.equal(await dialog.getByRole('combobox', { name: 'Format' }).locator('option:checked').innerText(), 'PNG image');
    await saveInto(page, outDir, 'map.png');
    await dialog.getByRole('status').waitFor({ timeout: 30_000 });
    const out = join(outDir, 'map.png');
    copyFileSync(out, join(artifactsDir, 'browser-export-snapshot.png'));
    const png = PNG.sync.read(readFileSync(out));
    assert.deepEqual([png.width, png.height], size);
    // A map pixel well inside the layer and away from legend and scale bar: the screen's.
    const at = [Math.round(size[0] / 2), Math.round(size[1] / 3)];
    const pi = (at[1] * png.width + at[0]) * 4;
    const si = ((Math.round(box.y) + at[1]) * screen.width + Math.round(box.x) + at[0]) * 4;
    assert.ok(near(png.data.subarray(pi, pi + 3), screen.data.subarray(si, si + 3)), `map pixel ${png.data.subarray(pi, pi + 3).join(',')} vs screen ${screen.data.subarray(si, si + 3).join(',')}`);
    // The legend box, bottom left: its first swatch in the first class's colour.
    const boxH = (rows + 1) * 18 + 8;
    const top = size[1] - 8 - boxH;
    const sy = top + 4 + 18 + 9;
    const li = (sy * png.width + 22) * 4;
    assert.ok(near(png.data.subarray(li, li + 3), firstColour), `legend swatch ${png.data.subarray(li, li + 3).join(',')} vs ${firstColour.join(',')}`);
    // The scale bar, bottom right: black and white segments along one row of its white box.
    const y = size[1] - 8 - 36 + 22 + 1;
    let dark = 0;
    for (let x = size[0] - 200; x < size[0] - 8; x++) if (png.data[(y * png.width + x) * 4] < 40) dark++;
    assert.ok(dark >= 30, `scale bar drawn (${dark} dark px)`);
    assert.deepEqual(readdirSync(outDir).filter((n) => n.startsWith('.')), [], 'no temporary file left');
    await page.screenshot({ path: join(artifactsDir, 'browser-export-snapshot-dialog.png') });
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test('Export… of a GeoJSON layer of others: the Format combobox switches the extension; the GeoPackage has every feature', async () => {
    const { page } = session.browser;
    await openByPath(page, BUILDINGS);
    const item = page.getByTestId('vector-item').filter({ hasText: 'geotiff_labels' });
    await item.waitFor({ timeout: 30_000 });
    const name = (await item.locator('.layer-name').innerText()).trim();
    await item.getByRole('button', { name: `Export ${name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Export ${name}` });
    const format = dialog.getByRole('combobox', { name: 'Format' });
    assert.deepEqual(await format.locator('option').allInnerTexts(), ['GeoPackage', 'GeoJSON']);
    assert.equal(await dialog.getByLabel('File name').inputValue(), 'geotiff_labels-export.gpkg');
    await format.selectOption({ label: 'GeoJSON' });
    assert.equal(await dialog.getByLabel('File name').inputValue(), 'geotiff_labels-export.geojson');
    await format.selectOption({ label: 'GeoPackage' });
    await saveInto(page, outDir, 'buildings.gpkg');
    await dialog.getByRole('status').waitFor({ timeout: 30_000 });
    const s = ogrinfoSummary(join(outDir, 'buildings.gpkg'));
    assert.equal(s.featureCount, 43);
    assert.equal(s.epsg, 4326);
    await page.screenshot({ path: join(artifactsDir, 'browser-export-vector.png') });
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test('no console or page errors', () => {
    assert.deepEqual(session.browser.errors, []);
  });
});

/** Waits until the save browser shows `dir` (it starts in the source's folder). */
async function shownFolder(page: Page, dir: string): Promise<void> {
  await page.waitForFunction((d) => document.querySelector('[role=dialog] [data-testid=browser-dir]')?.getAttribute('title') === d, dir, { timeout: 10_000 });
}

/** Walks the save browser from the folder shown to `target`: up to a common root, then down by name. */
async function navigateTo(page: Page, target: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  const dirEl = dialog.getByTestId('browser-dir');
  await page.waitForFunction(() => !!document.querySelector('[role=dialog] [data-testid=browser-dir]')?.getAttribute('title'));
  for (let i = 0; i < 40; i++) {
    const shown = (await dirEl.getAttribute('title')) ?? '';
    if (shown === target) return;
    if (target.startsWith(`${shown === '/' ? '' : shown}/`)) {
      const next = target.slice(shown === '/' ? 1 : shown.length + 1).split('/')[0];
      await dialog.getByRole('button', { name: `📁 ${next}`, exact: true }).click({ timeout: 5_000 }).catch(async (err: Error) => {
        await page.screenshot({ path: join(artifactsDir, 'browser-export-navigate-failed.png') });
        throw err;
      });
    } else {
      await dialog.getByTestId('dir-up').click();
    }
    await page.waitForFunction(([sel, before]) => document.querySelector(sel)?.getAttribute('title') !== before, ['[role=dialog] [data-testid=browser-dir]', shown] as const);
  }
  throw new Error(`could not reach ${target}`);
}

/**
 * The browser face end to end: the production renderer bundle in Debian's Chromium,
 * against the real host (`node bin/skysense.mjs serve`), opening real files through the
 * UI. GDAL's tools are the oracle for the view's extent and the inspected values.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hugeEmptyTiff, withProjectedCode } from '../helpers/tiny-tiff.ts';
import type { TestBrowser } from './helpers/browser.ts';
import { gdalinfo, gdallocationinfo, gdaltransform, pixelCentre } from './helpers/gdal.ts';
import type { HostProcess } from './helpers/host-process.ts';
import { openAppSession } from './helpers/app-session.ts';
import { artifactsDir, sharedData } from './helpers/repo.ts';
import { backgroundLines } from './helpers/seams.ts';
import {
  facts, hookLayers, layerItem, mapBackground, openByPath, screenBoxOf, screenPointOf, waitFirstView, waitInspected,
} from './helpers/ui.ts';

type Extent = [number, number, number, number];

const L7 = sharedData('samples/L7_ETMs.tif');
const LOVEDA = sharedData('hr/loveda/img_dir/0.png');

describe('browser: open rasters through the UI', () => {
  let host: HostProcess;
  let browser: TestBrowser;
  let scratch: string;

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'skysense-e2e-bad-'));
    ({ host, browser } = await openAppSession());
  });

  after(async () => {
    await browser?.close();
    await host?.stop();
    rmSync(scratch, { recursive: true, force: true });
    assert.ok(host === undefined || host.child.exitCode !== null || host.child.signalCode !== null, 'host process still running');
  });

  test('a GeoTIFF opens, the view fits its true extent, and the inspector shows GDAL\'s values', async () => {
    const { page } = browser;
    await openByPath(page, L7);
    const item = layerItem(page, 'L7_ETMs.tif');
    await item.waitFor({ timeout: 60_000 });
    assert.match(await item.getByTestId('layer-crs').innerText(), /EPSG:31985/);
    assert.equal(await item.getByTestId('badge-not-georeferenced').count(), 0);

    const layer = (await hookLayers(page)).find((l) => l.name === 'L7_ETMs.tif');
    assert.ok(layer, 'layer known to the map');
    await waitFirstView(page, layer.id);

    // The true footprint: gdalinfo's corners in the layer CRS, moved to EPSG:3857 by GDAL.
    const info = gdalinfo(L7);
    const srs = info.coordinateSystem.wkt;
    const cc = info.cornerCoordinates;
    const corners = gdaltransform([cc.upperLeft, cc.upperRight, cc.lowerLeft, cc.lowerRight], srs, 'EPSG:3857');
    const xs = corners.map((c) => c[0]);
    const ys = corners.map((c) => c[1]);
    const bbox = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    const centre = [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2];

    const f = await facts(page);
    assert.equal(f.projection, 'EPSG:3857');
    assert.ok(f.center && f.extent, 'view has a centre and an extent');
    assert.ok(Math.abs(f.center[0] - centre[0]) < 5 && Math.abs(f.center[1] - centre[1]) < 5,
      `view centre ${f.center} is not the raster centre ${centre}`);
    const [minX, minY, maxX, maxY] = f.extent;
    assert.ok(minX <= bbox[0] + 1 && minY <= bbox[1] + 1 && maxX >= bbox[2] - 1 && maxY >= bbox[3] - 1,
      `view ${f.extent} does not contain the raster ${bbox}`);
    // Fitted: along the limiting axis the view is the raster plus a little padding.
    const tightness = Math.min((maxX - minX) / (bbox[2] - bbox[0]), (maxY - minY) / (bbox[3] - bbox[1]));
    assert.ok(tightness < 1.15, `view is ${tightness.toFixed(2)}x the raster along its tighter axis`);

    // Drawn without gaps: no line inside the footprint shows the map background.
    const shot = await page.screenshot();
    assert.deepEqual(backgroundLines(shot, await screenBoxOf(page, bbox as Extent, 8), await mapBackground(page)), []);

    // A known pixel: its centre in the layer CRS -> EPSG:3857 (GDAL) -> screen -> pointer.
    const [col, row] = [123, 201];
    const [mapXY] = gdaltransform([pixelCentre(info, col, row)], srs, 'EPSG:3857');
    const [sx, sy] = await screenPointOf(page, mapXY);
    await page.mouse.move(sx - 20, sy - 20);
    await page.mouse.move(sx, sy, { steps: 4 });
    await waitInspected(page, col, row);
    assert.match(await page.getByTestId('pixel-colrow').innerText(), new RegExp(`col ${col}, row ${row}`));
    const expected = gdallocationinfo(L7, col, row);
    assert.equal(expected.length, 6);
    for (let b = 1; b <= expected.length; b++) {
      const cell = page.getByTestId(`pixel-value-${b}`);
      assert.equal(Number(await cell.getAttribute('data-value')), expected[b - 1], `band ${b}`);
      assert.equal(await cell.innerText(), String(expected[b - 1]));
    }
    assert.match(await page.getByTestId('coord-lonlat').innerText(), /^-34\.\d+, -7\.\d+|^-34\.\d+, -8\.\d+/);

    await page.screenshot({ path: join(artifactsDir, 'browser-open-l7.png') });
  });

  test('a PNG without georeferencing opens in pixel space with the "not georeferenced" badge', async () => {
    const { page } = browser;
    await openByPath(page, LOVEDA);
    const item = layerItem(page, '0.png');
    await item.waitFor({ timeout: 30_000 });
    await item.getByTestId('badge-not-georeferenced').waitFor();
    const layer = (await hookLayers(page)).find((l) => l.name === '0.png');
    assert.ok(layer);
    await waitFirstView(page, layer.id);
    const f = await facts(page);
    assert.equal(f.projection, 'SKYSENSE:pixel');
    // Fitted on the 1024 x 1024 image, whose top-left is the origin (y = -row).
    assert.ok(f.center && Math.abs(f.center[0] - 512) < 1 && Math.abs(f.center[1] + 512) < 1, `centre ${f.center}`);

    // Pixel space is (col, -row): the inspector reads what GDAL reads at that pixel.
    const [col, row] = [300, 700];
    const [sx, sy] = await screenPointOf(page, [col + 0.5, -(row + 0.5)]);
    await page.mouse.move(sx, sy, { steps: 3 });
    await waitInspected(page, col, row);
    const expected = gdallocationinfo(LOVEDA, col, row);
    assert.equal(expected.length, 3);
    for (let b = 1; b <= 3; b++) {
      assert.equal(Number(await page.getByTestId(`pixel-value-${b}`).getAttribute('data-value')), expected[b - 1], `band ${b}`);
    }
    await page.screenshot({ path: join(artifactsDir, 'browser-open-png.png') });
  });

  test('bad files show a specific error naming the file', async () => {
    const { page } = browser;
    const bad: [name: string, code: string[]][] = [];
    const make = (name: string, bytes: Buffer | string, codes: string[]) => {
      writeFileSync(join(scratch, name), bytes);
      bad.push([name, codes]);
    };
    make('empty.tif', '', ['E_EMPTY']);
    make('notes-renamed.tif', 'these are field notes, not a raster\n'.repeat(20), ['E_NOT_RASTER']);
    const l7 = readFileSync(L7);
    make('truncated.tif', l7.subarray(0, Math.floor(l7.length * 0.6)), ['E_TRUNCATED']);
    const unknownCrs = withProjectedCode(l7, 31985, 59999);
    assert.ok(unknownCrs, 'found the ProjectedCSTypeGeoKey to patch');
    make('unknown-crs.tif', unknownCrs, ['E_CRS_UNKNOWN']);
    make('declared-100000.tif', hugeEmptyTiff(), ['E_TRUNCATED', 'E_TOO_LARGE']);

    for (const [name, codes] of bad) {
      await openByPath(page, join(scratch, name));
      const error = page.getByTestId('error-message').filter({ hasText: name });
      await error.waitFor({ timeout: 15_000 });
      const code = await error.getAttribute('data-code');
      assert.ok(codes.includes(code ?? ''), `${name}: code ${code}, expected ${codes.join(' or ')}`);
      assert.ok((await error.innerText()).length > name.length + 10, `${name}: the message says what is wrong`);
    }
    await page.screenshot({ path: join(artifactsDir, 'browser-open-errors.png') });
    // The app is still usable: both earlier layers are still listed.
    assert.equal(await page.getByTestId('layer-item').count(), 2);
  });

  test('no console or page errors', () => {
    assert.deepEqual(browser.errors, []);
  });
});


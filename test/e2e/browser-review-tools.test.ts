/**
 * The two review tools in Chromium against `skysense serve`, on OSCD bercy's two dates opened
 * through the UI. Click-to-similar: "Pick query on map" arms one click; the click's map
 * coordinate, transformed to the raster's CRS by gdaltransform, is the query the job ran
 * (its run report, within a pixel); its result opens as the query layer and a second click
 * replaces it; a drawn polygon runs as a ring in the raster's CRS and replaces it too; a click
 * off the raster says so and starts no job. Swipe: the left of the map
 * shows one layer and the right the other, compared with screenshots of each alone; the
 * arrow keys move the boundary; off draws the layers whole again. Screenshots in test-artifacts/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Locator, Page } from 'playwright-core';
import { openAppSession, type AppSession } from './helpers/app-session.ts';
import { gdalinfo, gdaltransform } from './helpers/gdal.ts';
import { artifactsDir, sharedData } from './helpers/repo.ts';
import { field, jobRow, jobRows, newJobId, openRunPanel, runPanel, waitJobStatus } from './helpers/run-panel.ts';
import { facts, hookLayers, layerItem, openByPath, screenPointOf, waitSettled } from './helpers/ui.ts';

const BEFORE = sharedData('oscd/bercy/imgs_1');
const AFTER = sharedData('oscd/bercy/imgs_2');
/** The 10 m band: the grid a band folder opens on, and the one the query pixel is on. */
const GRID = gdalinfo(join(BEFORE, 'B02.tif'));

let tmp = '';
let session: AppSession;
const shotPath = (name: string) => join(artifactsDir, `review-tools-${name}.png`);

async function openLayer(page: Page, path: string, name: string): Promise<void> {
  await openByPath(page, path);
  await layerItem(page, name).waitFor({ timeout: 60_000 });
  await page.getByTestId('open-progress').waitFor({ state: 'detached', timeout: 60_000 }).catch(() => undefined);
}

/** The map coordinate (EPSG:3857) under a page point, from the view's extent and resolution (no rotation). */
async function coordinateAt(page: Page, [x, y]: [number, number]): Promise<[number, number]> {
  const f = await facts(page);
  const box = (await page.getByTestId('map').boundingBox())!;
  return [f.extent![0] + (x - box.x) * f.resolution!, f.extent![3] - (y - box.y) * f.resolution!];
}

/** A whole page pixel inside the layer's extent at fractions (fx, fy) of it from the top left. */
async function pointIn(page: Page, extent: [number, number, number, number], fx: number, fy: number): Promise<[number, number]> {
  const [x, y] = await screenPointOf(page, [extent[0] + fx * (extent[2] - extent[0]), extent[3] - fy * (extent[3] - extent[1])]);
  return [Math.round(x), Math.round(y)];
}

const queryLayers = (page: Page) => page.getByTestId('layer-item').filter({ hasText: 'Query result: ' });

/** Clicks the map while the pick is armed; returns the job it started and its report's query. */
async function pickAndRun(page: Page, panel: Locator, at: [number, number]) {
  const pick = panel.getByRole('button', { name: 'Pick query on map' });
  await pick.click();
  assert.equal(await pick.getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByTestId('map').evaluate((el) => getComputedStyle(el).cursor), 'crosshair');
  const rows = await jobRows(panel).count();
  // Read before the click: the result layer, once open, fits the view to itself.
  const clicked = await coordinateAt(page, at);
  await page.mouse.click(at[0], at[1]);
  const id = await newJobId(page, rows);
  assert.equal(await waitJobStatus(page, id, ['done', 'failed', 'cancelled']), 'done', await jobRow(page, id).innerText());
  assert.equal(await pick.getAttribute('aria-pressed'), 'false', 'one click, then disarmed');
  assert.equal(await page.getByTestId('map').evaluate((el) => getComputedStyle(el).cursor), 'auto');
  const out = (await jobRow(page, id).locator('.run-job-out').getAttribute('title'))!;
  const report = JSON.parse(readFileSync(`${out}.report.json`, 'utf8')) as {
    query: { given: { xy: [number, number] }; inputPixel: [number, number] };
  };
  // What the map was clicked at, in the raster's CRS by GDAL.
  const [expected] = gdaltransform([clicked], 'EPSG:3857', GRID.coordinateSystem.wkt);
  return { out, query: report.query, expected };
}

function assertWithinAPixel(xy: [number, number], expected: [number, number]): void {
  const [, sx, , , , sy] = GRID.geoTransform;
  assert.ok(Math.abs(xy[0] - expected[0]) < Math.abs(sx) && Math.abs(xy[1] - expected[1]) < Math.abs(sy),
    `query ${xy} vs the click by gdaltransform ${expected} (pixel ${sx} x ${sy})`);
}

/** Mean absolute RGB difference of two screenshots over a page box. */
function meanDiff(a: PNG, b: PNG, box: { x0: number; x1: number; y0: number; y1: number }): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.ceil(box.y0); y < box.y1; y++) {
    for (let x = Math.ceil(box.x0); x < box.x1; x++) {
      const i = (y * a.width + x) * 4;
      sum += Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]);
      n += 3;
    }
  }
  return sum / n;
}

async function settledShot(page: Page, name: string): Promise<PNG> {
  await waitSettled(page);
  return PNG.sync.read(await page.screenshot({ path: shotPath(name) }));
}

describe('browser: review tools (click-to-similar, swipe)', () => {
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-review-tools-'));
    session = await openAppSession();
    await openLayer(session.browser.page, BEFORE, 'bercy/imgs_1');
    await openLayer(session.browser.page, AFTER, 'bercy/imgs_2');
  });
  after(async () => {
    await session?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('a map click runs similar from that point of the Input raster; a second click replaces the query layer', async () => {
    const { page } = session.browser;
    const panel = await openRunPanel(page);
    await field(panel, 'combobox', 'Task').selectOption('similar');
    await field(panel, 'combobox', 'Input').selectOption({ label: 'bercy/imgs_1' });
    await field(panel, 'textbox', 'Output folder').fill(tmp);

    // Escape disarms the pick and leaves the panel open.
    const pick = panel.getByRole('button', { name: 'Pick query on map' });
    await pick.click();
    assert.equal(await pick.getAttribute('aria-pressed'), 'true');
    await page.keyboard.press('Escape');
    assert.equal(await pick.getAttribute('aria-pressed'), 'false');
    assert.equal(await runPanel(page).isVisible(), true);

    const extent = (await hookLayers(page)).find((l) => l.name === 'bercy/imgs_1')!.extent!;
    // The panel floats over the map's right part: both points lie left of it.
    const panelLeft = (await panel.boundingBox())!.x;
    const first = await pointIn(page, extent, 0.3, 0.4);
    const second = await pointIn(page, extent, 0.15, 0.75);
    assert.ok(first[0] < panelLeft - 10 && second[0] < panelLeft - 10, `${first}, ${second} left of the panel at ${panelLeft}`);

    const a = await pickAndRun(page, panel, first);
    assertWithinAPixel(a.query.given.xy, a.expected);
    // The engine's pixel for it is the one GDAL's geotransform gives the clicked point.
    const gt = GRID.geoTransform;
    assert.deepEqual(a.query.inputPixel, [Math.floor((a.expected[0] - gt[0]) / gt[1]), Math.floor((a.expected[1] - gt[3]) / gt[5])]);
    assert.equal(await field(panel, 'textbox', 'Query X').inputValue(), String(a.query.given.xy[0]));
    assert.equal(await field(panel, 'textbox', 'Query Y').inputValue(), String(a.query.given.xy[1]));
    const firstName = a.out.split('/').pop()!;
    await queryLayers(page).filter({ hasText: firstName }).waitFor({ timeout: 60_000 });
    assert.equal(await queryLayers(page).count(), 1);
    await settledShot(page, '1-first-query');

    const b = await pickAndRun(page, panel, second);
    assertWithinAPixel(b.query.given.xy, b.expected);
    assert.notDeepEqual(b.query.inputPixel, a.query.inputPixel);
    const secondName = b.out.split('/').pop()!;
    await queryLayers(page).filter({ hasText: secondName }).waitFor({ timeout: 60_000 });
    await layerItem(page, firstName).waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await queryLayers(page).count(), 1, 'exactly one query result layer');
    assert.deepEqual((await hookLayers(page)).map((l) => l.name).filter((n) => n.startsWith('Query result: ')), [`Query result: ${secondName}`]);
    await settledShot(page, '2-second-query');
  });

  test('a polygon drawn on the map runs similar from it (a ring in the raster CRS) and replaces the query layer', async () => {
    const { page } = session.browser;
    const panel = await openRunPanel(page);
    const extent = (await hookLayers(page)).find((l) => l.name === 'bercy/imgs_1')!.extent!;
    const corners = [await pointIn(page, extent, 0.2, 0.2), await pointIn(page, extent, 0.5, 0.25),
      await pointIn(page, extent, 0.45, 0.55), await pointIn(page, extent, 0.2, 0.5)];
    const clicked = await Promise.all(corners.map((c) => coordinateAt(page, c)));
    const draw = panel.getByRole('button', { name: 'Draw query polygon' });
    await draw.click();
    assert.equal(await draw.getAttribute('aria-pressed'), 'true');
    const rows = await jobRows(panel).count();
    // Apart in time, so no two clicks read as a double click; the first corner again closes it.
    for (const [x, y] of [...corners, corners[0]]) {
      await page.mouse.click(x, y);
      await page.waitForTimeout(350);
    }
    const id = await newJobId(page, rows);
    assert.equal(await waitJobStatus(page, id, ['done', 'failed', 'cancelled']), 'done', await jobRow(page, id).innerText());
    assert.equal(await draw.getAttribute('aria-pressed'), 'false');
    const out = (await jobRow(page, id).locator('.run-job-out').getAttribute('title'))!;
    const report = JSON.parse(readFileSync(`${out}.report.json`, 'utf8')) as {
      query: { kind: string; given: { ring: [number, number][] }; outputBox: [number, number, number, number]; pixels: number };
    };
    assert.equal(report.query.kind, 'polygon');
    const expected = gdaltransform(clicked, 'EPSG:3857', GRID.coordinateSystem.wkt);
    assert.equal(report.query.given.ring.length, 4);
    report.query.given.ring.forEach((v, i) => assertWithinAPixel(v, expected[i]));
    // Its box on the 4 px embedding grid, from GDAL's transform of the clicks (within one cell).
    const gt = GRID.geoTransform;
    const cols = expected.map(([x]) => (x - gt[0]) / gt[1] / 4);
    const rowsOf = expected.map(([, y]) => (y - gt[3]) / gt[5] / 4);
    const box = [Math.floor(Math.min(...cols)), Math.floor(Math.min(...rowsOf)), Math.ceil(Math.max(...cols)), Math.ceil(Math.max(...rowsOf))];
    report.query.outputBox.forEach((v, i) => assert.ok(Math.abs(v - box[i]) <= 1, `box ${report.query.outputBox} vs ${box}`));
    assert.ok(report.query.pixels > 20, `${report.query.pixels} cells inside`);
    const name = out.split('/').pop()!;
    await queryLayers(page).filter({ hasText: name }).waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="layer-item"]').length === 3, undefined, { timeout: 30_000 });
    assert.equal(await queryLayers(page).count(), 1, 'the polygon\'s result replaced the point\'s');
    await settledShot(page, '2b-polygon-query');
  });

  test('a click off the Input raster says so and runs nothing', async () => {
    const { page } = session.browser;
    const panel = await openRunPanel(page);
    const extent = (await hookLayers(page)).find((l) => l.name === 'bercy/imgs_1')!.extent!;
    const [x, y] = await pointIn(page, extent, -0.15, 0.5);
    const box = (await page.getByTestId('map').boundingBox())!;
    assert.ok(x > box.x + 10, `${x}: still on the map (from ${box.x})`);
    const rows = await jobRows(panel).count();
    const pick = panel.getByRole('button', { name: 'Pick query on map' });
    await pick.click();
    await page.mouse.click(x, y);
    const error = panel.getByTestId('run-error');
    await error.waitFor();
    assert.equal(await error.innerText(), 'The click is outside bercy/imgs_1: click on the Input raster, or press Escape');
    // OpenLayers waits 250 ms for a double click; a job would have been queued by now.
    await page.waitForTimeout(1000);
    assert.equal(await jobRows(panel).count(), rows, 'no job started');
    assert.equal(await pick.getAttribute('aria-pressed'), 'true', 'still armed for a click on the raster');
    await page.screenshot({ path: shotPath('3-outside') });
    await pick.focus();
    await page.keyboard.press('Escape');
    assert.equal(await pick.getAttribute('aria-pressed'), 'false');
    await page.keyboard.press('Escape');
    await runPanel(page).waitFor({ state: 'detached' });
  });

  test('swipe: the left of the map shows the left layer, the right the right one; arrows move the boundary; off restores', async () => {
    const { page } = session.browser;
    const names = (await hookLayers(page)).map((l) => l.name);
    const query = names.find((n) => n.startsWith('Query result: '))!;
    // Two layers that look nothing alike: a date in true colour and the similarity on its ramp.
    await page.getByRole('checkbox', { name: 'Show bercy/imgs_1' }).uncheck();
    const show = (name: string) => page.getByRole('checkbox', { name: `Show ${name}` });
    await show(query).uncheck();
    const imagery = await settledShot(page, '4-imagery-alone');
    await show(query).check();
    await show('bercy/imgs_2').uncheck();
    const similarity = await settledShot(page, '5-query-alone');
    await show('bercy/imgs_2').check();
    const stacked = await settledShot(page, '6-both');

    const toggle = page.getByRole('button', { name: 'Swipe', exact: true });
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    await page.getByRole('combobox', { name: 'Left layer' }).selectOption({ label: 'bercy/imgs_2' });
    await page.getByRole('combobox', { name: 'Right layer' }).selectOption({ label: query });
    const slider = page.getByRole('slider', { name: 'Swipe position' });
    assert.equal(await slider.inputValue(), '50');

    const extent = (await hookLayers(page)).find((l) => l.name === 'bercy/imgs_2')!.extent!;
    const [ax, ay] = await screenPointOf(page, [extent[0], extent[3]]);
    const [bx, by] = await screenPointOf(page, [extent[2], extent[1]]);
    const map = (await page.getByTestId('map').boundingBox())!;
    // Rows and columns well inside the raster (the query layer's grid is the model's, a few pixels smaller).
    const y0 = ay + 12;
    const y1 = by - 12;
    const cutAt = (p: number) => map.x + (map.width * p) / 100;
    const region = (x0: number, x1: number) => ({ x0: Math.max(x0, ax + 12), x1: Math.min(x1, bx - 12), y0, y1 });
    assert.ok(ax + 40 < cutAt(35) && cutAt(50) < bx - 40, `the raster (${ax}..${bx}) spans both boundaries`);
    assert.ok(meanDiff(imagery, similarity, region(ax, bx)) > 20, 'the two layers look different');

    const check = (shot: PNG, p: number, what: string) => {
      const left = region(ax, cutAt(p) - 4);
      const right = region(cutAt(p) + 4, bx);
      assert.ok(meanDiff(shot, imagery, left) < 1.5, `${what}: left of ${p} % is the imagery (${meanDiff(shot, imagery, left)})`);
      assert.ok(meanDiff(shot, similarity, left) > 20, `${what}: left of ${p} % is not the similarity`);
      assert.ok(meanDiff(shot, similarity, right) < 1.5, `${what}: right of ${p} % is the similarity (${meanDiff(shot, similarity, right)})`);
      assert.ok(meanDiff(shot, imagery, right) > 20, `${what}: right of ${p} % is not the imagery`);
    };
    check(await settledShot(page, '7-swipe-50'), 50, 'at 50 %');

    await slider.focus();
    for (let i = 0; i < 15; i++) await page.keyboard.press('ArrowLeft');
    assert.equal(await slider.inputValue(), '35');
    const moved = await settledShot(page, '8-swipe-35');
    check(moved, 35, 'at 35 %');
    // Between the old and the new boundary the right layer now shows.
    assert.ok(meanDiff(moved, similarity, region(cutAt(35) + 4, cutAt(50) - 4)) < 1.5, 'the boundary moved');

    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    assert.equal(await page.getByRole('slider', { name: 'Swipe position' }).count(), 0);
    const restored = await settledShot(page, '9-swipe-off');
    assert.ok(meanDiff(restored, stacked, region(ax, bx)) < 1.5, 'off: the layers draw whole, as before swipe');
  });

  test('no console or page errors', () => {
    assert.deepEqual(session.browser.errors, []);
  });
});

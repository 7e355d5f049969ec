/**
 * The Labels panel in Chromium against `skysense serve`: a Sentinel-2 scene (Sen1Floods11,
 * EPSG:4326) opened, Start labels, two classes, three polygons of each, a box and a point
 * drawn by mouse on the map, a rotated box drawn and undone; a class deleted after the
 * in-page question; a label selected and deleted with the Delete key, then undone; a vertex
 * dragged with Edit labels; Ctrl+Z / Ctrl+Shift+Z undo and redo it and a drawing, the counts
 * following. After every change the labels file is whole GeoJSON with the labels drawn.
 * Export labels… to a GeoPackage read back by ogrinfo, imported back (replacing, undoable);
 * the project saved, the page reloaded, the project reopened: the labels come back. Then the
 * drawn labels train a head in the Train head panel (the curve gains points, the confusion
 * matrix), Save head and Apply: the applied class raster equals `skysense run --head` on the
 * scene pixel for pixel. No console errors.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { Project } from '../../main/api.ts';
import { openAppSession, type AppSession } from './helpers/app-session.ts';
import { assertSameAsCliSegment } from './helpers/cli-oracle.ts';
import { artifactsDir, sharedData } from './helpers/repo.ts';
import { hookLayers, layerItem, openByPath, screenPointOf, waitConnected, waitSettled } from './helpers/ui.ts';

const S2 = sharedData('s1s2/sen1floods11/sample/S2/Spain_7370579_S2Hand.tif');

interface SavedLabels {
  type: string;
  features: Array<{ id: string; properties: { class: string; shape: string }; geometry: { type: string; coordinates: unknown } }>;
}

async function waitLayers(page: Page, n: number): Promise<void> {
  await page.waitForFunction((count) => document.querySelectorAll('[data-testid="layer-item"]').length === count
    && !document.querySelector('[data-testid="open-progress"]'), n, { timeout: 120_000 });
}

const panelOf = (page: Page) => page.getByRole('region', { name: 'Labels' });

/** The feature count the panel shows for a class. */
async function countOf(page: Page, cls: string): Promise<number> {
  return Number(await panelOf(page).locator(`[data-testid="label-class"][data-class="${cls}"] [data-testid="label-class-counts"]`).getAttribute('data-features'));
}

async function waitCount(page: Page, cls: string, n: number): Promise<void> {
  await page.waitForFunction(([c, want]) => document.querySelector(`[data-testid="label-class"][data-class="${c}"] [data-testid="label-class-counts"]`)
    ?.getAttribute('data-features') === String(want), [cls, n] as const, { timeout: 15_000 });
}

/**
 * Waits until the panel says Saved and the file holds `n` labels, then reads it: whole JSON
 * every time it is read (it is written under another name and renamed).
 */
async function waitSaved(page: Page, file: string, n: number): Promise<SavedLabels> {
  const status = panelOf(page).getByTestId('labels-save-state');
  const deadline = Date.now() + 15_000;
  for (;;) {
    const text = await status.innerText().catch(() => '');
    if (text === 'Saved' && existsSync(file)) {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as SavedLabels;
      assert.equal(doc.type, 'FeatureCollection');
      if (doc.features.length === n) return doc;
    }
    if (Date.now() > deadline) throw new Error(`labels file ${file} never held ${n} labels (panel: ${text})`);
    await page.waitForTimeout(100);
  }
}

/** Screen point at a fraction of the raster's extent (0,0 top left). */
function pointIn(page: Page, extent: [number, number, number, number], fx: number, fy: number): Promise<[number, number]> {
  return screenPointOf(page, [extent[0] + fx * (extent[2] - extent[0]), extent[3] - fy * (extent[3] - extent[1])]);
}

/** Clicks apart in time, so no two read as a double click. */
async function clickAll(page: Page, points: Array<[number, number]>): Promise<void> {
  for (const [x, y] of points) {
    await page.mouse.click(x, y);
    await page.waitForTimeout(350);
  }
}

async function tool(panel: Locator, name: string): Promise<void> {
  const button = panel.getByRole('button', { name, exact: true });
  // A toggle: pressed again, it would stop.
  if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
  await panelPressed(button, 'true');
}

async function panelPressed(button: Locator, want: 'true' | 'false'): Promise<void> {
  for (let i = 0; i < 50 && (await button.getAttribute('aria-pressed')) !== want; i++) await button.page().waitForTimeout(50);
  assert.equal(await button.getAttribute('aria-pressed'), want, `${await button.getAttribute('aria-label')} aria-pressed`);
}

describe('browser: labels drawn on a Sentinel-2 scene, saved, exported and reopened with a project', () => {
  let app: AppSession;
  let tmp = '';

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-e2e-labels-'));
    app = await openAppSession({ hostEnv: { SKYSENSE_MODELS_DIR: join(tmp, 'models') } });
  });

  after(async () => {
    await app?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('two classes, polygons, a box and a point by mouse; a vertex edit; undo and redo; export; project', async () => {
    const { page } = app.browser;
    const panel = panelOf(page);
    await panel.getByRole('heading', { name: 'Labels' }).waitFor();
    assert.match(await panel.innerText(), /Labels need a georeferenced raster/);

    await openByPath(page, S2);
    await waitLayers(page, 1);
    await waitSettled(page);
    const layer = (await hookLayers(page))[0];
    const extent = layer.extent!;

    await panel.getByRole('button', { name: 'Start labels' }).click();
    const file = (await panel.getByTestId('labels-path').getAttribute('title'))!;
    assert.match(file, /[\\/]labels[\\/]Spain_7370579_S2Hand\.labels\.geojson$/);

    for (const name of ['water', 'land']) {
      await panel.getByRole('textbox', { name: 'New class name' }).fill(name);
      await panel.getByRole('button', { name: 'Add class' }).click();
      await panel.getByRole('textbox', { name: `Name of ${name}` }).waitFor();
    }
    await waitSaved(page, file, 0);
    await panel.getByRole('textbox', { name: 'Colour of water' }).fill('#1e64ff');
    await waitSaved(page, file, 0);

    // Three triangles per class, each finished by clicking its first corner again.
    let drawn = 0;
    for (const [cls, row] of [['water', 0.12], ['land', 0.42]] as const) {
      await panel.getByRole('combobox', { name: 'Class to draw' }).selectOption(cls);
      await tool(panel, 'Draw polygon');
      for (const col of [0.1, 0.4, 0.7]) {
        const corners = [await pointIn(page, extent, col, row), await pointIn(page, extent, col + 0.15, row), await pointIn(page, extent, col + 0.07, row + 0.15)];
        await clickAll(page, [...corners, corners[0]]);
        drawn++;
        await waitCount(page, cls, drawn - (cls === 'land' ? 3 : 0));
        const saved = await waitSaved(page, file, drawn);
        assert.equal(saved.features[drawn - 1].properties.class, cls);
        assert.equal(saved.features[drawn - 1].geometry.type, 'Polygon');
        assert.equal((saved.features[drawn - 1].geometry.coordinates as number[][][])[0].length, 4, 'three corners and the closing one');
      }
    }
    assert.deepEqual([await countOf(page, 'water'), await countOf(page, 'land')], [3, 3]);

    // A box (two opposite corners) of water and a point of land.
    await panel.getByRole('combobox', { name: 'Class to draw' }).selectOption('water');
    await tool(panel, 'Draw box');
    await clickAll(page, [await pointIn(page, extent, 0.1, 0.72), await pointIn(page, extent, 0.3, 0.88)]);
    let saved = await waitSaved(page, file, 7);
    assert.deepEqual(saved.features[6].properties, { ...saved.features[6].properties, class: 'water', shape: 'box' });
    assert.equal((saved.features[6].geometry.coordinates as number[][][])[0].length, 5);
    await panel.getByRole('combobox', { name: 'Class to draw' }).selectOption('land');
    await tool(panel, 'Draw point');
    await clickAll(page, [await pointIn(page, extent, 0.6, 0.8)]);
    saved = await waitSaved(page, file, 8);
    assert.equal(saved.features[7].geometry.type, 'Point');
    await waitCount(page, 'water', 4);
    await waitCount(page, 'land', 4);
    // The counts from labels.stats: pixels covered for each class.
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="label-class-counts"]')].every((el) => Number(el.getAttribute('data-pixels')) > 0));
    // A rotated box: two corners of one side, then the width; it goes again with Ctrl+Z.
    await tool(panel, 'Draw rotated box');
    await clickAll(page, [await pointIn(page, extent, 0.75, 0.7), await pointIn(page, extent, 0.9, 0.78), await pointIn(page, extent, 0.85, 0.9)]);
    saved = await waitSaved(page, file, 9);
    const rotated = saved.features[8];
    assert.equal(rotated.properties.shape, 'rotated-box');
    const rr = (rotated.geometry.coordinates as number[][][])[0];
    assert.equal(rr.length, 5);
    // A rectangle on the ground (the raster is in lon/lat: a degree east is cos(lat) of one north).
    const east = Math.cos((rr[0][1] * Math.PI) / 180);
    const side = (i: number) => [(rr[i + 1][0] - rr[i][0]) * east, rr[i + 1][1] - rr[i][1]];
    const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1];
    assert.ok(Math.abs(dot(side(0), side(1))) < 1e-3 * Math.hypot(...side(0)) * Math.hypot(...side(1)), `right angle: ${JSON.stringify(rr)}`);
    await page.keyboard.press('Escape');
    await panelPressed(panel.getByRole('button', { name: 'Draw rotated box' }), 'false');
    await page.keyboard.press('Control+z');
    saved = await waitSaved(page, file, 8);
    await waitCount(page, 'land', 4);
    await page.screenshot({ path: join(artifactsDir, 'browser-labels-drawn.png') });

    // A class with no labels: Delete asks first, Keep keeps it.
    await panel.getByRole('textbox', { name: 'New class name' }).fill('cloud');
    await panel.getByRole('button', { name: 'Add class' }).click();
    await panel.getByRole('button', { name: 'Delete class cloud' }).click();
    const ask = panel.getByRole('group', { name: 'Delete class cloud?' });
    assert.equal(await ask.locator('p').innerText(), 'Delete class cloud and its 0 labels?');
    await ask.getByRole('button', { name: 'Keep' }).click();
    assert.equal(await panel.getByRole('textbox', { name: 'Name of cloud' }).count(), 1);
    await panel.getByRole('button', { name: 'Delete class cloud' }).click();
    await ask.getByRole('button', { name: 'Delete' }).click();
    await panel.getByRole('textbox', { name: 'Name of cloud' }).waitFor({ state: 'detached' });
    await waitSaved(page, file, 8);

    // Edit labels: click the point to select it, Delete removes it, Ctrl+Z brings it back.
    await tool(panel, 'Edit labels');
    await clickAll(page, [await pointIn(page, extent, 0.6, 0.8)]);
    const del = panel.getByRole('button', { name: 'Delete label' });
    for (let i = 0; i < 50 && await del.isDisabled(); i++) await page.waitForTimeout(50);
    assert.equal(await del.isDisabled(), false, 'the point is selected');
    await page.keyboard.press('Delete');
    await waitCount(page, 'land', 3);
    await waitSaved(page, file, 7);
    await page.keyboard.press('Control+z');
    await waitCount(page, 'land', 4);
    await waitSaved(page, file, 8);
    await page.keyboard.press('Control+Shift+z');
    await waitCount(page, 'land', 3);
    await waitSaved(page, file, 7);
    await page.keyboard.press('Control+z');
    await waitCount(page, 'land', 4);
    saved = await waitSaved(page, file, 8);
    assert.equal(await countOf(page, 'water'), 4);

    // Edit labels: drag the first triangle's first corner.
    const first = saved.features.find((f) => f.properties.shape === 'polygon' && f.properties.class === 'water')!;
    const before = (first.geometry.coordinates as number[][][])[0].map((p) => [...p]);
    await tool(panel, 'Edit labels');
    const [vx, vy] = await pointIn(page, extent, 0.1, 0.12);
    await page.mouse.move(vx, vy);
    await page.mouse.down();
    await page.mouse.move(vx - 25, vy - 20, { steps: 6 });
    await page.mouse.up();
    await page.waitForTimeout(300);
    const movedFile = async () => {
      for (let i = 0; i < 100; i++) {
        const doc = await waitSaved(page, file, 8);
        const ring = (doc.features.find((f) => f.id === first.id)!.geometry.coordinates as number[][][])[0];
        if (ring[0][0] !== before[0][0]) return ring;
        await page.waitForTimeout(100);
      }
      throw new Error('the vertex edit was not saved');
    };
    const edited = await movedFile();
    assert.ok(edited[0][0] < before[0][0] && edited[0][1] > before[0][1], `the corner moved up and left: ${edited[0]} from ${before[0]}`);
    assert.deepEqual(edited[edited.length - 1], edited[0], 'the ring stays closed');
    assert.deepEqual(edited.slice(1, -1), before.slice(1, -1), 'the other corners stay');
    await page.screenshot({ path: join(artifactsDir, 'browser-labels-edited.png') });

    // Undo the edit and the one before it; redo both.
    const ringOf = (doc: SavedLabels) => (doc.features.find((f) => f.id === first.id)!.geometry.coordinates as number[][][])[0];
    await page.keyboard.press('Control+z');
    for (let i = 0; ; i++) {
      const doc = await waitSaved(page, file, 8);
      if (ringOf(doc)[0][0] === before[0][0]) break;
      if (i > 100) throw new Error('undo of the vertex edit not saved');
      await page.waitForTimeout(100);
    }
    assert.deepEqual(ringOf(await waitSaved(page, file, 8)), before, 'undo brings the corner back');
    // The edit before it was the class deleted: it comes back, and goes again with redo.
    await page.keyboard.press('Control+z');
    await panel.getByRole('textbox', { name: 'Name of cloud' }).waitFor();
    await page.keyboard.press('Control+Shift+z');
    await panel.getByRole('textbox', { name: 'Name of cloud' }).waitFor({ state: 'detached' });
    await page.keyboard.press('Control+Shift+Z');
    for (let i = 0; ; i++) {
      const doc = await waitSaved(page, file, 8);
      if (ringOf(doc)[0][0] === edited[0][0]) break;
      if (i > 100) throw new Error('redo of the vertex edit not saved');
      await page.waitForTimeout(100);
    }
    assert.equal(await panel.getByRole('button', { name: 'Redo' }).isDisabled(), true, 'nothing left to redo');

    // Export labels… to a GeoPackage, read by GDAL.
    const gpkg = join(tmp, 'labels.gpkg');
    await panel.getByRole('button', { name: 'Export labels…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export labels' });
    await dialog.getByRole('textbox', { name: 'File name' }).fill(gpkg);
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await panel.getByTestId('labels-exported').filter({ hasText: 'Exported 8 labels' }).waitFor();
    const info = execFileSync('ogrinfo', ['-al', '-so', gpkg], { encoding: 'utf8' });
    assert.match(info, /Feature Count: 8\b/, info);
    assert.match(info, /^class: String/m, info);

    // Import labels… from that GeoPackage: it replaces the labels after asking, as one undo step.
    await panel.getByRole('button', { name: 'Import labels…' }).click();
    const imp = page.getByRole('dialog', { name: 'Import labels' });
    await imp.getByRole('textbox', { name: 'Labels file' }).fill(gpkg);
    await imp.getByRole('button', { name: 'Import', exact: true }).click();
    await imp.waitFor({ state: 'detached' });
    const replace = panel.getByRole('group', { name: 'Replace the labels?' });
    assert.equal(await replace.locator('p').innerText(), 'Replace the 8 labels with the 8 of labels.gpkg?');
    await replace.getByRole('button', { name: 'Replace' }).click();
    await waitCount(page, 'water', 4);
    await waitCount(page, 'land', 4);
    const imported = await waitSaved(page, file, 8);
    assert.deepEqual(imported.features.map((f) => f.properties.class).sort(), saved.features.map((f) => f.properties.class).sort());
    await page.keyboard.press('Control+z');
    await waitSaved(page, file, 8);

    // Save the project, reload, reopen it: the labels come back with their counts.
    await page.getByRole('button', { name: 'Save project…' }).click();
    const save = page.getByRole('dialog', { name: 'Save project' });
    await save.getByRole('textbox', { name: 'File name' }).fill(join(tmp, 'floods'));
    await save.getByRole('button', { name: 'Save', exact: true }).click();
    await save.waitFor({ state: 'detached' });
    const project = JSON.parse(readFileSync(join(tmp, 'floods.skysense.json'), 'utf8')) as Project;
    assert.equal(project.labels?.absolute, file);
    await waitSettled(page);
    await page.reload();
    await waitConnected(page);
    assert.match(await panel.innerText(), /Labels need a georeferenced raster/);
    const recent = page.getByRole('region', { name: 'Recent projects' });
    await recent.getByRole('button', { name: 'floods', exact: true }).click();
    await waitLayers(page, 1);
    await waitCount(page, 'water', 4);
    await waitCount(page, 'land', 4);
    assert.equal(await panel.getByTestId('labels-path').getAttribute('title'), file);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="label-class-counts"]')].every((el) => Number(el.getAttribute('data-pixels')) > 0));
    await waitSettled(page);
    await page.screenshot({ path: join(artifactsDir, 'browser-labels-reopened.png') });
    assert.deepEqual(app.browser.errors, []);
  });

  test('the drawn labels train a head in the Train head panel; Save head; Apply equals skysense run --head', async () => {
    const { page } = app.browser;
    const labelsFile = (await panelOf(page).getByTestId('labels-path').getAttribute('title'))!;
    await page.getByRole('button', { name: 'Train head…' }).click();
    const panel = page.getByRole('dialog', { name: 'Train head' });
    await panel.waitFor();
    // The labels are the Labels panel's: its file, its classes.
    assert.equal(await panel.getByTestId('train-labels-path').getAttribute('title'), labelsFile);
    const table = panel.getByRole('table', { name: 'Label classes' });
    assert.deepEqual((await table.locator('tbody tr').allInnerTexts()).map((r) => r.split('\t')[0].trim()), ['water', 'land']);
    await panel.getByRole('textbox', { name: 'Epochs', exact: true }).fill('6');
    await panel.getByRole('button', { name: 'Train', exact: true }).click();
    const job = panel.getByTestId('train-job');
    await job.waitFor();
    const figure = panel.getByRole('figure', { name: 'Training curve' });
    const seen = new Set<number>();
    for (let i = 0; i < 6000; i++) {
      seen.add(Number(await figure.getAttribute('data-points')));
      const status = await job.getAttribute('data-status');
      if (status !== 'queued' && status !== 'running') break;
      await page.waitForTimeout(50);
    }
    assert.equal(await job.getAttribute('data-status'), 'done', await panel.getByTestId('train-status').innerText());
    seen.add(Number(await figure.getAttribute('data-points')));
    assert.ok(Math.max(...seen) >= 1 && seen.size >= 2, `the curve gained points: ${[...seen].join(', ')}`);
    const matrix = panel.getByRole('table', { name: 'Confusion matrix' });
    await matrix.waitFor();
    assert.equal(await matrix.locator('tbody td').count(), 4);
    await page.screenshot({ path: join(artifactsDir, 'browser-labels-trained.png') });

    const name = panel.getByRole('textbox', { name: 'Name', exact: true });
    assert.equal(await name.inputValue(), 'spain_7370579_s2hand-head');
    await panel.getByRole('textbox', { name: 'Title', exact: true }).fill('Water and land, drawn');
    await panel.getByRole('button', { name: 'Save head' }).click();
    const savedHint = panel.getByTestId('train-saved-path');
    await savedHint.waitFor();
    const saved = (await savedHint.getAttribute('data-path'))!;
    assert.equal(saved, join(tmp, 'models', 'spain_7370579_s2hand-head'));
    const out = (await panel.getByTestId('train-apply-out').getAttribute('data-path'))!;
    await panel.getByRole('button', { name: 'Apply', exact: true }).click();
    const layerName = out.split('/').pop()!;
    await layerItem(page, layerName).waitFor({ timeout: 300_000 });
    await layerItem(page, layerName).getByText('water').first().waitFor({ timeout: 30_000 });
    await waitSettled(page);
    await page.screenshot({ path: join(artifactsDir, 'browser-labels-applied.png') });

    assertSameAsCliSegment(out, saved, S2, join(tmp, 'cli-segment.tif'));
    assert.deepEqual(app.browser.errors, []);
  });
});

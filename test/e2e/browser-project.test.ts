/**
 * Projects in Chromium against `skysense serve`: two OSCD band folders opened through the UI,
 * one hidden, one made translucent with a min/max stretch and a gamma, the map moved; Save
 * project… through the in-app dialog writes a project file with those settings; after a
 * reload (a fresh window) the project is listed under Recent projects, and opening it brings
 * the layers back in order with the same settings and the same map view. Then the project
 * folder with a copy of one raster is moved and one raster deleted: it still opens, the
 * missing file named in the banner. A project's ended job is listed again and its report
 * opens. No console errors.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import type { Project } from '../../main/api.ts';
import { openAppSession, type AppSession } from './helpers/app-session.ts';
import { artifactsDir, sharedData } from './helpers/repo.ts';
import { facts, layerItem, openByPath, waitConnected, waitSettled } from './helpers/ui.ts';
import { jobRow, openRunPanel } from './helpers/run-panel.ts';

const IMGS_1 = sharedData('oscd/bercy/imgs_1');
const IMGS_2 = sharedData('oscd/bercy/imgs_2');

/** Layer names top first, as the Layers panel lists them. */
async function layerNames(page: Page): Promise<string[]> {
  return page.getByTestId('layer-item').locator('.layer-name').allInnerTexts();
}

async function layerSettings(page: Page, name: string) {
  const item = layerItem(page, name);
  return {
    visible: await item.getByRole('checkbox', { name: `Show ${name}` }).isChecked(),
    opacity: Number(await item.getByRole('slider', { name: `Opacity of ${name}` }).inputValue()),
  };
}

/** The display editor's settings of a layer (selecting it first). */
async function displaySettings(page: Page, name: string) {
  await layerItem(page, name).locator('.layer-name').click();
  const editor = page.getByTestId('band-editor');
  await editor.getByRole('heading', { name: `Display · ${name}` }).waitFor();
  return {
    stretch: await editor.getByRole('combobox', { name: 'Stretch mode' }).inputValue(),
    gamma: Number(await editor.getByRole('slider', { name: 'Gamma' }).inputValue()),
    red: await editor.getByRole('combobox', { name: 'Red band' }).inputValue(),
  };
}

async function waitLayers(page: Page, n: number): Promise<void> {
  await page.waitForFunction((count) => document.querySelectorAll('[data-testid="layer-item"]').length === count
    && !document.querySelector('[data-testid="open-progress"]'), n, { timeout: 120_000 });
}

describe('browser: save a project, reload, reopen it from Recent projects', () => {
  let app: AppSession;
  let tmp = '';
  let file = '';

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-e2e-project-'));
    app = await openAppSession();
  });

  after(async () => {
    await app?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('two band folders with edited settings and a moved view are saved, and come back the same after a reload', async () => {
    const { page } = app.browser;
    await openByPath(page, IMGS_1);
    await layerItem(page, 'bercy/imgs_1').waitFor({ timeout: 120_000 });
    await waitLayers(page, 1);
    await openByPath(page, IMGS_2);
    await layerItem(page, 'bercy/imgs_2').waitFor({ timeout: 120_000 });
    await waitLayers(page, 2);
    assert.deepEqual(await layerNames(page), ['bercy/imgs_2', 'bercy/imgs_1']);

    // imgs_1 below: hidden; imgs_2 on top: 40 % opaque, min/max stretch, gamma 1.5, bands 8-4-3.
    await layerItem(page, 'bercy/imgs_1').getByRole('checkbox', { name: 'Show bercy/imgs_1' }).uncheck();
    await layerItem(page, 'bercy/imgs_2').getByRole('slider', { name: 'Opacity of bercy/imgs_2' }).fill('0.4');
    await layerItem(page, 'bercy/imgs_2').locator('.layer-name').click();
    const editor = page.getByTestId('band-editor');
    await editor.getByRole('combobox', { name: 'Stretch mode' }).selectOption('minmax');
    await editor.getByRole('slider', { name: 'Gamma' }).fill('1.5');
    const red = editor.getByRole('combobox', { name: 'Red band' });
    await red.selectOption((await red.locator('option', { hasText: 'B08' }).getAttribute('value'))!);
    const before = { top: await layerSettings(page, 'bercy/imgs_2'), bottom: await layerSettings(page, 'bercy/imgs_1'), display: await displaySettings(page, 'bercy/imgs_2') };
    assert.deepEqual(before.top, { visible: true, opacity: 0.4 });
    assert.deepEqual(before.bottom, { visible: false, opacity: 1 });
    assert.deepEqual(before.display, { stretch: 'minmax', gamma: 1.5, red: '8' });

    // Move the view away from the fit: one zoom step in, then a drag.
    await page.getByTitle('Zoom in').click();
    await page.waitForTimeout(400); // its 250 ms animation
    const box = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 70, { steps: 8 });
    await page.waitForTimeout(150); // still at release: no kinetic pan after the drag
    await page.mouse.up();
    await waitSettled(page);
    const view = await facts(page);
    await page.screenshot({ path: join(artifactsDir, 'browser-project-saved.png') });

    // Save project… in the in-app dialog: a typed absolute path (the folder must exist).
    await page.getByRole('button', { name: 'Save project…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save project' });
    await dialog.getByRole('textbox', { name: 'File name' }).fill(join(tmp, 'work', 'bercy'));
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    const refusal = dialog.getByRole('alert');
    await refusal.waitFor();
    assert.equal(await refusal.innerText(), `${join(tmp, 'work', 'bercy.skysense.json')}: cannot save the project, the folder ${join(tmp, 'work')} does not exist`);
    mkdirSync(join(tmp, 'work'));
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    file = join(tmp, 'work', 'bercy.skysense.json');
    assert.ok(existsSync(file));
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Project;
    assert.equal(saved.version, 1);
    assert.deepEqual(saved.rasters.map((r) => r.paths.map((p) => p.absolute)), [[IMGS_2], [IMGS_1]]);
    assert.deepEqual(saved.rasters.map((r) => [r.visible, r.opacity]), [[true, 0.4], [false, 1]]);
    assert.equal(saved.rasters[0].display.stretch, 'minmax');
    assert.equal(saved.rasters[0].display.gamma, 1.5);
    assert.equal(saved.rasters[0].paths[0].relative, relative(join(tmp, 'work'), IMGS_2), 'and relative to the project file');
    assert.equal(saved.view?.space, 'geo');
    assert.deepEqual(saved.view?.center, view.center, 'the saved centre is the view\'s');
    assert.ok(Math.abs(saved.view!.resolution - view.resolution!) < 1e-9 * view.resolution!, 'the saved resolution is the view\'s');

    // A fresh window: nothing open, the project listed under Recent projects.
    await page.reload();
    await waitConnected(page);
    assert.equal(await page.getByTestId('layer-item').count(), 0);
    const recent = page.getByRole('region', { name: 'Recent projects' });
    await recent.waitFor();
    await page.screenshot({ path: join(artifactsDir, 'browser-project-recent.png') });
    await recent.getByRole('button', { name: 'bercy', exact: true }).click();
    await waitLayers(page, 2);
    assert.deepEqual(await layerNames(page), ['bercy/imgs_2', 'bercy/imgs_1']);
    assert.deepEqual(await layerSettings(page, 'bercy/imgs_2'), before.top);
    assert.deepEqual(await layerSettings(page, 'bercy/imgs_1'), before.bottom);
    assert.deepEqual(await displaySettings(page, 'bercy/imgs_2'), before.display);
    assert.equal(await recent.count(), 0, 'the recent list goes once layers are open');
    await waitSettled(page);
    const reopened = await facts(page);
    assert.equal(reopened.projection, 'EPSG:3857');
    assert.ok(Math.abs(reopened.resolution! - view.resolution!) < 1e-9 * view.resolution!, `resolution ${reopened.resolution} vs ${view.resolution}`);
    assert.ok(Math.hypot(reopened.center![0] - view.center![0], reopened.center![1] - view.center![1]) < 1e-6, `centre ${reopened.center} vs ${view.center}`);
    await page.screenshot({ path: join(artifactsDir, 'browser-project-reopened.png') });
  });

  test('a moved project with a raster copied beside it opens from its new place; a deleted raster is named, the rest opens', async () => {
    const { page } = app.browser;
    // A project whose top raster lives in its own folder (relative path "data/imgs_2").
    const work = join(tmp, 'work');
    cpSync(IMGS_2, join(work, 'data', 'imgs_2'), { recursive: true });
    await page.getByRole('button', { name: 'Open project…' }).click();
    const open = page.getByRole('dialog', { name: 'Open project' });
    await open.getByRole('textbox', { name: 'Project file' }).fill(file);
    await open.getByRole('button', { name: 'Open', exact: true }).click();
    await open.waitFor({ state: 'detached' });
    await waitLayers(page, 2);
    await layerItem(page, 'bercy/imgs_1').locator('.layer-name').click();
    // Replace the top layer by the copy, save over the same file. (Settled first: a layer
    // removed while its tiles load logs the aborted fetches as console errors.)
    await waitSettled(page);
    await layerItem(page, 'bercy/imgs_2').getByTestId('remove-layer').click();
    await openByPath(page, join(work, 'data', 'imgs_2'));
    await layerItem(page, 'data/imgs_2').waitFor({ timeout: 120_000 });
    await waitLayers(page, 2);
    await page.keyboard.press('Control+s');
    const save = page.getByRole('dialog', { name: 'Save project' });
    await save.getByRole('textbox', { name: 'File name' }).fill(file);
    await save.getByRole('button', { name: 'Save', exact: true }).click();
    await save.waitFor({ state: 'detached' });
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Project;
    assert.deepEqual(saved.rasters[0].paths[0], { absolute: join(work, 'data', 'imgs_2'), relative: 'data/imgs_2' });

    const moved = join(tmp, 'moved');
    renameSync(work, moved);
    await waitSettled(page);
    await page.reload();
    await waitConnected(page);
    const recent = page.getByRole('region', { name: 'Recent projects' });
    await page.waitForTimeout(500);
    assert.equal(await recent.count(), 0, 'a moved-away project is not listed');
    await page.keyboard.press('Control+Shift+P');
    const open2 = page.getByRole('dialog', { name: 'Open project' });
    await open2.getByRole('textbox', { name: 'Project file' }).fill(join(moved, 'bercy.skysense.json'));
    await open2.getByRole('button', { name: 'Open', exact: true }).click();
    await waitLayers(page, 2);
    assert.deepEqual(await layerNames(page), ['data/imgs_2', 'bercy/imgs_1']);
    assert.equal(await layerItem(page, 'data/imgs_2').locator('.layer-name').getAttribute('title'), join(moved, 'data', 'imgs_2'));

    // One raster gone: the rest opens and the banner names the file.
    rmSync(join(moved, 'data'), { recursive: true });
    await waitSettled(page);
    await page.reload();
    await waitConnected(page);
    await page.getByRole('region', { name: 'Recent projects' }).getByRole('button', { name: 'bercy', exact: true }).click();
    await waitLayers(page, 1);
    assert.deepEqual(await layerNames(page), ['bercy/imgs_1']);
    const banner = page.getByTestId('error-message').filter({ hasText: 'not found' });
    await banner.waitFor();
    assert.match(await banner.innerText(), new RegExp(`1 file of project "bercy" not found \\(the rest opened\\): ${join(work, 'data', 'imgs_2')} \\(rasters\\.0\\.paths\\.0\\)`));
    await page.screenshot({ path: join(artifactsDir, 'browser-project-missing.png') });
  });

  test('an ended job of a project is listed again in the Jobs list, and its report opens', async () => {
    const { page } = app.browser;
    const dir = join(tmp, 'jobs');
    mkdirSync(dir);
    const out = join(dir, 'clusters.tif');
    copyFileSync(join(IMGS_2, 'B04.tif'), out);
    writeFileSync(`${out}.report.json`, JSON.stringify({ task: 'cluster', provider: 'cpu', timings: { total: 1234 } }));
    const project: Project = {
      format: 'skysense-project', version: 1, rasters: [], vectors: [], view: null, basemap: false, graticule: false, outputFolder: { absolute: dir },
      jobs: [{
        id: 'from-project', task: 'cluster', status: 'done', request: null, out: { absolute: out }, outputs: [{ absolute: out }],
        report: { absolute: `${out}.report.json` }, provider: 'cpu', queuedAt: 1, startedAt: 2, endedAt: 3,
      }],
    };
    writeFileSync(join(dir, 'jobs.skysense.json'), JSON.stringify(project));
    await page.keyboard.press('Control+Shift+P');
    const open = page.getByRole('dialog', { name: 'Open project' });
    await open.getByRole('textbox', { name: 'Project file' }).fill(join(dir, 'jobs.skysense.json'));
    await open.getByRole('button', { name: 'Open', exact: true }).click();
    await open.waitFor({ state: 'detached' });
    const panel = await openRunPanel(page);
    const row = jobRow(page, 'from-project');
    await row.waitFor();
    assert.equal(await row.getAttribute('data-status'), 'done');
    await row.getByRole('button', { name: 'Report of cluster job' }).click();
    const report = row.getByTestId('job-report');
    await report.waitFor();
    assert.match(await report.innerText(), /Task\s+cluster[\s\S]*Provider\s+cpu[\s\S]*Time\s+1\.2 s/);
    // The project's output folder is the Run panel's.
    assert.equal(await panel.getByRole('textbox', { name: 'Output folder' }).inputValue(), dir);
    await page.screenshot({ path: join(artifactsDir, 'browser-project-job-report.png') });
    assert.deepEqual(app.browser.errors, []);
  });
});

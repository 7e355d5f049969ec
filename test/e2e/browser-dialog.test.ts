/**
 * The browser-mode open flow beyond a typed path: keyboard, the in-app file browser
 * over fs.list (several files, a folder as one scene), band defaults of a Sentinel-2
 * band folder, layer removal, and dropped files (which a browser cannot open by path).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TestBrowser } from './helpers/browser.ts';
import type { HostProcess } from './helpers/host-process.ts';
import { openAppSession } from './helpers/app-session.ts';
import { artifactsDir, sharedData } from './helpers/repo.ts';
import { backgroundLines } from './helpers/seams.ts';
import { hookLayers, layerItem, mapBackground, screenBoxOf, waitFirstView, waitSettled } from './helpers/ui.ts';

const SAMPLES = sharedData('samples');
const BERCY = sharedData('oscd/bercy/imgs_1');

describe('browser: open dialog, file browser, drop', () => {
  let host: HostProcess;
  let browser: TestBrowser;

  before(async () => {
    ({ host, browser } = await openAppSession());
  });

  after(async () => {
    await browser?.close();
    await host?.stop();
  });

  test('Ctrl+O opens the dialog with the path field focused; Escape closes it', async () => {
    const { page } = browser;
    await page.getByTestId('map').click();
    await page.keyboard.press('Control+o');
    const dialog = page.getByTestId('open-dialog');
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'open-path-input');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  test('the file browser opens several files as one layer each', async () => {
    const { page } = browser;
    await page.getByTestId('open-button').click();
    await page.getByTestId('open-path-input').fill(SAMPLES);
    await page.getByTestId('open-path-browse').click();
    await page.getByTestId('browser-dir').filter({ hasText: 'samples' }).waitFor();
    for (const name of ['L7_ETMs.tif', 'elev.tif']) {
      await page.locator(`[data-testid="file-entry"][data-path="${join(SAMPLES, name)}"] input[type="checkbox"]`).check();
    }
    await page.getByTestId('open-selected').click();
    await layerItem(page, 'L7_ETMs.tif').waitFor({ timeout: 60_000 });
    await layerItem(page, 'elev.tif').waitFor({ timeout: 60_000 });
    // The last opened is on top; elev.tif is one Int16 band in EPSG:4326, shown grey.
    assert.deepEqual((await hookLayers(page)).map((l) => l.name), ['elev.tif', 'L7_ETMs.tif']);
    assert.match(await layerItem(page, 'elev.tif').getByTestId('layer-crs').innerText(), /EPSG:4326/);
    assert.equal(await page.getByRole('button', { name: 'Single band (grey)' }).getAttribute('aria-pressed'), 'true');
  });

  test('a Sentinel-2 band folder opens as one scene in true colour (B04/B03/B02)', async () => {
    const { page } = browser;
    await page.getByTestId('open-button').click();
    await page.getByTestId('open-path-input').fill(BERCY);
    await page.getByTestId('open-path-browse').click();
    await page.getByTestId('browser-dir').filter({ hasText: 'imgs_1' }).waitFor();
    await page.getByTestId('open-folder-scene').click();
    const item = page.getByTestId('layer-item').filter({ hasText: '13 bands' });
    await item.waitFor({ timeout: 120_000 });
    const red = page.getByLabel('Red band');
    const names = await Promise.all(['Red band', 'Green band', 'Blue band'].map(async (l) => {
      const sel = page.getByLabel(l);
      return sel.evaluate((el: HTMLSelectElement) => el.selectedOptions[0]?.textContent ?? '');
    }));
    assert.deepEqual(names.map((n) => n.split('·')[1]?.trim()), ['B04', 'B03', 'B02']);
    const id = await item.getAttribute('data-layer-id');
    assert.ok(id);
    await waitFirstView(page, id, 120_000);
    // 395 rows -> a 198-row overview: OL's reprojection used to leave 1-px seams there.
    const extent = (await hookLayers(page)).find((l) => l.id === id)?.extent;
    assert.ok(extent);
    const box = await screenBoxOf(page, extent, 4);
    assert.deepEqual(backgroundLines(await page.screenshot(), box, await mapBackground(page)), []);
    // More than 8 bands: only the shown three are read; picking another band swaps the source.
    await red.selectOption({ label: (await red.locator('option').nth(7).textContent()) ?? '' });
    await page.getByLabel('Gamma').fill('1.6');
    // The swapped source (bands 8, 3, 2), once every tile is in, is seamless too.
    await waitSettled(page);
    const shot = await page.screenshot({ path: join(artifactsDir, 'browser-dialog-s2-scene.png') });
    assert.deepEqual(backgroundLines(shot, box, await mapBackground(page)), []);
  });

  test('removing a layer takes it off the list and the map', async () => {
    const { page } = browser;
    const before = (await hookLayers(page)).length;
    await layerItem(page, 'elev.tif').getByTestId('remove-layer').click();
    await layerItem(page, 'elev.tif').waitFor({ state: 'detached' });
    assert.equal((await hookLayers(page)).length, before - 1);
  });

  test('a file dropped from the OS gets an explanation, not an upload', async () => {
    const { page } = browser;
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (r.method() !== 'GET' && r.method() !== 'HEAD') uploads.push(r.url());
    });
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(64)], 'dropped-scene.tif', { type: 'image/tiff' }));
      const target = document.querySelector('[data-testid="map"]') as HTMLElement;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    const msg = page.getByTestId('error-message').filter({ hasText: 'dropped-scene.tif' });
    await msg.waitFor();
    assert.match(await msg.innerText(), /Open…/);
    assert.deepEqual(uploads, []);
  });

  test('no console or page errors', () => {
    assert.deepEqual(browser.errors, []);
  });
});

/**
 * The Run panel in Chromium against `skysense serve`, on real data: OSCD bercy's two dates
 * opened through the UI, the shipped SkySense-Tiny and its stock oscd-change head. Tasks the
 * loaded layers cannot feed are disabled with the reason; a cluster job's class raster opens
 * as a layer by itself; a change job with Before and After assigned writes what
 * `skysense run --task change` writes for the same inputs, pixel for pixel (read by GDAL);
 * a cancelled job leaves no file; the panel works from the keyboard (Tab order, Enter runs,
 * Escape closes); the output folder is remembered across a reload. Screenshots of each step
 * go to test-artifacts/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { gdalWindow } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';
import { openAppSession, type AppSession } from './helpers/app-session.ts';
import { artifactsDir, repoRoot, sharedData } from './helpers/repo.ts';
import { field, jobRow, jobRows, newJobId, openRunPanel, optionsOf, runPanel, waitJobStatus } from './helpers/run-panel.ts';
import { layerItem, openByPath, waitConnected } from './helpers/ui.ts';

const MODEL = join(repoRoot, 'models/skysense-tiny');
const CHANGE_HEAD = join(MODEL, 'heads/oscd-change');
const BEFORE = sharedData('oscd/bercy/imgs_1');
const AFTER = sharedData('oscd/bercy/imgs_2');
const K = 4;

let tmp = '';
let cliOutputs: string[] = [];
let session: AppSession;
const shot = (page: Page, name: string) => page.screenshot({ path: join(artifactsDir, `run-panel-${name}.png`) });

/** Every band of both rasters read by GDAL, equal value for value (NaN equal to NaN). */
function assertSamePixels(a: string, b: string): void {
  const pa = gdalWindow(a);
  const pb = gdalWindow(b);
  assert.equal(pa.length, pb.length, `${a} vs ${b}: band count`);
  for (let band = 0; band < pa.length; band++) {
    assert.equal(pa[band].length, pb[band].length, `${a} vs ${b}: size`);
    const diff = pa[band].findIndex((v, i) => !(v === pb[band][i] || (Number.isNaN(v) && Number.isNaN(pb[band][i]))));
    assert.equal(diff, -1, `${a} vs ${b}: band ${band + 1} differs at pixel ${diff}: ${pa[band][diff]} vs ${pb[band][diff]}`);
  }
}

const reportOutputs = (out: string) =>
  (JSON.parse(readFileSync(`${out}.report.json`, 'utf8')) as { outputs: { path: string }[] }).outputs.map((o) => o.path);

/** The output path the panel will write next, as it shows it. */
const nextOut = async (page: Page) => (await runPanel(page).getByTestId('run-output-path').getAttribute('data-path')) ?? '';

async function openLayer(page: Page, path: string, name: string): Promise<void> {
  await openByPath(page, path);
  await layerItem(page, name).waitFor({ timeout: 60_000 });
  await page.getByTestId('open-progress').waitFor({ state: 'detached', timeout: 60_000 }).catch(() => undefined);
}

describe('browser: the Run panel', () => {
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-run-panel-'));
    // The CLI's change output first, while nothing else runs (spawnSync holds this process).
    const cliOut = join(tmp, 'cli', 'change.tif');
    mkdirSync(join(tmp, 'cli'));
    const cli = skysense('run', '--task', 'change', '--head', CHANGE_HEAD, '--input', BEFORE, '--input', AFTER, '--out', cliOut);
    assert.equal(cli.code, 0, cli.stderr);
    cliOutputs = reportOutputs(cliOut);
    session = await openAppSession();
  });
  after(async () => {
    await session?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('with no layer every task is disabled with the reason; one date leaves change disabled; two enable it', async () => {
    const { page } = session.browser;
    const panel = await openRunPanel(page);
    const task = field(panel, 'combobox', 'Task');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'run-task', 'focus starts on Task');
    const none = await optionsOf(task);
    assert.deepEqual(none.map((o) => o.text.split(' — ')[0]), ['embed', 'cluster', 'similar', 'segment', 'change', 'classify', 'detect']);
    for (const o of none) assert.ok(o.disabled && / — needs (a|two) loaded raster/.test(o.text), o.text);
    assert.equal(await panel.getByRole('button', { name: 'Run', exact: true }).isDisabled(), true);
    await shot(page, '0-no-layers');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });

    await openLayer(page, BEFORE, 'bercy/imgs_1');
    await openRunPanel(page);
    await page.waitForFunction(() => {
      const o = [...(document.getElementById('run-task') as HTMLSelectElement).options].find((x) => x.value === 'cluster');
      return o && !o.disabled;
    }, undefined, { timeout: 60_000 });
    const one = await optionsOf(task);
    assert.equal(one.find((o) => o.text.startsWith('change'))?.text, 'change — needs two loaded rasters (Before and After)');
    assert.equal(one.find((o) => o.text.startsWith('change'))?.disabled, true);
    assert.equal(one.find((o) => o.text.startsWith('detect'))?.text, 'detect — no detect head installed');
    for (const t of ['embed', 'cluster', 'similar', 'segment', 'classify']) assert.equal(one.find((o) => o.text === t)?.disabled, false, t);

    await openLayer(page, AFTER, 'bercy/imgs_2');
    const two = await optionsOf(task);
    assert.equal(two.find((o) => o.text === 'change')?.disabled, false);
    assert.equal(two.find((o) => o.text.startsWith('detect'))?.disabled, true);
    await shot(page, '1-two-dates');
  });

  test('cluster with k classes: the job runs, shows its provider and the class raster opens as a layer', async () => {
    const { page } = session.browser;
    const panel = await openRunPanel(page);
    await field(panel, 'combobox', 'Task').selectOption('cluster');
    await field(panel, 'combobox', 'Input').selectOption({ label: 'bercy/imgs_1' });
    await field(panel, 'textbox', 'k (classes)').fill(String(K));
    // Empty: the application's own output folder (in the host's cache), never the input's.
    await field(panel, 'textbox', 'Output folder').fill('');
    const appOut = await nextOut(page);
    assert.match(appOut, /skysense-e2e-cache-[^/]+\/outputs\/bercy-imgs_1-cluster-\d{8}-\d{9}\.tif$/);
    assert.ok(!appOut.startsWith(sharedData('')), appOut);
    await field(panel, 'textbox', 'Output folder').fill(tmp);
    const out = await nextOut(page);
    assert.equal(join(tmp, out.slice(tmp.length + 1)), out);

    const rows = await jobRows(panel).count();
    await panel.getByRole('button', { name: 'Run', exact: true }).click();
    const id = await newJobId(page, rows);
    assert.equal(await waitJobStatus(page, id, ['done', 'failed', 'cancelled']), 'done', await jobRow(page, id).innerText());
    const row = jobRow(page, id);
    assert.equal(await row.getByTestId('job-status').innerText(), 'done');
    assert.equal(await row.getByTestId('job-provider').innerText(), 'on cpu');
    assert.equal(await row.getByRole('button', { name: 'Cancel cluster job' }).count(), 0, 'no Cancel once done');

    const name = out.split('/').pop()!;
    await layerItem(page, name).waitFor({ timeout: 60_000 });
    const classes = new Set(gdalWindow(out)[0]);
    assert.deepEqual([...classes].sort(), Array.from({ length: K }, (_, i) => i + 1), 'k classes, 1..k');
    await shot(page, '2-cluster-done');
  });

  test('change with the stock oscd-change head: Before and After assigned, its manifest shown, the CLI\'s pixels', async () => {
    const { page } = session.browser;
    const panel = await openRunPanel(page);
    await field(panel, 'combobox', 'Task').selectOption('change');
    const head = field(panel, 'combobox', 'Head');
    assert.equal(await head.inputValue(), CHANGE_HEAD);
    const details = panel.getByTestId('model-details');
    assert.deepEqual(await details.getByTestId('head-classes').getByRole('listitem').allInnerTexts(), ['no change', 'change']);
    assert.match(await details.getByTestId('head-trained-on').innerText(), /OSCD \(Onera Satellite Change Detection\)/);
    assert.match(await details.getByTestId('head-metrics').innerText(), /f1 0\.1682/);
    assert.match(await details.getByTestId('details-licence').innerText(), /Apache-2\.0.*Non-commercial research use only/);
    await field(panel, 'combobox', 'Before').selectOption({ label: 'bercy/imgs_1' });
    await field(panel, 'combobox', 'After').selectOption({ label: 'bercy/imgs_2' });
    const out = await nextOut(page);
    assert.equal(out.startsWith(`${tmp}/bercy-imgs_2-change-`), true, `the folder typed before is kept: ${out}`);
    await shot(page, '3-change-form');

    const rows = await jobRows(panel).count();
    await panel.getByRole('button', { name: 'Run', exact: true }).click();
    const id = await newJobId(page, rows);
    assert.equal(await waitJobStatus(page, id, ['done', 'failed', 'cancelled']), 'done', await jobRow(page, id).innerText());
    const outputs = reportOutputs(out);
    assert.equal(outputs.length, cliOutputs.length, outputs.join(', '));
    assert.ok(outputs.length >= 2, `mask and probability: ${outputs.join(', ')}`);
    outputs.forEach((p, i) => assertSamePixels(p, cliOutputs[i]));
    for (const p of outputs) await layerItem(page, p.split('/').pop()!).waitFor({ timeout: 60_000 });
    await shot(page, '4-change-done');
  });

  test('cancel a running job: it says cancelled and leaves no file', async () => {
    const { page } = session.browser;
    const panel = await openRunPanel(page);
    await field(panel, 'combobox', 'Task').selectOption('embed');
    await field(panel, 'combobox', 'Input').selectOption({ label: 'bercy/imgs_1' });
    // Small tiles with a wide overlap: many tiles, so the job is still running when Cancel comes.
    await panel.getByText('Advanced', { exact: true }).click();
    await field(panel, 'textbox', 'Tile (px)').fill('32');
    await field(panel, 'textbox', 'Overlap (px)').fill('24');
    const out = await nextOut(page);
    const rows = await jobRows(panel).count();
    await panel.getByRole('button', { name: 'Run', exact: true }).click();
    const id = await newJobId(page, rows);
    const row = jobRow(page, id);
    await row.getByTestId('job-eta').waitFor({ timeout: 60_000 });
    const bar = row.getByRole('progressbar');
    assert.match((await bar.getAttribute('aria-label')) ?? '', /^Progress of embed → bercy-imgs_1-embed-/);
    assert.match(await row.getByTestId('job-percent').innerText(), /^\d+ %$/);
    await shot(page, '5-embed-running');
    await row.getByRole('button', { name: 'Cancel embed job' }).click();
    assert.equal(await waitJobStatus(page, id, ['done', 'failed', 'cancelled']), 'cancelled');
    assert.equal(await row.getByTestId('job-status').innerText(), 'cancelled');
    assert.equal(existsSync(out), false, `${out} exists`);
    assert.equal(existsSync(`${out}.report.json`), false);
    const stem = out.split('/').pop()!.replace(/\.tif$/, '');
    assert.deepEqual(readdirSync(tmp).filter((f) => f.includes(stem)), []);
    await shot(page, '6-embed-cancelled');
  });

  test('keyboard: Enter opens, Tab walks the fields in order, Enter runs, Escape closes', async () => {
    const { page } = session.browser;
    await page.keyboard.press('Escape');
    await runPanel(page).waitFor({ state: 'detached' });
    const button = page.getByRole('button', { name: 'Run task…' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'run-task-button', 'Escape gives focus back');
    await button.press('Enter');
    const panel = runPanel(page);
    await panel.waitFor();
    await field(panel, 'combobox', 'Task').selectOption('cluster');
    // The results opened meanwhile are not offered first: the newest date is.
    assert.equal(await field(panel, 'combobox', 'Input').locator('option:checked').innerText(), 'bercy/imgs_2');
    await field(panel, 'combobox', 'Task').focus();

    const names: string[] = [];
    for (let i = 0; i < 20; i++) {
      const name = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || !el.closest('[data-testid="run-panel"]')) return null;
        const labelled = (el as HTMLInputElement).labels?.[0]?.textContent;
        return labelled ?? el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName;
      });
      if (name === null || names.includes(name)) break;
      names.push(name);
      await page.keyboard.press('Tab');
    }
    // Advanced is closed again in a panel opened anew: tile and overlap are not in the order.
    // Then the Jobs list, newest first: the done jobs' reports (the cancelled one has none).
    assert.deepEqual(names, ['Task', 'Input kind', 'Model', 'Input', 'Mask', 'k (classes)', 'Provider', 'Advanced', 'Output folder', 'Choose…', 'Run',
      'Report of change job', 'Report of cluster job']);

    // Every control in the panel has a name a screen reader can read.
    const unnamed = await panel.evaluate((root) =>
      [...root.querySelectorAll('select, input, button, summary')]
        .filter((el) => !((el as HTMLInputElement).labels?.[0]?.textContent?.trim() || el.getAttribute('aria-label') || el.textContent?.trim()))
        .map((el) => el.outerHTML),
    );
    assert.deepEqual(unnamed, []);

    const rows = await jobRows(panel).count();
    await field(panel, 'combobox', 'Task').focus();
    await page.keyboard.press('Enter');
    const id = await newJobId(page, rows);
    assert.equal(await jobRow(page, id).locator('.run-job-task').innerText(), 'cluster');
    assert.equal(await waitJobStatus(page, id, ['done', 'failed', 'cancelled']), 'done', await jobRow(page, id).innerText());
    await shot(page, '7-keyboard-run');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
  });

  test('after a reload the output folder is remembered and the Jobs list shows the earlier jobs', async () => {
    const { page } = session.browser;
    await page.reload();
    await waitConnected(page);
    const panel = await openRunPanel(page);
    assert.equal(await field(panel, 'textbox', 'Output folder').inputValue(), tmp);
    await panel.getByTestId('job-row').first().waitFor();
    const statuses = await jobRows(panel).evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    assert.deepEqual(statuses, ['done', 'cancelled', 'done', 'done']);
    await shot(page, '8-after-reload');
  });

  test('no console or page errors', () => {
    assert.deepEqual(session.browser.errors, []);
  });
});

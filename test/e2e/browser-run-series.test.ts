/**
 * The Run panel's series inputs, job reports and polygon outputs in Chromium against
 * `skysense serve`, on real data (SSL4EO-S12: two S2 dates and two S1 dates of one place,
 * dates only in the folder names). A fused embed built from the panel (S2 dates and S1 dates
 * ticked from the modality the engine reads, dates read from the names) writes what
 * `skysense run --input A --input B --s1 C --s1 D` writes, pixel for pixel; a date typed
 * wrongly is refused by name before anything runs; the job's report opens from its row; a
 * segment with Polygons ticked opens its GeoPackage as a vector layer by itself.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { gdalWindow } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';
import { openAppSession, type AppSession } from './helpers/app-session.ts';
import { artifactsDir, repoRoot, sharedData } from './helpers/repo.ts';
import { field, jobRow, jobRows, newJobId, openRunPanel, waitJobStatus } from './helpers/run-panel.ts';
import { layerItem, openByPath } from './helpers/ui.ts';

const MODEL = join(repoRoot, 'models/skysense-tiny');
const SSL = sharedData('s1s2/ssl4eo-s12');
const S2 = ['20200604T054639_20200604T054831_T43RCP', '20200813T054639_20200813T054952_T43RCP'];
const S1 = ['S1A_IW_GRDH_1SDV_20200607T010800_20200607T010825_032904_03CFBA_D457', 'S1A_IW_GRDH_1SDV_20200903T131212_20200903T131237_034195_03F8F5_AC1C'];
const s2Path = (f: string) => join(SSL, 's2a/0000200', f);
const s1Path = (f: string) => join(SSL, 's1/0000200', f);
const name = (f: string) => `0000200/${f}`;

let tmp = '';
let cliOut = '';
let session: AppSession;
const shot = (page: Page, n: string) => page.screenshot({ path: join(artifactsDir, `run-series-${n}.png`) });

async function runAndWait(page: Page): Promise<string> {
  const panel = await openRunPanel(page);
  const rows = await jobRows(panel).count();
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  const id = await newJobId(page, rows);
  assert.equal(await waitJobStatus(page, id, ['done', 'failed', 'cancelled']), 'done', await jobRow(page, id).innerText());
  return id;
}

describe('browser: Run panel series, reports and polygons', () => {
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-run-series-'));
    cliOut = join(tmp, 'cli-fused.tif');
    const cli = skysense('run', '--task', 'embed', '--model', MODEL, '--input', s2Path(S2[0]), '--input', s2Path(S2[1]),
      '--s1', s1Path(S1[0]), '--s1', s1Path(S1[1]), '--resample', 'nearest', '--out', cliOut);
    assert.equal(cli.code, 0, cli.stderr);
    session = await openAppSession();
    const { page } = session.browser;
    for (const p of [...S2.map(s2Path), ...S1.map(s1Path)]) {
      await openByPath(page, p);
      await layerItem(page, name(p.split('/').pop()!)).waitFor({ timeout: 60_000 });
      await page.getByTestId('open-progress').waitFor({ state: 'detached', timeout: 60_000 }).catch(() => undefined);
    }
  });
  after(async () => {
    await session?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('a series: S2 and S1 ticked by modality, dates read from the names, a bad date refused, the CLI\'s pixels', async () => {
    const { page } = session.browser;
    const panel = await openRunPanel(page);
    await field(panel, 'combobox', 'Task').selectOption('embed');
    await field(panel, 'combobox', 'Input kind').selectOption('series');
    await field(panel, 'textbox', 'Output folder').fill(tmp);
    const s2 = panel.getByRole('group', { name: 'S2 dates' });
    const s1 = panel.getByRole('group', { name: 'S1 dates' });
    await s2.getByRole('checkbox', { name: name(S2[0]) }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[aria-label="S2 dates"] input[type=checkbox]:checked').length === 2, undefined, { timeout: 30_000 });
    for (const f of S2) assert.equal(await s2.getByRole('checkbox', { name: name(f) }).isChecked(), true, f);
    for (const f of S1) assert.equal(await s2.getByRole('checkbox', { name: name(f) }).isChecked(), false, `${f} is not S2`);
    for (const f of S1) assert.equal(await s1.getByRole('checkbox', { name: name(f) }).isChecked(), true, f);
    assert.deepEqual(
      await Promise.all(S2.map((f) => s2.getByRole('textbox', { name: `S2 date of ${name(f)}` }).inputValue())),
      ['2020-06-04', '2020-08-13'],
    );
    assert.deepEqual(
      await Promise.all(S1.map((f) => s1.getByRole('textbox', { name: `S1 date of ${name(f)}` }).inputValue())),
      ['2020-06-07', '2020-09-03'],
    );
    await shot(page, '0-series-form');

    const date = s2.getByRole('textbox', { name: `S2 date of ${name(S2[1])}` });
    await date.fill('13 Aug 2020');
    await panel.getByRole('button', { name: 'Run', exact: true }).click();
    assert.match(await panel.getByTestId('run-error').innerText(), /S2 date of 0000200\/20200813\S*: write it as YYYY-MM-DD/);
    await date.fill('2020-08-13');

    // SSL4EO's S1 and S2 grids differ by a few pixels: the job fails saying so, and Resample fixes it.
    const rows = await jobRows(panel).count();
    await panel.getByRole('button', { name: 'Run', exact: true }).click();
    const failed = await newJobId(page, rows);
    assert.equal(await waitJobStatus(page, failed, ['done', 'failed', 'cancelled']), 'failed');
    assert.match(await jobRow(page, failed).getByTestId('job-status').innerText(), /^failed: .*S1A_IW_GRDH\S*: its grid .* differs from .*resample/);
    await panel.getByRole('checkbox', { name: 'Resample' }).check();

    const out = (await panel.getByTestId('run-output-path').getAttribute('data-path')) ?? '';
    const id = await runAndWait(page);
    const a = gdalWindow(out);
    const b = gdalWindow(cliOut);
    assert.equal(a.length, b.length, 'bands');
    for (let band = 0; band < a.length; band++) {
      const diff = a[band].findIndex((v, i) => !(v === b[band][i] || (Number.isNaN(v) && Number.isNaN(b[band][i]))));
      assert.equal(diff, -1, `band ${band + 1} differs at pixel ${diff}`);
    }

    // The report from the job's row: the provider, and the output it wrote.
    const row = jobRow(page, id);
    await row.getByRole('button', { name: 'Report of embed job' }).click();
    const report = row.getByTestId('job-report');
    await report.waitFor();
    const lines = await report.locator('.run-report-line').allInnerTexts();
    assert.ok(lines.some((l) => /^Provider\s+cpu$/.test(l)), lines.join(' | '));
    assert.ok(lines.some((l) => l.startsWith('Outputs') && l.includes(out)), lines.join(' | '));
    await report.getByText('Whole report').click();
    const json = JSON.parse(await report.locator('pre').innerText()) as { task: string; inputs: { modality: string; date: string; dateSource: string }[] };
    assert.equal(json.task, 'fused-embed');
    // Dates left as shown are the engine's own reading, with where they came from.
    assert.deepEqual(json.inputs.map((i) => [i.modality, i.date, i.dateSource]).sort(),
      [['s1', '2020-06-07', 'name'], ['s1', '2020-09-03', 'name'], ['s2', '2020-06-04', 'name'], ['s2', '2020-08-13', 'name']]);
    await shot(page, '1-series-report');
  });

  test('segment with Polygons: the class raster and its GeoPackage open by themselves', async () => {
    const { page } = session.browser;
    const panel = await openRunPanel(page);
    await field(panel, 'combobox', 'Task').selectOption('segment');
    await field(panel, 'combobox', 'Input kind').selectOption('raster');
    await field(panel, 'combobox', 'Input').selectOption({ label: name(S1[0]) });
    await field(panel, 'combobox', 'Head').selectOption(join(MODEL, 'heads/s1-water'));
    await panel.getByRole('checkbox', { name: 'Polygons' }).check();
    const out = (await panel.getByTestId('run-output-path').getAttribute('data-path')) ?? '';
    await runAndWait(page);
    const gpkg = `${out.replace(/\.tif$/, '')}.gpkg`;
    await layerItem(page, out.split('/').pop()!).waitFor({ timeout: 60_000 });
    await page.getByRole('region', { name: 'Vector layers' }).getByRole('checkbox', { name: `Show ${gpkg.split('/').pop()!}`, exact: false })
      .first().waitFor({ timeout: 60_000 });
    await shot(page, '2-segment-polygons');
  });

  test('no console or page errors', () => {
    assert.deepEqual(session.browser.errors, []);
  });
});

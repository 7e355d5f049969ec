/**
 * The Train head panel in Chromium against `skysense serve`, on real data: OSCD bercy's first
 * date (a folder of Sentinel-2 band files, EPSG:4326) and the shipped SkySense-Tiny encoder.
 * The labels file is written through the host's labels.save (two classes, three rectangles
 * each, corners from gdalinfo's geotransform, so the test does not lean on the Labels panel's
 * drawing), then everything else goes through the UI: with no labels Train is disabled with
 * the reason; the file loaded in the panel lists its classes with labels.stats' counts; a
 * training of 8 epochs grows its curve (uPlot canvas, caption per epoch); it ends with a K x K
 * confusion matrix and the per-class table; Save head writes the head into the models folder
 * (listed by engine.status; the same name again is refused in an alert); Apply runs it on the
 * scene and its class raster opens as a layer, equal pixel for pixel to what
 * `skysense run --task segment --head SAVED` writes. A second training is cancelled from the
 * Jobs list. No console errors; screenshots in test-artifacts/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { EngineStatus, LabelSet, LabelStatsReply } from '../../main/api.ts';
import { assertSameAsCliSegment } from './helpers/cli-oracle.ts';
import { WsTestClient } from '../integration/host-test-client.ts';
import { openAppSession, type AppSession } from './helpers/app-session.ts';
import { gdalinfo } from './helpers/gdal.ts';
import { artifactsDir, repoRoot, sharedData } from './helpers/repo.ts';
import { jobRow, openRunPanel, waitJobStatus } from './helpers/run-panel.ts';
import { layerItem, openByPath } from './helpers/ui.ts';

const MODEL = join(repoRoot, 'models/skysense-tiny');
const SCENE = sharedData('oscd/bercy/imgs_1');
const PISA = sharedData('oscd/pisa/imgs_1');
const EPOCHS = 8;
const CLASSES = [{ name: 'north', color: '#1b9e77' }, { name: 'south', color: '#d95f02' }];
const K = CLASSES.length;

let tmp = '';
let labelsPath = '';
let session: AppSession;
let ws: WsTestClient;
let stats: LabelStatsReply;
let firstJobId = '';
const shot = (page: Page, name: string) => page.screenshot({ path: join(artifactsDir, `train-panel-${name}.png`) });
const trainPanel = (page: Page) => page.getByRole('dialog', { name: 'Train head' });

/** Three 24 x 24 px rectangles per class: the north class in the top third, the south class in the bottom third. */
function labelSet(scene = SCENE): LabelSet {
  const info = gdalinfo(join(scene, 'B02.tif'));
  const [x0, dx, , y0, , dy] = info.geoTransform;
  const [w, h] = info.size;
  const at = (c: number, r: number): [number, number] => [x0 + c * dx, y0 + r * dy];
  const rect = (c: number, r: number, s = 24): [number, number][] => [at(c, r), at(c + s, r), at(c + s, r + s), at(c, r + s), at(c, r)];
  const features: LabelSet['features'] = [];
  for (const [cls, row] of [['north', Math.round(h * 0.1)], ['south', Math.round(h * 0.75)]] as const) {
    for (const col of [0.1, 0.45, 0.8].map((f) => Math.round(w * f))) {
      features.push({ id: `${cls}-${col}`, class: cls, shape: 'box', coordinates: rect(col, row) });
    }
  }
  return { target: { kind: 'raster', paths: [scene] }, classes: CLASSES, features };
}

async function value<T>(command: string, args: unknown): Promise<T> {
  return ws.value<T>(command, args);
}

/** The Train head panel, opened from the toolbar if it is not open. */
async function openTrainPanel(page: Page): Promise<Locator> {
  const panel = trainPanel(page);
  if (!(await panel.isVisible())) await page.getByRole('button', { name: 'Train head…' }).click();
  await panel.waitFor();
  return panel;
}

/** Waits for the panel's train job to reach one of the statuses; returns it. */
async function waitTrainStatus(page: Page, statuses: string[], timeout = 300_000): Promise<string> {
  const h = await page.waitForFunction((want) => {
    const s = document.querySelector('[data-testid="train-job"]')?.getAttribute('data-status');
    return s && (want as string[]).includes(s) ? s : null;
  }, statuses, { timeout, polling: 50 });
  return (await h.jsonValue()) as string;
}

const points = async (panel: Locator) => Number(await panel.getByRole('figure', { name: 'Training curve' }).getAttribute('data-points'));

describe('browser: the Train head panel', () => {
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-train-panel-'));
    mkdirSync(join(tmp, 'out'));
    session = await openAppSession({ hostEnv: { SKYSENSE_MODELS_DIR: join(tmp, 'models') } });
    const u = new URL(session.host.url);
    ws = await WsTestClient.connect(`ws://${u.host}/api?token=${u.searchParams.get('token')}`);
    labelsPath = join(tmp, 'labels', 'bercy.labels.geojson');
    const set = labelSet();
    await value('labels.save', { path: labelsPath, set });
    stats = await value<LabelStatsReply>('labels.stats', { set });
    assert.deepEqual(stats.problems, [], 'the labels can be trained on');
  });
  after(async () => {
    ws?.close();
    await session?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('with no labels Train is disabled with the reason; a labels file loaded lists its classes, counts and the task', async () => {
    const { page } = session.browser;
    await openByPath(page, SCENE);
    await layerItem(page, 'bercy/imgs_1').waitFor({ timeout: 60_000 });
    await page.getByTestId('open-progress').waitFor({ state: 'detached', timeout: 60_000 }).catch(() => undefined);

    const panel = await openTrainPanel(page);
    const trainButton = panel.getByRole('button', { name: 'Train', exact: true });
    assert.equal(await trainButton.isDisabled(), true);
    assert.match(await panel.getByRole('alert').first().innerText(), /No labels yet/);
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await openTrainPanel(page);

    await panel.getByRole('textbox', { name: 'Labels file', exact: true }).fill(join(tmp, 'labels', 'nothing.geojson'));
    await panel.getByRole('button', { name: 'Load labels' }).click();
    await panel.getByRole('alert').filter({ hasText: /nothing\.geojson/ }).waitFor();

    await panel.getByRole('textbox', { name: 'Labels file', exact: true }).fill(labelsPath);
    await panel.getByRole('button', { name: 'Load labels' }).click();
    const table = panel.getByRole('table', { name: 'Label classes' });
    await table.waitFor();
    const rows = await table.locator('tbody tr').allInnerTexts();
    assert.deepEqual(rows.map((r) => r.split('\t').map((c) => c.trim())), stats.classes.map((c) => [c.name, String(c.features), String(c.pixels)]));
    assert.equal(await panel.getByTestId('train-task').innerText(), 'segment');
    assert.match(await panel.getByTestId('train-task-reason').innerText(), /one raster \(imgs_1\)/);
    const encoder = panel.getByRole('combobox', { name: 'Encoder', exact: true });
    await page.waitForFunction(() => (document.getElementById('train-encoder') as HTMLSelectElement | null)?.value, undefined, { timeout: 60_000 });
    assert.equal(await encoder.inputValue(), MODEL);
    assert.equal(await panel.getByRole('combobox', { name: 'Head type', exact: true }).inputValue(), 'mlp');
    assert.equal(await panel.getByRole('textbox', { name: 'Epochs', exact: true }).inputValue(), '30');
    assert.equal(await panel.getByRole('textbox', { name: 'Validation share', exact: true }).inputValue(), '0.2');
    assert.equal(await panel.getByRole('textbox', { name: 'Seed', exact: true }).inputValue(), '0');
    assert.equal(await trainButton.isDisabled(), false);
    await panel.getByRole('textbox', { name: 'Epochs', exact: true }).fill('0');
    assert.equal(await trainButton.isDisabled(), true);
    assert.match(await panel.getByTestId('train-disabled-reason').innerText(), /Epochs must be a whole number/);
    await shot(page, '0-labels');
  });

  test('Train: the curve grows epoch by epoch, then the confusion matrix and per-class metrics', async () => {
    const { page } = session.browser;
    const panel = await openTrainPanel(page);
    await panel.getByRole('textbox', { name: 'Epochs', exact: true }).fill(String(EPOCHS));
    await panel.getByRole('button', { name: 'Train', exact: true }).click();
    await panel.getByTestId('train-job').waitFor();
    const figure = panel.getByRole('figure', { name: 'Training curve' });
    await figure.waitFor();
    assert.match(await figure.locator('figcaption').innerText(), /No epoch finished yet \(of 8\)/);
    assert.ok(await figure.locator('canvas').count() >= 1, 'uPlot draws on a canvas');

    // Each epoch's caption, as the points arrive (polled; fast epochs may skip one in between).
    const captions = new Set<string>();
    const seen: number[] = [];
    for (;;) {
      const status = await panel.getByTestId('train-job').getAttribute('data-status');
      const n = await points(panel);
      if (n > 0 && !seen.includes(n)) {
        seen.push(n);
        captions.add(await figure.locator('figcaption').innerText());
        if (seen.length === 1) await shot(page, '1-first-epoch');
      }
      if (status !== 'queued' && status !== 'running') break;
      await page.waitForTimeout(40);
    }
    assert.equal(await waitTrainStatus(page, ['done', 'failed', 'cancelled']), 'done', await panel.getByTestId('train-status').innerText());
    assert.ok(seen.length >= 2, `the curve was seen growing (${seen.join(', ')})`);
    assert.ok(captions.size >= 2, 'the caption changed with the epochs');
    const final = await figure.locator('figcaption').innerText();
    assert.match(final, /^Epoch \d+ of 8: loss \d+\.\d{4}, validation macro F1 \d\.\d{3} \(best \d\.\d{3}\)\.$/);
    assert.equal(await figure.locator('.u-over').count(), 1, 'a uPlot chart');

    const matrix = panel.getByRole('table', { name: 'Confusion matrix' });
    await matrix.waitFor();
    assert.equal(await matrix.locator('tbody tr').count(), K);
    assert.equal(await matrix.locator('tbody td').count(), K * K);
    assert.deepEqual(await matrix.locator('thead th').allInnerTexts(), CLASSES.map((c) => c.name));
    // Each row's shares sum to 1 (or the row is empty), and a cell's colour follows its share.
    for (let r = 0; r < K; r++) {
      const shares = (await matrix.locator('tbody tr').nth(r).locator('td').evaluateAll((tds) => tds.map((t) => Number(t.getAttribute('data-share')))));
      const sum = shares.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-3 || sum === 0, `row ${r} shares ${shares}`);
    }
    const perClass = panel.getByRole('table', { name: 'Per-class metrics' });
    assert.deepEqual(await perClass.locator('thead th').allInnerTexts(), ['Class', 'Precision', 'Recall', 'F1', 'IoU', 'Support']);
    assert.deepEqual(await perClass.locator('tbody th').allInnerTexts(), CLASSES.map((c) => c.name));
    for (const id of ['train-accuracy', 'train-macro-f1', 'train-mean-iou', 'train-kappa']) {
      assert.match(await panel.getByTestId(id).innerText(), /^-?\d\.\d{3}$/, id);
    }
    // The job in the Jobs list reads as a train job, done.
    const jobId = (await panel.getByTestId('train-job').getAttribute('data-job-id'))!;
    firstJobId = jobId;
    const runPanel = await openRunPanel(page);
    const row = jobRow(page, jobId);
    assert.equal(await row.locator('.run-job-task').innerText(), 'train');
    assert.equal(await row.getByTestId('job-status').innerText(), 'done');
    await shot(page, '2-done');
    await runPanel.getByRole('button', { name: 'Close run panel' }).click();
  });

  test('Save head: into the models folder and listed by engine.status; the same name again is refused; Apply equals the CLI', async () => {
    const { page } = session.browser;
    const panel = await openTrainPanel(page);
    const name = panel.getByRole('textbox', { name: 'Name', exact: true });
    assert.equal(await name.inputValue(), 'bercy-head');
    await panel.getByRole('textbox', { name: 'Title', exact: true }).fill('North vs south of bercy');
    await panel.getByRole('textbox', { name: 'Description', exact: true }).fill('A test head (e2e).');
    await panel.getByRole('button', { name: 'Save head' }).click();
    const savedHint = panel.getByTestId('train-saved-path');
    await savedHint.waitFor();
    const saved = (await savedHint.getAttribute('data-path'))!;
    assert.equal(saved, join(tmp, 'models', 'bercy-head'));
    assert.ok(existsSync(join(saved, 'head.onnx')) && existsSync(join(saved, 'manifest.json')));
    const status = await value<EngineStatus>('engine.status', {});
    const listed = status.models.find((m) => m.dir === saved);
    assert.equal(listed?.kind, 'head');
    assert.equal(listed?.title, 'North vs south of bercy');
    // The Run panel lists it too (engine.status asked again after the save).
    const runPanel = await openRunPanel(page);
    await runPanel.getByRole('combobox', { name: 'Task', exact: true }).selectOption('segment');
    const heads = await runPanel.getByRole('combobox', { name: 'Head', exact: true }).evaluate((el) => [...(el as HTMLSelectElement).options].map((o) => o.value));
    assert.ok(heads.includes(saved), heads.join(', '));
    await runPanel.getByRole('button', { name: 'Close run panel' }).click();

    await panel.getByRole('button', { name: 'Save head' }).click();
    const refusal = panel.getByTestId('train-save-error');
    await refusal.waitFor();
    assert.equal(await refusal.getAttribute('role'), 'alert');
    assert.match(await refusal.innerText(), /already exists; choose another name/);

    const out = (await panel.getByTestId('train-apply-out').getAttribute('data-path'))!;
    assert.match(out, /\/bercy-head-imgs_1\.tif$/);
    await panel.getByRole('button', { name: 'Apply', exact: true }).click();
    const layerName = out.split('/').pop()!;
    await layerItem(page, layerName).waitFor({ timeout: 300_000 });
    // It opens drawn by class with its legend, as a Run panel job's output does.
    await layerItem(page, layerName).getByText(CLASSES[0].name).first().waitFor({ timeout: 30_000 });
    await shot(page, '3-applied');

    assertSameAsCliSegment(out, saved, SCENE, join(tmp, 'cli-segment.tif'));
  });

  test('a second training, on another scene, is cancelled from the Jobs list; no console errors', async () => {
    const { page } = session.browser;
    // Pisa's features are not cached yet, so the job is still in its features stage when cancelled.
    const pisaLabels = join(tmp, 'labels', 'pisa.labels.geojson');
    await value('labels.save', { path: pisaLabels, set: labelSet(PISA) });
    const panel = await openTrainPanel(page);
    await panel.getByRole('textbox', { name: 'Labels file', exact: true }).fill(pisaLabels);
    await panel.getByRole('button', { name: 'Load labels' }).click();
    await panel.getByTestId('train-labels-path').filter({ hasText: 'pisa.labels.geojson' }).waitFor();
    await panel.getByRole('button', { name: 'Train', exact: true }).click();
    await page.waitForFunction((old) => {
      const el = document.querySelector('[data-testid="train-job"]');
      return el?.getAttribute('data-job-id') !== old && el?.getAttribute('data-status') === 'running';
    }, firstJobId, { timeout: 60_000, polling: 20 });
    const jobId = (await panel.getByTestId('train-job').getAttribute('data-job-id'))!;
    assert.ok(await panel.getByRole('button', { name: 'Cancel training' }).isVisible());
    assert.equal(await panel.getByRole('table', { name: 'Confusion matrix' }).count(), 0, 'the last training\'s result is not shown for this one');
    const runPanel = await openRunPanel(page);
    const row = jobRow(page, jobId);
    await page.waitForFunction((id) => /^running \(features\)$/.test(document.querySelector(`[data-testid="job-row"][data-job-id="${id}"] [data-testid="job-status"]`)?.textContent ?? ''),
      jobId, { timeout: 30_000, polling: 20 });
    assert.match(await row.locator('.run-job-out').innerText(), /^north \/ south, 8 epochs$/);
    await shot(page, '4-running-in-jobs');
    await row.getByRole('button', { name: 'Cancel train job' }).click();
    assert.equal(await waitJobStatus(page, jobId, ['done', 'failed', 'cancelled'], 60_000), 'cancelled');
    assert.equal(await waitTrainStatus(page, ['cancelled'], 10_000), 'cancelled');
    assert.equal(await panel.getByRole('button', { name: 'Cancel training' }).count(), 0);
    assert.equal(await panel.getByRole('button', { name: 'Save head' }).count(), 0, 'nothing to save from a cancelled training');
    await runPanel.getByRole('button', { name: 'Close run panel' }).click();
    assert.deepEqual(session.browser.errors, []);
  });
});

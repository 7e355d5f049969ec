/**
 * `train.start` over the real host's WebSocket, as the UI will call it: the training runs in
 * a worker thread, progress arrives as "features" (tiles) then "training" (epochs) events,
 * the reply carries the validation metrics and names the head folder, a cancelled call ends
 * with E_CANCELLED and writes nothing, and a request without the head folder is refused by
 * the contract before anything runs. Real data: the top half of the Sen1Floods11 chip.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineStatus, TrainReply } from '../../main/api.ts';
import { readHeadFolder } from '../../main/heads/index.ts';
import { dataPath, gdalTranslate, REPO_ROOT } from '../helpers/gdal.ts';
import { startTestHost, WsTestClient, type TestHost } from './host-test-client.ts';

const CHIP = dataPath('s1s2/sen1floods11/sample');
let tmp = '';
let host: TestHost;
let client: WsTestClient;
const request = (out: string, extra: Record<string, unknown> = {}) => ({
  task: 'segment',
  model: join(REPO_ROOT, 'models/skysense-tiny'),
  inputs: [join(tmp, 'top.tif')],
  labels: join(tmp, 'top-label.tif'),
  classes: ['not water', 'water'],
  labelValues: { '0': 'not water', '1': 'water' },
  out,
  ...extra,
});

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-host-train-'));
  gdalTranslate(['-srcwin', '0', '0', '512', '256', join(CHIP, 'S1/Spain_7370579_S1Hand.tif'), join(tmp, 'top.tif')]);
  gdalTranslate(['-srcwin', '0', '0', '512', '256', join(CHIP, 'Labels/Spain_7370579_LabelHand.tif'), join(tmp, 'top-label.tif')]);
  process.env.SKYSENSE_MODELS_DIR = join(tmp, 'models');
  host = await startTestHost();
  client = await WsTestClient.connect(host.wsUrl);
});
after(async () => {
  delete process.env.SKYSENSE_MODELS_DIR;
  client.close();
  await host.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('train.start: progress by stage, metrics in the reply, a head folder engine.status lists', async () => {
  const { callId, reply } = client.start('train.start', request(join(tmp, 'models', 'water'), { epochs: 30 }));
  const r = await reply;
  assert.ok(r.ok, r.ok ? '' : `${r.error.code} ${r.error.message}`);
  const v = r.value as TrainReply;
  const mine = client.progress.filter((p) => p.callId === callId);
  const stages = [...new Set(mine.map((p) => p.stage))];
  assert.deepEqual(stages, ['features', 'training']);
  const epochs = mine.filter((p) => p.stage === 'training');
  // The dispatcher sends at most ~10 progress events a second: epochs arrive in order, some skipped.
  assert.ok(epochs.length >= 1);
  assert.ok(epochs.every((p, i) => i === 0 || p.done > epochs[i - 1].done), 'epochs in order');
  assert.ok(epochs[epochs.length - 1].done <= v.epochs.run && epochs[0].total === 30);
  assert.match(epochs[0].message ?? '', /validation macro F1 \d\.\d{3}/);
  assert.ok(v.validation.perClass.water.f1 > 0.5, JSON.stringify(v.validation.perClass));
  assert.equal(v.head, join(tmp, 'models', 'water'));
  const h = await readHeadFolder(v.head);
  assert.ok(Math.abs((h.manifest.training.metrics?.macroF1 ?? 0) - v.validation.macroF1) < 1e-12);
  const status = await client.value<EngineStatus>('engine.status', {});
  const listed = status.models.find((m) => m.dir === v.head);
  assert.ok(listed, `engine.status does not list ${v.head}: ${status.models.map((m) => m.dir).join(', ')}`);
  assert.equal(listed.kind, 'head');
  assert.deepEqual(listed.problems, []);
});

test('cancelling train.start ends it with E_CANCELLED and writes nothing', async () => {
  const out = join(tmp, 'cancelled');
  const { callId, reply } = client.start('train.start', request(out, { epochs: 5000, headType: 'mlp', hidden: 64 }));
  const t0 = Date.now();
  while (!client.progress.some((p) => p.callId === callId && p.stage === 'training')) {
    assert.ok(Date.now() - t0 < 60_000, 'no training progress within a minute');
    await new Promise((r) => setTimeout(r, 20));
  }
  client.cancel(callId);
  const r = await reply;
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.code, 'E_CANCELLED');
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(tmp).filter((f) => f.includes('.part-')), []);
});

test('the contract refuses a request without the head folder before anything runs', async () => {
  const bad: Record<string, unknown> = request('x');
  delete bad.out;
  const r = await client.call('train.start', bad);
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.error.code, 'E_BAD_REQUEST');
    assert.match(r.error.message, /out/);
  }
});

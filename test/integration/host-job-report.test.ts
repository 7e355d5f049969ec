/**
 * What the Run panel reads besides jobs, over the real host: `layer.acquisition` gives an
 * open raster's date and modality as `skysense run` resolves them for a series (the date in
 * GDAL's metadata, as gdalinfo lists it; in a Sentinel-1 product name; none in an OSCD
 * band folder), and `job.report` gives a finished job's report exactly as written, while a
 * job without one is refused by name.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobInfo, Layer, ReplyOf } from '../../main/api.ts';
import { dataPath, gdalinfo, REPO_ROOT } from '../helpers/gdal.ts';
import { startTestHost, WsTestClient, type TestHost } from './host-test-client.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const EOLEARN_S2 = dataPath('more/eolearn_testeopatch_slovenia/S2L1C_20150711T100008.tif');
const SSL_S1 = dataPath('s1s2/ssl4eo-s12/s1/0000200/S1A_IW_GRDH_1SDV_20200607T010800_20200607T010825_032904_03CFBA_D457');
const BERCY = dataPath('oscd/bercy/imgs_1');
let tmp = '';
let host: TestHost;
let client: WsTestClient;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-job-report-'));
  host = await startTestHost();
  client = await WsTestClient.connect(host.wsUrl);
});
after(async () => {
  client?.close();
  await host?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const acquisition = async (path: string) => {
  const layer = await client.value<Layer>('layer.open', { paths: [path] });
  return client.value<ReplyOf<'layer.acquisition'>>('layer.acquisition', { id: layer.id });
};

test('layer.acquisition: the metadata date gdalinfo lists, an S1 product name\'s date, none in an OSCD folder; the modality', async () => {
  const meta = await acquisition(EOLEARN_S2);
  const stated = String(gdalinfo(EOLEARN_S2).metadata[''].ACQUISITION_DATETIME_UTC).slice(0, 10);
  assert.equal(meta.date, stated);
  assert.equal(meta.source, 'metadata');
  assert.match(meta.detail, /ACQUISITION_DATETIME_UTC/);

  const s1 = await acquisition(SSL_S1);
  assert.deepEqual([s1.date, s1.source, s1.modality], ['2020-06-07', 'name', 's1']);

  const oscd = await acquisition(BERCY);
  assert.deepEqual([oscd.date, oscd.source, oscd.modality], [null, null, 's2']);
});

test('job.report: a done job\'s report as written; a cancelled or unknown job is refused by name', async () => {
  const out = join(tmp, 'cluster.tif');
  const job = await client.value<JobInfo>('job.start', { task: 'cluster', model: MODEL, inputs: { input: [BERCY] }, options: { k: 3 }, out });
  const t0 = Date.now();
  while (!['done', 'failed', 'cancelled'].includes(client.jobEvents.filter((j) => j.id === job.id).at(-1)?.status ?? '')) {
    assert.ok(Date.now() - t0 < 120_000, 'the job did not end in 120 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  const reply = await client.value<ReplyOf<'job.report'>>('job.report', { id: job.id });
  assert.equal(reply.path, `${out}.report.json`);
  assert.deepEqual(reply.report, JSON.parse(readFileSync(`${out}.report.json`, 'utf8')));

  const queued = await client.value<JobInfo>('job.start', { task: 'cluster', model: MODEL, inputs: { input: [BERCY] }, options: { k: 3 }, out: join(tmp, 'never.tif') });
  await client.value<JobInfo>('job.cancel', { id: queued.id });
  const refused = await client.call('job.report', { id: queued.id });
  assert.equal(refused.ok, false);
  if (!refused.ok) assert.match(refused.error.message, new RegExp(`job "${queued.id}" is cancelled: it has no report`));
  const unknown = await client.call('job.report', { id: 'nope' });
  assert.equal(unknown.ok, false);
  if (!unknown.ok) assert.deepEqual([unknown.error.code, unknown.error.message], ['E_NOT_FOUND', 'no job "nope"']);
});

/**
 * Engine jobs over the real host's WebSocket, as the Run panel will use them: `job.start`
 * replies with the job at once, the job runs in its own worker thread with real ONNX Runtime,
 * `job` events carry status, progress and provider, a second job waits for the first, the
 * outputs equal what `skysense run` writes for the same inputs pixel for pixel, a cancelled
 * job leaves no file, and the serving thread answers a pixel probe in under 200 ms while a
 * job runs. Real data: OSCD bercy and pisa (two dates), the shipped SkySense-Tiny and its
 * stock oscd-change head.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobInfo, Layer, PixelReply } from '../../main/api.ts';
import { dataPath, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';
import { startTestHost, WsTestClient, type TestHost } from './host-test-client.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const CHANGE_HEAD = join(MODEL, 'heads/oscd-change');
const BERCY = [dataPath('oscd/bercy/imgs_1'), dataPath('oscd/bercy/imgs_2')];
const PISA = [dataPath('oscd/pisa/imgs_1'), dataPath('oscd/pisa/imgs_2')];
let tmp = '';
let host: TestHost;
let client: WsTestClient;

const clusterRequest = (input: string, out: string) => ({ task: 'cluster', model: MODEL, inputs: { input: [input] }, options: { k: 5 }, out });
const changeRequest = (pair: string[], out: string) => ({ task: 'change', head: CHANGE_HEAD, inputs: { before: [pair[0]], after: [pair[1]] }, out });

/** The latest event of a job, or undefined before its first. */
const latest = (id: string): JobInfo | undefined => client.jobEvents.filter((j) => j.id === id).at(-1);

async function until(what: string, ok: () => boolean, ms = 120_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    assert.ok(Date.now() - t0 < ms, `${what}: not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ended = (id: string) => ['done', 'failed', 'cancelled'].includes(latest(id)?.status ?? '');

async function startJob(request: unknown): Promise<JobInfo> {
  return client.value<JobInfo>('job.start', request);
}

/** Every band of both rasters read by GDAL, equal value for value. */
function assertSamePixels(a: string, b: string): void {
  const pa = gdalWindow(a);
  const pb = gdalWindow(b);
  assert.equal(pa.length, pb.length, `${a} vs ${b}: band count`);
  for (let band = 0; band < pa.length; band++) {
    assert.equal(pa[band].length, pb[band].length);
    const diff = pa[band].findIndex((v, i) => !(v === pb[band][i] || (Number.isNaN(v) && Number.isNaN(pb[band][i]))));
    assert.equal(diff, -1, `${a} vs ${b}: band ${band + 1} differs at pixel ${diff}: ${pa[band][diff]} vs ${pb[band][diff]}`);
  }
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-host-jobs-'));
  // The CLI's outputs first: spawnSync holds this process, so no job may be running meanwhile.
  for (const args of [
    ['--task', 'cluster', '--model', MODEL, '--k', '5', '--input', BERCY[0], '--out', join(tmp, 'cli-cluster.tif')],
    ['--task', 'change', '--head', CHANGE_HEAD, '--input', BERCY[0], '--input', BERCY[1], '--out', join(tmp, 'cli-change.tif')],
  ]) {
    const r = skysense('run', ...args);
    assert.equal(r.code, 0, r.stderr);
  }
  host = await startTestHost();
  client = await WsTestClient.connect(host.wsUrl);
});
after(async () => {
  client.close();
  await host.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('cluster and change jobs: replied at once, queued one after the other, progress events, the CLI\'s pixels', async () => {
  const t0 = performance.now();
  const cluster = await startJob(clusterRequest(BERCY[0], join(tmp, 'job-cluster.tif')));
  const replyMs = performance.now() - t0;
  const change = await startJob(changeRequest(BERCY, join(tmp, 'job-change.tif')));
  assert.ok(replyMs < 1000, `job.start replied after ${replyMs.toFixed(0)} ms`);
  assert.equal(cluster.status, 'running');
  assert.equal(change.status, 'queued', 'a second job waits while one runs');
  const listed = await client.value<{ jobs: JobInfo[] }>('job.list', {});
  assert.deepEqual(listed.jobs.map((j) => [j.id, j.task, j.status]), [[cluster.id, 'cluster', 'running'], [change.id, 'change', 'queued']]);

  await until('both jobs end', () => ended(cluster.id) && ended(change.id));
  const done = await client.value<{ jobs: JobInfo[] }>('job.list', {});
  for (const j of done.jobs) assert.equal(j.status, 'done', `${j.task}: ${j.error?.message}`);
  const [c, h] = done.jobs;
  assert.ok(h.startedAt! >= c.endedAt!, 'the change job started only after the cluster job ended');

  for (const job of [c, h]) {
    const events = client.jobEvents.filter((j) => j.id === job.id);
    const running = events.filter((j) => j.status === 'running' && j.progress);
    assert.ok(running.length >= 2, `${job.task}: ${running.length} progress events`);
    assert.ok(running.every((j) => j.progress!.total > 0 && j.progress!.done <= j.progress!.total));
    assert.ok(running.some((j) => j.progress!.etaS !== null), `${job.task}: no ETA in any progress event`);
    assert.ok(running.every((j) => j.provider === 'cpu'), `${job.task}: the provider is known from the first progress event`);
    assert.equal(job.provider, 'cpu');
    assert.deepEqual(events.map((j) => j.status).filter((s, i, all) => s !== all[i - 1]), ['queued', 'running', 'done']);
    assert.equal(job.report, `${job.out}.report.json`);
    const report = JSON.parse(readFileSync(job.report!, 'utf8')) as { outputs: { path: string }[] };
    assert.deepEqual(job.outputs, report.outputs.map((o) => o.path));
  }
  assertSamePixels(c.outputs[0], join(tmp, 'cli-cluster.tif'));
  const cli = JSON.parse(readFileSync(join(tmp, 'cli-change.tif.report.json'), 'utf8')) as { outputs: { path: string }[] };
  assert.equal(h.outputs.length, cli.outputs.length);
  assert.ok(h.outputs.length >= 2, `change wrote ${h.outputs.join(', ')}`);
  h.outputs.forEach((p, i) => assertSamePixels(p, cli.outputs[i].path));
});

test('job.cancel: a running job stops and leaves no file, a queued one is cancelled at once', async () => {
  const out = join(tmp, 'cancelled.tif');
  const running = await startJob(changeRequest(PISA, out));
  const queued = await startJob(clusterRequest(PISA[0], join(tmp, 'never.tif')));
  assert.equal(queued.status, 'queued');
  const q = await client.value<JobInfo>('job.cancel', { id: queued.id });
  assert.equal(q.status, 'cancelled');
  assert.equal(q.startedAt, null);

  await until('the running job reports tiles', () => (latest(running.id)?.progress?.done ?? 0) > 0);
  assert.equal(latest(running.id)?.status, 'running');
  const r = await client.value<JobInfo>('job.cancel', { id: running.id });
  assert.equal(r.status, 'cancelled');
  assert.ok(r.progress!.done < r.progress!.total, 'cancelled before the last tile');
  assert.equal(existsSync(out), false);
  assert.equal(existsSync(`${out}.report.json`), false);
  assert.equal(existsSync(join(tmp, 'never.tif')), false);
  assert.deepEqual(readdirSync(tmp).filter((f) => f.includes('.part') || f.startsWith('cancelled')), []);
  const list = await client.value<{ jobs: JobInfo[] }>('job.list', {});
  assert.deepEqual(list.jobs.filter((j) => j.id === running.id || j.id === queued.id).map((j) => j.status), ['cancelled', 'cancelled']);
});

test('a job that fails is listed as failed with the error skysense run prints', async () => {
  const head = join(MODEL, 'heads/s1-water'); // a Sentinel-1 head on Sentinel-2 bands
  const job = await startJob({ task: 'segment', head, inputs: { input: [BERCY[0]] }, out: join(tmp, 'wrong-modality.tif') });
  await until('the job ends', () => ended(job.id));
  const j = latest(job.id)!;
  assert.equal(j.status, 'failed');
  assert.ok(j.error && j.error.code !== 'E_INTERNAL', JSON.stringify(j.error));
  const cli = skysense('run', '--task', 'segment', '--head', head, '--input', BERCY[0], '--out', join(tmp, 'cli-wrong.tif'));
  assert.equal(cli.code, 1);
  assert.equal(`skysense: ${j.error!.message}`, cli.stderr.trim());
  assert.match(j.error!.message, /head "s1-water" reads Sentinel-1/);
  assert.equal(existsSync(join(tmp, 'wrong-modality.tif')), false);
});

test('layer.pixel answers in under 200 ms while a job runs', async () => {
  const layer = await client.value<Layer>('layer.open', { paths: [dataPath('samples/L7_ETMs.tif')] });
  const [x0, y0, x1, y1] = layer.extent3857!;
  const probe = async (i: number) => {
    const t = performance.now();
    const r = await client.value<PixelReply>('layer.pixel', { id: layer.id, coordinate: [x0 + ((i % 7) + 0.5) * (x1 - x0) / 7, y0 + ((i % 5) + 0.5) * (y1 - y0) / 5] });
    assert.equal(r.inside, true);
    return performance.now() - t;
  };
  const idle: number[] = [];
  for (let i = 0; i < 20; i++) idle.push(await probe(i));
  const job = await startJob(clusterRequest(PISA[0], join(tmp, 'busy.tif')));
  await until('the job reports tiles', () => (latest(job.id)?.progress?.done ?? 0) > 0);
  const busy: number[] = [];
  for (let i = 0; i < 40 && latest(job.id)?.status === 'running'; i++) {
    busy.push(await probe(i));
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(latest(job.id)?.status, 'running', 'the job was still running after the probes');
  assert.ok(busy.length >= 20, `${busy.length} probes while running`);
  const max = Math.max(...busy);
  process.stdout.write(`# layer.pixel idle max ${Math.max(...idle).toFixed(1)} ms, during a job max ${max.toFixed(1)} ms (${busy.length} probes)\n`);
  assert.ok(max < 200, `layer.pixel took ${max.toFixed(0)} ms while a job ran`);
  await client.value<JobInfo>('job.cancel', { id: job.id });
});

test('bad requests are refused naming the key, before anything is queued', async () => {
  const cases: [string, unknown, string, RegExp][] = [
    ['no out', { task: 'cluster', model: MODEL, inputs: { input: [BERCY[0]] }, options: { k: 3 } }, 'E_BAD_REQUEST', /job\.start: out: /],
    ['cluster without k', { task: 'cluster', model: MODEL, inputs: { input: [BERCY[0]] }, out: join(tmp, 'x.tif') }, 'E_BAD_REQUEST', /options\.k: cluster needs k/],
    ['change with one date', { task: 'change', head: CHANGE_HEAD, inputs: { before: [BERCY[0]] }, out: join(tmp, 'x.tif') }, 'E_BAD_REQUEST', /job\.start: inputs: change needs inputs\.before and inputs\.after/],
    ['an option of another task', { task: 'embed', model: MODEL, inputs: { input: [BERCY[0]] }, options: { k: 3 }, out: join(tmp, 'x.tif') }, 'E_BAD_REQUEST', /options\.k: k does not apply to embed/],
    ['an unknown option', { task: 'embed', model: MODEL, inputs: { input: [BERCY[0]] }, options: { colour: 'red' }, out: join(tmp, 'x.tif') }, 'E_BAD_REQUEST', /options: .*colour/],
    ['a threshold above 1', { task: 'change', head: CHANGE_HEAD, inputs: { before: [BERCY[0]], after: [BERCY[1]] }, options: { threshold: 2 }, out: join(tmp, 'x.tif') }, 'E_BAD_REQUEST', /options\.threshold: /],
    ['a missing input', { task: 'change', head: CHANGE_HEAD, inputs: { before: [BERCY[0]], after: [join(tmp, 'nope')] }, out: join(tmp, 'x.tif') }, 'E_NOT_FOUND', /inputs\.after\.0: .*nope: no such file/],
    ['no folder for the output', { task: 'embed', model: MODEL, inputs: { input: [BERCY[0]] }, out: join(tmp, 'no-dir', 'x.tif') }, 'E_NOT_FOUND', /out: .*no-dir: no such folder/],
  ];
  for (const [what, args, code, message] of cases) {
    const r = await client.call('job.start', args);
    assert.equal(r.ok, false, what);
    if (!r.ok) {
      assert.equal(r.error.code, code, `${what}: ${r.error.message}`);
      assert.match(r.error.message, message, what);
    }
  }
  const unknown = await client.call('job.cancel', { id: 'nosuchjob' });
  assert.ok(!unknown.ok && unknown.error.code === 'E_NOT_FOUND' && /nosuchjob/.test(unknown.error.message));
  const listed = await client.value<{ jobs: JobInfo[] }>('job.list', {});
  assert.equal(listed.jobs.filter((j) => j.out.endsWith('x.tif')).length, 0, 'nothing was queued');
});

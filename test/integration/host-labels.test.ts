/**
 * The labels and training commands of the window over the real host's WebSocket: labels
 * saved as GeoJSON that GDAL reads in the raster's CRS, their pixel counts against
 * gdal_rasterize, load and GeoPackage export / import round trips, refusals that name what
 * to draw, and a train job whose curve grows per epoch, whose head head.save keeps in the
 * user's models folder, and which `skysense run --head` then runs. Real data: the
 * Sen1Floods11 chip (S1), labelled with squares where its hand label is all water or all land;
 * and labels on a series (the eo-learn Slovenia patch's five S2 dates, squares where its land
 * cover is all forest or all grassland) train a fused head that runs on the series.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineStatus, JobInfo, LabelSet, LabelStatsReply, RasterInfo } from '../../main/api.ts';
import { dataPath, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { startTestHost, WsTestClient, type TestHost } from './host-test-client.ts';

const CHIP = dataPath('s1s2/sen1floods11/sample');
const S1 = join(CHIP, 'S1/Spain_7370579_S1Hand.tif');
const HAND = join(CHIP, 'Labels/Spain_7370579_LabelHand.tif');
const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const SIDE = 12;

let tmp = '';
let host: TestHost;
let client: WsTestClient;
let info: RasterInfo;
let set: LabelSet;

type XY = [number, number];
const world = (c: number, r: number): XY => {
  const g = info.geoTransform;
  return [g[0] + c * g[1] + r * g[2], g[3] + c * g[4] + r * g[5]];
};
const square = (c: number, r: number, side: number): XY[] => [world(c, r), world(c + side, r), world(c + side, r + side), world(c, r + side), world(c, r)];

/** Windows where the hand label is one class throughout, at least 32 px apart (spread over the chip). */
function uniformWindows(label: number[], width: number, value: number, want: number): [number, number][] {
  const out: [number, number][] = [];
  for (let r = 0; r + SIDE <= width && out.length < want; r += 8) {
    for (let c = 0; c + SIDE <= width && out.length < want; c += 8) {
      if (out.some(([oc, or]) => Math.abs(oc - c) < 32 && Math.abs(or - r) < 32)) continue;
      let all = true;
      for (let y = r; y < r + SIDE && all; y++) for (let x = c; x < c + SIDE && all; x++) all = label[y * width + x] === value;
      if (all) out.push([c, r]);
    }
  }
  return out;
}

function waitJob(id: string, until: (j: JobInfo) => boolean, ms = 240_000): Promise<JobInfo> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      const j = [...client.jobEvents].reverse().find((e) => e.id === id);
      if (j && until(j)) return resolve(j);
      if (Date.now() - t0 > ms) return reject(new Error(`job ${id}: ${JSON.stringify(j)}`));
      setTimeout(tick, 25);
    };
    tick();
  });
}

/** Pixels gdal_rasterize burns for one class of a labels file, on the raster's grid. */
function rasterizedPixels(file: string, cls: string): number {
  const out = join(tmp, `burn-${cls.replace(/\W/g, '_')}.tif`);
  const g = info.geoTransform;
  execFileSync('gdal_rasterize', ['-q', '-where', `class='${cls}'`, '-burn', '1', '-init', '0', '-ot', 'Byte',
    '-te', String(g[0]), String(g[3] + info.height * g[5]), String(g[0] + info.width * g[1]), String(g[3]),
    '-ts', String(info.width), String(info.height), file, out]);
  return gdalWindow(out)[0].reduce((a, v) => a + v, 0);
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-host-labels-'));
  process.env.SKYSENSE_MODELS_DIR = join(tmp, 'models');
  host = await startTestHost();
  client = await WsTestClient.connect(host.wsUrl);
  info = await client.value<RasterInfo>('raster.info', { paths: [S1] });
  const hand = gdalWindow(HAND)[0];
  const water = uniformWindows(hand, info.width, 1, 5);
  const land = uniformWindows(hand, info.width, 0, 5);
  assert.ok(water.length >= 4 && land.length >= 4, `uniform windows: ${water.length} water, ${land.length} land`);
  const features: LabelSet['features'] = [
    ...water.map(([c, r], i) => ({ id: `w${i}`, class: 'water', shape: 'box' as const, coordinates: square(c, r, SIDE) })),
    ...land.map(([c, r], i) => ({ id: `l${i}`, class: 'land', shape: 'polygon' as const, coordinates: square(c, r, SIDE) })),
    // Overlaps the first water box: counted once.
    { id: 'w-over', class: 'water', shape: 'polygon', coordinates: square(water[0][0] + 8, water[0][1] + 8, SIDE) },
    { id: 'l-point', class: 'land', shape: 'point', coordinates: [world(land[1][0] + 3.5, land[1][1] + SIDE + 5.5)] },
  ];
  set = { target: { kind: 'raster', paths: [S1] }, classes: [{ name: 'water', color: '#1f78b4' }, { name: 'land', color: '#33a02c' }], features };
});
after(async () => {
  delete process.env.SKYSENSE_MODELS_DIR;
  client.close();
  await host.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('labels.save writes GeoJSON that ogrinfo reads in the raster CRS; labels.stats pixels = gdal_rasterize; labels.load gives the set back', async () => {
  const file = join(tmp, 'labels', 'chip.labels.geojson');
  const saved = await client.value<{ path: string; features: number; bytes: number; stats: LabelStatsReply }>('labels.save', { path: file, set });
  assert.equal(saved.path, file);
  assert.equal(saved.features, set.features.length);
  assert.ok(!readFileSync(file, 'utf8').includes('.tmp'), 'whole file');
  const ogr = execFileSync('ogrinfo', ['-ro', '-al', '-so', file], { encoding: 'utf8' });
  assert.match(ogr, new RegExp(`Feature Count: ${set.features.length}\\b`));
  assert.match(ogr, /class: String/);
  assert.match(ogr, /WGS 84/);
  const stats = await client.value<LabelStatsReply>('labels.stats', { set });
  assert.deepEqual(saved.stats, stats, 'labels.save counts what it wrote as labels.stats does');
  for (const cls of ['water', 'land']) {
    const mine = stats.classes.find((c) => c.name === cls)!;
    assert.equal(mine.pixels, rasterizedPixels(file, cls), `${cls}: labels.stats vs gdal_rasterize`);
    assert.equal(mine.features, set.features.filter((f) => f.class === cls).length);
    assert.equal(mine.areaM2, null, 'a geographic raster has no planar ground unit');
  }
  assert.deepEqual(stats.problems, []);
  assert.equal(stats.outside, 0);
  const loaded = await client.value<{ path: string; set: LabelSet }>('labels.load', { path: file });
  assert.deepEqual(loaded.set, set);
});

test('labels.stats and job.train name what is missing: one class, a label off the raster', async () => {
  const one: LabelSet = { ...set, features: set.features.filter((f) => f.class === 'water') };
  const s1 = await client.value<LabelStatsReply>('labels.stats', { set: one });
  assert.ok(s1.problems.some((p) => /Only "water" has labels/.test(p)), s1.problems.join(' | '));
  const off: LabelSet = { ...set, features: [...set.features, { id: 'far', class: 'land', shape: 'polygon', coordinates: square(info.width + 50, 10, 10) }] };
  const s2 = await client.value<LabelStatsReply>('labels.stats', { set: off });
  assert.equal(s2.outside, 1);
  assert.ok(s2.problems.some((p) => p.includes('outside') && p.includes(S1)), s2.problems.join(' | '));
  const file = join(tmp, 'one-class.labels.geojson');
  await client.value('labels.save', { path: file, set: one });
  const r = await client.call('job.train', { labels: file, model: MODEL });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'E_BAD_REQUEST');
  assert.match(r.error.message, /one-class\.labels\.geojson: .*at least one more class/);
  const missing = await client.call('labels.load', { path: join(tmp, 'nope.geojson') });
  assert.ok(!missing.ok && missing.error.code === 'E_NOT_FOUND' && missing.error.message.includes('nope.geojson'));
  const plain = join(tmp, 'plain.geojson');
  writeFileSync(plain, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { class: 'water' }, geometry: { type: 'Point', coordinates: world(10, 10) } }] }));
  const notOurs = await client.call('labels.load', { path: plain });
  assert.ok(!notOurs.ok && /Import labels/.test(notOurs.error.message), JSON.stringify(notOurs));
});

test('labels.export .gpkg: ogrinfo reads polygons and the point with their classes; labels.import reads it back', async () => {
  const gpkg = join(tmp, 'export', 'chip-labels.gpkg');
  execFileSync('mkdir', ['-p', join(tmp, 'export')]);
  const r = await client.value<{ path: string; features: number }>('labels.export', { path: gpkg, set });
  assert.equal(r.features, set.features.length);
  const ogr = execFileSync('ogrinfo', ['-ro', '-al', gpkg], { encoding: 'utf8' });
  assert.match(ogr, new RegExp(`Feature Count: ${set.features.length}\\b`));
  assert.equal((ogr.match(/class \(String\) = water/g) ?? []).length, set.features.filter((f) => f.class === 'water').length);
  assert.equal((ogr.match(/POINT \(/g) ?? []).length, 1);
  assert.equal((ogr.match(/POLYGON \(\(/g) ?? []).length, set.features.length - 1);
  const back = await client.value<{ set: LabelSet; note: string | null }>('labels.import', { path: gpkg, target: set.target });
  assert.deepEqual(back.set.classes.map((c) => c.name), ['water', 'land']);
  assert.equal(back.set.features.length, set.features.length);
  const first = back.set.features[0];
  assert.equal(first.shape, 'box');
  first.coordinates.forEach((p, i) => {
    assert.ok(Math.abs(p[0] - set.features[0].coordinates[i][0]) < 1e-9 && Math.abs(p[1] - set.features[0].coordinates[i][1]) < 1e-9, `vertex ${i}`);
  });
  assert.match(back.note ?? '', /classes from "class"/);
});

test('job.train: one job whose curve grows per epoch; head.save keeps the head; skysense run --head runs it', async () => {
  const file = join(tmp, 'train', 'chip.labels.geojson');
  await client.value('labels.save', { path: file, set });
  const queued = await client.value<JobInfo>('job.train', { labels: file, model: MODEL, epochs: 12, headType: 'linear', seed: 3 });
  assert.equal(queued.task, 'train');
  assert.deepEqual(queued.training?.classes, ['water', 'land']);
  const done = await waitJob(queued.id, (j) => j.status !== 'queued' && j.status !== 'running');
  assert.equal(done.status, 'done', JSON.stringify(done.error));
  const mine = client.jobEvents.filter((e) => e.id === queued.id);
  const lengths = mine.map((e) => e.training?.curve.length ?? 0);
  assert.ok(lengths.every((n, i) => i === 0 || n >= lengths[i - 1]), 'the curve only grows');
  assert.ok(new Set(lengths).size >= 3, `curve lengths seen: ${[...new Set(lengths)].join(', ')}`);
  assert.deepEqual([...new Set(mine.map((e) => e.progress?.stage).filter(Boolean))], ['features', 'training']);
  const t = done.training!;
  assert.ok(t.curve.length >= 1 && t.curve.length <= 12);
  assert.deepEqual(t.curve.map((p) => p.epoch), t.curve.map((_, i) => i + 1));
  assert.ok(t.validation && t.validation.confusion.length === 2);
  assert.ok(t.validation.perClass.water.f1 > 0.5, JSON.stringify(t.validation.perClass));
  assert.ok(t.head && existsSync(join(t.head, 'head.onnx')));
  assert.deepEqual(done.outputs, []);

  const kept = await client.value<{ path: string }>('head.save', { head: t.head, name: 'chip-water', title: 'Water on the chip', description: 'drawn squares' });
  assert.equal(kept.path, join(tmp, 'models', 'chip-water'));
  const manifest = JSON.parse(readFileSync(join(kept.path, 'manifest.json'), 'utf8'));
  assert.equal(manifest.title, 'Water on the chip');
  assert.equal(manifest.notes, 'drawn squares');
  assert.deepEqual(manifest.classes.map((c: { color: string }) => c.color), ['#1f78b4', '#33a02c']);
  const again = await client.call('head.save', { head: t.head, name: 'chip-water', title: 'x' });
  assert.ok(!again.ok && again.error.message.includes('already exists'));
  const status = await client.value<EngineStatus>('engine.status', {});
  assert.ok(status.models.some((m) => m.dir === kept.path && m.kind === 'head' && m.problems.length === 0));

  // As the Run panel sends it: the head alone; the engine finds the installed encoder it was trained on.
  const viaJob = join(tmp, 'job-out.tif');
  const job = await client.value<JobInfo>('job.start', { task: 'segment', head: kept.path, inputs: { input: [S1] }, out: viaJob });
  const applied = await waitJob(job.id, (j) => j.status === 'done' || j.status === 'failed');
  assert.equal(applied.status, 'done', JSON.stringify(applied.error));
  const viaCli = join(tmp, 'cli-out.tif');
  execFileSync(process.execPath, [join(REPO_ROOT, 'bin/skysense.mjs'), 'run', '--task', 'segment', '--model', MODEL, '--head', kept.path, '--input', S1, '--out', viaCli], { stdio: 'pipe' });
  assert.deepEqual(gdalWindow(viaJob)[0], gdalWindow(viaCli)[0]);
});

test('train.cancel stops a training within an epoch and leaves no head; it cancels trainings only', async () => {
  const file = join(tmp, 'cancel', 'chip.labels.geojson');
  await client.value('labels.save', { path: file, set });
  const queued = await client.value<JobInfo>('job.train', { labels: file, model: MODEL, epochs: 5000, headType: 'mlp' });
  await waitJob(queued.id, (j) => (j.training?.curve.length ?? 0) >= 1);
  const cancelled = await client.value<JobInfo>('train.cancel', { id: queued.id });
  assert.equal(cancelled.status, 'cancelled');
  assert.ok(!existsSync(queued.out), `${queued.out} was written`);
  const notTraining = await client.value<JobInfo>('job.start', { task: 'embed', model: MODEL, inputs: { input: [S1] }, out: join(tmp, 'embed.tif') });
  const refused = await client.call('train.cancel', { id: notTraining.id });
  assert.ok(!refused.ok && /is not a training \(its task is embed\)/.test(refused.error.message), JSON.stringify(refused));
  await client.value('job.cancel', { id: notTraining.id });
});

test('labels on a series (five S2 dates) train a fused head; job.start runs it on the series as the CLI does', async () => {
  const patch = dataPath('more/eolearn_testeopatch_slovenia');
  const dates = readdirSync(patch).filter((f) => f.startsWith('S2L1C_')).sort().map((f) => join(patch, f));
  const first = await client.value<RasterInfo>('raster.info', { paths: [dates[0]] });
  const cover = gdalWindow(join(patch, 'LULC_label.tif'))[0];
  const side = 4;
  const at = (c: number, r: number): XY => [first.geoTransform[0] + c * first.geoTransform[1], first.geoTransform[3] + r * first.geoTransform[5]];
  const sq = (c: number, r: number): XY[] => [at(c, r), at(c + side, r), at(c + side, r + side), at(c, r + side), at(c, r)];
  const windows = (value: number) => {
    const out: [number, number][] = [];
    for (let r = 0; r + side <= first.height && out.length < 6; r += 4) {
      for (let c = 0; c + side <= first.width && out.length < 6; c += 4) {
        if (out.some(([oc, or]) => Math.abs(oc - c) < 16 && Math.abs(or - r) < 16)) continue;
        let all = true;
        for (let y = r; y < r + side && all; y++) for (let x = c; x < c + side && all; x++) all = cover[y * first.width + x] === value;
        if (all) out.push([c, r]);
      }
    }
    return out;
  };
  const features: LabelSet['features'] = [
    ...windows(2).map(([c, r], i) => ({ id: `f${i}`, class: 'forest', shape: 'box' as const, coordinates: sq(c, r) })),
    ...windows(3).map(([c, r], i) => ({ id: `g${i}`, class: 'grassland', shape: 'box' as const, coordinates: sq(c, r) })),
  ];
  const series: LabelSet = { target: { kind: 'series', series: { s2: dates } }, classes: [{ name: 'forest', color: '#1b7837' }, { name: 'grassland', color: '#a6dba0' }], features };
  const file = join(tmp, 'series', 'slovenia.labels.geojson');
  await client.value('labels.save', { path: file, set: series });
  const stats = await client.value<LabelStatsReply>('labels.stats', { set: series });
  assert.deepEqual(stats.problems, [], JSON.stringify(stats));
  const queued = await client.value<JobInfo>('job.train', { labels: file, model: MODEL, epochs: 5, headType: 'linear' });
  const done = await waitJob(queued.id, (j) => j.status !== 'queued' && j.status !== 'running');
  assert.equal(done.status, 'done', JSON.stringify(done.error));
  const kept = await client.value<{ path: string }>('head.save', { head: done.training!.head!, name: 'slovenia-cover', title: 'Forest and grassland' });
  const manifest = JSON.parse(readFileSync(join(kept.path, 'manifest.json'), 'utf8'));
  assert.equal(manifest.encoder.modality, 'fused');
  const viaJob = join(tmp, 'series-job.tif');
  const job = await client.value<JobInfo>('job.start', { task: 'segment', head: kept.path, inputs: { series: { s2: dates } }, out: viaJob });
  const applied = await waitJob(job.id, (j) => j.status === 'done' || j.status === 'failed');
  assert.equal(applied.status, 'done', JSON.stringify(applied.error));
  const viaCli = join(tmp, 'series-cli.tif');
  execFileSync(process.execPath, [join(REPO_ROOT, 'bin/skysense.mjs'), 'run', '--task', 'segment', '--head', kept.path, ...dates.flatMap((d) => ['--input', d]), '--out', viaCli], { stdio: 'pipe' });
  assert.deepEqual(gdalWindow(viaJob)[0], gdalWindow(viaCli)[0]);
});

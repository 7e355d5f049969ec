/**
 * The Train head panel's waits, over the real host's WebSocket in this process, as the window
 * makes them: a labels file written by labels.save (OSCD bercy's first date, a folder of
 * Sentinel-2 band files, 360 x 395 px; two classes, three 24 x 24 px boxes each, corners from
 * gdalinfo's geotransform), then
 *
 *   job.train reply            the request checked (labels read and counted) and queued
 *   job.train -> first point   until the first `job` event with a curve point: worker start,
 *                              features (embed over the scene, or the feature cache), epoch 1
 *   job.train -> done          every epoch, validation, ONNX export of the head
 *   head.save                  the head copied into the models folder (engine.status lists it)
 *
 * The first training extracts the features (cold); the next ones find them in the cache
 * (warm), as a second training on the same scene in the window does. Every figure is printed
 * from this one run, with the ratios between them.
 *
 *   node --import tsx test/bench/train-window.bench.ts     BENCH_RUNS=3 (warm trainings)  BENCH_EPOCHS=30
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineStatus, JobInfo, LabelSet } from '../../main/api.ts';
import { startTestHost, WsTestClient } from '../integration/host-test-client.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const MODEL = join(ROOT, 'models/skysense-tiny');
const SCENE = resolve(ROOT, '../shared/data/oscd/bercy/imgs_1');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 30);
const tmp = mkdtempSync(join(tmpdir(), 'skysense-train-window-bench-'));
process.env.SKYSENSE_MODELS_DIR = join(tmp, 'models'); // head.save writes here, not into the user's own folder
const host = await startTestHost();
const client = await WsTestClient.connect(host.wsUrl);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const latest = (id: string) => client.jobEvents.filter((j) => j.id === id).at(-1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function labelSet(): LabelSet {
  const info = JSON.parse(execFileSync('gdalinfo', ['-json', join(SCENE, 'B02.tif')], { encoding: 'utf8' })) as { geoTransform: number[]; size: number[] };
  const [x0, dx, , y0, , dy] = info.geoTransform;
  const [w, h] = info.size;
  const at = (c: number, r: number): [number, number] => [x0 + c * dx, y0 + r * dy];
  const features: LabelSet['features'] = [];
  for (const [cls, row] of [['north', Math.round(h * 0.1)], ['south', Math.round(h * 0.75)]] as const) {
    for (const col of [0.1, 0.45, 0.8].map((f) => Math.round(w * f))) {
      features.push({ id: `${cls}-${col}`, class: cls, shape: 'box', coordinates: [at(col, row), at(col + 24, row), at(col + 24, row + 24), at(col, row + 24), at(col, row)] });
    }
  }
  return { target: { kind: 'raster', paths: [SCENE] }, classes: [{ name: 'north', color: '#1b9e77' }, { name: 'south', color: '#d95f02' }], features };
}

interface Run {
  reply: number;
  firstPoint: number;
  done: number;
  save: number;
  epochs: number;
}

async function train(n: number, labels: string): Promise<Run> {
  const t0 = performance.now();
  const job = await client.value<JobInfo>('job.train', { labels, model: MODEL, headType: 'mlp', epochs: EPOCHS, valFraction: 0.2, seed: 0 });
  const reply = performance.now() - t0;
  while (!(latest(job.id)?.training?.curve.length)) {
    if (['failed', 'cancelled'].includes(latest(job.id)?.status ?? '')) throw new Error(`job ${job.id}: ${latest(job.id)?.error?.message}`);
    await sleep(1);
  }
  const firstPoint = performance.now() - t0;
  while (latest(job.id)?.status !== 'done') {
    if (['failed', 'cancelled'].includes(latest(job.id)?.status ?? '')) throw new Error(`job ${job.id}: ${latest(job.id)?.error?.message}`);
    await sleep(1);
  }
  const done = performance.now() - t0;
  const end = latest(job.id)!;
  const s0 = performance.now();
  const { path } = await client.value<{ path: string }>('head.save', { head: end.training!.head!, name: `bench-${n}`, title: `bench ${n}` });
  const save = performance.now() - s0;
  const status = await client.value<EngineStatus>('engine.status', {});
  if (!status.models.some((m) => m.dir === path)) throw new Error(`${path} is not listed by engine.status`);
  return { reply, firstPoint, done, save, epochs: end.training!.curve.length };
}

try {
  const labels = join(tmp, 'labels', 'bercy.labels.geojson');
  const l0 = performance.now();
  await client.value('labels.save', { path: labels, set: labelSet() });
  const saveLabels = performance.now() - l0;
  const cold = await train(0, labels);
  const warm: Run[] = [];
  for (let i = 1; i <= RUNS; i++) warm.push(await train(i, labels));
  const w = (k: keyof Run) => median(warm.map((r) => r[k]));
  const ms = (v: number) => `${v.toFixed(0)} ms`;

  console.log(`train in the window: OSCD bercy imgs_1 (360 x 395 px, 13 bands), SkySense-Tiny, mlp head, ${EPOCHS} epochs asked; 1 cold + ${RUNS} warm trainings`);
  console.log(`  labels.save (6 boxes):                 ${ms(saveLabels)}`);
  console.log(`  job.train reply:                       cold ${ms(cold.reply)}, warm median ${ms(w('reply'))}`);
  console.log(`  job.train -> first curve point:        cold ${ms(cold.firstPoint)}, warm ${warm.map((r) => ms(r.firstPoint)).join(', ')} (median ${ms(w('firstPoint'))})`);
  console.log(`  job.train -> done:                     cold ${ms(cold.done)} (${cold.epochs} epochs run), warm median ${ms(w('done'))} (${w('epochs')} epochs run)`);
  console.log(`  head.save:                             cold ${ms(cold.save)}, warm median ${ms(w('save'))}`);
  console.log(`  job.train -> saved head:               cold ${ms(cold.done + cold.save)}, warm median ${ms(w('done') + w('save'))}`);
  console.log(`  first point, cold / warm:              ${(cold.firstPoint / w('firstPoint')).toFixed(1)}x (the feature cache)`);
  console.log(`  first point as a share of the whole:   cold ${(100 * cold.firstPoint / cold.done).toFixed(0)} %, warm ${(100 * w('firstPoint') / w('done')).toFixed(0)} %`);
  console.log(`  per epoch after the first (warm):      ${((w('done') - w('firstPoint')) / Math.max(1, w('epochs') - 1)).toFixed(1)} ms (export included)`);
} finally {
  client.close();
  await host.stop();
  rmSync(tmp, { recursive: true, force: true });
}

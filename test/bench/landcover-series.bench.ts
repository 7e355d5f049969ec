/**
 * Land cover from a Sentinel-2 time series: a head on SkySense's fused series features
 * (`skysense train --fused`) against the same head on the raw band values of the same dates.
 * The eo-learn Slovenia patch (five 13-band L1C dates, a land-cover raster) is cut in two: both
 * heads train on the top half (the trainer's own spatial-block split and balancing for both)
 * and are scored on every labelled pixel of the bottom half, which neither saw. The fused head
 * is scored through `skysense eval` (the engine's segment task on the series); the raw head
 * reads the 5 x 13 values of each pixel, standardised, through the same training loop.
 *
 *   node --import tsx test/bench/landcover-series.bench.ts     BENCH_EPOCHS=100
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRaster, rasterInfo } from '../../main/raster/index.ts';
import { evalHead, trainTaskHead } from '../../main/train/index.ts';
import { labelCells } from '../../main/train/label-raster.ts';
import { splitCells } from '../../main/train/split.ts';
import { evaluate, trainHead, type LabelledSet } from '../../main/train/train-loop.ts';
import { gdalTranslate } from '../helpers/gdal.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const PATCH = resolve(ROOT, '../shared/data/more/eolearn_testeopatch_slovenia');
const MODEL = join(ROOT, 'models/skysense-tiny');
const DATES = readdirSync(PATCH).filter((f) => f.startsWith('S2L1C_')).sort();
const CLASSES = ['forest', 'grassland', 'shrubland', 'artificial surface'];
const VALUES = { '2': 'forest', '3': 'grassland', '4': 'shrubland', '8': 'artificial surface' };
const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 100);
const tmp = mkdtempSync(join(tmpdir(), 'skysense-landcover-bench-'));
const files = (w: string) => DATES.map((f) => join(tmp, w, f));
const label = (w: string) => join(tmp, w, 'LULC_label.tif');

/** Every band of every date, per pixel: n x (dates x bands). */
async function rawFeatures(paths: string[]): Promise<{ x: Float32Array; C: number }> {
  const per: Float32Array[][] = [];
  for (const p of paths) {
    const r = await openRaster([p]);
    try {
      per.push((await r.readWindow({ x: 0, y: 0, width: r.info.width, height: r.info.height })).map((b) => Float32Array.from(b)));
    } finally {
      await r.close();
    }
  }
  const bands = per.flat();
  const n = bands[0].length;
  const x = new Float32Array(n * bands.length);
  for (let i = 0; i < n; i++) for (let c = 0; c < bands.length; c++) x[i * bands.length + c] = bands[c][i];
  return { x, C: bands.length };
}

function subset(x: Float32Array, C: number, cells: ArrayLike<number>, labels: Int16Array): LabelledSet {
  const out = new Float32Array(cells.length * C);
  const y = new Int32Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    out.set(x.subarray(cells[i] * C, cells[i] * C + C), i * C);
    y[i] = labels[cells[i]];
  }
  return { x: out, y, n: cells.length };
}

try {
  for (const [w, y, h] of [['top', '0', '50'], ['bottom', '50', '51']]) {
    mkdirSync(join(tmp, w));
    for (const f of DATES) gdalTranslate(['-q', '-srcwin', '0', y, '100', h, join(PATCH, f), join(tmp, w, f)]);
    gdalTranslate(['-q', '-srcwin', '0', y, '100', h, join(PATCH, 'LULC_label.tif'), label(w)]);
  }
  const top = await labelCells(label('top'), await rasterInfo([files('top')[0]]), 1, CLASSES, VALUES);
  const bottom = await labelCells(label('bottom'), await rasterInfo([files('bottom')[0]]), 1, CLASSES, VALUES);
  const split = splitCells(top, CLASSES, {});
  const rawTop = await rawFeatures(files('top'));
  const rawBottom = await rawFeatures(files('bottom'));
  const heldCells = [...bottom.labels.keys()].filter((i) => bottom.labels[i] >= 0);
  const held = subset(rawBottom.x, rawBottom.C, heldCells, bottom.labels);
  const forest = held.y.filter((v) => v === 0).length / held.n;
  console.log(`eo-learn Slovenia, 5 S2 L1C dates; train: top 100 x 50 px (${split.train.length} train / ${split.val.length} validation cells, balanced), held out: bottom 100 x 51 px (${held.n} labelled px; forest ${(forest * 100).toFixed(0)} %), ${EPOCHS} epochs at most, seed 1`);
  console.log('| head | features | held-out overall accuracy | held-out macro F1 | F1 forest / grassland / shrubland / artificial | training s |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const row = (head: string, feats: string, m: ReturnType<typeof evaluate>, s: number) =>
    console.log(`| ${head} | ${feats} | ${m.overallAccuracy.toFixed(3)} | ${m.macroF1.toFixed(3)} | ${CLASSES.map((c) => m.perClass[c].f1.toFixed(2)).join(' / ')} | ${s.toFixed(1)} |`);
  let featureSeconds = 0;
  for (const headType of ['linear', 'mlp'] as const) {
    const r = await trainTaskHead({ model: MODEL, series: { s2: files('top') }, labels: label('top'), classes: CLASSES, labelValues: VALUES, out: join(tmp, `fused-${headType}`), cacheDir: join(tmp, 'cache'), epochs: EPOCHS, seed: 1, headType });
    if (!r.features.cached) featureSeconds = r.features.seconds;
    const e = await evalHead({ head: r.head, model: MODEL, series: { s2: files('bottom') }, labels: label('bottom'), labelValues: VALUES });
    row(headType, `SkySense-Tiny fused (${r.features.channels})`, e, r.epochs.seconds);
    const t0 = performance.now();
    const raw = await trainHead(subset(rawTop.x, rawTop.C, split.train, top.labels), subset(rawTop.x, rawTop.C, split.val, top.labels), { type: headType, channels: rawTop.C, classes: CLASSES, epochs: EPOCHS, seed: 1 });
    row(headType, `raw bands (${DATES.length} x ${rawTop.C / DATES.length})`, evaluate(raw.weights, held, CLASSES), (performance.now() - t0) / 1000);
  }
  console.log(`fused feature extraction (top half, once, cached after): ${featureSeconds.toFixed(1)} s`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

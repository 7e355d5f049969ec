/**
 * ISPRS segmentation (Potsdam RGB 5 cm, Vaihingen IRRG 9 cm; one 512 px crop each in
 * ../shared/data/hr): a head trained by `skysense train` on the crop's left half, scored by
 * `skysense eval` on the right half it never saw, on the HR encoder's last tap and on all four
 * taps (`--taps all`), beside the majority class of the training half as a baseline. The stock
 * hr-landcover head has LoveDA's classes, not ISPRS's, so it has no row here. Mean IoU over the
 * 4 x 4 px cells (32 x 32 px for the last tap), each cell's most frequent label; label 0 ignored.
 * Validation blocks of 64 x 64 px for both heads (16 cells of 4 px, 2 of 32 px): a half crop
 * holds few 32 px cells.
 *
 *   node --import tsx test/bench/isprs-segment.bench.ts     BENCH_HEAD=linear|mlp BENCH_EPOCHS=60
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evalHead, trainTaskHead } from '../../main/train/index.ts';
import { gdalTranslate, gdalWindow } from '../helpers/gdal.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const MODEL = join(ROOT, 'models/skysense-tiny');
const CLASSES = ['impervious', 'building', 'low vegetation', 'tree', 'car', 'clutter'];
const VALUES = Object.fromEntries(CLASSES.map((c, i) => [String(i + 1), c]));
const HEAD = (process.env.BENCH_HEAD ?? 'mlp') as 'linear' | 'mlp';
const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 60);
const tmp = mkdtempSync(join(tmpdir(), 'skysense-isprs-bench-'));

/** Mean IoU of always answering the training half's most frequent class, on the held-out labels. */
function majorityIoU(train: number[], held: number[]): number {
  const counts = new Array<number>(CLASSES.length + 1).fill(0);
  for (const v of train) if (v > 0) counts[v]++;
  const major = counts.indexOf(Math.max(...counts.slice(1)), 1);
  // Answering `major` everywhere: its IoU is its share of the labelled pixels; every other class scores 0.
  const present = new Set(held.filter((v) => v > 0));
  const labelled = held.filter((v) => v > 0).length;
  const sum = present.has(major) ? held.filter((v) => v === major).length / labelled : 0;
  return sum / present.size;
}

try {
  console.log(`| crop | head | mean IoU | macro F1 | overall accuracy |`);
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, file] of [['Potsdam 2_10 (RGB, 5 cm)', 'potsdam/%/2_10_0_0_512_512.png'], ['Vaihingen area1 (IRRG, 9 cm)', 'vaihingen/%/area1_0_0_512_512.png']] as const) {
    const src = (dir: string) => resolve(ROOT, '../shared/data/hr', file.replace('%', dir));
    const at = (f: string) => join(tmp, `${name.split(' ')[0]}-${f}`);
    for (const [half, x] of [['left', 0], ['right', 256]] as const) {
      gdalTranslate(['-q', '-srcwin', String(x), '0', '256', '512', src('img_dir'), at(`${half}.tif`)]);
      gdalTranslate(['-q', '-srcwin', String(x), '0', '256', '512', src('ann_dir'), at(`${half}-label.tif`)]);
    }
    for (const [label, taps] of [['last tap', undefined], ['all taps', ['all']]] as const) {
      const out = at(taps ? 'taps' : 'last');
      const t0 = performance.now();
      await trainTaskHead({ model: MODEL, inputs: [at('left.tif')], labels: at('left-label.tif'), classes: CLASSES, labelValues: VALUES, out, cacheDir: join(tmp, 'cache'), headType: HEAD, epochs: EPOCHS, seed: 0, taps: taps ? [...taps] : undefined, block: taps ? 16 : 2 });
      const secs = (performance.now() - t0) / 1000;
      const m = await evalHead({ head: out, model: MODEL, inputs: [at('right.tif')], labels: at('right-label.tif'), labelValues: VALUES });
      console.log(`| ${name} | trained here (${HEAD}, ${label}; ${secs.toFixed(1)} s) | ${m.meanIoU.toFixed(3)} | ${m.macroF1.toFixed(3)} | ${m.overallAccuracy.toFixed(3)} |`);
    }
    console.log(`| ${name} | majority class of the left half (pixels) | ${majorityIoU(gdalWindow(at('left-label.tif'))[0], gdalWindow(at('right-label.tif'))[0]).toFixed(3)} | | |`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * HR land cover on LoveDA: a segment head trained by `skysense train` against the stock
 * hr-landcover head, on the stock head's own split. The stock head (models/heads) learned from
 * the top-left and bottom-right 512 px quadrants of the three LoveDA tiles; the head here is
 * trained on the same six quadrants (a dataset spec of gdal_translate crops, labels PNG taken as
 * pixel-aligned, 0 unlabelled), and both are scored by `skysense eval` on the six quadrants
 * neither saw (top-right, bottom-left). Mean IoU and per-class IoU over the 4 x 4 px cells of
 * the HR encoder's grid, each cell's most frequent label. Two heads are trained: on the last tap
 * (feat_s32, one cell per 32 px, what embed writes) and on all four taps (`--taps all`: feat_s4 ..
 * feat_s32 at the 4 px grid, as the stock head reads them).
 *
 *   node --import tsx test/bench/loveda-segment.bench.ts     BENCH_HEAD=linear|mlp BENCH_EPOCHS=100
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evalHead, trainTaskHead } from '../../main/train/index.ts';
import { gdalTranslate } from '../helpers/gdal.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const LOVEDA = resolve(ROOT, '../shared/data/hr/loveda');
const MODEL = join(ROOT, 'models/skysense-tiny');
const STOCK = join(MODEL, 'heads/hr-landcover');
const CLASSES = ['background', 'building', 'road', 'water', 'barren', 'forest', 'agriculture'];
const VALUES = Object.fromEntries(CLASSES.map((c, i) => [String(i + 1), c]));
const HEAD = (process.env.BENCH_HEAD ?? 'mlp') as 'linear' | 'mlp';
const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 100);
const QUADRANTS = { TL: [0, 0], TR: [512, 0], BL: [0, 512], BR: [512, 512] } as const;
const tmp = mkdtempSync(join(tmpdir(), 'skysense-loveda-bench-'));

function spec(name: string, quadrants: (keyof typeof QUADRANTS)[]): string {
  const samples = [];
  for (const tile of ['0', '1', '2']) {
    for (const q of quadrants) {
      const [x, y] = QUADRANTS[q];
      const image = join(tmp, `${tile}${q}.tif`);
      const labels = join(tmp, `${tile}${q}-label.tif`);
      gdalTranslate(['-q', '-srcwin', String(x), String(y), '512', '512', join(LOVEDA, 'img_dir', `${tile}.png`), image]);
      gdalTranslate(['-q', '-srcwin', String(x), String(y), '512', '512', join(LOVEDA, 'ann_dir', `${tile}.png`), labels]);
      samples.push({ inputs: { image }, labels, labelValues: VALUES });
    }
  }
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify({ task: 'segment', classes: CLASSES, samples }));
  return path;
}

try {
  const train = spec('train.json', ['TL', 'BR']);
  const held = spec('held.json', ['TR', 'BL']);
  const heads: [string, Awaited<ReturnType<typeof evalHead>>][] = [];
  for (const [label, taps] of [['last tap', undefined], ['all taps', ['all']]] as const) {
    const t0 = performance.now();
    const dir = join(tmp, `head-${taps ? 'taps' : 'last'}`);
    const r = await trainTaskHead({ model: MODEL, dataset: train, out: dir, cacheDir: join(tmp, 'cache'), headType: HEAD, epochs: EPOCHS, seed: 0, taps: taps ? [...taps] : undefined });
    console.log(`trained a ${HEAD} head (${label}, ${r.features.channels} channels at ${r.features.stride} px) on 6 LoveDA quadrants: ${r.samples.train} cells, features ${r.features.seconds.toFixed(1)} s, training ${r.epochs.seconds.toFixed(1)} s (${r.epochs.run} epochs, best ${r.epochs.best}), total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    heads.push([`trained here (${HEAD}, ${label})`, await evalHead({ head: dir, model: MODEL, dataset: held })]);
  }
  const stock = await evalHead({ head: STOCK, model: MODEL, dataset: held });
  heads.push(['stock hr-landcover', stock]);
  console.log(`held out: 6 quadrants (TR, BL of tiles 0-2), ${stock.scenes.reduce((a, s) => a + s.cells, 0)} labelled 4 x 4 px cells`);
  console.log(`| head | mean IoU | macro F1 | overall accuracy | IoU ${CLASSES.join(' / ')} |`);
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, m] of heads) {
    console.log(`| ${name} | ${m.meanIoU.toFixed(3)} | ${m.macroF1.toFixed(3)} | ${m.overallAccuracy.toFixed(3)} | ${CLASSES.map((c) => m.perClass[c].iou.toFixed(2)).join(' / ')} |`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * Change heads on OSCD: a head trained by `skysense train --task change` on labelled cities,
 * scored on three cities it never saw (bercy, bordeaux, rennes: the stock oscd-change head's
 * held-out cities), beside the stock head and a change-vector-analysis baseline on the same
 * ten S2 bands (per-pixel magnitude of the band difference; Otsu's threshold, and the best
 * threshold for each city, which no method without labels could pick). Every score is the F1
 * of the change class over every labelled pixel of a city, from the class raster `change`
 * writes on the input grid. Training cities are those whose two dates share a grid
 * (hongkong and saclay_e have dates of different sizes and are left out).
 *
 *   node --import tsx test/bench/oscd-change.bench.ts     BENCH_HEAD=linear|mlp BENCH_EPOCHS=100
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRaster } from '../../main/raster/index.ts';
import { runChange } from '../../main/tasks/index.ts';
import { trainTaskHead } from '../../main/train/index.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const OSCD = resolve(ROOT, '../shared/data/oscd');
const MODEL = join(ROOT, 'models/skysense-tiny');
const TRAIN = ['aguasclaras', 'mumbai', 'pisa'];
const HELD = ['bercy', 'bordeaux', 'rennes'];
const BANDS = ['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12'];
const tmp = mkdtempSync(join(tmpdir(), 'skysense-oscd-bench-'));

async function read(paths: string[]): Promise<{ bands: Float64Array[]; w: number; h: number }> {
  const r = await openRaster(paths);
  try {
    const { width: w, height: h } = r.info;
    const data = await r.readWindow({ x: 0, y: 0, width: w, height: h });
    return { bands: data.map((b) => Float64Array.from(b)), w, h };
  } finally {
    await r.close();
  }
}

function f1(pred: (i: number) => boolean, label: ArrayLike<number>): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < label.length; i++) {
    if (label[i] !== 1 && label[i] !== 2) continue;
    const p = pred(i);
    if (p && label[i] === 2) tp++;
    else if (p) fp++;
    else if (label[i] === 2) fn++;
  }
  return (2 * tp) / Math.max(1, 2 * tp + fp + fn);
}

/** Otsu's threshold of values on a 256-bin histogram between their min and max. */
function otsu(v: Float64Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  const bins = new Float64Array(256);
  for (const x of v) bins[Math.min(255, Math.floor(((x - lo) / (hi - lo || 1)) * 256))]++;
  const total = v.length;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * bins[i];
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let at = 0;
  for (let i = 0; i < 256; i++) {
    wB += bins[i];
    if (wB === 0 || wB === total) continue;
    sumB += i * bins[i];
    const mB = sumB / wB;
    const mF = (sum - sumB) / (total - wB);
    const between = wB * (total - wB) * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      at = i;
    }
  }
  return lo + ((at + 1) / 256) * (hi - lo);
}

try {
  const spec = join(tmp, 'oscd.json');
  const sample = (c: string) => ({ inputs: { t1: join(OSCD, c, 'imgs_1'), t2: join(OSCD, c, 'imgs_2') }, labels: join(OSCD, c, 'cm', `${c}-cm.tif`), labelValues: { '1': 'no change', '2': 'change' } });
  writeFileSync(spec, JSON.stringify({ task: 'change', classes: ['no change', 'change'], samples: TRAIN.map(sample) }));
  const headType = (process.env.BENCH_HEAD ?? 'linear') as 'linear' | 'mlp';
  const t0 = performance.now();
  const r = await trainTaskHead({ model: MODEL, dataset: spec, out: join(tmp, 'head'), cacheDir: join(tmp, 'cache'), headType, epochs: Number(process.env.BENCH_EPOCHS ?? 100), seed: 0 });
  console.log(`trained a ${headType} change head on ${TRAIN.join(', ')}: ${r.samples.train} cells, features ${r.features.seconds.toFixed(1)} s, training ${r.epochs.seconds.toFixed(1)} s (${r.epochs.run} epochs, best ${r.epochs.best}), total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log('city      trained  stock  CVA-Otsu  CVA-best');
  const sums = { trained: 0, stock: 0, otsu: 0, best: 0 };
  for (const c of HELD) {
    const label = (await read([join(OSCD, c, 'cm', `${c}-cm.tif`)])).bands[0];
    const scores: number[] = [];
    for (const head of [join(tmp, 'head'), join(MODEL, 'heads/oscd-change')]) {
      const out = join(tmp, `${c}-${scores.length}.tif`);
      await runChange({ model: MODEL, head, inputsA: [join(OSCD, c, 'imgs_1')], inputsB: [join(OSCD, c, 'imgs_2')], out, providers: 'cpu' });
      const cls = (await read([out])).bands[0];
      scores.push(f1((i) => cls[i] === 1, label));
    }
    const a = await read(BANDS.map((b) => join(OSCD, c, 'imgs_1', `${b}.tif`)));
    const b = await read(BANDS.map((x) => join(OSCD, c, 'imgs_2', `${x}.tif`)));
    const mag = new Float64Array(a.w * a.h);
    for (let i = 0; i < mag.length; i++) {
      let s = 0;
      for (let k = 0; k < BANDS.length; k++) s += (b.bands[k][i] - a.bands[k][i]) ** 2;
      mag[i] = Math.sqrt(s);
    }
    const t = otsu(mag);
    const otsuF1 = f1((i) => mag[i] > t, label);
    const sorted = Float64Array.from(mag).sort();
    let bestF1 = 0;
    for (let q = 0.5; q < 0.999; q += 0.0025) {
      const th = sorted[Math.floor(q * (sorted.length - 1))];
      bestF1 = Math.max(bestF1, f1((i) => mag[i] > th, label));
    }
    console.log(`${c.padEnd(9)} ${scores[0].toFixed(3).padStart(7)}  ${scores[1].toFixed(3)}  ${otsuF1.toFixed(3).padStart(8)}  ${bestF1.toFixed(3).padStart(8)}`);
    sums.trained += scores[0];
    sums.stock += scores[1];
    sums.otsu += otsuF1;
    sums.best += bestF1;
  }
  const m = (v: number) => (v / HELD.length).toFixed(3);
  console.log(`mean      ${m(sums.trained).padStart(7)}  ${m(sums.stock)}  ${m(sums.otsu).padStart(8)}  ${m(sums.best).padStart(8)}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

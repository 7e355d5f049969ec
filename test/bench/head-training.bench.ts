/**
 * Head training speed (main/train/train-loop.ts) against PyTorch on the same features, the
 * same head, epochs, batch, optimiser (AdamW, cosine schedule) and class weights, measured
 * one after the other in this run. Features: the shipped SkySense-Tiny S1 encoder's 128-d
 * features of the real Sen1Floods11 chip (computed once by the engine, cached), its hand
 * labels per 4 x 4 px cell; 10^5 training rows drawn from those cells with replacement
 * (seeded), 10^4 validation rows likewise. Feature extraction is timed apart.
 *
 *   node --import tsx test/bench/head-training.bench.ts      BENCH_EPOCHS=10 BENCH_ROWS=100000
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rasterInfo } from '../../main/raster/index.ts';
import { seededRandom } from '../../main/tasks/index.ts';
import { cachedFeatures, gatherFeatures } from '../../main/train/feature-cache.ts';
import { labelCells } from '../../main/train/label-raster.ts';
import { trainHead, type LabelledSet } from '../../main/train/train-loop.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const CHIP = resolve(ROOT, '../shared/data/s1s2/sen1floods11/sample');
const scene = join(CHIP, 'S1/Spain_7370579_S1Hand.tif');
const epochs = Number(process.env.BENCH_EPOCHS ?? 10);
const rows = Number(process.env.BENCH_ROWS ?? 100_000);
const batch = 256;
const classes = ['not water', 'water'];
const tmp = mkdtempSync(join(tmpdir(), 'skysense-train-bench-'));

try {
  const t0 = performance.now();
  const grid = await cachedFeatures({ model: join(ROOT, 'models/skysense-tiny'), inputs: [scene], cacheDir: tmp, providers: 'cpu' });
  const featureS = (performance.now() - t0) / 1000;
  const labels = await labelCells(join(CHIP, 'Labels/Spain_7370579_LabelHand.tif'), await rasterInfo([scene]), grid.stride, classes, { '0': 'not water', '1': 'water' });
  const cells = Int32Array.from([...labels.labels.keys()].filter((i) => labels.labels[i] >= 0));
  const feats = await gatherFeatures(grid, cells);
  const C = grid.channels;
  const rand = seededRandom(7);
  const draw = (n: number): LabelledSet => {
    const x = new Float32Array(n * C);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rand() * cells.length);
      x.set(feats.subarray(j * C, j * C + C), i * C);
      y[i] = labels.labels[cells[j]];
    }
    return { x, y, n };
  };
  const train = draw(rows);
  const val = draw(Math.round(rows / 10));
  console.log(`features: ${cells.length} labelled cells x ${C} of ${scene} in ${featureS.toFixed(1)} s (engine embed, cpu); ${rows} training rows, ${val.n} validation rows, ${epochs} epochs, batch ${batch}`);

  writeFileSync(join(tmp, 'xtr.f32'), train.x);
  writeFileSync(join(tmp, 'ytr.i32'), train.y);
  writeFileSync(join(tmp, 'xva.f32'), val.x);
  writeFileSync(join(tmp, 'yva.i32'), val.y);
  const py = `
import sys, time, math, numpy as np, torch
torch.set_num_threads(2); torch.manual_seed(0)
d, C, E, B, kind = sys.argv[1], ${C}, ${epochs}, ${batch}, sys.argv[2]
xtr = torch.from_numpy(np.fromfile(d + '/xtr.f32', dtype=np.float32).reshape(-1, C)); ytr = torch.from_numpy(np.fromfile(d + '/ytr.i32', dtype=np.int32).astype(np.int64))
xva = torch.from_numpy(np.fromfile(d + '/xva.f32', dtype=np.float32).reshape(-1, C)); yva = torch.from_numpy(np.fromfile(d + '/yva.i32', dtype=np.int32).astype(np.int64))
t0 = time.perf_counter()
mean, std = xtr.mean(0), xtr.std(0, unbiased=False).clamp_min(1e-12)
xs = (xtr - mean) / std
cnt = torch.bincount(ytr, minlength=2).double(); cw = (len(ytr) / (2 * cnt)).float()
net = torch.nn.Linear(C, 2) if kind == 'linear' else torch.nn.Sequential(torch.nn.Linear(C, 32), torch.nn.ReLU(), torch.nn.Linear(32, 2))
lr = 0.01 if kind == 'linear' else 0.003
opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-4)
steps = math.ceil(len(xs) / B); sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, E * steps)
loss_fn = torch.nn.CrossEntropyLoss(weight=cw)
g = torch.Generator().manual_seed(0)
for e in range(E):
    perm = torch.randperm(len(xs), generator=g)
    for s in range(steps):
        i = perm[s * B:(s + 1) * B]
        opt.zero_grad(); loss = loss_fn(net(xs[i]), ytr[i]); loss.backward(); opt.step(); sched.step()
    with torch.no_grad():
        p = net((xva - mean) / std).argmax(1)
t = time.perf_counter() - t0
f1 = []
for k in range(2):
    tp = int(((p == k) & (yva == k)).sum()); f1.append(2 * tp / max(1, int((p == k).sum()) + int((yva == k).sum())))
print(f'{t:.3f} {sum(f1) / 2:.4f}')
`;
  writeFileSync(join(tmp, 'torch_train.py'), py);
  for (const type of ['linear', 'mlp'] as const) {
    const tt = performance.now();
    const r = await trainHead(train, val, { type, channels: C, classes, epochs, batch, patience: epochs, seed: 0 });
    const ts = (performance.now() - tt) / 1000;
    const t = spawnSync('/usr/bin/python3', [join(tmp, 'torch_train.py'), tmp, type], { encoding: 'utf8' });
    if (t.status !== 0) throw new Error(t.stderr);
    const [torchS, torchF1] = t.stdout.trim().split(' ').map(Number);
    console.log(`${type.padEnd(6)}  TypeScript ${ts.toFixed(2)} s (val macro F1 ${r.val.macroF1.toFixed(4)})  PyTorch ${torchS.toFixed(2)} s (val macro F1 ${torchF1.toFixed(4)})  TS/PyTorch time ${(ts / torchS).toFixed(2)}x`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * Which second pass `cluster` should use (main/tasks/cluster/cluster.ts), measured in one process
 * on one real scene with the shipped SkySense-Tiny encoder, all with the same session:
 *
 *   encoder-twice   pass 2 runs the encoder again: cost = one more encoder pass
 *                   (streamFeatures with nothing done to the rows);
 *   raw scratch     pass 1 also writes the rows to a raw Float32 scratch file
 *                   (FeatureScratch), pass 2 reads it back by row strips;
 *   GeoTIFF temp    pass 1 writes a features GeoTIFF (runTiled, as `embed` does),
 *                   pass 2 reads it back by 256 px windows (openRaster).
 *
 * Printed: each variant's pass-1 and pass-2 wall seconds, the process CPU seconds (all
 * threads: steadier than wall time on a shared machine) and the ratios to the raw scratch.
 * Labelling itself (distances to k centres) is the same in all three and left out.
 *
 *   node --import tsx test/bench/cluster-passes.bench.ts
 *   BENCH_SCENE=../shared/data/oscd/pisa/imgs_1 (default)  BENCH_PROVIDERS=cpu
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRaster } from '../../main/raster/index.ts';
import { runTiled } from '../../main/tiler/index.ts';
import { prepareEncoderRun } from '../../main/encoder/encoder-run.ts';
import { FeatureScratch } from '../../main/tasks/cluster/feature-scratch.ts';
import { streamFeatures } from '../../main/tiler/feature-stream.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const scene = resolve(ROOT, process.env.BENCH_SCENE ?? '../shared/data/oscd/pisa/imgs_1');
const tmp = mkdtempSync(join(tmpdir(), 'skysense-cluster-bench-'));
const out = join(tmp, 'labels.tif');
const run = await prepareEncoderRun({ model: join(ROOT, 'models/skysense-tiny'), inputs: [scene], out, providers: process.env.BENCH_PROVIDERS ?? 'cpu' }, 'cluster');
const s = (ms: number) => ms / 1000;
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const cpuOf: Record<string, number> = {};
async function timed(name: string, fn: () => Promise<unknown>): Promise<number> {
  const c0 = cpu();
  const t0 = performance.now();
  await fn();
  cpuOf[name] = cpu() - c0;
  return performance.now() - t0;
}
try {
  const { stride, channels: C } = run;
  const W = Math.ceil(run.info.width / stride);
  const H = Math.ceil(run.info.height / stride);
  const base = { raster: run.raster, bands: run.mapping.bands, tile: run.tile, overlap: run.overlap, margin: run.margin, stride, batch: run.batch, channels: C, infer: run.infer };

  const encoderPass = await timed('encoder', () => streamFeatures({ ...base, onRows: () => undefined }));

  const scratch = await FeatureScratch.create(out, W, H, C);
  const rawPass1 = await timed('raw1', () => streamFeatures({ ...base, onRows: (bands, _y, rows) => scratch.append(bands, rows) }));
  const stripRows = Math.max(1, Math.min(64, Math.floor((16 * 2 ** 20) / (W * C * 4))));
  const rawPass2 = await timed('raw2', async () => {
    let strip: Float32Array | undefined;
    for (let y = 0; y < H; y += stripRows) strip = await scratch.readRows(y, Math.min(stripRows, H - y), strip);
  });
  await scratch.remove();

  const features = join(tmp, 'features.tif');
  const tifPass1 = await timed('tif1', () => runTiled({ ...base, outChannels: C, outDataType: 'Float32', outPath: features, nodata: Number.NaN }));
  const tifPass2 = await timed('tif2', async () => {
    const r = await openRaster([features]);
    for (let y = 0; y < H; y += 256) for (let x = 0; x < W; x += 256) await r.readWindow({ x, y, width: Math.min(256, W - x), height: Math.min(256, H - y) });
    await r.close();
  });

  const raw = rawPass1 + rawPass2;
  const rawCpu = cpuOf.raw1 + cpuOf.raw2;
  console.log(`scene ${scene}: ${run.info.width} x ${run.info.height} px -> ${W} x ${H} x ${C} features, provider ${run.session.provider}`);
  console.log('variant          pass1 s  pass2 s  total s  vs raw   CPU s  vs raw');
  const rows = [
    ['encoder-twice', encoderPass, encoderPass, 2 * cpuOf.encoder],
    ['raw scratch', rawPass1, rawPass2, rawCpu],
    ['GeoTIFF temp', tifPass1, tifPass2, cpuOf.tif1 + cpuOf.tif2],
  ] as const;
  for (const [name, p1, p2, c] of rows) {
    const f = (v: number) => v.toFixed(2).padStart(7);
    console.log(`${name.padEnd(16)} ${f(s(p1))}  ${f(s(p2))}  ${f(s(p1 + p2))}  ${((p1 + p2) / raw).toFixed(2)}x ${f(s(c))}  ${(c / rawCpu).toFixed(2)}x`);
  }
} finally {
  await run.close();
  rmSync(tmp, { recursive: true, force: true });
}

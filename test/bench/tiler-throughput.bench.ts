/**
 * Tiler throughput and memory. Scenes of 2048², 8192², 16384² and a tall 2048 x 16384
 * (4 x UInt16, COG with overviews) are made at bench time from real OSCD bands
 * (gdalbuildvrt + gdal_translate -outsize) in a temp folder and removed afterwards.
 * Each run is a fresh child process (peak RSS = its maxRSS), tile 512, overlap 64:
 *   - pipelined: runTiled as shipped (read ∥ infer ∥ blend + write, writer thread 'auto');
 *   - pipelined, writer on the main thread (writerThread: false), where the worker pays or not;
 *   - naive: one tile at a time, read -> infer -> blend -> write, each awaited in turn
 *     (same planner, blend and writer, so the difference is the pipelining alone).
 * "Models": identity (UInt16 out) and a 5 x 5 box filter (Float32 out), both plain JS on
 * the main thread. Ratios are printed from the same run (this machine is shared and noisy).
 *
 * Run: node --import tsx test/bench/tiler-throughput.bench.ts
 *   TILER_BENCH_SIZES=2048,8192 (default 2048,8192,16384,2048x16384)
 *   TILER_BENCH_MODELS=identity (default identity,box)   SKYSENSE_BENCH_DIR=dir keeps the scenes
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { DataType } from '../../main/api.ts';
import { openRaster, type Raster } from '../../main/raster/index.ts';
import { runTiled, type InferFn } from '../../main/tiler/index.ts';
import { planTiles, planTilesInOrder } from '../../main/tiler/tile-plan.ts';
import { blendWindows } from '../../main/tiler/blend-weights.ts';
import { BlendAccumulator } from '../../main/tiler/blend-accumulator.ts';
import { openRowSink } from '../../main/tiler/output-writer.ts';
import { readTile } from '../../main/tiler/tile-read.ts';
import { dataPath } from '../helpers/gdal.ts';
import { boxFilter, identity } from '../integration/tiler-filters.ts';

const run = promisify(execFile);
const TILE = 512;
const OVERLAP = 64;
const CITY = 'oscd/aguasclaras/imgs_1';
const BANDS = ['B02', 'B03', 'B04', 'B08'];

type Mode = 'pipelined' | 'pipelined-main' | 'naive';
type Model = 'identity' | 'box';

interface Measure {
  ms: number;
  /** CPU seconds of the whole process (all threads, exited ones included) and of the main thread. */
  cpuS: number;
  mainCpuS: number;
  maxRssMiB: number;
  tiles: number;
  mpx: number;
  blendMiB: number;
  writerThread: boolean;
  timings?: Record<string, number>;
}

async function makeScene(dir: string, w: number, h: number): Promise<string> {
  const out = join(dir, `scene-${w}x${h}.tif`);
  if (existsSync(out)) return out;
  const vrt = join(dir, 'stack.vrt');
  if (!existsSync(vrt)) await run('gdalbuildvrt', ['-q', '-separate', vrt, ...BANDS.map((b) => join(dataPath(CITY), `${b}.tif`))]);
  const tmp = `${out}.part.tif`;
  await run('gdal_translate', ['-q', '-outsize', String(w), String(h), '-r', 'nearest', '-of', 'COG', '-co', 'COMPRESS=DEFLATE', '-co', 'BLOCKSIZE=512', '-co', 'NUM_THREADS=2', vrt, tmp]);
  await rename(tmp, out);
  return out;
}

function model(name: Model): { infer: InferFn; type: DataType } {
  return name === 'identity' ? { infer: identity, type: 'UInt16' } : { infer: boxFilter(2), type: 'Float32' };
}

/** One tile at a time, nothing overlapped: the baseline the pipeline is measured against. */
async function naive(raster: Raster, outPath: string, infer: InferFn, type: DataType): Promise<{ tiles: number; blendBytes: number }> {
  const info = raster.info;
  const C = info.bandCount;
  const plan = planTiles({ width: info.width, height: info.height, tileWidth: TILE, tileHeight: TILE, overlapX: OVERLAP, overlapY: OVERLAP, stride: 1 });
  const win = blendWindows(plan.xs, plan.ys, TILE, TILE, 0);
  const acc = new BlendAccumulator(plan.outWidth, 0, plan.outHeight, C, TILE, type, info.nodata);
  const sink = await openRowSink({ path: outPath, width: plan.outWidth, height: plan.outHeight, bandCount: C, dataType: type, geoTransform: info.geoTransform, crs: info.crs, nodata: info.nodata, resampling: 'average' });
  const bands = info.bandNames.map((_, i) => i + 1);
  let tiles = 0;
  for (const tile of planTilesInOrder(plan)) {
    if (tile.col === 0) {
      const rows = acc.release(tile.outY);
      if (rows) await sink.writeRows(rows.bands, rows.rows);
    }
    const t = await readTile(raster, tile, bands, info.nodata, 1);
    if (!t.data) continue;
    const [out] = await infer([t.data], { tiles: [tile] });
    acc.add(out, tile.outX, tile.outY, tile.outWidth, tile.outHeight, win.cols[tile.col], win.rows[tile.row], t.valid);
    tiles++;
  }
  const rows = acc.release(Infinity);
  if (rows) await sink.writeRows(rows.bands, rows.rows);
  await sink.finish();
  return { tiles, blendBytes: acc.bytes };
}

/**
 * CPU time from /proc: the process (every thread, including the writer thread after it
 * ended) and the main thread alone. On a machine with two free cores a run cannot take
 * less than max(main, total / 2): the estimate printed beside the measured wall time,
 * which on this shared machine includes waiting for other people's jobs.
 */
function cpuSeconds(): { cpuS: number; mainCpuS: number } {
  const ticks = (stat: string) => {
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  };
  return { cpuS: ticks(readFileSync('/proc/self/stat', 'utf8')), mainCpuS: ticks(readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')) };
}

async function child(mode: Mode, modelName: Model, scene: string, out: string): Promise<Measure> {
  const raster = await openRaster([scene]);
  const { infer, type } = model(modelName);
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  let tiles: number;
  let blendBytes: number;
  let timings: Record<string, number> | undefined;
  let writerThread = false;
  if (mode === 'naive') {
    ({ tiles, blendBytes } = await naive(raster, out, infer, type));
  } else {
    const res = await runTiled({ raster, tile: TILE, overlap: OVERLAP, batch: 4, infer, outChannels: raster.info.bandCount, outDataType: type, outPath: out, writerThread: mode === 'pipelined' ? 'auto' : false });
    tiles = res.tiles;
    blendBytes = res.blendBytes;
    writerThread = res.writerThread;
    timings = Object.fromEntries(Object.entries(res.timings).map(([k, v]) => [k, Math.round(v)]));
  }
  const ms = performance.now() - t0;
  const { cpuS, mainCpuS } = cpuSeconds();
  const mpx = (raster.info.width * raster.info.height) / 1e6;
  await raster.close();
  rmSync(out, { force: true });
  return { ms, cpuS: cpuS - cpu0.cpuS, mainCpuS: mainCpuS - cpu0.mainCpuS, maxRssMiB: process.resourceUsage().maxRSS / 1024, tiles, mpx, blendMiB: blendBytes / 2 ** 20, writerThread, timings };
}

/**
 * The shortest wall time two free cores allow: max(main-thread CPU, all CPU / 2). Only
 * for the pipelined runs; the naive loop waits for each step, so it cannot reach it.
 */
function est(r: Measure): number {
  return Math.max(r.mainCpuS, r.cpuS / 2);
}

function measure(mode: Mode, modelName: Model, scene: string, dir: string): Measure {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', mode, modelName, scene, join(dir, `out-${mode}.tif`)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child ${mode} ${modelName} ${scene} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Measure;
}

async function main(): Promise<void> {
  const keep = process.env.SKYSENSE_BENCH_DIR;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'skysense-tiler-bench-'));
  mkdirSync(dir, { recursive: true });
  const sizes = (process.env.TILER_BENCH_SIZES ?? '2048,8192,16384,2048x16384').split(',').map((s) => {
    const [w, h] = s.split('x').map(Number);
    return [w, h ?? w] as [number, number];
  });
  const models = (process.env.TILER_BENCH_MODELS ?? 'identity,box').split(',') as Model[];
  const modes: Mode[] = ['naive', 'pipelined-main', 'pipelined'];
  const lines: string[] = ['scene          model     mode             wall s   Mpx/s  cpu s main/all  2-core bound s  peak RSS MiB  blend MiB  stage ms (read/infer/blend/write)'];
  const ratios: string[] = [];
  try {
    for (const [w, h] of sizes) {
      const t0 = performance.now();
      const scene = await makeScene(dir, w, h);
      console.error(`scene ${w}x${h} made in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      for (const m of models) {
        const res: Partial<Record<Mode, Measure>> = {};
        for (const mode of modes) {
          const r = measure(mode, m, scene, dir);
          res[mode] = r;
          const t = r.timings ? `${r.timings.read}/${r.timings.infer}/${r.timings.blend}/${r.timings.write}` : '';
          const cpu = `${r.mainCpuS.toFixed(1)}/${r.cpuS.toFixed(1)}`;
          const name = mode === 'pipelined' ? `pipelined${r.writerThread ? '+thr' : ''}` : mode;
          const bound = mode === 'naive' ? '-' : est(r).toFixed(1);
          const line = `${`${w}x${h}`.padEnd(14)} ${m.padEnd(9)} ${name.padEnd(15)} ${(r.ms / 1000).toFixed(1).padStart(7)} ${(r.mpx / (r.ms / 1000)).toFixed(2).padStart(7)} ${cpu.padStart(15)} ${bound.padStart(13)} ${r.maxRssMiB.toFixed(0).padStart(13)} ${r.blendMiB.toFixed(0).padStart(10)}  ${t}`;
          lines.push(line);
          console.error(line);
        }
        const R = (a: Mode, b: Mode) => (res[b]!.ms / res[a]!.ms).toFixed(2);
        const thr = res.pipelined!.writerThread ? `writer thread on/off ${R('pipelined', 'pipelined-main')}x` : 'writer thread not used (auto, small output)';
        ratios.push(`${`${w}x${h}`.padEnd(14)} ${m.padEnd(9)} measured speed: pipelined/naive ${R('pipelined', 'naive')}x, pipelined (main-thread writer)/naive ${R('pipelined-main', 'naive')}x; ${thr}`);
      }
      if (!keep) rmSync(scene, { force: true });
    }
    console.log([...lines, '', ...ratios].join('\n'));
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [, , , mode, modelName, scene, out] = process.argv;
  child(mode as Mode, modelName as Model, scene, out).then((m) => console.log(JSON.stringify(m)), (err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  await main();
}

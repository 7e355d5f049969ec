/**
 * Engine throughput and memory on whole scenes: the `embed` task with the shipped
 * SkySense-Tiny S2 encoder (10 bands, 64 px tiles, 16 px overlap, 128 features per 4 x 4
 * pixels) on 2048², 8192² and 16384² scenes made at bench time from real OSCD bands
 * (gdalbuildvrt + gdal_translate -outsize, COG) in a temp folder.
 *
 * For each scene, in fresh child processes (peak RSS = the child's maxRSS):
 *   - engine: runEmbed as shipped (read ∥ infer ∥ blend + write, batch 4);
 *   - naive: one tile at a time, read -> normalise -> infer -> blend -> write, each
 *     awaited (same planner, normaliser, session, blend and writer);
 *   - PyTorch: the reference encoder (models/reference, 2 threads, batch 4) on the first
 *     BENCH_TORCH_TILES of the same normalised tiles, model compute only (no I/O, no write),
 *     turned into Mpx/s with the same 48 px tile step as the engine.
 * On a CPU the 8k and 16k scenes run a row shard (full width, so the memory of a wide
 * scene is measured; --shard semantics) unless BENCH_FULL=1: a full 16k² embed is ~10 min
 * of pure compute here. On a GPU machine run it with BENCH_FULL=1 BENCH_PROVIDERS=cuda,cpu
 * (or webgpu,cpu): the provider that ran is printed per row.
 *
 *   node --import tsx test/bench/engine-throughput.bench.ts
 *   BENCH_SIZES=2048,8192,16384  BENCH_SHARDS=1,8,32 (row shards per size; 1 = whole scene)
 *   BENCH_TORCH_TILES=96  BENCH_PROVIDERS=cpu  SKYSENSE_BENCH_DIR=dir keeps the scenes
 * km²/s is at the scene's nominal 10 m GSD (1 px = 100 m²).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { loadModelFolder, parseProviderList } from '../../main/model/index.ts';
import { openRaster } from '../../main/raster/index.ts';
import { runEmbed } from '../../main/tasks/embed/embed.ts';
import { blendWindows } from '../../main/tiler/blend-weights.ts';
import { BlendAccumulator } from '../../main/tiler/blend-accumulator.ts';
import { openRowSink } from '../../main/tiler/output-writer.ts';
import { planTiles, planTilesInOrder, parseShard } from '../../main/tiler/tile-plan.ts';
import { readTile } from '../../main/tiler/tile-read.ts';
import { makeNormaliser } from '../../main/inputs/normalise.ts';
import { detectUnits, sampleValues } from '../../main/inputs/units.ts';
import { dataPath } from '../helpers/gdal.ts';

const run = promisify(execFile);
const MODEL = resolve('models/skysense-tiny');
const CITY = 'oscd/aguasclaras/imgs_1';
const BANDS = ['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12'];
const TILE = 64;
const OVERLAP = 16;
const STRIDE = 4;
const GSD_M = 10;

type Mode = 'engine' | 'naive';
interface Measure {
  ms: number;
  mpx: number;
  tiles: number;
  maxRssMiB: number;
  provider: string;
  timings?: Record<string, number>;
  torchTiles?: string;
}

async function makeScene(dir: string, size: number): Promise<string> {
  const out = join(dir, `s2-${size}.tif`);
  if (existsSync(out)) return out;
  const vrt = join(dir, 'stack.vrt');
  if (!existsSync(vrt)) await run('gdalbuildvrt', ['-q', '-separate', '-resolution', 'highest', vrt, ...BANDS.map((b) => join(dataPath(CITY), `${b}.tif`))]);
  const tmp = `${out}.part.tif`;
  await run('gdal_translate', ['-q', '-outsize', String(size), String(size), '-r', 'nearest', '-of', 'COG', '-co', 'COMPRESS=DEFLATE', '-co', 'BLOCKSIZE=512', '-co', 'NUM_THREADS=2', '-co', 'BIGTIFF=IF_SAFER', vrt, tmp]);
  await rename(tmp, out);
  return out;
}

const allBands = BANDS.map((_, i) => i + 1);

async function naive(scene: string, out: string, shard: string, providers: string): Promise<Omit<Measure, 'ms' | 'maxRssMiB'>> {
  const model = await loadModelFolder(MODEL, { providers: parseProviderList(providers), cache: false });
  const raster = await openRaster([scene]);
  try {
    const modality = model.manifest.modalities.s2!;
    const info = raster.info;
    const units = detectUnits('s2', modality, await sampleValues(raster, allBands), info.path);
    const normalise = makeNormaliser(modality, units, info.nodata);
    const session = await model.session('s2_encoder');
    const spec = model.manifest.modules.s2_encoder;
    const outName = spec.outputs.at(-1)!.name;
    const C_OUT = spec.outputs.at(-1)!.channels!;
    const plan = planTiles({ width: info.width, height: info.height, tileWidth: TILE, tileHeight: TILE, overlapX: OVERLAP, overlapY: OVERLAP, stride: STRIDE }, parseShard(shard));
    const win = blendWindows(plan.xs.map((x) => x / STRIDE), plan.ys.map((y) => y / STRIDE), TILE / STRIDE, TILE / STRIDE, OVERLAP / 2 / STRIDE);
    const acc = new BlendAccumulator(plan.outWidth, plan.outRowFrom, plan.outRowTo, C_OUT, TILE / STRIDE, 'Float32', Number.NaN);
    const sink = await openRowSink({ path: out, width: plan.outWidth, height: plan.outRowTo - plan.outRowFrom, bandCount: C_OUT, dataType: 'Float32', geoTransform: null, crs: null, nodata: Number.NaN, resampling: 'average' });
    let tiles = 0;
    for (const tile of planTilesInOrder(plan)) {
      if (tile.col === 0) {
        const rows = acc.release(tile.outY);
        if (rows) await sink.writeRows(rows.bands, rows.rows);
      }
      const t = await readTile(raster, tile, allBands, info.nodata, STRIDE);
      if (!t.data) continue;
      const x = new ort.Tensor('float32', normalise(t.data), [1, BANDS.length, TILE, TILE]);
      const y = (await session.run({ [spec.inputs[0].name]: x })).outputs[outName].data as Float32Array;
      acc.add(y, tile.outX, tile.outY, tile.outWidth, tile.outHeight, win.cols[tile.col], win.rows[tile.row], t.valid);
      tiles++;
    }
    const rows = acc.release(Infinity);
    if (rows) await sink.writeRows(rows.bands, rows.rows);
    await sink.finish();
    return { mpx: (info.width * (plan.outRowTo - plan.outRowFrom) * STRIDE) / 1e6, tiles, provider: session.provider };
  } finally {
    await raster.close();
    await model.close();
  }
}

/** The first n normalised tiles of the scene, NCHW float32, for the PyTorch side. */
async function dumpTiles(scene: string, file: string, n: number): Promise<string> {
  const model = await loadModelFolder(MODEL, { providers: ['cpu'], cache: false });
  const raster = await openRaster([scene]);
  try {
    const modality = model.manifest.modalities.s2!;
    const info = raster.info;
    const normalise = makeNormaliser(modality, detectUnits('s2', modality, await sampleValues(raster, allBands), info.path), info.nodata);
    const plan = planTiles({ width: info.width, height: info.height, tileWidth: TILE, tileHeight: TILE, overlapX: OVERLAP, overlapY: OVERLAP, stride: STRIDE });
    const plane = BANDS.length * TILE * TILE;
    const all = new Float32Array(n * plane);
    let k = 0;
    for (const tile of planTilesInOrder(plan)) {
      if (k === n) break;
      const t = await readTile(raster, tile, allBands, info.nodata, STRIDE);
      if (!t.data) continue;
      all.set(normalise(t.data), k++ * plane);
    }
    writeFileSync(file, Buffer.from(all.buffer, 0, k * plane * 4));
    return `${k},${BANDS.length},${TILE},${TILE}`;
  } finally {
    await raster.close();
    await model.close();
  }
}

async function child(mode: Mode, scene: string, out: string, shard: string, providers: string): Promise<Measure> {
  const t0 = performance.now();
  let m: Omit<Measure, 'ms' | 'maxRssMiB'>;
  if (mode === 'naive') {
    m = await naive(scene, out, shard, providers);
  } else {
    const r = await runEmbed({ model: MODEL, inputs: [scene], out, modality: 's2', bands: allBands, providers, tile: TILE, overlap: OVERLAP, shard });
    const o = r.outputs[0];
    m = { mpx: (r.input.width * o.height * STRIDE) / 1e6, tiles: r.tiles.inferred, provider: r.provider, timings: Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, Math.round(v)])) };
  }
  const ms = performance.now() - t0;
  rmSync(out, { force: true });
  rmSync(`${out}.report.json`, { force: true });
  return { ...m, ms, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
}

function measure(args: string[]): Measure {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Measure;
}

function torchMpxPerS(scene: string, dir: string, n: number): { mpxPerS: number; msPerTile: number } {
  const file = join(dir, 'tiles.f32');
  const shape = measure(['dump', scene, file, String(n)]).torchTiles!;
  const r = spawnSync('/usr/bin/python3', ['-m', 'models.parity.time_encoder_tiles', '--tiles', file, '--shape', shape, '--module', 's2_encoder', '--batch', '4', '--threads', '2'], {
    encoding: 'utf8',
    env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
  });
  rmSync(file, { force: true });
  if (r.status !== 0) throw new Error(`PyTorch timing failed: ${r.stderr}`);
  const { msPerTile } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { msPerTile: number };
  const step = TILE - OVERLAP;
  return { msPerTile, mpxPerS: (step * step) / 1e6 / (msPerTile / 1000) };
}

async function main(): Promise<void> {
  const keep = process.env.SKYSENSE_BENCH_DIR;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'skysense-engine-bench-'));
  mkdirSync(dir, { recursive: true });
  const sizes = (process.env.BENCH_SIZES ?? '2048,8192,16384').split(',').map(Number);
  const full = process.env.BENCH_FULL === '1';
  const shards = (process.env.BENCH_SHARDS ?? '1,8,32').split(',').map(Number);
  const providers = process.env.BENCH_PROVIDERS ?? 'cpu';
  const torchTiles = Number(process.env.BENCH_TORCH_TILES ?? 96);
  const lines = ['scene    rows run        mode    provider  wall s   Mpx/s    km²/s  tiles  peak RSS MiB  stage ms (read/infer/blend/write)'];
  const ratios: string[] = [];
  try {
    for (const [k, size] of sizes.entries()) {
      const t0 = performance.now();
      const scene = await makeScene(dir, size);
      console.error(`scene ${size}² made in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const n = full ? 1 : (shards[k] ?? 1);
      const shard = `1/${n}`;
      const res: Partial<Record<Mode, Measure>> = {};
      for (const mode of ['naive', 'engine'] as Mode[]) {
        const r = measure([mode, scene, join(dir, `out-${mode}.tif`), shard, providers]);
        res[mode] = r;
        const rate = r.mpx / (r.ms / 1000);
        const t = r.timings ? `${r.timings.read}/${r.timings.infer}/${r.timings.blend}/${r.timings.write}` : '';
        const line = `${`${size}²`.padEnd(8)} ${(n === 1 ? 'all' : `1/${n}`).padEnd(14)} ${mode.padEnd(7)} ${r.provider.padEnd(8)} ${(r.ms / 1000).toFixed(1).padStart(7)} ${rate.toFixed(3).padStart(7)} ${(rate * 1e6 * GSD_M * GSD_M / 1e6).toFixed(2).padStart(8)} ${String(r.tiles).padStart(6)} ${r.maxRssMiB.toFixed(0).padStart(13)}  ${t}`;
        lines.push(line);
        console.error(line);
      }
      const engineRate = res.engine!.mpx / (res.engine!.ms / 1000);
      let torch = '';
      if (k === 0 && torchTiles > 0) {
        const tr = torchMpxPerS(scene, dir, torchTiles);
        torch = `; PyTorch reference compute only ${tr.mpxPerS.toFixed(3)} Mpx/s (${tr.msPerTile.toFixed(1)} ms/tile over ${torchTiles} tiles): engine end to end / PyTorch compute ${(engineRate / tr.mpxPerS).toFixed(2)}x`;
      }
      ratios.push(`${size}²: engine/naive ${(res.naive!.ms / res.engine!.ms).toFixed(2)}x${torch}`);
      if (!keep) rmSync(scene, { force: true });
    }
    const rss = lines.slice(1).filter((l) => l.includes(' engine ')).map((l) => Number(l.split(/\s+/).at(-2)));
    console.log([...lines, '', ...ratios, `engine peak RSS, largest / smallest scene: ${(Math.max(...rss) / Math.min(...rss)).toFixed(2)}x`].join('\n'));
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [, , , mode, scene, out, a, b] = process.argv;
  const job = mode === 'dump'
    ? dumpTiles(scene, out, Number(a)).then((shape) => ({ torchTiles: shape }))
    : child(mode as Mode, scene, out, a, b);
  job.then((m) => console.log(JSON.stringify(m)), (err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

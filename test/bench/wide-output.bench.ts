/**
 * Peak memory and file size of a wide, many-band output: `embed` with the shipped
 * SkySense-Tiny S2 encoder on a Sentinel-2-tile-wide scene (10980 x 1100 px, made at bench
 * time from real OSCD bands with gdalbuildvrt + gdal_translate -outsize in a temp folder),
 * giving a 2745 x 275 px, 128-band output: more than one row of 256 px tiles.
 * Each run is a fresh child process (peak RSS = its maxRSS), once with Float32 features and
 * once with --dtype float16; the output's tile size, size on disk and the float16/float32
 * ratios of one run are printed.
 *
 *   node --import tsx test/bench/wide-output.bench.ts
 *   BENCH_WIDTH=10980 BENCH_HEIGHT=1100 BENCH_PROVIDERS=cpu  SKYSENSE_BENCH_DIR=dir keeps the scene
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runEmbed } from '../../main/tasks/embed/embed.ts';
import type { FeatureDataType } from '../../main/tasks/embed/feature-dtype.ts';
import { dataPath } from '../helpers/gdal.ts';

const run = promisify(execFile);
const MODEL = resolve('models/skysense-tiny');
const CITY = 'oscd/aguasclaras/imgs_1';
const BANDS = ['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12'];

interface Measure {
  dataType: string;
  ms: number;
  maxRssMiB: number;
  width: number;
  height: number;
  bands: number;
  tile: string;
  bytes: number;
  provider: string;
}

async function makeScene(dir: string, width: number, height: number): Promise<string> {
  const out = join(dir, `s2-${width}x${height}.tif`);
  if (existsSync(out)) return out;
  const vrt = join(dir, 'stack.vrt');
  await run('gdalbuildvrt', ['-q', '-separate', '-resolution', 'highest', vrt, ...BANDS.map((b) => join(dataPath(CITY), `${b}.tif`))]);
  const tmp = `${out}.part.tif`;
  await run('gdal_translate', ['-q', '-outsize', String(width), String(height), '-r', 'nearest', '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'BLOCKXSIZE=512', '-co', 'BLOCKYSIZE=512', vrt, tmp]);
  await rename(tmp, out);
  return out;
}

async function child(scene: string, out: string, dataType: FeatureDataType, providers: string): Promise<Measure> {
  const t0 = performance.now();
  const r = await runEmbed({ model: MODEL, inputs: [scene], out, modality: 's2', bands: BANDS.map((_, i) => i + 1), providers, dataType });
  const ms = performance.now() - t0;
  const o = r.outputs[0];
  const { stdout } = await run('gdalinfo', ['-json', out]);
  const block = (JSON.parse(stdout) as { bands: { block: number[] }[] }).bands[0].block;
  const bytes = statSync(out).size;
  rmSync(out, { force: true });
  rmSync(`${out}.report.json`, { force: true });
  return { dataType: o.dataType, ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, width: o.width, height: o.height, bands: o.bands, tile: block.join('x'), bytes, provider: r.provider };
}

function measure(args: string[]): Measure {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Measure;
}

async function main(): Promise<void> {
  const width = Number(process.env.BENCH_WIDTH ?? 10980);
  const height = Number(process.env.BENCH_HEIGHT ?? 1100);
  const providers = process.env.BENCH_PROVIDERS ?? 'cpu';
  const keep = !!process.env.SKYSENSE_BENCH_DIR;
  const dir = process.env.SKYSENSE_BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'skysense-wide-'));
  mkdirSync(dir, { recursive: true });
  try {
    const scene = await makeScene(dir, width, height);
    const lines = [`scene ${width} x ${height} px, 10 bands (${CITY} resampled)`, 'dtype     provider  output            tile     wall s  peak RSS MiB  file MiB'];
    const res: Measure[] = [];
    for (const t of ['float32', 'float16'] as FeatureDataType[]) {
      const m = measure([scene, join(dir, `out-${t}.tif`), t, providers]);
      res.push(m);
      const line = `${m.dataType.padEnd(9)} ${m.provider.padEnd(9)} ${`${m.width}x${m.height}x${m.bands}`.padEnd(17)} ${m.tile.padEnd(8)} ${(m.ms / 1000).toFixed(1).padStart(6)} ${m.maxRssMiB.toFixed(0).padStart(13)} ${(m.bytes / 2 ** 20).toFixed(1).padStart(9)}`;
      lines.push(line);
      console.error(line);
    }
    const [a, b] = res;
    lines.push('', `float16 / float32: file ${(b.bytes / a.bytes).toFixed(3)}x, peak RSS ${(b.maxRssMiB / a.maxRssMiB).toFixed(2)}x, wall ${(b.ms / a.ms).toFixed(2)}x`);
    console.log(lines.join('\n'));
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [, , , scene, out, dataType, providers] = process.argv;
  child(scene, out, dataType as FeatureDataType, providers).then((m) => console.log(JSON.stringify(m)), (err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

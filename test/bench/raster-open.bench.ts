/**
 * Raster opening benchmark. For COG and stripped scenes of 2560 and 10980 px (4 x
 * UInt16, made by fixtures.ts from real OSCD bands):
 *   - open + read the first view: the whole extent at the overview level covering a
 *     1280 x 800 viewport (800 x 800 for a square scene), all 4 bands;
 *   - for the stripped scenes, build the display cache (tiled GeoTIFF with overviews);
 *   - peak RSS of each, measured in a fresh child process (maxRSS only grows), so the
 *     2560 vs 10980 ratio shows whether memory follows the scene size.
 * GDAL on the same files is timed in the same run for scale: gdal_translate -outsize for the
 * first view, gdal_translate -of COG (same tiling, compression and resampling) for the cache.
 * Run: node --import tsx test/bench/raster-open.bench.ts   (SKYSENSE_BENCH_DIR keeps fixtures)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRaster, prepareDisplay } from '../../main/raster/index.ts';
import { makeBigScene } from './fixtures.ts';

const VIEW_W = 1280;
const VIEW_H = 800;
/** Small scene side: past the 2048 px a side that prepareDisplay serves as is, so both sizes build a cache. */
const SMALL = 2560;

interface Measure {
  ms: number;
  maxRssMiB: number;
  detail: string;
}

async function child(task: string, file: string, cacheDir: string): Promise<Measure> {
  const t0 = performance.now();
  let detail = '';
  const r = await openRaster([file]);
  if (task === 'view') {
    const { width, height } = r.info;
    const scale = Math.min(VIEW_W / width, VIEW_H / height);
    const outWidth = Math.round(width * scale);
    const outHeight = Math.round(height * scale);
    const bands = await r.readWindow({ x: 0, y: 0, width, height }, { outWidth, outHeight });
    detail = `${outWidth}x${outHeight} x ${bands.length} bands`;
  } else {
    const res = await prepareDisplay(r, cacheDir);
    detail = res.cached ? 'cache built' : 'original used';
  }
  await r.close();
  const ms = performance.now() - t0;
  return { ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, detail };
}

function measure(task: string, file: string, cacheDir: string): Measure {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', task, file, cacheDir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child ${task} ${file} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Measure;
}

/** GDAL building the same kind of display file (tiled 256, DEFLATE level 1, predictor 2, overviews). */
function gdalCache(file: string, dir: string): number {
  const t0 = performance.now();
  execFileSync('gdal_translate', ['-q', '-of', 'COG', '-co', 'BLOCKSIZE=256', '-co', 'COMPRESS=DEFLATE', '-co', 'LEVEL=1', '-co', 'PREDICTOR=2', '-co', 'RESAMPLING=AVERAGE', file, join(dir, 'gdal-cache.tif')]);
  rmSync(join(dir, 'gdal-cache.tif'));
  return performance.now() - t0;
}

function gdalView(file: string, dir: string): number {
  const t0 = performance.now();
  execFileSync('gdal_translate', ['-q', '-of', 'ENVI', '-outsize', '800', '800', '-r', 'nearest', file, join(dir, 'gdal-view.img')]);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const keep = process.env.SKYSENSE_BENCH_DIR;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'skysense-bench-'));
  mkdirSync(dir, { recursive: true });
  try {
    const rows: string[] = [];
    const results: Record<string, Measure> = {};
    const gdal: Record<string, number> = {};
    for (const size of [SMALL, 10980]) {
      for (const layout of ['cog', 'stripped'] as const) {
        const t0 = performance.now();
        const file = await makeBigScene(dir, layout, size);
        console.error(`fixture ${layout} ${size}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        const key = `${layout}-${size}`;
        results[`view-${key}`] = measure('view', file, join(dir, `cache-${key}`));
        gdal[key] = gdalView(file, dir);
        if (layout === 'stripped') {
          rmSync(join(dir, `cache-${key}`), { recursive: true, force: true });
          results[`cache-${key}`] = measure('cache', file, join(dir, `cache-${key}`));
          gdal[`cache-${key}`] = gdalCache(file, dir);
        }
      }
    }
    const f = (m: Measure) => `${m.ms.toFixed(0).padStart(7)} ms  ${m.maxRssMiB.toFixed(0).padStart(5)} MiB  ${m.detail}`;
    rows.push('task                         time       peak RSS   detail');
    for (const [k, m] of Object.entries(results)) rows.push(`${k.padEnd(26)} ${f(m)}`);
    rows.push('');
    for (const key of ['cog-10980', 'stripped-10980', 'cog-2560', 'stripped-2560']) {
      rows.push(`first view ${key.padEnd(15)} ours/GDAL time: ${(results[`view-${key}`].ms / gdal[key]).toFixed(2)}  (GDAL ${gdal[key].toFixed(0)} ms)`);
    }
    for (const key of ['stripped-10980', 'stripped-2560']) {
      rows.push(`display cache ${key.padEnd(15)} ours/GDAL time: ${(results[`cache-${key}`].ms / gdal[`cache-${key}`]).toFixed(2)}  (GDAL COG driver, 1 thread: ${gdal[`cache-${key}`].toFixed(0)} ms)`);
    }
    const px = (10980 / SMALL) ** 2;
    rows.push('');
    rows.push(`pixels 10980 / ${SMALL}: ${px.toFixed(1)}x`);
    rows.push(`first view COG      10980 / ${SMALL}: time ${(results['view-cog-10980'].ms / results['view-cog-2560'].ms).toFixed(2)}x, peak RSS ${(results['view-cog-10980'].maxRssMiB / results['view-cog-2560'].maxRssMiB).toFixed(2)}x`);
    rows.push(`first view stripped 10980 / ${SMALL}: time ${(results['view-stripped-10980'].ms / results['view-stripped-2560'].ms).toFixed(2)}x, peak RSS ${(results['view-stripped-10980'].maxRssMiB / results['view-stripped-2560'].maxRssMiB).toFixed(2)}x`);
    rows.push(`display cache       10980 / ${SMALL}: time ${(results['cache-stripped-10980'].ms / results['cache-stripped-2560'].ms).toFixed(2)}x, peak RSS ${(results['cache-stripped-10980'].maxRssMiB / results['cache-stripped-2560'].maxRssMiB).toFixed(2)}x`);
    rows.push(`stripped vs COG first view at 10980: ${(results['view-stripped-10980'].ms / results['view-cog-10980'].ms).toFixed(2)}x time`);
    console.log(rows.join('\n'));
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [, , , task, file, cacheDir] = process.argv;
  child(task, file, cacheDir).then((m) => console.log(JSON.stringify(m)), (err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  await main();
}

/**
 * First-view benchmark in the real browser against the real host: the time from the UI
 * sending layer.open (typed path, Open) to the map's first 'rendercomplete' with the
 * layer's tiles drawn, for a 10980 x 10980 x 4 UInt16 scene as a COG and as a stripped
 * GeoTIFF (fixtures.ts; the stripped one needs the engine's display cache first).
 * The scene is in EPSG:4326, so the browser reprojects it to the map's EPSG:3857 on the
 * GPU; the same COG warped to EPSG:3857 by gdalwarp is timed too, to show that cost.
 * Each measure uses a fresh page; each layout a fresh host, so its peak RSS is its own.
 * Also reported: the browser's JS heap (objects, and ArrayBuffers holding tile data)
 * after the first view, and the host's peak RSS. Target: COG first view under 1 s.
 * Run: node --import tsx test/bench/first-view.bench.ts   (SKYSENSE_BENCH_DIR keeps fixtures)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, type TestBrowser } from '../e2e/helpers/browser.ts';
import { startHostProcess, type HostProcess } from '../e2e/helpers/host-process.ts';
import { ensureRendererBuilt } from '../e2e/helpers/renderer-build.ts';
import { hookLayers, openByPath, timings, waitConnected, waitFirstView } from '../e2e/helpers/ui.ts';
import { makeBigScene } from './fixtures.ts';

const COG_RUNS = 3;
const TARGET_MS = 1000;

interface Run {
  label: string;
  firstViewMs: number;
  openMs: number;
  statsMs: number;
  heapMiB: number;
  buffersMiB: number;
}

/** The COG warped to the map's CRS: what the browser can draw without reprojecting. */
function warpedTo3857(cog: string, dir: string): string {
  const out = join(dir, 'scene-cog-3857.tif');
  if (existsSync(out)) return out;
  execFileSync('gdalwarp', ['-q', '-t_srs', 'EPSG:3857', '-r', 'near', '-of', 'COG', '-co', 'COMPRESS=DEFLATE', '-co', 'BLOCKSIZE=512',
    '-co', 'NUM_THREADS=2', '-wo', 'NUM_THREADS=2', cog, `${out}.part.tif`]);
  renameSync(`${out}.part.tif`, out);
  return out;
}

async function firstView(browser: TestBrowser, host: HostProcess, path: string, label: string): Promise<Run> {
  const { page } = browser;
  await page.goto(host.url);
  await waitConnected(page);
  await openByPath(page, path);
  await page.getByTestId('layer-item').first().waitFor({ timeout: 30 * 60_000 });
  const [layer] = await hookLayers(page);
  await waitFirstView(page, layer.id, 30 * 60_000);
  const t = (await timings(page))[layer.id];
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
  await cdp.detach();
  return {
    label,
    firstViewMs: t.firstView! - t.start,
    openMs: t.opened! - t.start,
    statsMs: (t.stats ?? t.opened!) - t.opened!,
    heapMiB: heap.usedSize / 2 ** 20,
    buffersMiB: (heap.backingStorageSize ?? NaN) / 2 ** 20,
  };
}

async function main(): Promise<void> {
  const keep = process.env.SKYSENSE_BENCH_DIR;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'skysense-bench-view-'));
  mkdirSync(dir, { recursive: true });
  try {
    ensureRendererBuilt();
    const cogScene = await makeBigScene(dir, 'cog');
    const scenes = { cog: cogScene, stripped: await makeBigScene(dir, 'stripped'), 'cog-3857': warpedTo3857(cogScene, dir) };
    const runs: Run[] = [];
    const rss: Record<string, number | null> = {};
    for (const layout of ['cog', 'stripped', 'cog-3857'] as const) {
      const host = await startHostProcess();
      const browser = await launchBrowser();
      try {
        const n = layout === 'stripped' ? 2 : COG_RUNS;
        for (let i = 0; i < n; i++) {
          const label =
            layout === 'cog' ? `COG #${i + 1}` : layout === 'cog-3857' ? `COG in 3857 #${i + 1}` : i === 0 ? 'stripped (cache built)' : 'stripped (cache reused)';
          const r = await firstView(browser, host, scenes[layout], label);
          runs.push(r);
          console.log(`${r.label.padEnd(24)} first view ${r.firstViewMs.toFixed(0).padStart(7)} ms  (layer.open ${r.openMs.toFixed(0)} ms, stats ${r.statsMs.toFixed(0)} ms)  JS heap ${r.heapMiB.toFixed(1)} MiB + buffers ${r.buffersMiB.toFixed(0)} MiB`);
        }
        if (browser.errors.length) console.log(`browser errors: ${browser.errors.join(' | ')}`);
      } finally {
        await browser.close();
        rss[layout] = host.peakRssKb();
        await host.stop();
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const cog = median(runs.filter((r) => r.label.startsWith('COG #')).map((r) => r.firstViewMs));
    const cog3857 = median(runs.filter((r) => r.label.startsWith('COG in 3857')).map((r) => r.firstViewMs));
    const stripped = runs.find((r) => r.label === 'stripped (cache built)')!.firstViewMs;
    console.log('');
    console.log(`scene: 10980 x 10980 x 4 UInt16 (${join(dir, '')})`);
    console.log(`COG first view (median of ${COG_RUNS}): ${cog.toFixed(0)} ms — target < ${TARGET_MS} ms: ${cog < TARGET_MS ? 'met' : 'MISSED'}`);
    console.log(`stripped first view (display cache built on open): ${stripped.toFixed(0)} ms`);
    console.log(`ratio stripped / COG: ${(stripped / cog).toFixed(1)}x`);
    console.log(`COG already in EPSG:3857 (no reprojection, median of ${COG_RUNS}): ${cog3857.toFixed(0)} ms; reprojection costs ${(cog / cog3857).toFixed(1)}x`);
    for (const [layout, kb] of Object.entries(rss)) console.log(`host peak RSS (${layout}): ${kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MiB`}`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

await main();

/**
 * First-view benchmark in the real browser against the real host: the time from the UI
 * sending layer.open (typed path, Open) to the map's first 'rendercomplete' with the
 * layer's tiles drawn, for a 10980 x 10980 x 4 UInt16 scene as a COG and as a stripped
 * GeoTIFF (fixtures.ts; the stripped one needs the engine's display cache first).
 * Each measure uses a fresh page; each layout a fresh host, so its peak RSS is its own.
 * Also reported: the browser's JS heap after the first view and the host's peak RSS.
 * Target: COG first view under 1 s.
 * Run: node --import tsx test/bench/first-view.bench.ts   (SKYSENSE_BENCH_DIR keeps fixtures)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return {
    label,
    firstViewMs: t.firstView! - t.start,
    openMs: t.opened! - t.start,
    statsMs: (t.stats ?? t.opened!) - t.opened!,
    heapMiB: heap.usedSize / 2 ** 20,
  };
}

async function main(): Promise<void> {
  const keep = process.env.SKYSENSE_BENCH_DIR;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'skysense-bench-view-'));
  mkdirSync(dir, { recursive: true });
  try {
    ensureRendererBuilt();
    const scenes = { cog: await makeBigScene(dir, 'cog'), stripped: await makeBigScene(dir, 'stripped') };
    const runs: Run[] = [];
    const rss: Record<string, number | null> = {};
    for (const layout of ['cog', 'stripped'] as const) {
      const host = await startHostProcess();
      const browser = await launchBrowser();
      try {
        const n = layout === 'cog' ? COG_RUNS : 2;
        for (let i = 0; i < n; i++) {
          const label = layout === 'cog' ? `COG #${i + 1}` : i === 0 ? 'stripped (cache built)' : 'stripped (cache reused)';
          const r = await firstView(browser, host, scenes[layout], label);
          runs.push(r);
          console.log(`${r.label.padEnd(24)} first view ${r.firstViewMs.toFixed(0).padStart(7)} ms  (layer.open ${r.openMs.toFixed(0)} ms, stats ${r.statsMs.toFixed(0)} ms)  JS heap ${r.heapMiB.toFixed(1)} MiB`);
        }
        if (browser.errors.length) console.log(`browser errors: ${browser.errors.join(' | ')}`);
      } finally {
        await browser.close();
        rss[layout] = host.peakRssKb();
        await host.stop();
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const cog = median(runs.filter((r) => r.label.startsWith('COG')).map((r) => r.firstViewMs));
    const stripped = runs.find((r) => r.label === 'stripped (cache built)')!.firstViewMs;
    console.log('');
    console.log(`scene: 10980 x 10980 x 4 UInt16 (${join(dir, '')})`);
    console.log(`COG first view (median of ${COG_RUNS}): ${cog.toFixed(0)} ms — target < ${TARGET_MS} ms: ${cog < TARGET_MS ? 'met' : 'MISSED'}`);
    console.log(`stripped first view (display cache built on open): ${stripped.toFixed(0)} ms`);
    console.log(`ratio stripped / COG: ${(stripped / cog).toFixed(1)}x`);
    for (const [layout, kb] of Object.entries(rss)) console.log(`host peak RSS (${layout}): ${kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MiB`}`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

await main();

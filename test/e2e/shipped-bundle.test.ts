/**
 * The renderer's test hook (window.__skysense) is in the test build only: a production
 * build, made here into a temporary folder exactly as `npm run build:renderer` makes
 * dist/renderer, holds neither the hook nor its module, and the test build does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './helpers/repo.ts';
import { ensureRendererBuilt, testRendererDir } from './helpers/renderer-build.ts';

function scripts(dir: string): string {
  const assets = join(dir, 'assets');
  const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
  assert.ok(js.length > 0, `${assets}: no JavaScript`);
  return js.map((f) => readFileSync(join(assets, f), 'utf8')).join('\n');
}

test('the production bundle has no test hook; the test bundle has it', () => {
  const out = mkdtempSync(join(tmpdir(), 'skysense-ship-'));
  try {
    const r = spawnSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `production build failed: ${r.stderr}`);
    const shipped = scripts(out);
    assert.ok(shipped.includes('OpenLayers') || shipped.length > 100_000, 'the production bundle holds the app');
    assert.ok(!shipped.includes('__skysense'), 'the production bundle defines window.__skysense');
    assert.ok(!shipped.includes('pixelFromCoordinate'), 'the production bundle holds the test hook module');
    ensureRendererBuilt();
    assert.ok(scripts(testRendererDir).includes('__skysense'), 'the test bundle lacks window.__skysense');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

// The e2e tests drive the renderer's test build (production code plus the read-only
// window.__skysense hook) from dist/renderer-test. `npm test` builds it first; when run on
// their own they build it if it is missing or older than its sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from './repo.ts';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return newest;
}

export const testRendererDir = join(repoRoot, 'dist', 'renderer-test');

export function ensureRendererBuilt(): void {
  const index = join(testRendererDir, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(repoRoot, 'renderer'))) return;
  const r = spawnSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--mode', 'test', '--logLevel', 'warn'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`renderer build failed (exit ${r.status})`);
}

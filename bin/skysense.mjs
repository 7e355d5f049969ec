#!/usr/bin/env node
// The skysense command. It runs the bundle scripts/build-cli.mjs writes (dist/cli/, made by
// `npm ci` through the prepare script) while that is newer than every source file under
// main/, so a start compiles nothing; otherwise (a checkout being edited, no bundle) tsx
// compiles the TypeScript sources on load, as in development.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist/cli/skysense.mjs');
const marker = join(root, 'dist/cli/built.json');

/** The newest modification time of a source file under dir (ms), or Infinity when it cannot be read. */
function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (process.env.SKYSENSE_CLI_SOURCES === '1' || !existsSync(bundle) || !existsSync(marker)) return false;
  try {
    return statSync(marker).mtimeMs >= newestSource(join(root, 'main'));
  } catch {
    return false;
  }
}

let main;
if (bundleIsFresh()) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../main/cli/skysense.ts'));
}
process.exitCode = await main(process.argv.slice(2));

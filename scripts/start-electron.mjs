#!/usr/bin/env node
// Starts the desktop app from dist/electron/main.cjs. The Electron binary is fetched
// by its own install script, which package.json does not let npm run (so offline
// installs never break); where it is missing we try once here and otherwise point
// the user to the browser host, which needs no Electron.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');
const mainBundle = join(root, 'dist', 'electron', 'main.cjs');

function electronBinary() {
  try {
    const rel = readFileSync(join(electronDir, 'path.txt'), 'utf8').trim();
    const bin = join(electronDir, 'dist', rel);
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

function giveUp(why) {
  console.error(`skysense: ${why}`);
  console.error('skysense: the desktop window needs the Electron binary. Without it, run the same app in your browser:');
  console.error('skysense:     npm run serve');
  process.exit(1);
}

if (!existsSync(join(electronDir, 'install.js'))) giveUp('the electron package is not installed (node_modules/electron)');
let bin = electronBinary();
if (!bin) {
  console.error('skysense: the Electron binary is missing; trying to download it (node node_modules/electron/install.js)...');
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, stdio: 'inherit' });
  bin = r.status === 0 ? electronBinary() : null;
  if (!bin) giveUp('could not download the Electron binary (no internet access, or the download was refused)');
}
if (!existsSync(mainBundle)) giveUp('dist/electron/main.cjs is missing: run `npm run build` first');

const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE; // would make the binary a plain Node and ignore the app
const child = spawn(bin, [mainBundle, ...process.argv.slice(2)], { stdio: 'inherit', env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

#!/usr/bin/env node
// Bundles the Electron main process and the preload into CommonJS under dist/electron/.
// Everything is bundled except `electron` (provided at run time) and onnxruntime-node
// (native; shipped unpacked from the asar by electron-builder).
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['electron', 'onnxruntime-node'],
  outExtension: { '.js': '.cjs' },
  outdir: join(root, 'dist/electron'),
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
};

// ESM sources may use import.meta.url; in CommonJS it becomes this file's URL.
const importMeta = {
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
};

const started = Date.now();
await build({ ...common, ...importMeta, entryPoints: { main: 'main/electron/main.ts' } });
// Worker threads load their own file next to the bundle (main/tiler/worker-start.ts looks for it).
await build({ ...common, ...importMeta, entryPoints: { 'write-worker': 'main/tiler/write-worker.ts' } });
await build({ ...common, ...importMeta, entryPoints: { 'train-worker': 'main/train/train-worker.ts' } });
await build({ ...common, ...importMeta, entryPoints: { 'job-worker': 'main/jobs/job-worker.ts' } });
// The sandboxed preload may only require('electron'): it must stay free of anything else.
await build({ ...common, entryPoints: { preload: 'main/electron/preload.ts' } });
console.log(`dist/electron/main.cjs, write-worker.cjs and preload.cjs built in ${Date.now() - started} ms`);

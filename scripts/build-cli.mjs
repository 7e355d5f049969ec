#!/usr/bin/env node
// Bundles the command line (main/cli/skysense.ts) and the worker threads it starts into
// ES modules under dist/cli/, so `skysense` starts without compiling TypeScript (tsx took most
// of `skysense info`'s start; README "Benchmarks" has the figures). npm packages stay
// external: only our sources are bundled. bin/skysense.mjs uses the bundle while it is newer
// than every source file, and tsx otherwise (an edited checkout needs no rebuild).
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/cli');
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // Dynamic imports stay lazy (a command loads only what it uses: info never loads ONNX Runtime).
  splitting: true,
  outExtension: { '.js': '.mjs' },
  outdir,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
};

const started = Date.now();
mkdirSync(outdir, { recursive: true });
await build({
  ...common,
  entryPoints: {
    skysense: 'main/cli/skysense.ts',
    // Worker threads load their own file next to the bundle (main/tiler/worker-start.ts looks for it).
    'write-worker': 'main/tiler/write-worker.ts',
    'train-worker': 'main/train/train-worker.ts',
    'job-worker': 'main/jobs/job-worker.ts',
  },
});
// Marks the bundle whole: bin/skysense.mjs compares the sources' times with this file's.
writeFileSync(join(outdir, 'built.json'), `${JSON.stringify({ builtAt: new Date().toISOString() })}\n`);
console.log(`dist/cli/ built in ${Date.now() - started} ms`);

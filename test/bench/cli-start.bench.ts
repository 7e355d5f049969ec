/**
 * How fast `skysense` starts, as a user runs it: `skysense info FILE` through bin/skysense.mjs
 * on the bundle (dist/cli, what `npm ci` builds) and on the TypeScript sources through tsx
 * (SKYSENSE_CLI_SOURCES=1, as an edited checkout runs), beside `gdalinfo FILE`, interleaved
 * so that the machine's load falls on all three alike; medians of the wall times and their
 * ratios to gdalinfo, from this one run.
 *
 *   node --import tsx test/bench/cli-start.bench.ts      BENCH_RUNS=15
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const FILE = resolve(ROOT, '../shared/data/samples/cea.tif');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

if (!existsSync(join(ROOT, 'dist/cli/skysense.mjs'))) spawnSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { stdio: 'inherit' });

const variants: [string, string, string[], NodeJS.ProcessEnv][] = [
  ['skysense info (bundle)', process.execPath, [join(ROOT, 'bin/skysense.mjs'), 'info', FILE], process.env],
  ['skysense info (tsx, sources)', process.execPath, [join(ROOT, 'bin/skysense.mjs'), 'info', FILE], { ...process.env, SKYSENSE_CLI_SOURCES: '1' }],
  ['gdalinfo', 'gdalinfo', [FILE], process.env],
];
const times = variants.map(() => [] as number[]);
for (let i = 0; i < RUNS; i++) {
  variants.forEach(([name, cmd, args, env], v) => {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${name}: exit ${r.status}: ${r.stderr}`);
    times[v].push(performance.now() - t0);
  });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gdal = median(times[2]);
console.log(`start-up: ${FILE.split('/').pop()} (${RUNS} interleaved runs each, medians)`);
variants.forEach(([name], v) => {
  const m = median(times[v]);
  console.log(`  ${name.padEnd(30)} ${m.toFixed(0).padStart(5)} ms   ${(m / gdal).toFixed(2)}x gdalinfo`);
});
console.log(`  bundle / sources: ${(median(times[0]) / median(times[1])).toFixed(2)}x`);

#!/usr/bin/env node
// Runs node's test runner over the suites named on the command line (unit,
// integration, e2e, python, or all). Node 20 has no --test glob support, so the
// file list is built here; tsx is registered as a loader for the .ts files.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const suites = { unit: 'test/unit', integration: 'test/integration', e2e: 'test/e2e', models: 'test/models' };
const asked = process.argv.slice(2);
const names = asked.length === 0 || asked.includes('all') ? Object.keys(suites) : asked;

function walk(dir) {
  let out = [];
  let entries = [];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const e of entries.sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (/\.test\.(ts|mjs|js)$/.test(e)) out.push(p);
  }
  return out;
}

const files = names.flatMap((n) => {
  if (!suites[n]) { console.error(`unknown suite "${n}"; known: ${Object.keys(suites).join(', ')}, all`); process.exit(2); }
  return walk(suites[n]);
});
if (files.length === 0) { console.error('no test files found'); process.exit(1); }
const concurrency = process.env.TEST_CONCURRENCY ?? '1';
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);

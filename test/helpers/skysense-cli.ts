/** Runs the real `skysense` command and makes tiny model folders for CLI-level tests. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './gdal.ts';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function skysense(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/skysense.mjs'), ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A tiny random-init SkySense folder (models/convert.py) with only the named modules. */
export function makeTinyModel(out: string, modules: string[]): void {
  const r = spawnSync(
    '/usr/bin/python3',
    ['models/convert.py', '--random-init', '--config', 'tiny', '--modules', modules.join(','), '--no-verify', '--out', out],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
}

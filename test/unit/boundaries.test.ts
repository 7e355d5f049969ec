/**
 * The room rules (.dependency-cruiser.cjs) fail where they should: a small tree that breaks
 * each rule once, cruised with the repository's own rule set, reports exactly those
 * breaks, and the same tree without them reports none. (npm test also runs the rules over
 * main/ and renderer/ themselves: npm run check:rooms.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../e2e/helpers/repo.ts';

const api = "export class ApiError extends Error {}\nexport type Layer = { id: string };\n";

// A lawful tree: every room present, each used through its index.ts, downward only.
const lawful: Record<string, string> = {
  'main/api.ts': api,
  'main/raster/index.ts': "export { read } from './read.ts';\n",
  'main/raster/read.ts': 'export const read = 1;\n',
  'main/vector/index.ts': "import { read } from '../raster/index.ts';\nexport const polygon = read;\n",
  'main/model/index.ts': 'export const model = 1;\n',
  'main/tiler/index.ts': "import { read } from '../raster/index.ts';\nexport const tile = read;\n",
  'main/inputs/index.ts': "import { tile } from '../tiler/index.ts';\nexport const input = tile;\n",
  'main/heads/index.ts': "import { input } from '../inputs/index.ts';\nexport const head = input;\n",
  'main/tasks/embed/index.ts': "import { head } from '../../heads/index.ts';\nexport { embedAll } from './embed.ts';\nexport const embed = head;\n",
  'main/tasks/embed/embed.ts': 'export const embedAll = 1;\n',
  'main/tasks/cluster/index.ts': "import { embed } from '../embed/index.ts';\nexport const cluster = embed;\n",
  'main/tasks/index.ts': "export { embed } from './embed/index.ts';\nexport { cluster } from './cluster/index.ts';\n",
  'main/jobs/index.ts': "import { embed } from '../tasks/index.ts';\nexport const jobs = embed;\n",
  'main/service/index.ts': "import { jobs } from '../jobs/index.ts';\nexport const service = jobs;\n",
  'main/host/index.ts': "import { service } from '../service/index.ts';\nexport const host = service;\n",
  'main/electron/index.ts': "import { app } from 'electron';\nimport { host } from '../host/index.ts';\nexport const e = [app, host];\n",
  'renderer/app.ts': "import type { Layer } from '../main/api.ts';\nexport const layers: Layer[] = [];\n",
};

// Each entry: a file that breaks one rule, and the rule that must name it.
const breaks: [string, string, string][] = [
  ['renderer-uses-api-only', 'renderer/engine.ts', "import { tile } from '../main/tiler/index.ts';\nexport const t = tile;\n"],
  ['renderer-api-types-only', 'renderer/errors.ts', "import { ApiError } from '../main/api.ts';\nexport const E = ApiError;\n"],
  ['electron-in-electron-only', 'main/host/window.ts', "import { app } from 'electron';\nexport const a = app;\n"],
  ['floor-1-not-up', 'main/raster/up.ts', "import { tile } from '../tiler/index.ts';\nexport const t = tile;\n"],
  ['floor-2-not-up', 'main/tiler/up.ts', "import { embed } from '../tasks/index.ts';\nexport const t = embed;\n"],
  ['floor-2-order-tiler', 'main/tiler/sideways.ts', "import { head } from '../heads/index.ts';\nexport const t = head;\n"],
  ['floor-3-not-up', 'main/tasks/embed/up.ts', "import { service } from '../../service/index.ts';\nexport const t = service;\n"],
  ['floor-4-not-up', 'main/service/up.ts', "import { host } from '../host/index.ts';\nexport const t = host;\n"],
  ['tasks-one-entry', 'main/service/task.ts', "import { embed } from '../tasks/embed/index.ts';\nexport const t = embed;\n"],
  ['tasks-run-in-jobs', 'main/cli/run.ts', "import { embed } from '../tasks/index.ts';\nexport const t = embed;\n"],
  ['room-faces', 'main/vector/reach.ts', "import { read } from '../raster/read.ts';\nexport const t = read;\n"],
  ['task-faces', 'main/tasks/cluster/reach.ts', "import { embedAll } from '../embed/embed.ts';\nexport const t = embedAll;\n"],
  ['no-circular', 'main/model/a.ts', "import { b } from './b.ts';\nexport const a = () => b;\n"],
  ['resolvable', 'main/model/lost.ts', "import { gone } from './gone.ts';\nexport const t = gone;\n"],
];
const extra: Record<string, string> = { 'main/model/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n" };

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

function cruise(files: Record<string, string>): Violation[] {
  const dir = mkdtempSync(join(tmpdir(), 'skysense-rooms-'));
  try {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true, noEmit: true, moduleResolution: 'bundler', module: 'ESNext' } }));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const bin = join(repoRoot, 'node_modules', '.bin', 'depcruise');
    const r = spawnSync(bin, ['main', 'renderer', '--config', join(repoRoot, '.dependency-cruiser.cjs'), '--output-type', 'json'], { cwd: dir, encoding: 'utf8' });
    assert.ok(r.stdout, `depcruise printed nothing (exit ${r.status}): ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
    assert.ok(out.summary.totalCruised >= Object.keys(files).length, `only ${out.summary.totalCruised} modules cruised`);
    return out.summary.violations;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a tree that keeps the rules has no violations', () => {
  assert.deepEqual(cruise(lawful), []);
});

test('each rule names the file that breaks it, and nothing else is reported', () => {
  const files = { ...lawful, ...extra, ...Object.fromEntries(breaks.map(([, path, text]) => [path, text])) };
  const found = cruise(files).map((v) => `${v.rule.name} ${v.from}`);
  for (const [rule, path] of breaks) assert.ok(found.includes(`${rule} ${path}`), `${rule} did not report ${path}; got:\n${found.join('\n')}`);
  const expected = new Set(breaks.map(([rule]) => rule));
  const strays = found.filter((f) => !expected.has(f.split(' ')[0]));
  assert.deepEqual(strays, [], 'violations of rules no file was meant to break');
});

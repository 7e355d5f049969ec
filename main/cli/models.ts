/**
 * `skysense models [--json] [--dir DIR]...`: the installed model folders (application,
 * user data folder, folders named with --dir) and their task heads with their problems
 * (a head with its task, classes, encoder and training data), and the execution
 * providers this machine offers. Broken folders are listed, not an error: the command
 * exits 0 whatever it finds, 1 only when a --dir names no folder, 2 on usage errors.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeProviders, formatProviderReport } from '../model/index.ts';
import { defaultSearchDirs, findModels, userModelsDir, type ModelEntry } from '../model/index.ts';
import { commandLine, parseOptions, UsageError } from './usage.ts';

const USAGE = `Usage: skysense models [--json] [--dir DIR]...

Lists the installed model folders, their task heads (<model>/heads/<name>), and the
execution providers of this machine. Model folders are looked for in the application's
models/ folder, in the user's models folder (${userModelsDir()}; set
SKYSENSE_MODELS_DIR to use another) and in each --dir (a model folder, a head folder,
or a folder of them). A folder whose manifest.json is broken is listed with its problems.

  --json      print {models, providers, searched} as JSON
  --dir DIR   also look in DIR (a model or head folder, or a folder of them); repeatable`;

const COMMAND = { name: 'skysense models', help: USAGE };

interface Options {
  json: boolean;
  dirs: string[];
}

function parseModelsArgs(args: string[]): Options {
  const { values } = parseOptions(args, { json: { type: 'boolean' }, dir: { type: 'string', multiple: true } });
  const dirs = values.dir ?? [];
  if (dirs.includes('')) throw new UsageError('--dir needs a folder');
  return { json: values.json ?? false, dirs };
}

export async function runModels(args: string[]): Promise<number> {
  const cli = commandLine(COMMAND, args, parseModelsArgs);
  if ('exit' in cli) return cli.exit;
  const opts = cli.args;
  // A mistyped --dir must not read as "no models there".
  for (const d of opts.dirs) {
    const s = await stat(d).catch(() => null);
    if (!s || !s.isDirectory()) {
      process.stderr.write(`skysense: ${resolve(d)}: ${s ? 'not a folder' : 'no such folder'} (--dir)\n`);
      return 1;
    }
  }

  const { models, searched } = await findModels(defaultSearchDirs(opts.dirs));
  const providers = await describeProviders();
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ models, providers, searched }, null, 2)}\n`);
    return 0;
  }

  const out: string[] = [];
  if (models.length === 0) {
    const user = userModelsDir();
    out.push(
      'No models installed.',
      `To add one, drop a model folder (one with a manifest.json) into ${user}`,
      `or make one: python3 models/convert.py --random-init --config tiny --out ${join(user, 'skysense-tiny')}`,
    );
  } else {
    out.push(...modelTable(models));
  }
  out.push('', 'Searched:');
  for (const s of searched) out.push(`  ${s.source.padEnd(4)}  ${s.dir}${s.exists ? '' : ' (absent)'}`);
  out.push('', 'Execution providers:');
  out.push(...formatProviderReport(providers).map((l) => `  ${l}`));
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** One row per model, then its details indented under it so problems sit next to the folder. */
function modelTable(models: readonly ModelEntry[]): string[] {
  const header = ['NAME', 'KIND', 'CONFIG', 'WEIGHTS', 'SIZE', 'MODULES', 'STATUS'];
  const rows = models.map((m) => [
    m.name,
    m.kind ?? '-',
    // A head has no architecture configuration; its task says what it is for.
    m.kind === 'head' ? (m.head?.task ?? '-') : (m.config ?? '-'),
    m.weights?.kind ?? '-',
    m.modules.length ? formatBytes(m.bytes) : '-',
    String(m.modules.length),
    m.problems.length === 0 ? 'ok' : `${m.problems.length} problem${m.problems.length === 1 ? '' : 's'}`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((s, c) => (c === cells.length - 1 ? s : s.padEnd(widths[c]))).join('  ');
  const out = [line(header)];
  models.forEach((m, i) => {
    out.push(line(rows[i]));
    if (m.title) out.push(`    title:    ${m.title}`);
    out.push(`    folder:   ${m.dir} (${m.source})`);
    if (m.within) out.push(`    in model: ${m.within}`);
    if (m.head) {
      const h = m.head;
      out.push(`    task:     ${h.task} (${h.activation}); classes: ${h.classes.map((c) => `${c.value} ${c.name}`).join(', ')}`);
      out.push(`    encoder:  ${h.encoder.name} ${h.encoder.module} (${h.encoder.modality})`);
      const metrics = h.metrics ? `; ${Object.entries(h.metrics).map(([k, v]) => `${k} ${v}`).join(', ')}` : '';
      out.push(`    trained:  ${h.trainedOn} (labels: ${h.trainingLicence})${metrics}`);
    }
    if (m.licence) out.push(`    licence:  code ${m.licence.code}; weights ${m.licence.weights}`);
    if (m.weights?.checkpoint) {
      const c = m.weights.checkpoint;
      out.push(`    from:     ${typeof c === 'string' ? c : c.map((x) => `${x.file} (sha256 ${x.sha256.slice(0, 12)}...)`).join(', ')}`);
    }
    if (m.modules.length) {
      const mods = m.modules.map((mod) => {
        const size = mod.files.reduce((s, f) => s + (f.bytes ?? 0), 0);
        return `${mod.name} ${formatBytes(size)}${mod.files.length > 1 ? ` in ${mod.files.length} files` : ''}`;
      });
      out.push(`    modules:  ${mods.join(', ')}`);
    }
    for (const p of m.problems) out.push(`    problem:  ${p}`);
  });
  return out;
}

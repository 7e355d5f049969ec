/**
 * The `skysense` command: one table of subcommands, each loaded only when used so
 * `skysense info` never pulls in the host or ONNX Runtime. Exit codes: 0 ok, 1 the
 * work failed (bad file ...), 2 usage error. `--verbose` (any command) adds the cause
 * chain of a failure to its one line.
 */

export interface Subcommand {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

export const subcommands: Record<string, Subcommand> = {
  info: {
    summary: 'print raster metadata (size, bands, type, nodata, CRS, geotransform, overviews)',
    usage: 'skysense info FILE|FOLDER... [--json]',
    run: async (args) => (await import('./info.ts')).runInfo(args),
  },
  models: {
    summary: 'list installed model folders (and their problems) and the execution providers',
    usage: 'skysense models [--json] [--dir DIR]...',
    run: async (args) => (await import('./models.ts')).runModels(args),
  },
  run: {
    summary: 'run a model task over a raster (embed: per-location SkySense features)',
    usage: 'skysense run --task embed --model DIR --input FILE... --out FILE.tif [--modality s2|s1|hr] [--bands LIST] [--provider LIST] [--tile N --overlap N] [--shard I/N]',
    run: async (args) => (await import('./run.ts')).runRun(args),
  },
  train: {
    summary: 'train a task head on your labels over a model\'s encoder (writes a head folder)',
    usage: 'skysense train --task segment|change --model DIR (--dataset SPEC.json | --input FILE --labels FILE --classes A,B) --out HEAD_DIR',
    run: async (args) => (await import('./train.ts')).runTrain(args),
  },
  eval: {
    summary: 'score a head on labelled data (accuracy, F1, IoU, kappa, confusion)',
    usage: 'skysense eval --head DIR (--dataset SPEC.json | --input FILE --labels FILE) [--json]',
    run: async (args) => (await import('./eval.ts')).runEval(args),
  },
  serve: {
    summary: 'serve the app to a browser on this machine',
    usage: 'skysense serve [--port N] [--host 127.0.0.1] [--allow-remote]',
    run: async (args) => {
      const { runServe } = await import('./serve.ts');
      return runServe(args);
    },
  },
};

export function usage(): string {
  const names = Object.keys(subcommands);
  const width = Math.max(...names.map((n) => n.length));
  const lines = names.map((n) => `  ${n.padEnd(width)}  ${subcommands[n].summary}`);
  return [
    'Usage: skysense <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options for every command:',
    '  --verbose  on a failure, also print the underlying library error and its stack',
    '',
    'Run `skysense <command> --help` for a command\'s options.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  // --verbose anywhere on the line: failures also print the library's own error (error-text.ts).
  const verbose = argv.includes('--verbose');
  if (verbose) (await import('./error-text.ts')).setVerbose(true);
  const [name, ...rest] = argv.filter((a) => a !== '--verbose');
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    const { createRequire } = await import('node:module');
    const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (!name) {
    process.stderr.write(`${usage()}\n`);
    return 2;
  }
  const cmd = Object.prototype.hasOwnProperty.call(subcommands, name) ? subcommands[name] : undefined;
  if (!cmd) {
    process.stderr.write(`skysense: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  return cmd.run(rest);
}

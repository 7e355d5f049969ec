/**
 * `skysense serve`: the headless host for a browser tab (options: USAGE below).
 * Prints `SkySense host: <url with token>` on stdout once listening; stops cleanly on
 * SIGINT/SIGTERM. Resolves to the exit status (also set on process.exitCode).
 * The UI is served from dist/renderer (override: SKYSENSE_RENDERER_DIR); the cache
 * folder is defaultCacheDir() (override: SKYSENSE_CACHE_DIR).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCacheDir } from '../service/index.ts';
import { startHost, type RunningHost } from '../host/index.ts';
import { openInBrowser } from './open-browser.ts';
import { commandLine, parseOptions, UsageError } from './usage.ts';

const DEFAULT_PORT = 7878;

interface ServeArgs {
  port: number | null;
  host: string;
  allowRemote: boolean;
  open: boolean;
}

const USAGE = `Usage: skysense serve [--port N] [--host ADDRESS] [--allow-remote] [--no-open]

Serves the app to a browser tab on this machine and opens it. Prints
"SkySense host: <address with token>" once listening; Ctrl-C stops it.

  --port N        listen on N (default ${DEFAULT_PORT}; when ${DEFAULT_PORT} is taken, a free port is
                  used instead; an explicit --port that is taken is an error;
                  0 always picks a free port)
  --host ADDRESS  bind address (default 127.0.0.1); non-loopback needs --allow-remote
  --allow-remote  allow a non-loopback --host (prints a warning)
  --no-open       do not open the browser`;

const COMMAND = { name: 'skysense serve', help: USAGE };

function parseServeArgs(args: string[]): ServeArgs {
  const { values } = parseOptions(args, {
    port: { type: 'string' },
    host: { type: 'string' },
    'allow-remote': { type: 'boolean' },
    'no-open': { type: 'boolean' },
  });
  const port = values.port;
  if (port !== undefined && (!/^\d+$/.test(port) || Number(port) > 65535)) throw new UsageError(`--port needs a number 0..65535, got "${port}"`);
  if (values.host === '') throw new UsageError('--host needs an address');
  return {
    port: port === undefined ? null : Number(port),
    host: values.host ?? '127.0.0.1',
    allowRemote: values['allow-remote'] ?? false,
    open: !values['no-open'],
  };
}

async function listen(a: ServeArgs, staticDir: string): Promise<RunningHost> {
  const base = { host: a.host, allowRemote: a.allowRemote, staticDir, cacheDir: defaultCacheDir() };
  try {
    return await startHost({ ...base, port: a.port ?? DEFAULT_PORT });
  } catch (err) {
    if (a.port === null && (err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`port ${DEFAULT_PORT} is taken; using a free port\n`);
      return startHost({ ...base, port: 0 });
    }
    throw err;
  }
}

/** dist/renderer of this checkout; SKYSENSE_RENDERER_DIR points elsewhere (packaging, tests). */
function rendererDir(): string {
  return process.env.SKYSENSE_RENDERER_DIR || fileURLToPath(new URL('../../dist/renderer/', import.meta.url));
}

function fail(message: string, status: number): number {
  process.stderr.write(`skysense serve: ${message}\n`);
  process.exitCode = status;
  return status;
}

export async function runServe(args: string[]): Promise<number> {
  const cli = commandLine(COMMAND, args, parseServeArgs);
  if ('exit' in cli) {
    process.exitCode = cli.exit;
    return cli.exit;
  }
  const parsed = cli.args;
  const staticDir = rendererDir();
  if (!existsSync(join(staticDir, 'index.html'))) {
    return fail(`the UI is not built (${join(staticDir, 'index.html')} is missing): run \`npm run build:renderer\` first`, 1);
  }
  let host: RunningHost;
  try {
    host = await listen(parsed, staticDir);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err), 1);
  }
  // Handlers go in before the line is printed: whoever reads it may signal at once.
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  process.stdout.write(`SkySense host: ${host.url}\n`);
  const closeBrowserFile = parsed.open ? openInBrowser(host.url) : () => undefined;

  const signal = await stopped;
  process.stderr.write(`${signal}: stopping the host\n`);
  closeBrowserFile();
  await host.close();
  process.exitCode = 0;
  return 0;
}

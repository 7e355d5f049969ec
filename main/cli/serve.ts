/**
 * `skysense serve`: the headless host for a browser tab.
 *
 *   --port N        listen on N (default 7878; when 7878 is taken, a free port is
 *                   used instead; an explicit --port that is taken is an error;
 *                   0 always picks a free port)
 *   --host H        bind address (default 127.0.0.1); non-loopback needs --allow-remote
 *   --allow-remote  allow a non-loopback --host (prints a warning)
 *   --no-open       do not open the browser
 *
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

const DEFAULT_PORT = 7878;

interface ServeArgs {
  port: number | null;
  host: string;
  allowRemote: boolean;
  open: boolean;
}

const USAGE = 'usage: skysense serve [--port N] [--host ADDRESS] [--allow-remote] [--no-open]';

function parseArgs(args: string[]): ServeArgs | string {
  const out: ServeArgs = { port: null, host: '127.0.0.1', allowRemote: false, open: true };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith('--') && args[i].includes('=') ? args[i].split(/=(.*)/s, 2) : [args[i], undefined];
    const value = () => inline ?? args[++i];
    if (flag === '--port') {
      const v = value();
      if (v === undefined || !/^\d+$/.test(v) || Number(v) > 65535) return `--port needs a number 0..65535, got "${v ?? ''}"`;
      out.port = Number(v);
    } else if (flag === '--host') {
      const v = value();
      if (!v) return '--host needs an address';
      out.host = v;
    } else if (flag === '--allow-remote') out.allowRemote = true;
    else if (flag === '--no-open') out.open = false;
    else return `unknown option "${args[i]}"`;
  }
  return out;
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
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') return fail(`${parsed}\n${USAGE}`, 2);
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

// The real headless host as a child process (`node bin/skysense.mjs serve --port 0`),
// with its own temporary cache folder; stop() ends it and waits until it is gone.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './repo.ts';
import { testRendererDir } from './renderer-build.ts';

export interface HostProcess {
  url: string;
  child: ChildProcess;
  /** Highest resident set size so far (kB, from /proc VmHWM), or null where unknown. */
  peakRssKb(): number | null;
  stop(): Promise<void>;
}

const PREFIX = 'SkySense host: ';

export async function startHostProcess(opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<HostProcess> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'skysense-e2e-cache-'));
  const child = spawn(process.execPath, ['bin/skysense.mjs', 'serve', '--port', '0', '--no-open'], {
    cwd: repoRoot,
    env: { ...process.env, SKYSENSE_CACHE_DIR: cacheDir, SKYSENSE_RENDERER_DIR: testRendererDir, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    stderr += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not print its URL in time; stderr: ${stderr}`)), opts.timeoutMs ?? 30_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith(PREFIX)) {
        clearTimeout(timer);
        resolve(line.slice(PREFIX.length).trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited (${code}) before listening; stderr: ${stderr}`));
    });
  });

  return {
    url,
    child,
    peakRssKb() {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) : null;
      } catch {
        return null;
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

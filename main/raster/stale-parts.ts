/**
 * Temporaries a killed run left behind (SIGKILL gives no chance to remove them): files
 * named `.<name>.part-<pid>-<hex>` (part-path.ts) next to an output. One is stale when it is
 * older than this process and its pid is no running process; another live run writing the
 * same name (its pid alive) is left alone.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, not ours to signal
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Removes the stale temporaries of `output`; resolves to the names removed. */
export async function removeStaleParts(output: string): Promise<string[]> {
  const folder = dirname(output);
  const pattern = new RegExp(`^\\.${escape(basename(output))}\\.part-(\\d+)-[0-9a-f]+$`);
  const started = Date.now() - process.uptime() * 1000;
  const names = await readdir(folder).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid) continue;
    const st = await stat(join(folder, name)).catch(() => null);
    if (!st?.isFile()) continue;
    if (st.mtimeMs >= started || alive(pid)) continue;
    await rm(join(folder, name), { force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * The `fs.list` command: what the in-app open dialog shows. Browsers have no native
 * file dialog that yields a path, so the host lists folders for the renderer instead.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { ApiError, type ReplyOf } from '../api.ts';

type Listing = ReplyOf<'fs.list'>;
type Entry = Listing['entries'][number];

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export async function listDirectory(dir: string | undefined): Promise<Listing> {
  const target = resolve(dir && dir.length > 0 ? dir : homedir());
  let names: string[];
  try {
    const st = await stat(target);
    if (!st.isDirectory()) throw new ApiError('E_NOT_FOUND', `${target}: not a folder`, target);
    names = await readdir(target);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new ApiError('E_UNSUPPORTED', `${target}: permission denied`, target);
    throw new ApiError('E_NOT_FOUND', `${target}: no such folder`, target);
  }
  const entries: Entry[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue; // hidden by convention on every platform we ship to
    const path = join(target, name);
    // stat (not lstat) so links to folders browse like folders; broken links are skipped.
    const st = await stat(path).catch(() => null);
    if (!st) continue;
    if (st.isDirectory()) entries.push({ name, path, kind: 'dir', size: 0 });
    else if (st.isFile()) entries.push({ name, path, kind: 'file', size: st.size });
  }
  entries.sort((a, b) => (a.kind === b.kind ? collator.compare(a.name, b.name) : a.kind === 'dir' ? -1 : 1));
  const parent = dirname(target);
  return { dir: target, parent: parent === target ? null : parent, entries };
}

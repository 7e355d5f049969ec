/**
 * The temporary name every output is written under before it is renamed into place:
 * hidden, in the target's own folder (so the rename is atomic), and owned by this process:
 * `.<name>.part-<pid>-<random>`. Worker threads share the pid, so a crashed writer thread's
 * files are found by the prefix.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** The name's start for `path` in this process (the folder is dirname(path)). */
export function partPrefix(path: string): string {
  return `.${basename(path)}.part-${process.pid}-`;
}

/** A fresh temporary path next to `path`. */
export function partPath(path: string): string {
  return join(dirname(path), `${partPrefix(path)}${randomBytes(4).toString('hex')}`);
}

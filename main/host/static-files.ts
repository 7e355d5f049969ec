/**
 * Maps a URL path to a file of the renderer build, or null. Only regular files under
 * the build folder (after resolving links) are ever returned: no directory listings,
 * no `..` escapes, no NUL tricks.
 */
import { realpath, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

export async function resolveStatic(staticDir: string, pathname: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rel = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  let root: string;
  try {
    root = await realpath(staticDir);
  } catch {
    return null;
  }
  const candidate = resolve(root, rel);
  if (!inside(root, candidate)) return null;
  const real = await realpath(candidate).catch(() => null);
  if (!real || !inside(root, real)) return null;
  const st = await stat(real).catch(() => null);
  return st?.isFile() ? real : null;
}

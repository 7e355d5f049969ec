/**
 * Where an export may be written, checked before any work: a file name with the format's
 * extension, in a folder that exists and this process may write to, and never one of the
 * files the export reads (writing over the source while reading it would corrupt both).
 */
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { ApiError } from '../api.ts';

/** The same file under two names (a link, `..`) is still the same file. */
async function canonical(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}

/** Resolves `out` and throws an ApiError naming it (or its folder) when it cannot be written. */
export async function checkDestination(out: string, extensions: readonly string[], sources: readonly string[]): Promise<string> {
  const target = resolve(out);
  const folder = dirname(target);
  const ext = extname(target).toLowerCase();
  if (!basename(target, extname(target))) throw new ApiError('E_BAD_REQUEST', `${target}: no file name`, target);
  if (!extensions.includes(ext)) {
    throw new ApiError('E_BAD_REQUEST', `${target}: this export writes ${extensions.join(' or ')} files, not "${ext || 'no extension'}"`, target);
  }
  const st = await stat(folder).catch(() => null);
  if (!st || !st.isDirectory()) throw new ApiError('E_NOT_FOUND', `${folder}: the folder to export into does not exist`, folder);
  try {
    await access(folder, constants.W_OK);
  } catch {
    throw new ApiError('E_UNSUPPORTED', `${folder}: this folder is not writable (permission denied)`, folder);
  }
  const existing = await stat(target).catch(() => null);
  if (existing?.isDirectory()) throw new ApiError('E_BAD_REQUEST', `${target}: is a folder, not a file name`, target);
  const real = (await canonical(folder)) + target.slice(folder.length);
  for (const src of sources) {
    if ((await canonical(src)) === (existing ? await canonical(target) : real)) {
      throw new ApiError('E_BAD_REQUEST', `${target}: is the source of this export; choose another file name`, target);
    }
  }
  return target;
}

/**
 * Output files are written under a hidden temporary name next to the target (same
 * folder, so the final rename is atomic) and moved into place only when whole; the
 * naming follows main/raster's writers: `.<name>.part-<pid>-<random>`.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ApiError } from '../api.ts';

export function partPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.part-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Opens the temporary file for writing, with errors that name the output and the problem. */
export async function openPart(path: string): Promise<{ tmp: string; fh: FileHandle }> {
  const dir = dirname(resolve(path));
  try {
    const st = await stat(dir);
    if (!st.isDirectory()) throw new ApiError('E_BAD_REQUEST', `${path}: ${dir} is not a folder`, path);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError('E_NOT_FOUND', `${path}: output folder ${dir} does not exist`, path);
  }
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new ApiError('E_BAD_REQUEST', `${path}: is a folder, not an output file`, path);
  } catch (err) {
    if (err instanceof ApiError) throw err;
  }
  const tmp = partPath(path);
  try {
    return { tmp, fh: await open(tmp, 'w') };
  } catch (err) {
    throw new ApiError('E_BAD_REQUEST', `${path}: cannot write in ${dir} (${(err as Error).message})`, path);
  }
}

/** Moves the finished temporary file into place (replacing an older output). */
export async function commitPart(tmp: string, path: string): Promise<void> {
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new ApiError('E_INTERNAL', `${path}: cannot move the finished file into place (${(err as Error).message})`, path);
  }
}

export async function dropPart(tmp: string): Promise<void> {
  await rm(tmp, { force: true });
}

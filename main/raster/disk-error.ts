/**
 * A write the disk refused, in our words: which output, which errno, and that nothing
 * whole-looking was left (writers remove their temporary before this reaches the user).
 * Other errors pass through unchanged.
 */
import { ApiError } from '../api.ts';
import { rasterError } from './errors.ts';

const DISK_WORDS: Record<string, string> = {
  ENOSPC: 'no space left on its disk',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is too large for its file system',
  EROFS: 'its folder is on a read-only file system',
  EIO: 'the disk reported an I/O error',
};

export function diskError(output: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (err instanceof ApiError || !code || !(code in DISK_WORDS)) return err;
  const e = rasterError('E_IO', output, `not written: ${DISK_WORDS[code]} (${code}); the partial file was removed`);
  (e as Error).cause = err;
  return e;
}

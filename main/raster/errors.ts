/**
 * Every raster error is an ApiError whose one-line message starts with the file it
 * concerns, so the CLI, the UI and logs all say which file and what is wrong. Text from
 * a library (geotiff.js, zlib) never is that line: it rides along as the error's `cause`,
 * which `--verbose` prints.
 */
import { ApiError, type ErrorCode } from '../api.ts';

export function rasterError(code: ErrorCode, file: string, problem: string): ApiError {
  return new ApiError(code, `${file}: ${problem}`, file);
}

/** Our words for a library failure; the library's own error kept as `cause`. */
export function libraryError(code: ErrorCode, file: string, problem: string, cause: unknown): ApiError {
  const e = rasterError(code, file, problem);
  (e as Error).cause = cause;
  return e;
}

export function throwIfAborted(signal: AbortSignal | undefined, file: string): void {
  if (signal?.aborted) throw rasterError('E_CANCELLED', file, 'cancelled');
}

/** What went wrong without the file name in front (for warnings that name the file themselves). */
export function problemOf(err: unknown, file: string): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.startsWith(`${file}: `) ? msg.slice(file.length + 2).replace(/^is corrupt: /, '') : msg;
}

/**
 * Anything thrown by a third-party parser becomes an ApiError naming the file in our
 * words ("cannot be read as a TIFF"); a RangeError ("Invalid array length") or an
 * allocation failure says it asked for more memory than the file can justify.
 */
export function asRasterError(err: unknown, file: string, code: ErrorCode = 'E_CORRUPT'): ApiError {
  if (err instanceof ApiError) return err;
  const memory = err instanceof RangeError || /allocat|memory/i.test(err instanceof Error ? err.message : '');
  return libraryError(memory ? 'E_TOO_LARGE' : code, file, memory ? 'cannot be read: its structure asks for more memory than it can hold' : 'cannot be read: its structure is corrupt', err);
}

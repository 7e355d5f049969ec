/**
 * Every raster error is an ApiError whose one-line message starts with the file it
 * concerns, so the CLI, the UI and logs all say which file and what is wrong.
 */
import { ApiError, type ErrorCode } from '../api.ts';

export function rasterError(code: ErrorCode, file: string, problem: string): ApiError {
  return new ApiError(code, `${file}: ${problem}`, file);
}

export function throwIfAborted(signal: AbortSignal | undefined, file: string): void {
  if (signal?.aborted) throw rasterError('E_CANCELLED', file, 'cancelled');
}

/** Turns anything thrown by a third-party parser into an ApiError naming the file. */
export function asRasterError(err: unknown, file: string, code: ErrorCode = 'E_CORRUPT'): ApiError {
  if (err instanceof ApiError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return rasterError(code, file, `cannot be read (${msg.split('\n')[0]})`);
}

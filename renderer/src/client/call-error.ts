// The error a Client call rejects with: an Error that still carries the engine's
// ApiErrorShape fields, so the UI can name the file and branch on the code.
import type { ApiErrorShape, ErrorCode } from '../../../main/api.ts';

export class CallError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.name = 'CallError';
    this.code = shape.code;
    if (shape.file) this.file = shape.file;
  }
}

export function isCancelled(err: unknown): boolean {
  return err instanceof CallError && err.code === 'E_CANCELLED';
}

/** Any thrown value as the shape the error banner shows. */
export function errorShapeOf(err: unknown): ApiErrorShape {
  if (err instanceof CallError) return { code: err.code, message: err.message, ...(err.file ? { file: err.file } : {}) };
  return { code: 'E_INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

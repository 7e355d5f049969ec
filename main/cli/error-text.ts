/**
 * How a command prints a failure: one line in our words, `skysense: <file>: <problem>`.
 * Under `--verbose` (any subcommand, see skysense.ts) the error's cause chain follows:
 * the library's own message and stack, for a bug report, never for the analyst by default.
 */
import { ApiError } from '../api.ts';

let verbose = false;

export function setVerbose(on: boolean): void {
  verbose = on;
}

export function errorText(err: unknown, fallbackFile: string): string {
  const line = err instanceof ApiError ? err.message : `${fallbackFile}: internal error (${err instanceof Error ? err.message : String(err)})`;
  const out = [`skysense: ${line.replace(/\s*\n\s*/g, ' ')}`];
  if (verbose) {
    for (let c: unknown = err instanceof ApiError ? err.cause : err; c !== undefined && c !== null; c = (c as Error).cause) {
      out.push(`  caused by: ${c instanceof Error ? (c.stack ?? `${c.name}: ${c.message}`) : String(c)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

// Where things are, resolved from the repository root (tests may run from anywhere).
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** A file of the shared read-only imagery, read in place (never copied). */
export function sharedData(rel: string): string {
  return resolve(repoRoot, '..', 'shared', 'data', rel);
}

export const artifactsDir = resolve(repoRoot, 'test-artifacts');

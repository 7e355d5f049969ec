/**
 * Paths in a project file: absolute as saved, plus relative to the project file's folder
 * (with '/', whatever the platform), so a project folder moved or copied with its data opens.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { ProjectPath } from '../api.ts';

/** The stored form of `p` for a project file in `projectDir`. */
export function storedPath(p: ProjectPath, projectDir: string): ProjectPath {
  const absolute = resolve(p.absolute);
  const rel = relative(projectDir, absolute);
  // Another drive (Windows) has no relative path: relative() returns it absolute.
  if (isAbsolute(rel)) return { absolute };
  return { absolute, relative: rel.split(sep).join('/') || '.' };
}

/** Where `p` is now: as saved, else relative to the project; null when in neither place. */
export function locatePath(p: ProjectPath, projectDir: string): string | null {
  if (existsSync(p.absolute)) return p.absolute;
  if (p.relative === undefined) return null;
  const moved = resolve(projectDir, ...p.relative.split('/'));
  return existsSync(moved) ? moved : null;
}

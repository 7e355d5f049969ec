/**
 * project.save: the project with relative paths added, written under a temporary name in
 * the target folder and renamed when whole, so a crash never leaves half a project file.
 */
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ApiError, type Project } from '../api.ts';
import { partPath } from '../raster/index.ts';
import { mapProjectPaths } from './project-paths.ts';
import { storedPath } from './stored-path.ts';

export async function writeProjectFile(path: string, project: Project): Promise<{ path: string; project: Project }> {
  const file = resolve(path);
  const dir = dirname(file);
  const folder = await stat(dir).catch(() => null);
  if (!folder?.isDirectory()) throw new ApiError('E_NOT_FOUND', `${file}: cannot save the project, the folder ${dir} does not exist`, file);
  if ((await stat(file).catch(() => null))?.isDirectory()) throw new ApiError('E_BAD_REQUEST', `${file}: is a folder, not a project file`, file);
  const stored = mapProjectPaths(project, (p) => storedPath(p, dir));
  const tmp = partPath(file);
  try {
    await writeFile(tmp, `${JSON.stringify(stored, null, 2)}\n`);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new ApiError('E_UNSUPPORTED', `${file}: cannot save the project here: permission denied`, file);
    throw err;
  }
  return { path: file, project: stored };
}

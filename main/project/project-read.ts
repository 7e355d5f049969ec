/**
 * project.open: a project file read and checked, each error naming the file and the key
 * that is wrong; then every path looked up (as saved, else relative to the project) and
 * the ones found nowhere listed, so the rest of the project still opens.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { ApiError, Project, PROJECT_VERSION, type ReplyOf } from '../api.ts';
import { mapProjectPaths } from './project-paths.ts';
import { locatePath } from './stored-path.ts';

type Opened = ReplyOf<'project.open'>;

/** "bercy.skysense.json" -> "bercy". */
export function projectName(path: string): string {
  return basename(path).replace(/(\.skysense)?\.json$/i, '') || basename(path);
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new ApiError('E_NOT_FOUND', `${file}: is a folder, not a project file`, file);
    throw new ApiError('E_NOT_FOUND', `${file}: no such project file`, file);
  }
  if (text.trim() === '') throw new ApiError('E_EMPTY', `${file}: empty file, not a project`, file);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError('E_CORRUPT', `${file}: not a project file: not valid JSON (${(err as Error).message})`, file);
  }
}

/** The version is checked first: a newer file's keys would otherwise read as errors. */
function checkHeader(file: string, raw: unknown): void {
  const o = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  if (!o || o.format !== 'skysense-project') throw new ApiError('E_CORRUPT', `${file}: not a SkySense project (format: expected "skysense-project")`, file);
  if (o.version !== PROJECT_VERSION) {
    throw new ApiError('E_UNSUPPORTED', `${file}: version: project version ${JSON.stringify(o.version ?? null)}; this SkySense reads version ${PROJECT_VERSION}`, file);
  }
}

export async function readProjectFile(path: string): Promise<Opened> {
  const file = resolve(path);
  const raw = await readJson(file);
  checkHeader(file, raw);
  const parsed = Project.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.length ? issue.path.join('.') : 'project';
    throw new ApiError('E_CORRUPT', `${file}: ${key}: ${issue.message}`, file);
  }
  const dir = dirname(file);
  const missing: Opened['missing'] = [];
  const project = mapProjectPaths(parsed.data, (p, key, optional) => {
    const found = locatePath(p, dir);
    if (!found && !optional) missing.push({ key, path: p.absolute });
    return found ? { ...p, absolute: found } : p;
  });
  return { path: file, name: projectName(file), project, missing };
}

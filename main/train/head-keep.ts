/**
 * "Save head" of the Train head panel: a head a training job wrote (in the engine's cache)
 * copied into the user's models folder under the analyst's name, title and description,
 * where engine.status and `skysense run --head` find it. The copy is made in a hidden
 * folder beside the target and renamed when whole; an existing head of that name is kept.
 */
import { cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ApiError } from '../api.ts';
import { parseHeadManifest, userModelsDir } from '../model/index.ts';
import { partPath } from '../raster/index.ts';

export interface KeptHead {
  name: string;
  title: string;
  description?: string;
}

export async function keepHead(head: string, keep: KeptHead, modelsDir = userModelsDir()): Promise<{ path: string }> {
  const from = resolve(head);
  const where = join(from, 'manifest.json');
  let manifest: ReturnType<typeof parseHeadManifest>;
  try {
    manifest = parseHeadManifest(JSON.parse(await readFile(where, 'utf8')), where);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('E_NOT_FOUND', `${from}: no trained head here (no manifest.json)`, from);
    throw err;
  }
  const target = join(modelsDir, keep.name);
  const taken = await stat(target).then(() => true, () => false);
  if (taken) throw new ApiError('E_BAD_REQUEST', `${target} already exists; choose another name`, target);
  await mkdir(modelsDir, { recursive: true });
  const tmp = partPath(target);
  try {
    await cp(from, tmp, { recursive: true });
    const notes = keep.description?.trim();
    const kept = { ...manifest, name: keep.name, title: keep.title.trim(), ...(notes ? { notes } : {}) };
    await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(parseHeadManifest(kept, join(target, 'manifest.json')), null, 2)}\n`);
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return { path: target };
}

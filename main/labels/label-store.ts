/**
 * The labels file of the Labels panel: written on every change, under a temporary name in
 * the same folder and renamed when whole, so a crash mid-save leaves the previous file. The
 * reply counts the labels saved (label-stats.ts) from the same read of the raster, so the panel
 * needs no second call per edit.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { ApiError, type LabelSet, type LabelStatsReply } from '../api.ts';
import { partPath } from '../raster/index.ts';
import { labelsFromGeoJson, labelsToGeoJson } from './label-geojson.ts';
import { statsOn } from './label-stats.ts';
import { targetRaster } from './label-target.ts';

function checkExtension(path: string): void {
  if (!/^\.(geo)?json$/i.test(extname(path))) throw new ApiError('E_BAD_REQUEST', `${path}: a labels file is GeoJSON (.geojson or .json), not "${extname(path) || 'no extension'}"`, path);
}

export async function saveLabels(path: string, set: LabelSet): Promise<{ path: string; features: number; bytes: number; stats: LabelStatsReply }> {
  const file = resolve(path);
  checkExtension(file);
  const info = await targetRaster(set.target);
  const text = labelsToGeoJson(set, info.crs!);
  try {
    await mkdir(dirname(file), { recursive: true });
  } catch (err) {
    throw new ApiError('E_BAD_REQUEST', `${file}: cannot make its folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, file);
  }
  const tmp = partPath(file);
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new ApiError('E_BAD_REQUEST', `${file}: cannot write the labels (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, file);
  }
  return { path: file, features: set.features.length, bytes: Buffer.byteLength(text), stats: statsOn(info, set) };
}

export async function loadLabels(path: string): Promise<{ path: string; set: LabelSet }> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ApiError('E_NOT_FOUND', `${file}: labels file does not exist`, file);
    throw new ApiError('E_BAD_REQUEST', `${file}: cannot read the labels (${code ?? (err as Error).message})`, file);
  }
  if (text.length === 0) throw new ApiError('E_EMPTY', `${file}: empty file`, file);
  const set = await labelsFromGeoJson(file, text, async (s) => (await targetRaster(s.target)).crs!);
  return { path: file, set };
}

/**
 * The labelled scenes a head trains or is scored on, from a dataset spec or from one scene's
 * flags: per scene the rasters by date (segment: one, change: date a and date b) or a series
 * to fuse (s2 / s1 dates), and its labels. Both `skysense train` and `skysense eval` read
 * their scenes here, so a spec means the same to both; every file has been checked to exist
 * (dataset-spec.ts) before any long work.
 */
import { resolve } from 'node:path';
import { ApiError } from '../api.ts';
import { readDatasetSpec } from './dataset-spec.ts';
import type { TrainSeries } from './feature-cache.ts';

export type SceneTask = 'segment' | 'change' | 'classify' | 'detect';

export interface Scene {
  /** One raster per date (segment: one, change: a then b); empty for a series. */
  dates: string[][];
  /** A series fused by the model's fusion module (segment heads on fused features). */
  series: TrainSeries | null;
  labels: string;
  labelValues: Record<string, string> | null;
  where: string;
}

const SERIES_ROLES = ['s2', 's1', 'dates', 's1Dates'];

/** The raster whose grid the labels and the features lie on: the first date, or the series' first S2 (else S1) date. */
export function sceneGrid(s: Scene): string[] {
  if (!s.series) return s.dates[0];
  return [(s.series.s2 ?? s.series.s1)![0]];
}

/** Every raster of the scene, for reports. */
export function sceneFiles(s: Scene): string[] {
  return s.series ? [...(s.series.s2 ?? []), ...(s.series.s1 ?? [])] : s.dates.flat();
}

/** A series from a spec sample's or the flags' roles; dates counted against their rasters. */
export function seriesOf(inputs: Record<string, string[] | undefined>, where: string, file?: string): TrainSeries {
  const s: TrainSeries = { s2: inputs.s2, s1: inputs.s1, dates: inputs.dates, s1Dates: inputs.s1Dates, ...(inputs.hr ? { hr: inputs.hr[0] } : {}) };
  if (!s.s2?.length && !s.s1?.length) throw new ApiError('E_BAD_REQUEST', `${where}: a fused series needs "s2" or "s1" rasters`, file);
  if (inputs.hr && inputs.hr.length !== 1) throw new ApiError('E_BAD_REQUEST', `${where}.hr: one HR raster (a file or band folder) is fused with the series; got ${inputs.hr.length}`, file);
  if (s.hr && [...(s.s2 ?? []), ...(s.s1 ?? [])].some((p) => resolve(p) === resolve(s.hr!))) throw new ApiError('E_BAD_REQUEST', `${where}.hr: ${s.hr} is also a date of the series; the HR image is another raster of the same ground`, file);
  if (s.dates && s.dates.length !== (s.s2?.length ?? 0)) throw new ApiError('E_BAD_REQUEST', `${where}.dates: ${s.dates.length} dates for ${s.s2?.length ?? 0} S2 rasters`, file);
  if (s.s1Dates && s.s1Dates.length !== (s.s1?.length ?? 0)) throw new ApiError('E_BAD_REQUEST', `${where}.s1Dates: ${s.s1Dates.length} dates for ${s.s1?.length ?? 0} S1 rasters`, file);
  return s;
}

/** The scenes of a dataset spec for a head of `task` (a trainer's, or the head being scored). */
export async function specScenes(path: string, task?: SceneTask): Promise<{ task: SceneTask; classes: string[]; scenes: Scene[] }> {
  const d = await readDatasetSpec(path);
  if (task && task !== d.task) throw new ApiError('E_BAD_REQUEST', `${path}: a ${d.task} dataset, but the head's task is ${task}`, path);
  const scenes = d.samples.map((s, i): Scene => {
    const where = `${path}: samples[${i}]`;
    const base = { labels: s.labels, labelValues: s.labelValues, where };
    if (d.task === 'segment' && Object.keys(s.inputs).some((r) => SERIES_ROLES.includes(r) || r === 'hr')) {
      if (s.inputs.image) throw new ApiError('E_BAD_REQUEST', `${where}.inputs: "image" and a series (${Object.keys(s.inputs).filter((r) => r !== 'image').join(', ')}) exclude each other`, path);
      return { ...base, dates: [], series: seriesOf(s.inputs, `${where}.inputs`, path) };
    }
    const roles = d.task === 'change' ? ['t1', 't2'] : ['image'];
    const other = Object.keys(s.inputs).filter((r) => !roles.includes(r));
    if (other.length) throw new ApiError('E_UNSUPPORTED', `${where}.inputs: ${other.join(', ')}: a ${d.task} head reads ${roles.map((r) => `"${r}"`).join(' and ')}`, path);
    const missing = roles.filter((r) => !s.inputs[r]);
    if (missing.length) throw new ApiError('E_BAD_REQUEST', `${where}.inputs: missing ${missing.map((r) => `"${r}"`).join(', ')}`, path);
    return { ...base, dates: roles.map((r) => s.inputs[r]), series: null };
  });
  if (new Set(scenes.map((s) => s.series !== null)).size > 1) throw new ApiError('E_BAD_REQUEST', `${path}: some samples are series and some single rasters; one head reads one kind of features`, path);
  return { task: d.task, classes: d.classes, scenes };
}

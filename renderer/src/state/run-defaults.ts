// Fills the Run panel's picks that are empty or no longer valid (a layer closed, another
// task chosen) with sensible ones: the first usable model and head, the top layer as Input,
// the two top layers as After (newer, opened last) and Before, the Input's centre as the
// similar query. Layers a job wrote come last: a result is rarely the next run's input. Pure, applied on every render, so the fields never show a stale choice.
import type { InstalledModel, Layer } from '../../../main/api.ts';
import { encoderModels, headsFor, SERIES_TASKS, type TaskChoice } from './run-choices.ts';
import type { RunForm } from './run-form.ts';

export interface SettledForm extends RunForm {
  /** The layer the query point was filled from, so a typed point is kept until the Input changes. */
  queryFor: string;
}

export function settle(
  form: SettledForm, all: Layer[], models: InstalledModel[], choices: TaskChoice[], isResult: (path: string) => boolean,
): SettledForm {
  const f = { ...form };
  const layers = [...all.filter((l) => !isResult(l.info.path)), ...all.filter((l) => isResult(l.info.path))];
  const enabled = choices.filter((c) => c.reason === null);
  if (!enabled.some((c) => c.task === f.task) && enabled[0]) f.task = enabled[0].task;
  const usable = (m: InstalledModel) => m.problems.length === 0;
  const encoders = encoderModels(models).filter(usable);
  if (!encoders.some((m) => m.dir === f.modelDir)) f.modelDir = encoders[0]?.dir ?? '';
  if (!SERIES_TASKS.includes(f.task)) f.source = 'raster';
  const heads = headsFor(models, f.task, f.modelDir, f.source === 'series').filter(usable);
  if (!heads.some((m) => m.dir === f.headDir)) f.headDir = heads[0]?.dir ?? '';
  const has = (id: string) => layers.some((l) => l.id === id);
  if (!has(f.input)) f.input = layers[0]?.id ?? '';
  if (!has(f.after)) f.after = layers[0]?.id ?? '';
  if (!has(f.before) || f.before === f.after) f.before = layers.find((l) => l.id !== f.after)?.id ?? '';
  if (f.mask && !has(f.mask)) f.mask = '';
  f.s2 = f.s2.filter(has);
  f.s1 = f.s1.filter(has);
  if (f.hr && !has(f.hr)) f.hr = '';
  if (f.queryFor !== f.input) {
    const centre = layers.find((l) => l.id === f.input)?.info.corners.center;
    f.queryX = centre ? String(centre[0]) : '';
    f.queryY = centre ? String(centre[1]) : '';
    f.queryFor = f.input;
  }
  return f;
}

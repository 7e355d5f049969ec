/**
 * A job.train request made into a training run: the labels file read and counted against
 * its raster (a set with problems is refused with the Labels panel's own words, before it
 * is queued), the target's rasters as the trainer's inputs (one raster: segment; a pair:
 * change; a series: segment on the fused series), the classes in the panel's order with
 * their colours, and a staging folder in the engine's cache that head.save copies from.
 */
import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { ApiError, type LabelSet, type TrainJobRequest } from '../api.ts';
import { labelStats, loadLabels } from '../labels/index.ts';
import { resolveModelRef } from '../model/index.ts';
import type { TrainJobOptions } from '../train/index.ts';

export const DEFAULT_EPOCHS = 30;

export interface PreparedTraining {
  options: TrainJobOptions;
  classes: string[];
  epochs: number;
}

function inputsOf(set: LabelSet): Pick<TrainJobOptions, 'task' | 'inputs' | 'inputsB' | 'series'> {
  const t = set.target;
  if (t.kind === 'raster') return { task: 'segment', inputs: t.paths };
  if (t.kind === 'pair') return { task: 'change', inputs: t.before, inputsB: t.after };
  return { task: 'segment', series: { s2: t.series.s2, s1: t.series.s1, dates: t.series.dates, s1Dates: t.series.s1Dates, ...(t.series.hr ? { hr: t.series.hr } : {}) } };
}

export async function prepareTraining(r: TrainJobRequest, cacheDir: string, id: string): Promise<PreparedTraining> {
  const model = await resolveModelRef(r.model, 'encoder', 'model');
  if (!existsSync(model)) throw new ApiError('E_NOT_FOUND', `model: ${model}: no such model folder`, model);
  const { path, set } = await loadLabels(r.labels);
  const stats = await labelStats(set);
  if (stats.problems.length) throw new ApiError('E_BAD_REQUEST', `${path}: ${stats.problems.join(' ')}`, path);
  const epochs = r.epochs ?? DEFAULT_EPOCHS;
  const name = basename(path, extname(path)).replace(/\.labels$/i, '');
  return {
    classes: set.classes.map((c) => c.name),
    epochs,
    options: {
      ...inputsOf(set),
      model,
      labels: path,
      classes: set.classes.map((c) => c.name),
      classColors: set.classes.map((c) => c.color.slice(0, 7)),
      classField: 'class',
      out: join(cacheDir, 'trained', id),
      headType: r.headType ?? 'mlp',
      epochs,
      valFraction: r.valFraction,
      seed: r.seed ?? 0,
      augment: r.augment,
      cacheDir,
      title: `${set.classes.map((c) => c.name).join(' / ')} (drawn on ${name})`,
      labelsLicence: 'the analyst\'s own labels',
    },
  };
}

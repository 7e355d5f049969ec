// What the Run panel can offer from what is loaded and installed: each task, enabled or
// with the reason it cannot run (so the user learns what is missing instead of meeting an
// engine error), the encoder models and the heads for a task.
import type { InstalledModel, JobTask, Layer } from '../../../main/api.ts';

export const TASKS: readonly JobTask[] = ['embed', 'cluster', 'similar', 'segment', 'change', 'classify', 'detect'];
export const HEAD_TASKS: readonly JobTask[] = ['segment', 'change', 'classify', 'detect'];
/** Tasks that also take a fused S2 / S1 (+ HR) series (segment and classify through a fused head). */
export const SERIES_TASKS: readonly JobTask[] = ['embed', 'cluster', 'similar', 'segment', 'classify'];

export interface TaskChoice {
  task: JobTask;
  /** Why it cannot run now; null when it can. */
  reason: string | null;
}

const usable = (m: InstalledModel) => m.problems.length === 0;

export function encoderModels(models: InstalledModel[]): InstalledModel[] {
  return models.filter((m) => m.kind === 'encoder');
}

/**
 * Heads for a task: those shipped in the chosen model folder, and loose ones (in no model
 * folder); for a series only fused heads, for one raster only the others.
 */
export function headsFor(models: InstalledModel[], task: JobTask, modelDir: string, series = false): InstalledModel[] {
  return models.filter((m) => m.kind === 'head' && m.head?.task === task && (m.within === null || m.within === modelDir)
    && (m.head.encoder.modality === 'fused') === series);
}

export function taskChoices(layers: Layer[], models: InstalledModel[] | null): TaskChoice[] {
  return TASKS.map((task) => {
    const need = task === 'change' ? 2 : 1;
    if (layers.length < need) {
      return { task, reason: need === 2 ? 'needs two loaded rasters (Before and After)' : 'needs a loaded raster' };
    }
    if (!models) return { task, reason: 'the engine has not listed its models yet' };
    if (!encoderModels(models).some(usable)) return { task, reason: 'no model installed' };
    if (HEAD_TASKS.includes(task) && !models.some((m) => m.kind === 'head' && m.head?.task === task && usable(m))) {
      return { task, reason: `no ${task} head installed` };
    }
    return { task, reason: null };
  });
}

/** The files `inputs` takes for a layer: its folder or file, or the band files it was opened from. */
export function sceneFiles(layer: Layer): string[] {
  const { path, files } = layer.info;
  return files.length > 1 && files[0] === path ? files : [path];
}

/** Option text for a layer: its name, with the folder above where two layers share a name. */
export function layerLabel(layer: Layer, all: Layer[]): string {
  const twin = all.some((l) => l.id !== layer.id && l.name === layer.name);
  return twin ? `${layer.name} (${layer.info.path})` : layer.name;
}

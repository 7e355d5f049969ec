// Apply: the saved head over the scene the labels lie on, in one click. The request is the
// Run panel's (segment, or change with before/after for a pair; a series as inputs.series),
// written to the Run panel's output folder, and started through startJob so the class raster
// opens as a layer with its legend, as a Run panel job's does.
import type { JobRequest, LabelTarget } from '../../../main/api.ts';
import { trainTaskOf, targetName } from './train-task.ts';

/** `<folder>/<name>-<raster name>.tif`, the raster's name without its extension. */
export function applyOutPath(folder: string, name: string, target: LabelTarget): string {
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  const stem = targetName(target).replace(/\.[A-Za-z0-9]+$/, '').replace(/[^A-Za-z0-9_.-]+/g, '-') || 'scene';
  return `${folder.replace(/[\\/]+$/, '')}${sep}${name}-${stem}.tif`;
}

export function applyRequest(target: LabelTarget, head: string, out: string): JobRequest {
  const { task } = trainTaskOf(target);
  const inputs: JobRequest['inputs'] =
    target.kind === 'raster' ? { input: target.paths }
      : target.kind === 'pair' ? { before: target.before, after: target.after }
        : { series: target.series };
  return { task, head, inputs, out };
}

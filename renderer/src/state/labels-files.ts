// Labels from and to other files: Start labels (continuing a labels file already there),
// Import labels… (any GeoJSON or GeoPackage of polygons and points, read by the engine into
// the target's CRS) and Export labels… (.geojson or .gpkg). The engine reads and writes;
// the window only names the files.
import type { LabelSet, LabelTarget } from '../../../main/api.ts';
import type { AppClient } from '../client/app-client.ts';
import { CallError } from '../client/call-error.ts';
import { labelsFileFor } from '../labels/target.ts';
import { loadLabels, setLabelsNote, startLabels } from './labels-actions.ts';
import { labelsStore } from './labels-store.ts';
import { rememberedFolder } from './output-folder.ts';

const sameTarget = (a: LabelTarget, b: LabelTarget) => JSON.stringify(a) === JSON.stringify(b);

/** Starts labelling `target` in `<output folder>/labels/`; a file of the same target there is taken up again. */
export async function beginLabels(client: AppClient, target: LabelTarget, layerId: string): Promise<void> {
  const folder = rememberedFolder() || (await client.call('app.info', {})).outputDir;
  const path = labelsFileFor(folder, target);
  try {
    const loaded = await client.call('labels.load', { path });
    if (sameTarget(loaded.set.target, target)) {
      loadLabels(loaded.set, loaded.path, layerId);
      setLabelsNote(`Continuing the labels saved in ${loaded.path}`);
      return;
    }
  } catch (err) {
    if (!(err instanceof CallError && err.code === 'E_NOT_FOUND')) throw err;
  }
  startLabels(target, layerId, path);
}

/** The labels of a file as a set for the current target (not applied yet). */
export async function readImport(client: AppClient, path: string, classField: string): Promise<{ set: LabelSet; note: string | null }> {
  const { set } = labelsStore.get();
  if (!set) throw new Error('start labels first');
  const field = classField.trim();
  return client.call('labels.import', { path, target: set.target, ...(field ? { classField: field } : {}) });
}

export async function exportLabels(client: AppClient, path: string): Promise<{ path: string; features: number }> {
  const { set } = labelsStore.get();
  if (!set) throw new Error('start labels first');
  return client.call('labels.export', { path, set });
}

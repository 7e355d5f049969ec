// Keeping a trained head: head.save copies the job's head folder into the user's models
// folder under a name, with a title and description; engine.status is then asked again so
// the Run panel lists the new head at once (loadEngineStatus asks only once per connection).
import type { AppClient } from '../client/app-client.ts';
import { errorShapeOf } from '../client/call-error.ts';
import { engineStore } from './engine-status.ts';
import { baseName } from './open-action.ts';
import { editTrain } from './train-session.ts';

/** The head.save name rule (a folder name), as main/api.ts checks it. */
export const HEAD_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** The labels file's name without its extensions (".labels.geojson"), plus "-head", made a valid folder name (lower case, as model names are). */
export function defaultHeadName(labelsPath: string | null): string {
  const stem = labelsPath ? baseName(labelsPath).replace(/(\.labels)?\.(geo)?json$/i, '') : 'labels';
  const clean = stem.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 59) || 'labels';
  return `${clean}-head`;
}

export interface SaveFields {
  name: string;
  title: string;
  description: string;
}

export function saveProblem(f: SaveFields): string | null {
  if (!HEAD_NAME.test(f.name)) return 'Name must be a folder name: lower-case letters, digits, . _ - (starting with a letter or digit, at most 64)';
  if (!f.title.trim()) return 'give the head a Title';
  return null;
}

export async function refreshEngineStatus(client: AppClient): Promise<void> {
  try {
    const status = await client.call('engine.status', {});
    engineStore.update(() => ({ phase: 'ready', status }));
  } catch (err) {
    engineStore.update(() => ({ phase: 'failed', message: errorShapeOf(err).message }));
  }
}

export async function saveHead(client: AppClient, jobId: string, head: string, f: SaveFields): Promise<{ path: string } | { error: string }> {
  try {
    const description = f.description.trim();
    const { path } = await client.call('head.save', { head, name: f.name, title: f.title.trim(), ...(description ? { description } : {}) });
    editTrain({ saved: { jobId, path, name: f.name } });
    await refreshEngineStatus(client);
    return { path };
  } catch (err) {
    return { error: errorShapeOf(err).message };
  }
}

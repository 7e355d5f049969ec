// The layer of the latest map-picked similarity query. Each pick's result replaces the
// previous one on the map, so picking point after point leaves one query layer to read,
// named so that it reads as the query's result rather than as one more raster. Follows the
// layer list (a finished job's raster opens there by itself, run-jobs.ts) by output path.
import type { AppClient } from '../client/app-client.ts';
import { appStore } from './app-state.ts';
import { removeLayer } from './layer-actions.ts';

const PREFIX = 'Query result: ';

/** Output paths of picked queries whose layer has not opened yet. */
const expected = new Set<string>();
/** The latest query's layer, and the ones it replaces once it is drawn. */
let current: string | null = null;
let replaced: string[] = [];
let watching = false;

function rename(id: string): void {
  appStore.update((s) => ({
    ...s,
    layers: s.layers.map((e) => (e.layer.id === id ? { ...e, layer: { ...e.layer, name: `${PREFIX}${e.layer.name}` } } : e)),
  }));
}

function follow(client: AppClient): void {
  const { layers } = appStore.get();
  for (const e of layers) {
    if (!expected.delete(e.layer.info.path)) continue;
    if (current) replaced.push(current);
    current = e.layer.id;
    rename(e.layer.id);
  }
  // The old result goes once the new one can be drawn (its stretch is known): no frame
  // shows neither.
  const now = appStore.get().layers.find((e) => e.layer.id === current);
  if (replaced.length && (!now || !now.pending)) {
    const gone = replaced;
    replaced = [];
    for (const id of gone) if (appStore.get().layers.some((e) => e.layer.id === id)) void removeLayer(client, id);
  }
}

/** A similar job started from a map pick will write `out`; its layer becomes the query result. */
export function expectQueryResult(client: AppClient, out: string): void {
  expected.add(out);
  if (watching) return;
  watching = true;
  appStore.subscribe(() => follow(client));
}

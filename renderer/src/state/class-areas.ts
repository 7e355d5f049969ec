// Per-class areas of class layers, asked of the engine once per layer (layer.classAreas:
// the run report's, or counted over the raster by the host) and kept while the layer is open.
import type { ClassAreasReply } from '../../../main/api.ts';
import type { AppClient } from '../client/app-client.ts';
import { errorShapeOf } from '../client/call-error.ts';
import { Store, useStore } from './store.ts';

export type AreasView = { phase: 'loading' } | { phase: 'ready'; reply: ClassAreasReply } | { phase: 'failed'; message: string };

const areasStore = new Store<Record<string, AreasView>>({});

export function useClassAreas(layerId: string): AreasView | undefined {
  return useStore(areasStore, (s) => s[layerId]);
}

/** The areas as they stand now, outside React (the map snapshot's legend). */
export function classAreasOf(layerId: string): AreasView | undefined {
  return areasStore.get()[layerId];
}

export async function loadClassAreas(client: AppClient, layerId: string): Promise<void> {
  if (areasStore.get()[layerId]) return;
  const set = (v: AreasView) => areasStore.update((s) => ({ ...s, [layerId]: v }));
  set({ phase: 'loading' });
  try {
    set({ phase: 'ready', reply: await client.call('layer.classAreas', { id: layerId }) });
  } catch (err) {
    set({ phase: 'failed', message: errorShapeOf(err).message });
  }
}

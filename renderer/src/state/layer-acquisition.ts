// The date and modality of each open raster as the engine reads them (layer.acquisition),
// asked once per layer when the Run panel shows a series, so the dates it offers are the
// ones `skysense run` would take.
import type { ReplyOf } from '../../../main/api.ts';
import type { AppClient } from '../client/app-client.ts';
import { errorShapeOf } from '../client/call-error.ts';
import { Store, useStore } from './store.ts';

export type Acquisition = ReplyOf<'layer.acquisition'>;
type Entry = { phase: 'loading' } | { phase: 'ready'; value: Acquisition } | { phase: 'failed'; message: string };

const acquisitionStore = new Store<Record<string, Entry>>({});

export function useAcquisitions(): Record<string, Entry> {
  return useStore(acquisitionStore, (s) => s);
}

export function acquisitionOf(entries: Record<string, Entry>, id: string): Acquisition | null {
  const e = entries[id];
  return e?.phase === 'ready' ? e.value : null;
}

/** Asks for every layer not asked yet; each answer lands in the store as it comes. */
export function loadAcquisitions(client: AppClient, ids: readonly string[]): void {
  const known = acquisitionStore.get();
  for (const id of ids.filter((i) => !known[i])) {
    acquisitionStore.update((s) => ({ ...s, [id]: { phase: 'loading' } }));
    client.call('layer.acquisition', { id }).then(
      (value) => acquisitionStore.update((s) => ({ ...s, [id]: { phase: 'ready', value } })),
      (err: unknown) => acquisitionStore.update((s) => ({ ...s, [id]: { phase: 'failed', message: errorShapeOf(err).message } })),
    );
  }
}

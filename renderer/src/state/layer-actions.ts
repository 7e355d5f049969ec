// Layer list edits the panel makes. Pure state changes; the map follows the store.
import type { AppClient } from '../client/app-client.ts';
import { errorShapeOf } from '../client/call-error.ts';
import { appStore, spaceOf, type Display, type LayerEntry } from './app-state.ts';
import { pushNotice } from './notices.ts';

function editLayer(id: string, fn: (e: LayerEntry) => LayerEntry): void {
  appStore.update((s) => ({ ...s, layers: s.layers.map((e) => (e.layer.id === id ? fn(e) : e)) }));
}

export const setVisible = (id: string, visible: boolean) => editLayer(id, (e) => ({ ...e, visible }));
export const setOpacity = (id: string, opacity: number) => editLayer(id, (e) => ({ ...e, opacity }));
export const setDisplay = (id: string, patch: Partial<Display>) =>
  editLayer(id, (e) => ({ ...e, display: { ...e.display, ...patch } }));

export function selectLayer(id: string): void {
  appStore.update((s) => ({ ...s, selectedId: id }));
}

/** delta -1 moves towards the top of the list (drawn above), +1 below. */
export function moveLayer(id: string, delta: -1 | 1): void {
  appStore.update((s) => {
    const i = s.layers.findIndex((e) => e.layer.id === id);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= s.layers.length) return s;
    const layers = [...s.layers];
    [layers[i], layers[j]] = [layers[j], layers[i]];
    return { ...s, layers };
  });
}

export function zoomToLayer(id: string): void {
  appStore.update((s) => {
    const e = s.layers.find((x) => x.layer.id === id);
    if (!e) return s;
    return { ...s, space: spaceOf(e.layer), fit: { layerId: id, seq: (s.fit?.seq ?? 0) + 1 } };
  });
}

export function setSpace(space: 'geo' | 'pixel'): void {
  appStore.update((s) => ({ ...s, space, inspection: null }));
}

export async function removeLayer(client: AppClient, id: string): Promise<void> {
  // Drop it from the map first: a closed layer's data URL stops answering.
  const removed = appStore.get().layers.find((e) => e.layer.id === id);
  appStore.update((s) => ({
    ...s,
    layers: s.layers.filter((e) => e.layer.id !== id),
    selectedId: s.selectedId === id ? null : s.selectedId,
    inspection: s.inspection?.layerId === id ? null : s.inspection,
  }));
  try {
    await client.call('layer.close', { id });
  } catch (err) {
    pushNotice({ ...errorShapeOf(err), file: removed?.layer.info.path });
  }
}

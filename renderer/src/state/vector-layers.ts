// Vector layers (GeoJSON, GeoPackage) the window shows: the features the engine read
// (vector.read, lon/lat), each class's colour, and which feature the map should zoom to.
// Kept apart from the raster list: they have no bands, stretch or pixel inspector.
import type { VectorData } from '../../../main/api.ts';
import { appStore } from './app-state.ts';
import { Store, useStore } from './store.ts';

export interface VectorEntry {
  id: string;
  name: string;
  data: VectorData;
  visible: boolean;
  /** Class value (as text) -> '#rrggbb'; '' is the one class of a layer without a class field. */
  classColors: Record<string, string>;
}

export interface VectorState {
  layers: VectorEntry[];
  /** Bumped to ask the map to zoom to feature `index` of a layer. */
  zoom: { layerId: string; index: number; seq: number } | null;
}

export const vectorStore = new Store<VectorState>({ layers: [], zoom: null });

export function useVectors<T>(select: (s: VectorState) => T): T {
  return useStore(vectorStore, select);
}

/** The class of a feature as the legend names it ('' without a class field). */
export function classOf(data: VectorData, index: number): string {
  const f = data.classField;
  const v = f ? data.features[index].properties[f] : null;
  return v === null || v === undefined ? '' : String(v);
}

function edit(id: string, fn: (e: VectorEntry) => VectorEntry): void {
  vectorStore.update((s) => ({ ...s, layers: s.layers.map((e) => (e.id === id ? fn(e) : e)) }));
}

export const setVectorVisible = (id: string, visible: boolean) => edit(id, (e) => ({ ...e, visible }));
export const setVectorClassColor = (id: string, cls: string, color: string) =>
  edit(id, (e) => ({ ...e, classColors: { ...e.classColors, [cls]: color } }));

export function removeVector(id: string): void {
  vectorStore.update((s) => ({ layers: s.layers.filter((e) => e.id !== id), zoom: s.zoom?.layerId === id ? null : s.zoom }));
}

export function zoomToFeature(layerId: string, index: number): void {
  // Vectors are drawn on the map (EPSG:3857), not in the pixel-space view.
  appStore.update((s) => (s.space === 'geo' ? s : { ...s, space: 'geo', inspection: null }));
  vectorStore.update((s) => ({ ...s, zoom: { layerId, index, seq: (s.zoom?.seq ?? 0) + 1 } }));
}

/** index -1: the whole layer. */
export const zoomToVector = (layerId: string) => zoomToFeature(layerId, -1);

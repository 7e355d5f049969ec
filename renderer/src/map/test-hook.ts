// window.__skysense: a read-only window into the map for end-to-end tests and the
// first-view benchmark (view extent/centre, pixel<->coordinate, open timings). It
// exposes facts only; nothing here can change the app's state. Installed only in the
// test build (vite --mode test, dist/renderer-test).
import { appStore, spaceOf } from '../state/app-state.ts';
import { timings } from '../state/timings.ts';
import type VectorLayer from 'ol/layer/Vector.js';
import type VectorSource from 'ol/source/Vector.js';
import type { MapController } from './map-controller.ts';

export interface SkysenseTestHook {
  facts(): ReturnType<MapController['facts']>;
  pixelFromCoordinate(c: [number, number]): [number, number] | null;
  layers(): Array<{ id: string; name: string; space: string; extent: [number, number, number, number] | null }>;
  timings(): Record<string, { start: number; opened?: number; stats?: number; firstView?: number }>;
  /** Vector layers on the map: feature count, visibility, extent (EPSG:3857). */
  vectors(): Array<{ id: string; count: number; visible: boolean; extent: number[] | null }>;
  /** The vector features drawn at a map pixel (OpenLayers' hit detection on what was rendered). */
  vectorFeaturesAt(pixel: [number, number]): Array<{ layer: string; index: number }>;
  /** The style colours of a raster layer drawn by classes ('#rrggbbaa' per value), or null. */
  classColors(id: string): string[] | null;
}

declare global {
  interface Window {
    __skysense?: SkysenseTestHook;
  }
}

export function installTestHook(controller: MapController): void {
  const hook: SkysenseTestHook = {
    facts: () => structuredClone(controller.facts()),
    pixelFromCoordinate: (c) => {
      const p = controller.map.getPixelFromCoordinate([c[0], c[1]]);
      return p ? [p[0], p[1]] : null;
    },
    layers: () =>
      appStore.get().layers.map((e) => ({
        id: e.layer.id,
        name: e.layer.name,
        space: spaceOf(e.layer),
        extent: e.layer.extent3857 ? [...e.layer.extent3857] : null,
      })),
    timings: () => Object.fromEntries([...timings].map(([id, t]) => [id, { ...t }])),
    vectors: () =>
      controller.map.getAllLayers().flatMap((l) => {
        const id = l.get('skysenseVector') as string | undefined;
        if (!id) return [];
        const source = (l as VectorLayer<VectorSource>).getSource();
        const extent = source?.getExtent() ?? null;
        return [{ id, count: source?.getFeatures().length ?? 0, visible: l.getVisible(), extent: extent ? [...extent] : null }];
      }),
    vectorFeaturesAt: (pixel) => {
      const out: Array<{ layer: string; index: number }> = [];
      controller.map.forEachFeatureAtPixel(pixel, (f, l) => {
        const id = l?.get('skysenseVector') as string | undefined;
        if (id) out.push({ layer: id, index: Number(f.getId()) });
      }, { hitTolerance: 0 });
      return out;
    },
    classColors: (id) => {
      const e = appStore.get().layers.find((x) => x.layer.id === id);
      return e && e.display.mode === 'classes' && e.display.classColors ? [...e.display.classColors] : null;
    },
  };
  Object.defineProperty(window, '__skysense', { value: Object.freeze(hook), writable: false, configurable: false });
}

// window.__skysense: a read-only window into the map for end-to-end tests and the
// first-view benchmark (view extent/centre, pixel<->coordinate, open timings). It
// exposes facts only; nothing here can change the app's state. Installed only in the
// test build (vite --mode test, dist/renderer-test).
import { appStore, spaceOf } from '../state/app-state.ts';
import { timings } from '../state/timings.ts';
import type { MapController } from './map-controller.ts';

export interface SkysenseTestHook {
  facts(): ReturnType<MapController['facts']>;
  pixelFromCoordinate(c: [number, number]): [number, number] | null;
  layers(): Array<{ id: string; name: string; space: string; extent: [number, number, number, number] | null }>;
  timings(): Record<string, { start: number; opened?: number; stats?: number; firstView?: number }>;
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
  };
  Object.defineProperty(window, '__skysense', { value: Object.freeze(hook), writable: false, configurable: false });
}

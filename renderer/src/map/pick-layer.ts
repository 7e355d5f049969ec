// Which layer the pixel inspector reads: the topmost visible one under the pointer,
// else the topmost visible one (the engine answers inside: false there).
import { containsCoordinate } from 'ol/extent.js';
import { spaceOf, type AppState, type LayerEntry } from '../state/app-state.ts';
import { pixelExtentOf } from './pixel-projection.ts';

export function pickLayer(state: AppState, coordinate: [number, number]): LayerEntry | null {
  const shown = state.layers.filter((e) => e.visible && spaceOf(e.layer) === state.space);
  const under = shown.find((e) => {
    const extent = state.space === 'geo' ? e.layer.extent3857 : pixelExtentOf(e.layer);
    return extent ? containsCoordinate(extent, coordinate) : false;
  });
  return under ?? shown[0] ?? null;
}

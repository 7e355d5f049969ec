// The pixel inspector's feed: pointer moves and clicks become layer.pixel calls, at
// most one in flight and ~12 a second, always ending on the latest position.
import type OlMap from 'ol/Map.js';
import type MapBrowserEvent from 'ol/MapBrowserEvent.js';
import { toLonLat } from 'ol/proj.js';
import type { AppClient } from '../client/app-client.ts';
import { errorShapeOf } from '../client/call-error.ts';
import { appStore } from '../state/app-state.ts';
import { pushNotice } from '../state/notices.ts';
import { pickLayer } from './pick-layer.ts';

const MIN_INTERVAL_MS = 80;

export function attachPixelProbe(map: OlMap, client: AppClient): () => void {
  let inFlight = false;
  let pending: [number, number] | null = null;
  let lastSent = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const send = async (coordinate: [number, number]) => {
    const state = appStore.get();
    const entry = pickLayer(state, coordinate);
    if (!entry) return;
    inFlight = true;
    lastSent = performance.now();
    try {
      const reply = await client.call('layer.pixel', { id: entry.layer.id, coordinate });
      // A layer closed or a view switched meanwhile makes the answer stale.
      const now = appStore.get();
      if (now.space === state.space && now.layers.some((e) => e.layer.id === entry.layer.id)) {
        const lonLat = state.space === 'geo' ? (toLonLat(coordinate) as [number, number]) : null;
        appStore.update((s) => ({
          ...s,
          inspection: { layerId: entry.layer.id, layerName: entry.layer.name, reply, lonLat },
        }));
      }
    } catch (err) {
      const shape = errorShapeOf(err);
      if (shape.code !== 'E_NOT_FOUND') pushNotice({ ...shape, file: shape.file ?? entry.layer.info.path });
    } finally {
      inFlight = false;
      flush();
    }
  };

  const flush = () => {
    if (!pending || inFlight) return;
    const wait = MIN_INTERVAL_MS - (performance.now() - lastSent);
    if (wait > 0) {
      clearTimeout(timer);
      timer = setTimeout(flush, wait);
      return;
    }
    const c = pending;
    pending = null;
    void send(c);
  };

  const onMove = (ev: MapBrowserEvent) => {
    if (ev.dragging) return;
    pending = ev.coordinate as [number, number];
    flush();
  };
  const onClick = (ev: MapBrowserEvent) => {
    pending = ev.coordinate as [number, number];
    flush();
  };
  map.on('pointermove', onMove);
  map.on('singleclick', onClick);
  return () => {
    clearTimeout(timer);
    map.un('pointermove', onMove);
    map.un('singleclick', onClick);
  };
}

// The map's view for projects: published to the project view store after every move (and
// when the space switches), and set from a reopened project's request: its space first,
// then that space's view to the saved centre and resolution.
import type OlMap from 'ol/Map.js';
import { appStore } from '../state/app-state.ts';
import { mapViewStore, publishView } from '../state/project-view.ts';

export function attachViewSync(map: OlMap): () => void {
  const publish = () => {
    const view = map.getView();
    const center = view.getCenter();
    const resolution = view.getResolution();
    if (!center || !resolution) return;
    publishView({ space: appStore.get().space, center: [center[0], center[1]], resolution, zoom: view.getZoom() ?? null });
  };
  let seq = 0;
  const apply = () => {
    const req = mapViewStore.get().request;
    if (!req || req.seq === seq) return;
    seq = req.seq;
    const { view } = req;
    // The controller swaps the OpenLayers view on this update, before the next line runs.
    appStore.update((s) => (s.space === view.space ? s : { ...s, space: view.space, inspection: null }));
    map.getView().setCenter([view.center[0], view.center[1]]);
    map.getView().setResolution(view.resolution);
  };
  map.on('moveend', publish);
  map.on('change:view', publish);
  const off = mapViewStore.subscribe(apply);
  return () => {
    map.un('moveend', publish);
    map.un('change:view', publish);
    off();
  };
}

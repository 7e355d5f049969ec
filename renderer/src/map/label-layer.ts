// The labels on the map: one vector layer kept in step with the labels store (each label
// converted from its raster's CRS to the view's, redrawn only when it changed), styled by
// its class's colour with the selected one highlighted, and the drawing and editing tools
// (label-tools.ts) working on it.
import type OlMap from 'ol/Map.js';
import Feature from 'ol/Feature.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import type { LabelFeature, Layer } from '../../../main/api.ts';
import { appStore } from '../state/app-state.ts';
import { labelsStore } from '../state/labels-store.ts';
import { labelGeometry } from './label-geometry.ts';
import { LABEL_CLASS, labelStyle } from './label-style.ts';
import { attachLabelTools } from './label-tools.ts';
import { projectionCodeFor } from './layer-projection.ts';

/** Above the result vectors (their z-index is below this), under the graticule. */
const LABEL_Z = 900;

/** The raster the labels are drawn on, when it is open and shown in the map space. */
function labelledLayer(): Layer | null {
  const { layerId, set } = labelsStore.get();
  const app = appStore.get();
  const entry = set && layerId ? app.layers.find((e) => e.layer.id === layerId) : undefined;
  if (!entry || app.space !== 'geo' || !entry.layer.info.georeferenced || !entry.layer.info.crs) return null;
  return entry.layer;
}

export function attachLabelLayer(map: OlMap): () => void {
  const source = new VectorSource<Feature>();
  const colours = () => Object.fromEntries((labelsStore.get().set?.classes ?? []).map((c) => [c.name, c.color]));
  const layer = new VectorLayer({
    source,
    style: labelStyle(colours, () => labelsStore.get().selectedId),
    zIndex: LABEL_Z,
    properties: { skysenseLabels: true },
  });
  map.addLayer(layer);
  const held = new Map<string, { label: LabelFeature; feature: Feature }>();
  let crs: string | null = null;
  let classes: unknown = null;
  let selectedId: string | null = null;

  const sync = () => {
    const raster = labelledLayer();
    const code = raster ? projectionCodeFor(raster) : null;
    if (code !== crs) {
      source.clear();
      held.clear();
      crs = code;
    }
    const { set } = labelsStore.get();
    const labels = crs && set ? set.features : [];
    const live = new Set(labels.map((f) => f.id));
    for (const [id, h] of held) {
      if (live.has(id)) continue;
      source.removeFeature(h.feature);
      held.delete(id);
    }
    for (const label of labels) {
      const h = held.get(label.id);
      if (h && h.label === label) continue;
      if (h) {
        h.feature.setGeometry(labelGeometry(label, crs!));
        h.feature.set(LABEL_CLASS, label.class);
        h.label = label;
      } else {
        const feature = new Feature({ geometry: labelGeometry(label, crs!), [LABEL_CLASS]: label.class });
        feature.setId(label.id);
        held.set(label.id, { label, feature });
        source.addFeature(feature);
      }
    }
    const s = labelsStore.get();
    if (s.set?.classes !== classes || s.selectedId !== selectedId) {
      classes = s.set?.classes ?? null;
      selectedId = s.selectedId;
      layer.changed();
    }
  };
  const unsubs = [labelsStore.subscribe(sync), appStore.subscribe(sync)];
  sync();
  const offTools = attachLabelTools(map, layer, () => crs);
  return () => {
    offTools();
    for (const u of unsubs) u();
    map.removeLayer(layer);
    layer.dispose();
  };
}

// Keeps the map's OpenLayers vector layers in step with the vector store: one VectorLayer
// per entry (features from the engine's lon/lat GeoJSON, reprojected to the view's
// EPSG:3857 by OpenLayers), a style per class, and zoom requests to a layer or a feature.
import type OlMap from 'ol/Map.js';
import type Feature from 'ol/Feature.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import { isEmpty } from 'ol/extent.js';
import { appStore } from '../state/app-state.ts';
import { classOf, vectorStore, type VectorEntry } from '../state/vector-layers.ts';
import { MAP_PROJECTION } from './display-geotiff.ts';
import { CLASS_PROPERTY, classStyle } from './vector-style.ts';

/** Above every raster (their z-index is their list position), under the graticule. */
const VECTOR_Z = 500;
const FIT_PADDING = [48, 48, 48, 48];
/** A single point is not zoomed in past this resolution (m per screen px); fine enough for drone imagery's centimetre pixels. */
const MIN_RESOLUTION = 0.002;

interface Held {
  entry: VectorEntry;
  layer: VectorLayer<VectorSource<Feature>>;
  features: Feature[];
}

function build(entry: VectorEntry): Held {
  const format = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: MAP_PROJECTION });
  const features = entry.data.features.map((f, i) => {
    const feature = format.readFeature({ type: 'Feature', geometry: f.geometry, properties: f.properties }) as Feature;
    feature.set(CLASS_PROPERTY, classOf(entry.data, i));
    feature.setId(i);
    return feature;
  });
  const layer = new VectorLayer({
    source: new VectorSource({ features }),
    style: classStyle(entry.classColors),
    zIndex: VECTOR_Z,
    properties: { skysenseVector: entry.id },
  });
  return { entry, layer, features };
}

export function attachVectorLayers(map: OlMap): () => void {
  const held = new Map<string, Held>();
  let zoomSeq = 0;

  const sync = () => {
    const { layers, zoom } = vectorStore.get();
    const geo = appStore.get().space === 'geo';
    const live = new Set(layers.map((e) => e.id));
    for (const [id, h] of held) {
      if (live.has(id)) continue;
      map.removeLayer(h.layer);
      h.layer.dispose();
      held.delete(id);
    }
    layers.forEach((entry, i) => {
      let h = held.get(entry.id);
      if (!h) {
        h = build(entry);
        held.set(entry.id, h);
        map.addLayer(h.layer);
      } else if (h.entry.classColors !== entry.classColors) {
        h.layer.setStyle(classStyle(entry.classColors));
      }
      h.entry = entry;
      h.layer.setVisible(entry.visible && geo);
      // First in the list is on top, as for rasters.
      h.layer.setZIndex(VECTOR_Z + layers.length - i);
    });
    if (zoom && zoom.seq !== zoomSeq) {
      zoomSeq = zoom.seq;
      const h = held.get(zoom.layerId);
      const extent = h && (zoom.index < 0 ? h.layer.getSource()?.getExtent() : h.features[zoom.index]?.getGeometry()?.getExtent());
      if (extent && !isEmpty(extent) && Number.isFinite(extent[0])) {
        map.updateSize();
        map.getView().fit(extent, { padding: FIT_PADDING, duration: 0, minResolution: MIN_RESOLUTION });
      } else if (extent && Number.isFinite(extent[0])) {
        map.getView().setCenter([extent[0], extent[1]]);
      }
    }
  };
  const unsubs = [vectorStore.subscribe(sync), appStore.subscribe(sync)];
  sync();
  return () => {
    for (const u of unsubs) u();
    for (const h of held.values()) {
      map.removeLayer(h.layer);
      h.layer.dispose();
    }
  };
}

// The map side of "Pick query on map": while a pick is armed the map shows a crosshair and
// its next click is turned into the Input raster's own coordinates (what the similar task's
// options.query.xy takes) and checked against the raster's pixel grid.
import type OlMap from 'ol/Map.js';
import type MapBrowserEvent from 'ol/MapBrowserEvent.js';
import { transform } from 'ol/proj.js';
import type { Layer } from '../../../main/api.ts';
import { appStore, spaceOf, type Space } from '../state/app-state.ts';
import { queryPickStore, type QueryClick } from '../state/query-pick.ts';
import { projectionCodeFor } from './layer-projection.ts';

/** GDAL's convention: the first pixel spans 0..1 from the geotransform's origin. */
function pixelOf(layer: Layer, [x, y]: [number, number]): [number, number] {
  const [x0, a, b, y0, d, e] = layer.info.geoTransform;
  const det = a * e - b * d;
  return [(e * (x - x0) - b * (y - y0)) / det, (a * (y - y0) - d * (x - x0)) / det];
}

/** A map coordinate of the current view as the raster's CRS sees it. */
function queryClickAt(layer: Layer, space: Space, coordinate: [number, number]): QueryClick {
  const own = spaceOf(layer);
  // Pixel space is x = column, y = -row; a raster without a CRS reads its query in pixels.
  const xy: [number, number] = own === 'geo'
    ? (transform(coordinate, 'EPSG:3857', projectionCodeFor(layer)) as [number, number])
    : [coordinate[0], -coordinate[1]];
  const [col, row] = pixelOf(layer, xy);
  const onGrid = col >= 0 && row >= 0 && col < layer.info.width && row < layer.info.height;
  // A click in the other view is nowhere on this raster, whatever its numbers.
  return { xy, inside: own === space && onGrid };
}

export function attachQueryClick(map: OlMap): () => void {
  const showCursor = () => {
    const el = map.getTargetElement();
    if (el) el.style.cursor = queryPickStore.get() ? 'crosshair' : '';
  };
  const onClick = (ev: MapBrowserEvent) => {
    const pick = queryPickStore.get();
    if (!pick) return;
    const state = appStore.get();
    const entry = state.layers.find((e) => e.layer.id === pick.layerId);
    if (!entry) return;
    pick.onClick(queryClickAt(entry.layer, state.space, ev.coordinate as [number, number]));
  };
  const off = queryPickStore.subscribe(showCursor);
  map.on('singleclick', onClick);
  return () => {
    off();
    map.un('singleclick', onClick);
  };
}

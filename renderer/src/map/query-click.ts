// The map side of the similar task's map query: while a pick is armed the map shows a
// crosshair and its next click (or the next polygon drawn, with OpenLayers' Draw) is turned
// into the Input raster's own coordinates — what options.query takes as xy or ring — and
// checked against the raster's pixel grid.
import type OlMap from 'ol/Map.js';
import type MapBrowserEvent from 'ol/MapBrowserEvent.js';
import type Polygon from 'ol/geom/Polygon.js';
import Draw, { type DrawEvent } from 'ol/interaction/Draw.js';
import { transform } from 'ol/proj.js';
import type { Layer } from '../../../main/api.ts';
import { appStore, spaceOf, type Space } from '../state/app-state.ts';
import { queryPickStore, type QueryPick } from '../state/query-pick.ts';
import { projectionCodeFor } from './layer-projection.ts';

/** GDAL's convention: the first pixel spans 0..1 from the geotransform's origin. */
function pixelOf(layer: Layer, [x, y]: [number, number]): [number, number] {
  const [x0, a, b, y0, d, e] = layer.info.geoTransform;
  const det = a * e - b * d;
  return [(e * (x - x0) - b * (y - y0)) / det, (a * (y - y0) - d * (x - x0)) / det];
}

/** A map coordinate of the current view as the raster's CRS sees it. */
function rasterXY(layer: Layer, coordinate: number[]): [number, number] {
  // Pixel space is x = column, y = -row; a raster without a CRS reads its query in pixels.
  return spaceOf(layer) === 'geo'
    ? (transform(coordinate, 'EPSG:3857', projectionCodeFor(layer)) as [number, number])
    : [coordinate[0], -coordinate[1]];
}

/** Whether the points' pixel box meets the raster (a point: whether it lies on it). */
function meets(layer: Layer, space: Space, points: [number, number][]): boolean {
  // A click in the other view is nowhere on this raster, whatever its numbers.
  if (spaceOf(layer) !== space) return false;
  const px = points.map((p) => pixelOf(layer, p));
  const cs = px.map((p) => p[0]);
  const rs = px.map((p) => p[1]);
  return Math.max(...cs) >= 0 && Math.max(...rs) >= 0 && Math.min(...cs) < layer.info.width && Math.min(...rs) < layer.info.height;
}

function armedFor(): { pick: QueryPick; layer: Layer; space: Space } | null {
  const pick = queryPickStore.get();
  const state = appStore.get();
  const entry = pick && state.layers.find((e) => e.layer.id === pick.layerId);
  return pick && entry ? { pick, layer: entry.layer, space: state.space } : null;
}

export function attachQueryClick(map: OlMap): () => void {
  let draw: Draw | null = null;
  const onDrawEnd = (ev: DrawEvent) => {
    const armed = armedFor();
    if (!armed) return;
    const outer = (ev.feature.getGeometry() as Polygon).getCoordinates()[0] ?? [];
    // Draw closes the ring with the first vertex again; the engine closes it by itself.
    const ring = outer.slice(0, -1).map((c) => rasterXY(armed.layer, c));
    armed.pick.onClick({ kind: 'polygon', ring, inside: ring.length >= 3 && meets(armed.layer, armed.space, ring) });
  };
  const follow = () => {
    const pick = queryPickStore.get();
    const el = map.getTargetElement();
    if (el) el.style.cursor = pick ? 'crosshair' : '';
    const wantDraw = pick?.shape === 'polygon';
    if (wantDraw && !draw) {
      draw = new Draw({ type: 'Polygon' });
      draw.on('drawend', onDrawEnd);
      map.addInteraction(draw);
    } else if (!wantDraw && draw) {
      map.removeInteraction(draw);
      draw = null;
    }
  };
  const onClick = (ev: MapBrowserEvent) => {
    const armed = armedFor();
    if (!armed || armed.pick.shape !== 'point') return;
    const xy = rasterXY(armed.layer, ev.coordinate);
    armed.pick.onClick({ kind: 'point', xy, inside: meets(armed.layer, armed.space, [xy]) });
  };
  const off = queryPickStore.subscribe(follow);
  map.on('singleclick', onClick);
  return () => {
    off();
    map.un('singleclick', onClick);
    if (draw) map.removeInteraction(draw);
  };
}

// Owns the OpenLayers map and keeps it in step with the app store: one LayerView per
// layer entry, z-order from list order, the view for the current space, fit requests,
// the optional graticule/basemap, and first-view timing for the benchmark.
import OlMap from 'ol/Map.js';
import View from 'ol/View.js';
import ScaleLine from 'ol/control/ScaleLine.js';
import Zoom from 'ol/control/Zoom.js';
import Attribution from 'ol/control/Attribution.js';
import type TileLayer from 'ol/layer/Tile.js';
import type OSM from 'ol/source/OSM.js';
import type { AppClient } from '../client/app-client.ts';
import { appStore, spaceOf, type AppState, type LayerEntry, type Space } from '../state/app-state.ts';
import { pushNotice } from '../state/notices.ts';
import { timings } from '../state/timings.ts';
import { createBasemap, createGraticule } from './base-layers.ts';
import type { LayerView } from './layer-view.ts';
import { pixelExtentOf, pixelProjection } from './pixel-projection.ts';
import { PixelImageLayerView } from './pixel-image-layer.ts';
import { attachLabelLayer } from './label-layer.ts';
import { attachPixelProbe } from './pixel-probe.ts';
import { attachQueryClick } from './query-click.ts';
import { RasterLayerView } from './raster-layer.ts';
import { attachSwipe } from './swipe-clip.ts';
import { attachVectorLayers } from './vector-layers.ts';
import { attachViewSync } from './view-sync.ts';

const FIT_PADDING = [24, 24, 24, 24];

export class MapController {
  readonly map: OlMap;
  private readonly views: Record<Space, View>;
  private readonly layerViews = new Map<string, { view: LayerView; entry: LayerEntry; visible: boolean }>();
  /** Layers listed (the inspector can read them) but with nothing the map can draw. */
  private readonly undrawable = new Set<string>();
  private readonly graticule = createGraticule();
  private readonly scaleLine = new ScaleLine({ bar: true, steps: 4, text: true, minWidth: 120 });
  private basemap: TileLayer<OSM> | null = null;
  private space: Space = 'geo';
  private fitSeq = 0;
  private renderCompletes = 0;
  private readonly cleanups: Array<() => void> = [];

  constructor(target: HTMLElement, private readonly client: AppClient) {
    this.views = {
      geo: new View({ projection: 'EPSG:3857', center: [0, 0], zoom: 2 }),
      pixel: new View({ projection: pixelProjection, center: [0, 0], resolution: 1 }),
    };
    this.map = new OlMap({
      target,
      view: this.views.geo,
      layers: [this.graticule],
      controls: [new Zoom(), this.scaleLine, new Attribution({ collapsible: true })],
    });
    this.map.on('rendercomplete', () => this.onRenderComplete());
    this.cleanups.push(attachPixelProbe(this.map, client));
    this.cleanups.push(attachVectorLayers(this.map));
    this.cleanups.push(attachLabelLayer(this.map));
    this.cleanups.push(attachViewSync(this.map));
    this.cleanups.push(attachQueryClick(this.map));
    this.cleanups.push(appStore.subscribe(() => this.sync(appStore.get())));
    // After the layer sync: swipe looks up the layers that sync has just added.
    this.cleanups.push(attachSwipe(this.map));
    this.sync(appStore.get());
  }

  dispose(): void {
    for (const c of this.cleanups) c();
    for (const { view } of this.layerViews.values()) view.dispose();
    this.map.setTarget(undefined);
  }

  /** Read-only facts for the test hook. */
  facts() {
    const view = this.map.getView();
    const size = this.map.getSize();
    return {
      projection: view.getProjection().getCode(),
      center: view.getCenter() ?? null,
      resolution: view.getResolution() ?? null,
      extent: size ? view.calculateExtent(size) : null,
      size: size ?? null,
      renderCompletes: this.renderCompletes,
      /** Every source ready and no tile loading. */
      settled: !this.map.getLoadingOrNotReady(),
      drawn: [...this.layerViews].filter(([, v]) => v.view.hasDrawn()).map(([id]) => id),
    };
  }

  private sync(state: AppState): void {
    if (state.space !== this.space) {
      this.space = state.space;
      this.map.setView(this.views[state.space]);
    }
    this.syncLayers(state);
    this.syncBase(state);
    if (state.fit && state.fit.seq !== this.fitSeq) {
      this.fitSeq = state.fit.seq;
      this.fit(state, state.fit.layerId);
    }
  }

  private syncLayers(state: AppState): void {
    const live = new Set(state.layers.map((e) => e.layer.id));
    for (const [id, held] of this.layerViews) {
      if (live.has(id)) continue;
      this.map.removeLayer(held.view.olLayer);
      held.view.dispose();
      this.layerViews.delete(id);
    }
    state.layers.forEach((entry, i) => {
      const visible = entry.visible && spaceOf(entry.layer) === state.space;
      const held = this.layerViews.get(entry.layer.id);
      if (!held) {
        if (this.undrawable.has(entry.layer.id)) return;
        const view = this.createView(entry, visible);
        if (!view) {
          this.undrawable.add(entry.layer.id);
          return;
        }
        this.layerViews.set(entry.layer.id, { view, entry, visible });
        this.map.addLayer(view.olLayer);
      } else if (held.entry !== entry || held.visible !== visible) {
        held.view.update(entry, visible);
        held.entry = entry;
        held.visible = visible;
      }
      // List order is draw order: the first entry is on top.
      this.layerViews.get(entry.layer.id)?.view.olLayer.setZIndex(state.layers.length - i);
    });
  }

  private createView(entry: LayerEntry, visible: boolean): LayerView | null {
    const { layer } = entry;
    const onError = (message: string) => pushNotice({ code: 'E_INTERNAL', message, file: layer.info.path });
    if (spaceOf(layer) === 'geo' && layer.cogPath) return new RasterLayerView(this.client, entry, visible, onError);
    if (spaceOf(layer) === 'pixel' && layer.imageUrl) return new PixelImageLayerView(this.client, entry, visible, onError);
    if (spaceOf(layer) === 'pixel' && layer.cogPath) {
      onError(`${layer.name}: a GeoTIFF without georeferencing cannot be drawn yet; the pixel inspector still reads it`);
      return null;
    }
    onError(`${layer.name}: the engine gave no displayable data for this layer`);
    return null;
  }

  private syncBase(state: AppState): void {
    const geo = state.space === 'geo';
    this.graticule.setVisible(state.graticule && geo);
    if (state.basemap && geo && !this.basemap) {
      this.basemap = createBasemap();
      this.map.addLayer(this.basemap);
    }
    this.basemap?.setVisible(state.basemap && geo);
  }

  private fit(state: AppState, layerId: string): void {
    const entry = state.layers.find((e) => e.layer.id === layerId);
    if (!entry || spaceOf(entry.layer) !== state.space) return;
    const extent = state.space === 'geo' ? entry.layer.extent3857 : pixelExtentOf(entry.layer);
    if (!extent) return;
    this.map.updateSize();
    this.map.getView().fit(extent, { padding: FIT_PADDING, duration: 0 });
  }

  private onRenderComplete(): void {
    this.renderCompletes++;
    const now = performance.now();
    for (const [id, held] of this.layerViews) {
      const t = timings.get(id);
      if (t && t.firstView === undefined && held.visible && held.view.hasDrawn()) t.firstView = now;
    }
  }
}

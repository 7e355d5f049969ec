// A georeferenced layer: WebGL tiles over the layer's COG, range-read by geotiff.js
// inside OpenLayers, reprojected on the GPU to the map's EPSG:3857. Raw values reach
// the shader (normalize: false) so the stretch is the user's, not OL's.
import WebGLTileLayer from 'ol/layer/WebGLTile.js';
import type { AppClient } from '../client/app-client.ts';
import type { LayerEntry } from '../state/app-state.ts';
import { channelBands } from '../state/stretch.ts';
import { bandStyle, styleKey, styleVariables } from './band-style.ts';
import { projectionCodeFor } from './layer-projection.ts';
import { DisplayGeoTIFF, MAP_PROJECTION } from './display-geotiff.ts';
import type { LayerView } from './layer-view.ts';

/**
 * Which bands the source reads. Reprojecting to EPSG:3857 happens on the GPU in passes
 * of four channels per tile, and it dominates the first view: all 4 bands + coverage take
 * two passes, the 3 shown bands one (README, Benchmarks: first view). So a reprojected layer reads only
 * its R, G, B bands and a band change swaps the source (same band count: no shader
 * rebuild; stretch and gamma stay style variables). A layer already in EPSG:3857 is not
 * reprojected: up to 8 bands are all loaded and a band change is a style variable too.
 */
const ALL_BANDS_LIMIT = 8;

export class RasterLayerView implements LayerView {
  readonly olLayer: WebGLTileLayer;
  private readonly projection: string;
  private bandsKey: string;
  private styleKey: string;
  private drawn = false;
  private pending: boolean;

  constructor(
    private readonly client: AppClient,
    entry: LayerEntry,
    visible: boolean,
    private readonly onError: (message: string) => void,
  ) {
    this.projection = projectionCodeFor(entry.layer);
    this.pending = entry.pending;
    this.bandsKey = this.loadedBands(entry).join(',');
    this.styleKey = styleKey(entry.display);
    this.olLayer = new WebGLTileLayer({
      source: this.makeSource(entry),
      style: bandStyle(entry.display, styleVariables(entry, this.slotFor(entry))),
      opacity: entry.pending ? 0 : entry.opacity,
      visible,
      properties: { skysenseId: entry.layer.id },
    });
    this.olLayer.on('postrender', () => {
      if (!this.pending && this.olLayer.getSource()?.getState() === 'ready') this.drawn = true;
    });
  }

  update(entry: LayerEntry, visible: boolean): void {
    this.pending = entry.pending;
    this.olLayer.setVisible(visible);
    this.olLayer.setOpacity(entry.pending ? 0 : entry.opacity);
    const key = this.loadedBands(entry).join(',');
    if (key !== this.bandsKey) {
      this.bandsKey = key;
      const old = this.olLayer.getSource();
      this.olLayer.setSource(this.makeSource(entry));
      old?.dispose();
    }
    const sKey = styleKey(entry.display);
    if (sKey !== this.styleKey) {
      this.styleKey = sKey;
      this.olLayer.setStyle(bandStyle(entry.display, styleVariables(entry, this.slotFor(entry))));
    } else {
      this.olLayer.updateStyleVariables(styleVariables(entry, this.slotFor(entry)));
    }
  }

  hasDrawn(): boolean {
    return this.drawn;
  }

  dispose(): void {
    this.olLayer.getSource()?.dispose();
    this.olLayer.dispose();
  }

  /** The file bands the source reads; empty means all of them. */
  private loadedBands(entry: LayerEntry): number[] {
    const reprojected = this.projection !== MAP_PROJECTION;
    return !reprojected && entry.layer.info.bandCount <= ALL_BANDS_LIMIT ? [] : channelBands(entry.display);
  }

  private slotFor(entry: LayerEntry): (band: number) => number {
    if (this.loadedBands(entry).length === 0) return (band) => band;
    // Subset sources hold exactly the R, G, B bands in that order.
    const bands = channelBands(entry.display);
    return (band) => bands.indexOf(band) + 1;
  }

  private makeSource(entry: LayerEntry): DisplayGeoTIFF {
    const { layer } = entry;
    const bands = this.loadedBands(entry);
    const source = new DisplayGeoTIFF({
      sources: [{ url: this.client.dataUrl(layer.cogPath as string), ...(bands.length ? { bands } : {}) }],
      sourceOptions: { headers: this.client.dataHeaders() },
      normalize: false,
      projection: this.projection,
      // Nearest neighbour: an analyst inspects pixels, and band values stay unmixed.
      interpolate: false,
      // No fade-in: the analyst wants the data as soon as it is there, and a fading
      // frame is not a finished one ('rendercomplete' waits for it).
      transition: 0,
    });
    source.on('change', () => {
      if (source.getState() === 'error') {
        const why = source.getError()?.message ?? 'could not be read';
        this.onError(`${layer.name}: display failed: ${why}`);
      }
    });
    return source;
  }
}

// A PNG/JPEG without georeferencing: the whole image as one static image in pixel space.
// These formats cannot be range-read, and the engine keeps them small enough to show whole.
import ImageLayer from 'ol/layer/Image.js';
import Static from 'ol/source/ImageStatic.js';
import type { AppClient } from '../client/app-client.ts';
import type { LayerEntry } from '../state/app-state.ts';
import type { LayerView } from './layer-view.ts';
import { pixelExtentOf, pixelProjection } from './pixel-projection.ts';

export class PixelImageLayerView implements LayerView {
  readonly olLayer: ImageLayer<Static>;
  private drawn = false;

  constructor(client: AppClient, entry: LayerEntry, visible: boolean, onError: (message: string) => void) {
    const { layer } = entry;
    const source = new Static({
      url: client.dataUrl(layer.imageUrl as string),
      imageExtent: pixelExtentOf(layer),
      projection: pixelProjection,
      interpolate: false,
    });
    source.on('imageloaderror', () => onError(`${layer.name}: the image could not be loaded for display`));
    this.olLayer = new ImageLayer({ source, opacity: entry.opacity, visible, properties: { skysenseId: layer.id } });
    this.olLayer.on('postrender', () => {
      if (source.getState() === 'ready') this.drawn = true;
    });
  }

  update(entry: LayerEntry, visible: boolean): void {
    this.olLayer.setVisible(visible);
    this.olLayer.setOpacity(entry.opacity);
  }

  hasDrawn(): boolean {
    return this.drawn;
  }

  dispose(): void {
    this.olLayer.dispose();
  }
}

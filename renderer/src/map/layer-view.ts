// What the map controller keeps per layer entry, whatever draws it.
import type BaseLayer from 'ol/layer/Base.js';
import type { LayerEntry } from '../state/app-state.ts';

export interface LayerView {
  readonly olLayer: BaseLayer;
  /** Apply visibility, opacity and display edits without rebuilding. */
  update(entry: LayerEntry, visible: boolean): void;
  /** True once the layer's data has been drawn at least once (for first-view timing). */
  hasDrawn(): boolean;
  dispose(): void;
}

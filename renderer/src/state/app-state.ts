// Everything the UI shows, in one immutable object. Layers are listed top first.
import type { ApiErrorShape, BandStats, Layer, PixelReply } from '../../../main/api.ts';
import type { ConnectionState } from '../client/app-client.ts';
import { Store } from './store.ts';

export type StretchMode = 'minmax' | 'p2p98' | 'manual';
export interface Range {
  min: number;
  max: number;
}

/** How a layer's bands become screen colour (style variables; no layer rebuild). */
export interface Display {
  /** classes: band 1 through its colour table (class rasters); ramp: band 1 on a colour ramp (probabilities, similarity). */
  mode: 'rgb' | 'grey' | 'classes' | 'ramp';
  /** 1-based bands for R, G, B; grey uses the first. */
  bands: [number, number, number];
  stretch: StretchMode;
  /** Per channel (R, G, B), used when stretch is 'manual'. */
  manual: [Range, Range, Range];
  gamma: number;
  /** '#rrggbbaa' per class value (index = value), from the file's colour table, editable in the legend. */
  classColors: string[] | null;
}

export interface LayerEntry {
  layer: Layer;
  visible: boolean;
  opacity: number;
  display: Display;
  stats: BandStats[] | null;
  /**
   * Statistics for the default stretch are still on their way. The layer already loads
   * its tiles (in parallel) but is drawn transparent, so it never flashes unstretched.
   */
  pending: boolean;
}

/** Georeferenced layers live in EPSG:3857; PNG/JPEG without georeferencing in pixel space. */
export type Space = 'geo' | 'pixel';

export interface OpenTask {
  label: string;
  stage: string;
  done: number;
  total: number;
  cancel(): void;
}

export interface Notice extends ApiErrorShape {
  id: number;
}

export interface Inspection {
  layerId: string;
  layerName: string;
  reply: PixelReply;
  lonLat: [number, number] | null;
}

export interface AppState {
  connection: ConnectionState;
  layers: LayerEntry[];
  selectedId: string | null;
  space: Space;
  basemap: boolean;
  graticule: boolean;
  openTask: OpenTask | null;
  notices: Notice[];
  inspection: Inspection | null;
  openDialog: boolean;
  /** Bumped to ask the map to fit a layer (the map owns the view). */
  fit: { layerId: string; seq: number } | null;
}

export const initialState: AppState = {
  connection: 'connecting',
  layers: [],
  selectedId: null,
  space: 'geo',
  basemap: false,
  graticule: false,
  openTask: null,
  notices: [],
  inspection: null,
  openDialog: false,
  fit: null,
};

export const appStore = new Store<AppState>(initialState);

/** Same rule as the engine's layer.pixel: placed on Earth only with georeferencing and a CRS. */
export function spaceOf(layer: Layer): Space {
  return layer.info.georeferenced && layer.info.crs ? 'geo' : 'pixel';
}

// The similar task's "Pick query on map": while armed, the next map click over the Input
// raster becomes the query point. Kept outside the app store: it is a mode of the Run panel,
// and the map (map/query-click.ts) only needs to know whether to listen and for which layer.
import { Store } from './store.ts';

/** What a click answered: the point in the raster's CRS, and whether it fell on the raster. */
export interface QueryClick {
  xy: [number, number];
  inside: boolean;
}

export interface QueryPick {
  /** The Input raster's layer id. */
  layerId: string;
  onClick(click: QueryClick): void;
}

export const queryPickStore = new Store<QueryPick | null>(null);

export function armQueryPick(pick: QueryPick): void {
  queryPickStore.update(() => pick);
}

export function disarmQueryPick(): void {
  queryPickStore.update(() => null);
}

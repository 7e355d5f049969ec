// The similar task's map query: while armed, the next map click over the Input raster (a
// point) or the next polygon drawn on it becomes the query. Kept outside the app store: it
// is a mode of the Run panel, and the map (map/query-click.ts) only needs to know whether to
// listen, for which shape and for which layer.
import { Store } from './store.ts';

export type QueryShape = 'point' | 'polygon';

/** What the map answered, in the raster's CRS, and whether it falls on the raster. */
export type QueryClick =
  | { kind: 'point'; xy: [number, number]; inside: boolean }
  | { kind: 'polygon'; ring: [number, number][]; inside: boolean };

export interface QueryPick {
  shape: QueryShape;
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

// The Swipe tool: two layers compared side by side across a movable boundary. The store
// holds what the user picked; swipePair resolves it against the layers open now (a closed
// layer falls back to a default), the same way for the panel and for the map.
import type { LayerEntry } from './app-state.ts';
import { Store } from './store.ts';

export interface Swipe {
  on: boolean;
  /** Layer ids as picked; '' or a closed layer means the default. */
  left: string;
  right: string;
  /** The boundary, in percent of the map's width from its left edge. */
  position: number;
}

export const swipeStore = new Store<Swipe>({ on: false, left: '', right: '', position: 50 });

export function setSwipe(patch: Partial<Swipe>): void {
  swipeStore.update((s) => ({ ...s, ...patch }));
}

/**
 * The two layers to compare, or null with fewer than two open. By default the top layer
 * (opened last: the "after", or a result) on the right and the one below it on the left.
 */
export function swipePair(s: Swipe, layers: LayerEntry[]): { left: string; right: string } | null {
  if (layers.length < 2) return null;
  const has = (id: string) => layers.some((e) => e.layer.id === id);
  const right = has(s.right) ? s.right : layers[0].layer.id;
  const left = has(s.left) && s.left !== right ? s.left : (layers.find((e) => e.layer.id !== right)?.layer.id ?? '');
  return { left, right };
}

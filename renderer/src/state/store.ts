// A minimal external store for React's useSyncExternalStore: the map controller and
// the components read the same state without React owning the OpenLayers objects.
import { useSyncExternalStore } from 'react';

export class Store<S> {
  private listeners = new Set<() => void>();
  constructor(private state: S) {}

  get(): S {
    return this.state;
  }

  update(fn: (s: S) => S): void {
    const next = fn(this.state);
    if (next === this.state) return;
    this.state = next;
    for (const l of [...this.listeners]) l();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

export function useStore<S, T>(store: Store<S>, select: (s: S) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}

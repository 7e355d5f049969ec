// The map view as a project keeps it. The map owns its OpenLayers views; it publishes where
// it is after every move, and goes where a reopened project asks (seq bumps each request).
import type { ProjectView } from '../../../main/api.ts';
import { Store } from './store.ts';

interface ViewState {
  current: ProjectView | null;
  request: { view: ProjectView; seq: number } | null;
}

export const mapViewStore = new Store<ViewState>({ current: null, request: null });

export function publishView(view: ProjectView): void {
  mapViewStore.update((s) => ({ ...s, current: view }));
}

export function requestView(view: ProjectView): void {
  mapViewStore.update((s) => ({ ...s, request: { view, seq: (s.request?.seq ?? 0) + 1 } }));
}

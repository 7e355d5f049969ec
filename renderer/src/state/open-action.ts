// Opening rasters: layer.open with progress and cancel; the layer then goes on top and
// the view fits it while band statistics for the default stretch are fetched (the map
// loads tiles meanwhile and shows the layer once it can be stretched).
import type { Layer } from '../../../main/api.ts';
import type { AppClient } from '../client/app-client.ts';
import { errorShapeOf, isCancelled } from '../client/call-error.ts';
import { appStore, spaceOf, type LayerEntry } from './app-state.ts';
import { defaultDisplay } from './display-defaults.ts';
import { removeLayer } from './layer-actions.ts';
import { pushNotice } from './notices.ts';
import { timings, type OpenTiming } from './timings.ts';
import { isVectorPath, openVector } from './vector-open.ts';

export function baseName(path: string): string {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

function editEntry(id: string, fn: (e: LayerEntry) => LayerEntry): void {
  appStore.update((s) => ({ ...s, layers: s.layers.map((e) => (e.layer.id === id ? fn(e) : e)) }));
}

function setStage(stage: string, done = 0, total = 0): void {
  appStore.update((s) => (s.openTask ? { ...s, openTask: { ...s.openTask, stage, done, total } } : s));
}

export type OpenOutcome = 'opened' | 'failed' | 'cancelled';

/** How a project reopens a layer: in the view it sets (no fit) and drawn as saved from the start. */
export interface OpenOptions {
  fit?: boolean;
  initial?: Pick<LayerEntry, 'visible' | 'opacity' | 'display'>;
}

/** Open one raster (a file, a folder of band files, or band files of one scene) as one layer. */
export async function openPaths(client: AppClient, paths: string[], opts: OpenOptions = {}): Promise<OpenOutcome> {
  const clean = paths.map((p) => p.trim()).filter(Boolean);
  if (clean.length === 0) return 'failed';
  // GeoJSON and GeoPackage open as vector layers, one file each.
  if (clean.length === 1 && isVectorPath(clean[0])) return openVector(client, clean[0]);
  if (appStore.get().openTask) {
    pushNotice({ code: 'E_BAD_REQUEST', message: 'another open is still running; wait for it or cancel it first' });
    return 'failed';
  }
  const controller = new AbortController();
  const label = clean.length === 1 ? baseName(clean[0]) : `${baseName(clean[0])} + ${clean.length - 1} more`;
  appStore.update((s) => ({
    ...s,
    openDialog: false,
    openTask: { label, stage: 'opening', done: 0, total: 0, cancel: () => controller.abort() },
  }));
  const start = performance.now();
  let layer: Layer | null = null;
  try {
    layer = await client.call('layer.open', { paths: clean }, {
      signal: controller.signal,
      onProgress: (p) => setStage(p.stage, p.done, p.total),
    });
    const timing: OpenTiming = { start, opened: performance.now() };
    timings.set(layer.id, timing);
    const id = layer.id;
    const entry: LayerEntry = { layer, visible: true, opacity: 1, display: defaultDisplay(layer.info), stats: null, pending: !!layer.cogPath, ...opts.initial };
    appStore.update((s) => ({
      ...s,
      layers: [entry, ...s.layers],
      selectedId: id,
      space: spaceOf(entry.layer),
      inspection: null,
      fit: opts.fit === false ? s.fit : { layerId: id, seq: (s.fit?.seq ?? 0) + 1 },
    }));
    if (layer.cogPath) {
      setStage('statistics');
      let stats = null;
      try {
        stats = (await client.call('layer.stats', { id }, { signal: controller.signal })).bands;
      } catch (err) {
        if (isCancelled(err)) throw err;
        // Still usable with the data type's range; the banner says why it looks flat.
        const shape = errorShapeOf(err);
        pushNotice({ ...shape, file: shape.file ?? layer.info.path });
      }
      timing.stats = performance.now();
      editEntry(id, (e) => ({ ...e, stats, pending: false }));
    }
    return 'opened';
  } catch (err) {
    if (isCancelled(err)) {
      // Cancelled after the engine opened it: take back the half-shown layer too.
      if (layer) void removeLayer(client, layer.id);
      return 'cancelled';
    }
    const shape = errorShapeOf(err);
    pushNotice({ ...shape, file: shape.file ?? clean[0] });
    return 'failed';
  } finally {
    appStore.update((s) => ({ ...s, openTask: null }));
  }
}

/** Several independent rasters, one layer each, one after the other. */
export async function openEach(client: AppClient, paths: string[]): Promise<void> {
  for (const p of paths) {
    // A cancel stops the batch; an error on one file does not.
    if ((await openPaths(client, [p])) === 'cancelled') return;
  }
}

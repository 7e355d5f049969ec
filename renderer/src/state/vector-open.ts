// Opening a GeoJSON or GeoPackage: the engine reads it (the window never touches the
// file system) and the layer goes on top with a colour per class.
import type { AppClient } from '../client/app-client.ts';
import { errorShapeOf } from '../client/call-error.ts';
import { appStore } from './app-state.ts';
import { classColorsOf } from './class-colors.ts';
import { pushNotice } from './notices.ts';
import { classOf, vectorStore, zoomToVector, type VectorEntry } from './vector-layers.ts';

const VECTOR_EXT = /\.(gpkg|geojson|json)$/i;

export function isVectorPath(path: string): boolean {
  return VECTOR_EXT.test(path.trim());
}

let seq = 0;

/** `table`: a GeoPackage feature table other than the first; `zoom: false` keeps the view (both as a project reopens it). */
export async function openVector(client: AppClient, path: string, table?: string, opts: { zoom?: boolean } = {}): Promise<'opened' | 'failed'> {
  appStore.update((s) => ({ ...s, openDialog: false }));
  try {
    const data = await client.call('vector.read', table ? { path: path.trim(), table } : { path: path.trim() });
    const classes = [...new Set(data.features.map((_, i) => classOf(data, i)))].sort();
    // Same palette as class rasters, by order of the class names.
    const palette = classColorsOf({ colorTable: null, categoryNames: null, dataType: 'Byte' });
    const classColors = Object.fromEntries(classes.map((c, i) => [c, palette[i].slice(0, 7)]));
    const name = data.path.split(/[\\/]/).pop() ?? data.path;
    const entry: VectorEntry = { id: `v${++seq}`, name: data.table && data.format === 'GPKG' ? `${name} · ${data.table}` : name, data, visible: true, classColors };
    vectorStore.update((s) => ({ ...s, layers: [entry, ...s.layers] }));
    appStore.update((s) => ({ ...s, space: 'geo' }));
    if (opts.zoom !== false) zoomToVector(entry.id);
    return 'opened';
  } catch (err) {
    const shape = errorShapeOf(err);
    pushNotice({ ...shape, file: shape.file ?? path });
    return 'failed';
  }
}

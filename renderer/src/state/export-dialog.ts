// The Export… dialog's subject (a raster layer, a vector layer or the map snapshot), its
// formats, and the call that writes it. The engine writes every file: the window only
// names the destination (native save dialog or the in-app browser) and, for a snapshot,
// sends the PNG it composed.
import type { AppClient } from '../client/app-client.ts';
import { snapshotPng } from '../map/snapshot.ts';
import { snapshotLegends } from './snapshot-legends.ts';
import { Store, useStore } from './store.ts';

export type ExportSubject =
  | { kind: 'raster'; layerId: string; name: string; path: string }
  | { kind: 'vector'; name: string; path: string; table: string | null }
  | { kind: 'snapshot' };

export interface ExportFormat {
  label: string;
  ext: string;
}

export const FORMATS: Record<ExportSubject['kind'], ExportFormat[]> = {
  raster: [{ label: 'Cloud-Optimized GeoTIFF', ext: 'tif' }],
  vector: [{ label: 'GeoPackage', ext: 'gpkg' }, { label: 'GeoJSON', ext: 'geojson' }],
  snapshot: [{ label: 'PNG image', ext: 'png' }],
};

const store = new Store<ExportSubject | null>(null);

export const useExportSubject = () => useStore(store, (s) => s);
export const openExport = (subject: ExportSubject) => store.update(() => subject);
export const closeExport = () => store.update(() => null);

function folderOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i > 0 ? path.slice(0, i) : '';
}

/** The folder to start in (the source's) and a file name that is not the source's. */
export function suggestion(subject: ExportSubject, format: ExportFormat): { dir: string; name: string } {
  if (subject.kind === 'snapshot') return { dir: '', name: 'map-snapshot.png' };
  const base = (subject.path.split(/[\\/]/).pop() ?? subject.name).replace(/\.[^.]+$/, '') || 'export';
  const suffix = subject.kind === 'raster' ? '-cog' : '-export';
  return { dir: folderOf(subject.path), name: `${base}${suffix}.${format.ext}` };
}

/** Writes the export to `out`; raster progress comes in rows. Resolves with the path written. */
export async function runExport(
  client: AppClient,
  subject: ExportSubject,
  out: string,
  opts: { signal: AbortSignal; onProgress(done: number, total: number): void },
): Promise<string> {
  if (subject.kind === 'raster') {
    const r = await client.call('export.raster', { id: subject.layerId, out }, { signal: opts.signal, onProgress: (p) => opts.onProgress(p.done, p.total) });
    return r.out;
  }
  if (subject.kind === 'vector') {
    const r = await client.call('export.vector', { path: subject.path, out, ...(subject.table ? { table: subject.table } : {}) }, { signal: opts.signal });
    return r.out;
  }
  const png = await snapshotPng(snapshotLegends());
  const r = await client.call('export.png', { out, png }, { signal: opts.signal });
  return r.out;
}

// Folder navigation over the engine's fs.list: pick one or several files, or take the
// whole folder as one scene of single-band files. Mode `file` picks one file to open (a
// project); mode `save` only browses, reporting the folder shown and the file clicked.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReplyOf } from '../../../main/api.ts';
import { errorShapeOf } from '../client/call-error.ts';
import { useClient } from '../state/client-context.ts';
import { formatBytes } from './format.ts';

type Listing = ReplyOf<'fs.list'>;
const RASTER = /\.(tiff?|png|jpe?g|jp2|vrt)$/i;

export interface FileBrowserProps {
  onOpen(paths: string[]): void;
  onOpenScene?(paths: string[]): void;
  onPick(path: string): void;
  /** A folder (or a file, meaning its folder) typed in the path field to show. */
  browse: { path: string; seq: number } | null;
  mode?: 'open' | 'file' | 'save';
  /** The folder shown, each time it changes. */
  onDir?(dir: string): void;
}

function parentOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i > 0 ? path.slice(0, i) : path.slice(0, i + 1) || path;
}

export function FileBrowser({ onOpen, onOpenScene, onPick, browse, mode = 'open', onDir }: FileBrowserProps) {
  const client = useClient();
  const [listing, setListing] = useState<Listing | null>(null);
  // A ref: a new callback each render must not reload the listing.
  const dirListener = useRef(onDir);
  dirListener.current = onDir;
  useEffect(() => {
    if (listing) dirListener.current?.(listing.dir);
  }, [listing]);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [roots, setRoots] = useState<string[]>([]);

  const go = useCallback(
    async (dir?: string, fileOk = false) => {
      setError(null);
      try {
        const l = await client.call('fs.list', dir ? { dir } : {});
        setListing(l);
        setSelected([]);
      } catch (err) {
        // A typed file path: show the folder it is in.
        if (fileOk && dir && parentOf(dir) !== dir) return go(parentOf(dir));
        setError(errorShapeOf(err).message);
      }
    },
    [client],
  );

  useEffect(() => {
    if (browse) void go(browse.path, true);
  }, [browse, go]);

  useEffect(() => {
    void go();
    client.call('app.info', {}).then((i) => setRoots(i.dataRoots), () => setRoots([]));
  }, [client, go]);

  const toggle = (path: string) => {
    const single = mode !== 'open';
    const next = selected.includes(path) ? selected.filter((p) => p !== path) : single ? [path] : [...selected, path];
    setSelected(next);
    onPick(next[next.length - 1] ?? '');
  };

  return (
    <div className="browser" data-testid="file-browser">
      <div className="browser-bar">
        <button type="button" data-testid="dir-up" disabled={!listing?.parent} onClick={() => listing?.parent && void go(listing.parent)}
          aria-label="Parent folder">↑</button>
        <span className="browser-dir" data-testid="browser-dir" title={listing?.dir}>{listing?.dir ?? '…'}</span>
        {roots.map((r) => (
          <button type="button" key={r} className="link" onClick={() => void go(r)} title={r}>{r.split(/[\\/]/).filter(Boolean).pop() ?? r}</button>
        ))}
      </div>
      {error && <div className="browser-error" role="alert">{error}</div>}
      <ul className="browser-list" role="listbox" aria-label="Folder contents" aria-multiselectable="true">
        {listing?.entries.map((e) => (
          <li key={e.path} className={`entry ${e.kind}${RASTER.test(e.name) ? ' raster' : ''}`} data-testid="file-entry" data-path={e.path}
            role="option" aria-selected={selected.includes(e.path)}>
            {e.kind === 'dir' ? (
              <button type="button" className="entry-name" onClick={() => void go(e.path)}>📁 {e.name}</button>
            ) : (
              <label className="entry-name" onDoubleClick={() => onOpen([e.path])}>
                <input type="checkbox" checked={selected.includes(e.path)} onChange={() => toggle(e.path)} aria-label={`Select ${e.name}`} />
                {e.name}
              </label>
            )}
            <span className="entry-size">{e.kind === 'file' ? formatBytes(e.size) : ''}</span>
          </li>
        ))}
        {listing && listing.entries.length === 0 && <li className="empty">Empty folder</li>}
      </ul>
      {mode !== 'save' && <div className="browser-actions">
        {onOpenScene && mode === 'open' && <button type="button" data-testid="open-folder-scene" disabled={!listing} onClick={() => listing && onOpenScene([listing.dir])}
          title="All single-band files of this folder as the bands of one scene">
          Open this folder as one scene
        </button>}
        <span className="grow" />
        {onOpenScene && selected.length > 1 && (
          <button type="button" data-testid="open-selected-scene" onClick={() => onOpenScene(selected)}
            title="The selected single-band files as the bands of one scene, in this order">
            As one scene
          </button>
        )}
        <button type="button" className="primary" data-testid="open-selected" disabled={selected.length === 0} onClick={() => onOpen(selected)}>
          {selected.length > 1 ? `Open ${selected.length} layers` : 'Open selected'}
        </button>
      </div>}
    </div>
  );
}

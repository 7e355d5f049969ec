// The output folder: typed, or picked (Electron's folder dialog; in a browser the host's
// folder list, since a page cannot see the disk). What the user picks or types is kept for
// the next runs; left empty, the application's own output folder is used.
import { useCallback, useEffect, useState } from 'react';
import type { ReplyOf } from '../../../../main/api.ts';
import { errorShapeOf, isCancelled } from '../../client/call-error.ts';
import { useClient } from '../../state/client-context.ts';
import { TextField } from './fields.tsx';

export interface OutputFolderProps {
  value: string;
  onChange(folder: string): void;
  /** The application's folder, used when `value` is empty. */
  appFolder: string;
  /** The file the next run writes. */
  next: string | null;
}

export function OutputFolder({ value, onChange, appFolder, next }: OutputFolderProps) {
  const client = useClient();
  const [browsing, setBrowsing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const choose = async () => {
    setError(null);
    if (client.transport !== 'electron') return setBrowsing((b) => !b);
    try {
      const { paths } = await client.call('dialog.open', { folders: true });
      if (paths[0]) onChange(paths[0]);
    } catch (err) {
      if (!isCancelled(err)) setError(errorShapeOf(err).message);
    }
  };
  return (
    <div className="run-output">
      <div className="run-output-row">
        <TextField id="run-output-folder" label="Output folder" value={value} onChange={onChange}
          placeholder={appFolder || 'the application\'s output folder'} />
        <button type="button" aria-expanded={client.transport === 'electron' ? undefined : browsing}
          onClick={() => void choose()}>
          Choose…
        </button>
      </div>
      {error && <p className="run-error" role="alert">{error}</p>}
      {browsing && <FolderList start={value || appFolder} onPick={(dir) => { onChange(dir); setBrowsing(false); }} />}
      {next && <p className="run-hint" data-testid="run-output-path" data-path={next}>Writes <span title={next}>{next}</span></p>}
    </div>
  );
}

type Listing = ReplyOf<'fs.list'>;

function FolderList({ start, onPick }: { start: string; onPick(dir: string): void }) {
  const client = useClient();
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [first] = useState(start);
  const go = useCallback(async (dir?: string) => {
    setError(null);
    try {
      setListing(await client.call('fs.list', dir ? { dir } : {}));
    } catch (err) {
      setError(errorShapeOf(err).message);
    }
  }, [client]);
  useEffect(() => void go(first || undefined), [go, first]);
  const dirs = listing?.entries.filter((e) => e.kind === 'dir') ?? [];
  return (
    <div className="run-folders" data-testid="folder-list">
      <div className="browser-bar">
        <button type="button" aria-label="Parent folder" disabled={!listing?.parent} onClick={() => listing?.parent && void go(listing.parent)}>↑</button>
        <span className="browser-dir" title={listing?.dir}>{listing?.dir ?? '…'}</span>
        <button type="button" className="primary" disabled={!listing} onClick={() => listing && onPick(listing.dir)}>Use this folder</button>
      </div>
      {error && <p className="run-error" role="alert">{error}</p>}
      <ul className="run-folder-items" aria-label="Folders">
        {dirs.map((d) => (
          <li key={d.path}><button type="button" className="link" onClick={() => void go(d.path)}>📁 {d.name}</button></li>
        ))}
        {listing && dirs.length === 0 && <li className="empty">No folders here</li>}
      </ul>
    </div>
  );
}

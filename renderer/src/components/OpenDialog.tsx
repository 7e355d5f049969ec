// Browser-mode "Open…": a typed/pasted path, or the in-app file browser over fs.list
// (a browser tab cannot see the disk, and must not upload the user's files anywhere).
import { useEffect, useRef, useState } from 'react';
import { useClient } from '../state/client-context.ts';
import { openEach, openPaths } from '../state/open-action.ts';
import { closeOpenDialog } from '../state/open-request.ts';
import { useApp } from '../state/use-app.ts';
import { FileBrowser } from './FileBrowser.tsx';

export function OpenDialog() {
  const show = useApp((s) => s.openDialog);
  if (!show) return null;
  return <OpenDialogBody />;
}

function OpenDialogBody() {
  const client = useClient();
  const [path, setPath] = useState('');
  const [browse, setBrowse] = useState<{ path: string; seq: number } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const openScene = (paths: string[]) => void openPaths(client, paths);
  const open = (paths: string[]) => void openEach(client, paths);
  const submitPath = () => {
    if (path.trim()) openScene([path.trim()]);
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && closeOpenDialog()}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="open-title" data-testid="open-dialog"
        onKeyDown={(e) => e.key === 'Escape' && closeOpenDialog()}>
        <div className="modal-head">
          <h2 id="open-title">Open raster</h2>
          <button type="button" className="icon" aria-label="Close" onClick={closeOpenDialog}>×</button>
        </div>
        <form className="path-form" onSubmit={(e) => { e.preventDefault(); submitPath(); }}>
          <label htmlFor="open-path">Path</label>
          <input id="open-path" ref={input} data-testid="open-path-input" type="text" value={path} spellCheck={false}
            placeholder="/data/scene.tif, or a folder of band files" autoComplete="off"
            onChange={(e) => setPath(e.target.value)} />
          <button type="button" data-testid="open-path-browse" disabled={!path.trim()}
            title="Show this folder (or the folder of this file) below"
            onClick={() => setBrowse((b) => ({ path: path.trim(), seq: (b?.seq ?? 0) + 1 }))}>
            Browse
          </button>
          <button type="submit" className="primary" data-testid="open-path-submit" disabled={!path.trim()}>Open</button>
        </form>
        <FileBrowser onOpen={open} onOpenScene={openScene} onPick={setPath} browse={browse} />
      </div>
    </div>
  );
}

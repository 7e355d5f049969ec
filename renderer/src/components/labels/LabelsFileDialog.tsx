// Browser-mode Import labels… / Export labels…: the host's file list (a page cannot see the
// disk) through the app's FileBrowser, a file field, and for an import the optional class
// field, for an export the format. Electron uses its native dialogs instead (LabelsFiles).
import { useState, type FormEvent } from 'react';
import { useClient } from '../../state/client-context.ts';
import { FileBrowser } from '../FileBrowser.tsx';

export const LABEL_FORMATS = [{ label: 'GeoPackage', ext: 'gpkg' }, { label: 'GeoJSON', ext: 'geojson' }];

const join = (dir: string, name: string) => `${dir.replace(/[\\/]+$/, '')}${dir.includes('\\') && !dir.includes('/') ? '\\' : '/'}${name}`;
const nameOf = (path: string) => path.split(/[\\/]/).pop() ?? path;

export interface LabelsFileDialogProps {
  mode: 'import' | 'export';
  /** Null when done (the dialog closes), else the refusal to show. */
  onSubmit(path: string, classField: string): Promise<string | null>;
  onClose(): void;
  /** The export's first file name, without extension. */
  suggestedName?: string;
}

export function LabelsFileDialog({ mode, onSubmit, onClose, suggestedName = 'labels' }: LabelsFileDialogProps) {
  const client = useClient();
  const [dir, setDir] = useState('');
  const [text, setText] = useState(mode === 'export' ? `${suggestedName}.gpkg` : '');
  const [ext, setExt] = useState('gpkg');
  const [classField, setClassField] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [replace, setReplace] = useState<string | null>(null);
  const title = mode === 'import' ? 'Import labels' : 'Export labels';

  const typed = text.trim();
  const absolute = /^([\\/]|[A-Za-z]:[\\/])/.test(typed);
  const target = !typed ? '' : absolute ? typed : dir ? join(dir, typed) : '';

  const run = async (path: string) => {
    setBusy(true);
    setError(null);
    setReplace(null);
    try {
      const refusal = await onSubmit(path, classField);
      if (refusal) setError(refusal);
      else onClose();
    } finally {
      setBusy(false);
    }
  };

  // The in-app browser asks before replacing a file, as the native dialog does.
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!target || busy) return;
    if (mode === 'export') {
      const listing = await client.call('fs.list', { dir: target.slice(0, Math.max(target.lastIndexOf('/'), target.lastIndexOf('\\'))) || dir }).catch(() => null);
      if (listing?.entries.some((x) => x.kind === 'file' && x.path === target)) return setReplace(target);
    }
    await run(target);
  };

  const chooseFormat = (next: string) => {
    setExt(next);
    setText((t) => `${t.replace(/\.[^.]*$/, '') || suggestedName}.${next}`);
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="labels-file-title" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
        <div className="modal-head">
          <h2 id="labels-file-title">{title}</h2>
          <button type="button" className="icon" aria-label="Close" onClick={onClose}>×</button>
        </div>
        {mode === 'export' && (
          <div className="path-form">
            <label htmlFor="labels-format">Format</label>
            <select id="labels-format" value={ext} onChange={(e) => chooseFormat(e.target.value)}>
              {LABEL_FORMATS.map((f) => <option key={f.ext} value={f.ext}>{f.label}</option>)}
            </select>
          </div>
        )}
        <form className="path-form" onSubmit={(e) => void submit(e)}>
          <label htmlFor="labels-file">{mode === 'import' ? 'Labels file' : 'File name'}</label>
          <input id="labels-file" type="text" value={text} spellCheck={false} autoComplete="off"
            placeholder={mode === 'import' ? '/data/labels.gpkg' : 'labels.gpkg'} onChange={(e) => setText(e.target.value)} />
          {mode === 'import' && (
            <>
              <label htmlFor="labels-class-field">Class field</label>
              <input id="labels-class-field" type="text" value={classField} spellCheck={false} autoComplete="off" placeholder="found by itself"
                onChange={(e) => setClassField(e.target.value)} />
            </>
          )}
          <button type="submit" className="primary" disabled={!target || busy}>{mode === 'import' ? 'Import' : 'Export'}</button>
        </form>
        {mode === 'export' && <p className="project-target" aria-live="polite">{target ? `Writes ${target}` : 'Pick a folder below'}</p>}
        {replace && (
          <div className="labels-confirm">
            <p>{nameOf(replace)} exists. Replace it?</p>
            <button type="button" className="primary" onClick={() => void run(replace)}>Replace</button>
            <button type="button" onClick={() => setReplace(null)}>Keep it</button>
          </div>
        )}
        {error && <p className="browser-error" role="alert">{error}</p>}
        <FileBrowser mode={mode === 'import' ? 'file' : 'save'} browse={null} onDir={setDir}
          onPick={(p) => p && setText(mode === 'import' ? p : nameOf(p))}
          onOpen={(paths) => paths[0] && (mode === 'import' ? void run(paths[0]) : setText(nameOf(paths[0])))} />
      </div>
    </div>
  );
}

// Export… (a layer) and Snapshot… (the map): the format, where to write it, progress and
// the engine's error. Electron asks its native save dialog for the path; a browser tab
// browses the host's folders in the file browser's save mode and takes a file name.
import { useRef, useState } from 'react';
import { errorShapeOf, isCancelled } from '../client/call-error.ts';
import { useClient } from '../state/client-context.ts';
import { closeExport, FORMATS, runExport, suggestion, useExportSubject, type ExportFormat, type ExportSubject } from '../state/export-dialog.ts';
import { FileBrowser } from './FileBrowser.tsx';
import './export-dialog.css';

type Phase =
  | { kind: 'idle' }
  | { kind: 'confirm'; out: string }
  | { kind: 'running'; done: number; total: number }
  | { kind: 'done'; out: string }
  | { kind: 'failed'; message: string };

const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/** `dir` joined with `name` by the separator the folder already uses. */
function joinPath(dir: string, name: string): string {
  if (!dir) return name;
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`;
}

export function ExportDialog() {
  const subject = useExportSubject();
  if (!subject) return null;
  return <ExportDialogBody subject={subject} />;
}

function ExportDialogBody({ subject }: { subject: ExportSubject }) {
  const client = useClient();
  const electron = client.transport === 'electron';
  const formats = FORMATS[subject.kind];
  const [format, setFormat] = useState<ExportFormat>(formats[0]);
  const first = suggestion(subject, formats[0]);
  const [dir, setDir] = useState(first.dir);
  const [name, setName] = useState(first.name);
  const [browse, setBrowse] = useState<{ path: string; seq: number } | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const title = subject.kind === 'snapshot' ? 'Map snapshot' : `Export ${subject.name}`;
  const running = phase.kind === 'running';

  // The browser opens in the home folder; go to the source's folder once it has.
  const onDir = (shown: string) => {
    if (browse === null && first.dir && shown !== first.dir) setBrowse({ path: first.dir, seq: 1 });
    else setDir(shown);
  };

  const choose = (f: ExportFormat) => {
    setFormat(f);
    setName((n) => `${n.replace(/\.[^.]*$/, '') || 'export'}.${f.ext}`);
  };

  const start = async (out: string) => {
    const ac = new AbortController();
    abort.current = ac;
    setPhase({ kind: 'running', done: 0, total: 0 });
    try {
      const written = await runExport(client, subject, out, { signal: ac.signal, onProgress: (done, total) => setPhase({ kind: 'running', done, total }) });
      setPhase({ kind: 'done', out: written });
      // List the folder again so the new file shows.
      setBrowse((b) => ({ path: dir, seq: (b?.seq ?? 0) + 1 }));
    } catch (err) {
      setPhase(isCancelled(err) ? { kind: 'idle' } : { kind: 'failed', message: errorShapeOf(err).message });
    } finally {
      abort.current = null;
    }
  };

  // The native dialog asks before replacing a file; the in-app browser asks here.
  const submit = async (out: string) => {
    try {
      const listing = await client.call('fs.list', { dir });
      if (listing.entries.some((e) => e.kind === 'file' && e.path === out)) return setPhase({ kind: 'confirm', out });
    } catch {
      // A folder that cannot be listed: the export itself says why.
    }
    await start(out);
  };

  const chooseNative = async () => {
    try {
      const { path } = await client.call('dialog.save', { title, defaultPath: joinPath(dir, name), filters: [{ name: format.label, extensions: [format.ext] }] });
      if (path) await start(path);
    } catch (err) {
      setPhase({ kind: 'failed', message: errorShapeOf(err).message });
    }
  };

  const close = () => {
    abort.current?.abort();
    closeExport();
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !running && close()}>
      <div className="modal export-dialog" role="dialog" aria-modal="true" aria-labelledby="export-title" data-testid="export-dialog"
        onKeyDown={(e) => e.key === 'Escape' && close()}>
        <div className="modal-head">
          <h2 id="export-title">{title}</h2>
          <button type="button" className="icon" aria-label="Close" onClick={close}>×</button>
        </div>
        <div className="path-form">
          <label htmlFor="export-format">Format</label>
          <select id="export-format" value={format.ext} disabled={running} onChange={(e) => choose(formats.find((f) => f.ext === e.target.value)!)}>
            {formats.map((f) => <option key={f.ext} value={f.ext}>{f.label}</option>)}
          </select>
        </div>
        {electron ? (
          <div className="path-form">
            <span className="export-target" title={joinPath(dir, name)}>{joinPath(dir, name)}</span>
            <button type="button" className="primary" disabled={running} onClick={() => void chooseNative()}>Save as…</button>
          </div>
        ) : (
          <>
            <FileBrowser mode="save" browse={browse} onDir={onDir} onOpen={() => undefined} onPick={(p) => setName(baseName(p))} />
            <form className="path-form" onSubmit={(e) => { e.preventDefault(); if (name.trim()) void submit(joinPath(dir, name.trim())); }}>
              <label htmlFor="export-name">File name</label>
              <input id="export-name" type="text" value={name} spellCheck={false} autoComplete="off" disabled={running}
                onChange={(e) => setName(e.target.value)} />
              <button type="submit" className="primary" disabled={running || !name.trim() || !dir}>Export</button>
            </form>
          </>
        )}
        <div className="export-status">
          {running && (
            <>
              <progress aria-label="Export progress" value={phase.total ? phase.done : undefined} max={phase.total || undefined} />
              <button type="button" onClick={() => abort.current?.abort()}>Cancel</button>
            </>
          )}
          {phase.kind === 'confirm' && (
            <>
              <p>{baseName(phase.out)} exists. Replace it?</p>
              <button type="button" className="primary" onClick={() => void start(phase.out)}>Replace</button>
              <button type="button" onClick={() => setPhase({ kind: 'idle' })}>Keep it</button>
            </>
          )}
          {phase.kind === 'done' && <p role="status" data-testid="export-done" data-path={phase.out}>Exported to {phase.out}</p>}
          {phase.kind === 'failed' && <p role="alert" className="export-error">{phase.message}</p>}
        </div>
      </div>
    </div>
  );
}

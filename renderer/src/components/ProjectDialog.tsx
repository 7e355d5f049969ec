// Browser-mode Save project… / Open project…: the host's file list (the page cannot see the
// disk), with a file name field when saving and a path field when opening.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useClient } from '../state/client-context.ts';
import { openProject, projectFileName, saveProject } from '../state/project-actions.ts';
import { setProjectDialog, useProject } from '../state/project-store.ts';
import { FileBrowser } from './FileBrowser.tsx';
import './project.css';

export function ProjectDialog() {
  const mode = useProject((s) => s.dialog);
  if (!mode) return null;
  return <ProjectDialogBody mode={mode} />;
}

const close = () => setProjectDialog(null);
const join = (dir: string, name: string) => `${dir.replace(/[\\/]+$/, '')}${dir.includes('\\') && !dir.includes('/') ? '\\' : '/'}${name}`;
const nameOf = (path: string) => path.split(/[\\/]/).pop() ?? path;
const folderOf = (path: string) => path.slice(0, Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'))) || path;

function ProjectDialogBody({ mode }: { mode: 'save' | 'open' }) {
  const client = useClient();
  const current = useProject((s) => s.current);
  const busy = useProject((s) => s.busy);
  const [dir, setDir] = useState('');
  const [text, setText] = useState(mode === 'save' ? nameOf(current?.path ?? 'project.skysense.json') : '');
  const [browse] = useState(() => (current ? { path: folderOf(current.path), seq: 1 } : null));
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.select(), []);

  // A typed absolute path saves there; a bare name into the folder shown below.
  const typed = text.trim();
  const absolute = /^([\\/]|[A-Za-z]:[\\/])/.test(typed);
  const target = mode === 'open' ? typed : !typed ? '' : absolute ? projectFileName(typed) : dir ? join(dir, projectFileName(typed)) : '';
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!target || busy) return;
    void run(target);
  };
  const run = async (path: string) => {
    setError(null);
    setError(await (mode === 'save' ? saveProject(client, path) : openProject(client, path)));
  };
  const title = mode === 'save' ? 'Save project' : 'Open project';

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="project-title"
        onKeyDown={(e) => e.key === 'Escape' && close()}>
        <div className="modal-head">
          <h2 id="project-title">{title}</h2>
          <button type="button" className="icon" aria-label="Close" onClick={close}>×</button>
        </div>
        <form className="path-form" onSubmit={submit}>
          <label htmlFor="project-path">{mode === 'save' ? 'File name' : 'Project file'}</label>
          <input id="project-path" ref={input} type="text" value={text} spellCheck={false} autoComplete="off"
            placeholder={mode === 'save' ? 'name.skysense.json' : '/data/work/bercy.skysense.json'}
            onChange={(e) => setText(e.target.value)} />
          <button type="submit" className="primary" disabled={!target || busy}>{mode === 'save' ? 'Save' : 'Open'}</button>
        </form>
        {mode === 'save' && <p className="project-target" aria-live="polite">{target ? `Saves ${target}` : 'Pick a folder below'}</p>}
        {error && <p className="browser-error" role="alert">{error}</p>}
        <FileBrowser mode={mode === 'save' ? 'save' : 'file'} browse={browse} onDir={setDir}
          onPick={(p) => p && setText(mode === 'save' ? nameOf(p) : p)}
          onOpen={(paths) => paths[0] && (mode === 'save' ? setText(nameOf(paths[0])) : void run(paths[0]))} />
      </div>
    </div>
  );
}

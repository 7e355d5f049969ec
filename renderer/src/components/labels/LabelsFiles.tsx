// Import labels… and Export labels…: Electron's native dialogs, or the in-app dialog over the
// host's files in a browser tab. An import replaces the labels (asking first when there are
// some) as one undoable edit; the engine's note on it is shown.
import { useState } from 'react';
import type { LabelSet } from '../../../../main/api.ts';
import { errorShapeOf, isCancelled } from '../../client/call-error.ts';
import { drawnPaths } from '../../labels/target.ts';
import { useClient } from '../../state/client-context.ts';
import { editLabels, setLabelsNote } from '../../state/labels-actions.ts';
import { exportLabels, readImport } from '../../state/labels-files.ts';
import { labelsStore, useLabels } from '../../state/labels-store.ts';
import { LABEL_FORMATS, LabelsFileDialog } from './LabelsFileDialog.tsx';

const nameOf = (path: string) => path.split(/[\\/]/).pop() ?? path;

function apply(set: LabelSet, note: string | null): void {
  editLabels(() => set);
  setLabelsNote(note);
}

export function LabelsFiles() {
  const client = useClient();
  const { set } = useLabels();
  const [dialog, setDialog] = useState<'import' | 'export' | null>(null);
  const [pending, setPending] = useState<{ set: LabelSet; note: string | null; path: string } | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const electron = client.transport === 'electron';
  const stem = set ? nameOf(drawnPaths(set.target)[0] ?? 'labels').replace(/\.[^.]+$/, '') + '-labels' : 'labels';

  const doImport = async (path: string, classField: string): Promise<string | null> => {
    try {
      const got = await readImport(client, path, classField);
      const current = labelsStore.get().set;
      if (current && current.features.length > 0) setPending({ ...got, path });
      else apply(got.set, got.note);
      setMessage(null);
      return null;
    } catch (err) {
      return errorShapeOf(err).message;
    }
  };

  const doExport = async (path: string): Promise<string | null> => {
    try {
      const r = await exportLabels(client, path);
      setMessage({ text: `Exported ${r.features} label${r.features === 1 ? '' : 's'} to ${r.path}`, error: false });
      return null;
    } catch (err) {
      return errorShapeOf(err).message;
    }
  };

  const native = async (mode: 'import' | 'export') => {
    try {
      if (mode === 'import') {
        const { paths } = await client.call('dialog.open', { kind: 'labels' });
        if (paths[0]) {
          const refusal = await doImport(paths[0], '');
          if (refusal) setMessage({ text: refusal, error: true });
        }
      } else {
        const { path } = await client.call('dialog.save', {
          title: 'Export labels', defaultPath: `${stem}.gpkg`,
          filters: LABEL_FORMATS.map((f) => ({ name: f.label, extensions: [f.ext] })),
        });
        if (path) {
          const refusal = await doExport(path);
          if (refusal) setMessage({ text: refusal, error: true });
        }
      }
    } catch (err) {
      if (!isCancelled(err)) setMessage({ text: errorShapeOf(err).message, error: true });
    }
  };

  const open = (mode: 'import' | 'export') => (electron ? void native(mode) : setDialog(mode));

  return (
    <div className="labels-files">
      <div className="labels-toolbar">
        <button type="button" onClick={() => open('import')}>Import labels…</button>
        <button type="button" disabled={!set || set.features.length === 0} onClick={() => open('export')}>Export labels…</button>
      </div>
      {pending && (
        <div className="labels-confirm" role="group" aria-label="Replace the labels?">
          <p>Replace the {set?.features.length ?? 0} labels with the {pending.set.features.length} of {nameOf(pending.path)}?</p>
          <button type="button" className="danger" onClick={() => { apply(pending.set, pending.note); setPending(null); }}>Replace</button>
          <button type="button" onClick={() => setPending(null)}>Keep</button>
        </div>
      )}
      {message && (message.error
        ? <p role="alert" className="labels-error">{message.text}</p>
        : <p role="status" className="labels-hint" data-testid="labels-exported">{message.text}</p>)}
      {dialog && (
        <LabelsFileDialog mode={dialog} suggestedName={stem} onClose={() => setDialog(null)}
          onSubmit={(path, classField) => (dialog === 'import' ? doImport(path, classField) : doExport(path))} />
      )}
    </div>
  );
}

// Once trained: keep the head (head.save, into the user's models folder, then listed by
// engine.status) and apply it to the labelled scene in one click (a Run panel job: its class
// raster opens as a layer with its legend).
import { useState } from 'react';
import type { LabelTarget } from '../../../../main/api.ts';
import { useClient } from '../../state/client-context.ts';
import { rememberedFolder } from '../../state/output-folder.ts';
import { startJob } from '../../state/run-jobs.ts';
import { applyOutPath, applyRequest } from '../../state/train-apply.ts';
import { saveHead, saveProblem, type SaveFields } from '../../state/train-save.ts';
import { editTrain, type SavedHead } from '../../state/train-session.ts';
import { TextField } from '../run/fields.tsx';

interface Props {
  jobId: string;
  head: string;
  defaults: SaveFields;
  saved: SavedHead | null;
  target: LabelTarget | null;
  /** app.info's output folder, used when the Run panel has none chosen. */
  appFolder: string;
}

export function SaveApply({ jobId, head, defaults, saved, target, appFolder }: Props) {
  const client = useClient();
  const [fields, setFields] = useState<SaveFields>(defaults);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [applyError, setApplyError] = useState<string | null>(null);
  const mine = saved?.jobId === jobId ? saved : null;
  const problem = saveProblem(fields);
  const save = async () => {
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    const r = await saveHead(client, jobId, head, fields);
    setBusy(false);
    if ('error' in r) setError(r.error);
  };
  const folder = rememberedFolder() || appFolder;
  const out = mine && target && folder ? applyOutPath(folder, mine.name, target) : null;
  const apply = async () => {
    if (!mine || !target || !out) return;
    setApplyError(null);
    setBusy(true);
    const r = await startJob(client, applyRequest(target, mine.path, out));
    setBusy(false);
    if ('error' in r) setApplyError(r.error);
    else editTrain({ applyJobId: r.job.id });
  };
  return (
    <section className="train-save" aria-labelledby="train-save-title">
      <h3 id="train-save-title" className="panel-title">Save head</h3>
      <form onSubmit={(e) => { e.preventDefault(); void save(); }} aria-label="Save head">
        <TextField id="train-save-name" label="Name" value={fields.name} onChange={(name) => setFields({ ...fields, name })}
          hint="the head's folder in your models folder" />
        <TextField id="train-save-title-field" label="Title" value={fields.title} onChange={(title) => setFields({ ...fields, title })} />
        <div className="run-field">
          <label htmlFor="train-save-description">Description</label>
          <textarea id="train-save-description" rows={2} value={fields.description}
            onChange={(e) => setFields({ ...fields, description: e.target.value })} />
        </div>
        {error && <p className="run-error" role="alert" data-testid="train-save-error">{error}</p>}
        <div className="run-actions">
          <button type="submit" className={mine ? undefined : 'primary'} disabled={busy}>Save head</button>
        </div>
      </form>
      {mine && <p className="run-hint" data-testid="train-saved-path" data-path={mine.path}>Saved as {mine.path}</p>}
      {mine && (
        <div className="train-apply">
          {out && <p className="run-hint" data-testid="train-apply-out" data-path={out}>Apply writes {out}</p>}
          {!target && <p className="run-error" role="alert">The labels' scene is not known: load the labels again.</p>}
          {applyError && <p className="run-error" role="alert" data-testid="train-apply-error">{applyError}</p>}
          <div className="run-actions">
            <button type="button" className="primary" disabled={busy || !out} onClick={() => void apply()}
              title="Run the saved head over the labelled scene; the result opens as a layer">
              Apply
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

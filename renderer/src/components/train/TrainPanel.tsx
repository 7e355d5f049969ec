// The "Train head" panel: the labels (from the Labels panel, or a labels file loaded here)
// and their counts, the task they decide, the encoder and training settings, then Train
// (job.train). While the job runs: its stage, the live curve and Cancel training; once done:
// the validation metrics, Save head and Apply. Non-modal; Escape closes it and gives focus
// back to the toolbar button.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useClient } from '../../state/client-context.ts';
import { useEngine } from '../../state/engine-status.ts';
import { useJobs } from '../../state/jobs.ts';
import { useLabels } from '../../state/labels-store.ts';
import { cancelJob } from '../../state/run-jobs.ts';
import { buildTrainRequest, type TrainForm } from '../../state/train-form.ts';
import { isLive, startTraining } from '../../state/train-job.ts';
import { blockers, trainLabelsOf } from '../../state/train-labels.ts';
import { defaultHeadName } from '../../state/train-save.ts';
import { editTrain, useTrain } from '../../state/train-session.ts';
import { trainTaskOf } from '../../state/train-task.ts';
import { etaText, percent, statusText } from '../run/job-words.ts';
import { LabelsSummary } from './LabelsSummary.tsx';
import { SaveApply } from './SaveApply.tsx';
import { trainEncoders, TrainFields } from './TrainFields.tsx';
import { TrainingCurve } from './TrainingCurve.tsx';
import { TrainMetrics } from './TrainMetrics.tsx';
import '../run/run-panel.css';
import './train-panel.css';
import { useEscapeClose } from '../use-escape-close.ts';

export function TrainPanel({ onClose }: { onClose(): void }) {
  const client = useClient();
  const engine = useEngine();
  const session = useTrain();
  const labels = trainLabelsOf(useLabels(), session.loaded);
  const jobs = useJobs();
  const job = jobs.find((j) => j.id === session.jobId) ?? null;
  const models = engine.phase === 'ready' ? engine.status.models : [];
  const encoders = trainEncoders(models);
  // The first usable encoder until one is chosen.
  const form: TrainForm = session.form.model && encoders.some((m) => m.dir === session.form.model)
    ? session.form
    : { ...session.form, model: encoders.find((m) => m.problems.length === 0)?.dir ?? '' };
  const set = (patch: Partial<TrainForm>) => editTrain({ form: { ...form, ...patch } });
  const task = labels.set ? trainTaskOf(labels.set.target) : null;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [appFolder, setAppFolder] = useState('');
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    client.call('app.info', {}).then((i) => setAppFolder(i.outputDir), (err: unknown) => setError(String(err)));
  }, [client]);
  useEffect(() => panel.current?.querySelector<HTMLElement>('select, input, button:not(.icon)')?.focus(), []);
  useEscapeClose(panel, onClose);

  const blocked = blockers(labels);
  const running = isLive(job);
  const built = buildTrainRequest(form, labels.path);
  const reason = blocked[0] ?? (built.ok ? null : built.error) ?? (running ? 'a training is running: cancel it or wait' : null);
  const train = async (e: FormEvent) => {
    e.preventDefault();
    if (reason || !built.ok) return;
    setBusy(true);
    setError(null);
    const r = await startTraining(client, built.request);
    setBusy(false);
    if ('error' in r) setError(r.error);
  };
  const training = job?.training ?? null;
  const pct = job ? percent(job) : null;
  const stem = defaultHeadName(labels.path);

  return (
    <div id="train-panel" ref={panel} className="run-panel train-panel" role="dialog" aria-modal="false" aria-label="Train head" data-testid="train-panel">
      <div className="modal-head">
        <h2>Train head</h2>
        <button type="button" className="icon" aria-label="Close train head panel" onClick={onClose}>×</button>
      </div>
      <div className="run-body">
        {engine.phase === 'failed' && <p className="run-error" role="alert">The engine could not list its models: {engine.message}</p>}
        <LabelsSummary labels={labels} />
        <form className="run-form" onSubmit={(e) => void train(e)} aria-label="Training settings">
          <TrainFields form={form} task={task} models={models} set={set} />
          {error && <p className="run-error" role="alert" data-testid="train-error">{error}</p>}
          {reason && !blocked.length && <p className="run-hint" data-testid="train-disabled-reason">{reason}</p>}
          <div className="run-actions">
            <button type="submit" className="primary" disabled={busy || reason !== null}
              title={reason ?? 'Train a head on these labels'} aria-describedby={reason ? 'train-why' : undefined}>
              Train
            </button>
            {reason && <span id="train-why" className="visually-hidden">{reason}</span>}
          </div>
        </form>
        {job && (
          <section className="train-job" aria-labelledby="train-job-title" data-testid="train-job" data-job-id={job.id} data-status={job.status}>
            <h3 id="train-job-title" className="panel-title">Training</h3>
            <div className="run-job-progress">
              <span data-testid="train-status" role={job.status === 'failed' ? 'alert' : undefined}>{statusText(job)}</span>
              {job.status === 'running' && (
                <>
                  <progress max={100} value={pct ?? undefined} aria-label="Training progress" />
                  {pct !== null && <span>{pct} % · {etaText(job.progress?.etaS ?? null)}</span>}
                </>
              )}
              {running && (
                <button type="button" onClick={() => void cancelJob(client, job.id)}>Cancel training</button>
              )}
            </div>
            {training && <TrainingCurve curve={training.curve} epochs={training.epochs} />}
            {training?.samples && (
              <p className="run-hint" data-testid="train-samples">{training.samples.train} training cells, {training.samples.val} validation cells</p>
            )}
            {job.status === 'done' && training?.validation && <TrainMetrics metrics={training.validation} classes={training.classes} />}
            {job.status === 'done' && training?.head && (
              <SaveApply key={job.id} jobId={job.id} head={training.head} saved={session.saved} target={labels.set?.target ?? null} appFolder={appFolder}
                defaults={{ name: stem, title: `${stem.replace(/-head$/, '')} ${task?.label ?? ''} head`.replace(/\s+/g, ' ').trim(), description: '' }} />
            )}
          </section>
        )}
      </div>
    </div>
  );
}

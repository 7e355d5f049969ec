// The "Run task" panel: pick a task, its model or head, the inputs by role and the options,
// then Run; the Jobs list below follows every job. Non-modal, so the map and the layers stay
// usable while a job runs. Keys: Tab walks the fields in reading order, Enter in a field
// runs, Escape closes and gives focus back to the toolbar button.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useClient } from '../../state/client-context.ts';
import { useEngine } from '../../state/engine-status.ts';
import { useJobs } from '../../state/jobs.ts';
import type { QueryClick } from '../../state/query-pick.ts';
import { expectQueryResult } from '../../state/query-result.ts';
import { acquisitionOf, useAcquisitions } from '../../state/layer-acquisition.ts';
import { outputPath, rememberedFolder, rememberFolder } from '../../state/output-folder.ts';
import { taskChoices } from '../../state/run-choices.ts';
import { settle, type SettledForm } from '../../state/run-defaults.ts';
import { buildRequest, emptyForm } from '../../state/run-form.ts';
import { startJob } from '../../state/run-jobs.ts';
import { useApp } from '../../state/use-app.ts';
import { JobsList } from './JobsList.tsx';
import { OptionFields } from './OptionFields.tsx';
import { OutputFolder } from './OutputFolder.tsx';
import { QueryPickButton } from './QueryPickButton.tsx';
import { RoleFields } from './RoleFields.tsx';
import { TaskModelFields } from './TaskModelFields.tsx';
import './run-panel.css';
import { useEscapeClose } from '../use-escape-close.ts';

export function RunPanel({ onClose }: { onClose(): void }) {
  const client = useClient();
  const entries = useApp((s) => s.layers);
  const engine = useEngine();
  const status = engine.phase === 'ready' ? engine.status : null;
  const layers = entries.map((e) => e.layer);
  const models = status?.models ?? [];
  const choices = taskChoices(layers, status ? models : null);

  const [raw, setRaw] = useState<SettledForm>(() => ({ ...emptyForm('cluster'), queryFor: '' }));
  const jobs = useJobs();
  const results = new Set(jobs.flatMap((j) => j.outputs));
  const form = settle(raw, layers, models, choices, (p) => results.has(p));
  const set = (patch: Partial<SettledForm>) => setRaw({ ...form, ...patch });
  const [folder, setFolder] = useState(rememberedFolder);
  const [appFolder, setAppFolder] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLDivElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  // Named when the form is shown and renewed after each run, so the file the panel says it
  // will write is the one the run writes.
  const [stamp, setStamp] = useState(() => new Date());

  useEffect(() => {
    client.call('app.info', {}).then((i) => setAppFolder(i.outputDir), (err: unknown) => setError(String(err)));
  }, [client]);
  useEffect(() => first.current?.querySelector('select')?.focus(), []);
  useEscapeClose(panel, onClose);

  const acq = useAcquisitions();
  const readDate = (id: string) => acquisitionOf(acq, id)?.date ?? '';
  const target = folder.trim() || appFolder;
  const built = target ? buildRequest(form, layers, (name) => outputPath(target, form.task, name, stamp), readDate) : null;
  const disabled = busy || !target || choices.find((c) => c.task === form.task)?.reason !== null;

  /** `pick`: started from the map, its result is the query layer; a drawn ring replaces the point. */
  const run = async (pick?: { ring?: [number, number][] }) => {
    if (disabled) return;
    const b = buildRequest(form, layers, (name) => outputPath(target, form.task, name, stamp), readDate);
    if (!b.ok) return setError(b.error);
    setError(null);
    setBusy(true);
    if (pick) expectQueryResult(client, b.request.out);
    const request = pick?.ring ? { ...b.request, options: { ...b.request.options, query: { ring: pick.ring } } } : b.request;
    const r = await startJob(client, request);
    setBusy(false);
    if ('error' in r) setError(r.error);
    else setStamp(new Date());
  };
  // A map pick fills the query point and runs at once, from the render that shows it.
  const [pickRun, setPickRun] = useState<{ ring?: [number, number][] } | null>(null);
  useEffect(() => {
    if (!pickRun) return;
    setPickRun(null);
    void run(pickRun);
  });
  const input = layers.find((l) => l.id === form.input) ?? null;
  const onQueryClick = (c: QueryClick) => {
    const what = c.kind === 'point' ? 'The click' : 'The polygon';
    if (!c.inside) return setError(`${what} is outside ${input?.name ?? 'the Input raster'}: click on the Input raster, or press Escape`);
    if (c.kind === 'polygon') return setPickRun({ ring: c.ring });
    setRaw({ ...form, queryX: String(c.xy[0]), queryY: String(c.xy[1]) });
    setPickRun({});
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void run();
  };
  // Enter in a select does not submit a form by itself; in a text field it does (natively).
  const onFormKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'SELECT') {
      e.preventDefault();
      void run();
    }
  };

  return (
    <div id="run-panel" ref={panel} className="run-panel" role="dialog" aria-modal="false" aria-labelledby="run-title" data-testid="run-panel">
      <div className="modal-head">
        <h2 id="run-title">Run task</h2>
        <button type="button" className="icon" aria-label="Close run panel" onClick={onClose}>×</button>
      </div>
      <div className="run-body">
        {engine.phase === 'failed' && <p className="run-error" role="alert">The engine could not list its models: {engine.message}</p>}
        <form className="run-form" onSubmit={onSubmit} onKeyDown={onFormKey} aria-label="Run task">
          <div ref={first}>
            <TaskModelFields form={form} choices={choices} models={models} set={set} />
          </div>
          <RoleFields form={form} layers={layers} set={set} />
          <OptionFields form={form} status={status} set={set}
            queryPick={<QueryPickButton input={input} onClick={onQueryClick} />} />
          <OutputFolder value={folder} onChange={(f) => { setFolder(f); rememberFolder(f.trim()); }} appFolder={appFolder}
            next={built?.ok ? built.request.out : null} />
          {error && <p className="run-error" role="alert" data-testid="run-error">{error}</p>}
          <div className="run-actions">
            <button type="submit" className="primary" data-testid="run-button" disabled={disabled}>Run</button>
          </div>
        </form>
        <JobsList />
      </div>
    </div>
  );
}

// Task, Model and Head: tasks the loaded layers or installed heads cannot feed stay in the
// list, disabled, with the reason in their text; the chosen model's or head's manifest shows below.
import type { InstalledModel } from '../../../../main/api.ts';
import { encoderModels, HEAD_TASKS, headsFor, SERIES_TASKS, type TaskChoice } from '../../state/run-choices.ts';
import type { SettledForm } from '../../state/run-defaults.ts';
import { SelectField, type Choice } from './fields.tsx';
import { ModelDetails } from './HeadDetails.tsx';

interface Props {
  form: SettledForm;
  choices: TaskChoice[];
  models: InstalledModel[];
  set(patch: Partial<SettledForm>): void;
}

const modelChoice = (m: InstalledModel): Choice => ({
  value: m.dir,
  label: m.problems.length ? `${m.name} (has problems)` : m.title ? `${m.name} — ${m.title}` : m.name,
  disabled: m.problems.length > 0,
});

export function TaskModelFields({ form, choices, models, set }: Props) {
  const encoders = encoderModels(models);
  const headTask = HEAD_TASKS.includes(form.task);
  const heads = headsFor(models, form.task, form.modelDir, form.source === 'series');
  const model = encoders.find((m) => m.dir === form.modelDir);
  const head = heads.find((m) => m.dir === form.headDir);
  const reason = choices.find((c) => c.task === form.task)?.reason;
  return (
    <>
      <SelectField id="run-task" label="Task" value={form.task} onChange={(v) => set({ task: v as SettledForm['task'] })}
        choices={choices.map((c) => ({ value: c.task, label: c.reason ? `${c.task} — ${c.reason}` : c.task, disabled: c.reason !== null }))} />
      {reason && <p className="run-error" data-testid="task-reason">{form.task}: {reason}</p>}
      {SERIES_TASKS.includes(form.task) && (
        <SelectField id="run-source" label="Input kind" value={form.source} onChange={(v) => set({ source: v as SettledForm['source'] })}
          choices={[{ value: 'raster', label: 'one raster' }, { value: 'series', label: 'a series (S2 / S1 dates, fused)' }]} />
      )}
      <SelectField id="run-model" label="Model" value={form.modelDir} onChange={(v) => set({ modelDir: v })}
        choices={encoders.length ? encoders.map(modelChoice) : [{ value: '', label: 'no model installed', disabled: true }]} />
      {!headTask && model && <ModelDetails model={model} />}
      {headTask && (
        <>
          <SelectField id="run-head" label="Head" value={form.headDir} onChange={(v) => set({ headDir: v })}
            choices={heads.length ? heads.map(modelChoice) : [{ value: '', label: `no ${form.source === 'series' ? 'fused ' : ''}${form.task} head installed`, disabled: true }]} />
          {head && <ModelDetails model={head} />}
        </>
      )}
    </>
  );
}

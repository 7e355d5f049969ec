// The Train head panel's settings: the task (read-only, decided by what the labels belong to,
// with the reason), the encoder (installed encoder models; heads cannot be trained on), the
// head type, epochs, validation share and seed.
import type { InstalledModel } from '../../../../main/api.ts';
import { encoderModels } from '../../state/run-choices.ts';
import type { TrainForm } from '../../state/train-form.ts';
import type { TrainTask } from '../../state/train-task.ts';
import { SelectField, TextField } from '../run/fields.tsx';

interface Props {
  form: TrainForm;
  task: TrainTask | null;
  models: InstalledModel[];
  set(patch: Partial<TrainForm>): void;
}

/** Encoders: models with no head (and so no task) of their own. */
export function trainEncoders(models: InstalledModel[]): InstalledModel[] {
  return encoderModels(models).filter((m) => m.head === null);
}

export function TrainFields({ form, task, models, set }: Props) {
  const encoders = trainEncoders(models);
  return (
    <>
      <div className="run-field">
        <label htmlFor="train-task">Task</label>
        <output id="train-task" className="train-readonly" aria-label="Task" data-testid="train-task">{task?.label ?? '—'}</output>
        <span className="run-hint" data-testid="train-task-reason">{task ? `because ${task.reason}` : 'set by the labels (none yet)'}</span>
      </div>
      <SelectField id="train-encoder" label="Encoder" value={form.model} onChange={(v) => set({ model: v })}
        choices={encoders.length ? encoders.map((m) => ({
          value: m.dir,
          label: m.problems.length ? `${m.name} (has problems)` : m.title ? `${m.name} — ${m.title}` : m.name,
          disabled: m.problems.length > 0,
        })) : [{ value: '', label: 'no encoder installed', disabled: true }]} />
      <SelectField id="train-head-type" label="Head type" value={form.headType} onChange={(v) => set({ headType: v as TrainForm['headType'] })}
        choices={[{ value: 'mlp', label: 'mlp (one hidden layer)' }, { value: 'linear', label: 'linear' }]} />
      <TextField id="train-epochs" label="Epochs" value={form.epochs} numeric onChange={(v) => set({ epochs: v })} />
      <TextField id="train-val" label="Validation share" value={form.valFraction} numeric onChange={(v) => set({ valFraction: v })}
        hint="of the labelled cells, in spatial blocks" />
      <TextField id="train-seed" label="Seed" value={form.seed} numeric onChange={(v) => set({ seed: v })} />
    </>
  );
}

// Inputs by role, from the loaded layers: "Input" for one raster, "Before" and "After" for
// change; an optional "Mask" (a one-band raster on the input's grid marking invalid pixels).
import type { Layer } from '../../../../main/api.ts';
import { layerLabel } from '../../state/run-choices.ts';
import type { SettledForm } from '../../state/run-defaults.ts';
import { SelectField, type Choice } from './fields.tsx';

interface Props {
  form: SettledForm;
  layers: Layer[];
  set(patch: Partial<SettledForm>): void;
}

export function RoleFields({ form, layers, set }: Props) {
  const choices: Choice[] = layers.map((l) => ({ value: l.id, label: layerLabel(l, layers) }));
  const none: Choice[] = [{ value: '', label: 'no layer loaded', disabled: true }];
  const pick = choices.length ? choices : none;
  const used = form.task === 'change' ? [form.before, form.after] : [form.input];
  const masks = choices.filter((c) => !used.includes(c.value) && layers.find((l) => l.id === c.value)?.info.bandCount === 1);
  return (
    <fieldset className="run-roles">
      <legend>Inputs</legend>
      {form.task === 'change' ? (
        <>
          <SelectField id="run-before" label="Before" value={form.before} choices={pick} onChange={(v) => set({ before: v })} />
          <SelectField id="run-after" label="After" value={form.after} choices={pick} onChange={(v) => set({ after: v })} />
        </>
      ) : (
        <SelectField id="run-input" label="Input" value={form.input} choices={pick} onChange={(v) => set({ input: v })} />
      )}
      <SelectField id="run-mask" label="Mask" value={form.mask} onChange={(v) => set({ mask: v })}
        choices={[{ value: '', label: 'none (optional)' }, ...masks]} />
    </fieldset>
  );
}

// Inputs by role, from the loaded layers: "Input" for one raster, "Before" and "After" for
// change; an optional "Mask" (a one-band raster on the input's grid marking invalid pixels);
// a series' S2 and S1 dates and HR (SeriesFields).
import type { Layer } from '../../../../main/api.ts';
import { layerLabel } from '../../state/run-choices.ts';
import type { SettledForm } from '../../state/run-defaults.ts';
import { SelectField, type Choice } from './fields.tsx';
import { SeriesFields } from './SeriesFields.tsx';

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
  // Dates of one place are often on slightly different grids (another granule, a reprojection).
  const resample = (
    <div className="run-field">
      <label htmlFor="run-resample">Resample</label>
      <span>
        <input type="checkbox" id="run-resample" checked={form.resample} onChange={(e) => set({ resample: e.target.checked })} />
        <span className="run-hint">read the other dates onto the first one's grid (nearest neighbour)</span>
      </span>
    </div>
  );
  if (form.source === 'series') {
    return (
      <fieldset className="run-roles">
        <legend>Inputs</legend>
        <SeriesFields form={form} layers={layers} set={set} />
        {resample}
      </fieldset>
    );
  }
  return (
    <fieldset className="run-roles">
      <legend>Inputs</legend>
      {form.task === 'change' ? (
        <>
          <SelectField id="run-before" label="Before" value={form.before} choices={pick} onChange={(v) => set({ before: v })} />
          <SelectField id="run-after" label="After" value={form.after} choices={pick} onChange={(v) => set({ after: v })} />
          {resample}
        </>
      ) : (
        <SelectField id="run-input" label="Input" value={form.input} choices={pick} onChange={(v) => set({ input: v })} />
      )}
      <SelectField id="run-mask" label="Mask" value={form.mask} onChange={(v) => set({ mask: v })}
        choices={[{ value: '', label: 'none (optional)' }, ...masks]} />
    </fieldset>
  );
}

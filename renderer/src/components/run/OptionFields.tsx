// Task options with the engine's defaults (left empty, `skysense run`'s default applies),
// the execution provider, and tile and overlap under "Advanced".
import type { ReactNode } from 'react';
import type { EngineStatus } from '../../../../main/api.ts';
import { HEAD_TASKS } from '../../state/run-choices.ts';
import type { SettledForm } from '../../state/run-defaults.ts';
import { SelectField, TextField } from './fields.tsx';

interface Props {
  form: SettledForm;
  status: EngineStatus | null;
  set(patch: Partial<SettledForm>): void;
  /** similar: the "Pick query on map" control. */
  queryPick?: ReactNode;
}

export function OptionFields({ form, status, set, queryPick }: Props) {
  const { task } = form;
  const starting = status?.providers.filter((p) => p.state === 'in-use' || p.state === 'standby' || p.state === 'skipped') ?? [];
  const inUse = status?.providers.find((p) => p.name === status.provider);
  return (
    <fieldset className="run-options">
      <legend>Options</legend>
      {task === 'cluster' && <TextField id="run-k" label="k (classes)" numeric value={form.k} onChange={(k) => set({ k })} />}
      {task === 'similar' && (
        <>
          <TextField id="run-query-x" label="Query X" numeric value={form.queryX} onChange={(queryX) => set({ queryX })} hint="in the input's CRS" />
          <TextField id="run-query-y" label="Query Y" numeric value={form.queryY} onChange={(queryY) => set({ queryY })} />
          {queryPick}
        </>
      )}
      {HEAD_TASKS.includes(task) && (
        <TextField id="run-threshold" label="Threshold" numeric value={form.threshold} onChange={(threshold) => set({ threshold })}
          placeholder="the head's" />
      )}
      {(task === 'segment' || task === 'change') && (
        <div className="run-field">
          <label htmlFor="run-polygons">Polygons</label>
          <span>
            <input type="checkbox" id="run-polygons" checked={form.polygons} onChange={(e) => set({ polygons: e.target.checked })} />
            <span className="run-hint">also write the classes as GeoPackage polygons</span>
          </span>
        </div>
      )}
      {task === 'classify' && (
        <TextField id="run-grid" label="Grid (px)" numeric value={form.grid} onChange={(grid) => set({ grid })} placeholder="the encoder's tile" />
      )}
      {task === 'embed' && (
        <SelectField id="run-dtype" label="Feature type" value={form.dtype} onChange={(v) => set({ dtype: v as SettledForm['dtype'] })}
          choices={[{ value: 'float32', label: 'Float32' }, { value: 'float16', label: 'Float16 (half the size)' }]} />
      )}
      <SelectField id="run-provider" label="Provider" value={form.provider} onChange={(provider) => set({ provider })}
        choices={[
          { value: '', label: `default order${inUse ? ` (${inUse.name})` : ''}` },
          ...starting.map((p) => ({ value: p.name, label: `${p.name} (${p.label})` })),
        ]} />
      <details className="run-advanced">
        <summary>Advanced</summary>
        <TextField id="run-tile" label="Tile (px)" numeric value={form.tile} onChange={(tile) => set({ tile })} placeholder="the model's" />
        <TextField id="run-overlap" label="Overlap (px)" numeric value={form.overlap} onChange={(overlap) => set({ overlap })} placeholder="the model's" />
      </details>
    </fieldset>
  );
}

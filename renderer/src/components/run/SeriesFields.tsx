// A series' inputs: the loaded rasters ticked as S2 dates or S1 dates, each with its date
// (read from the file's metadata or name, editable), and an optional HR raster. Ticks start
// from the modality the engine reads from each layer's bands.
import { useEffect, useRef } from 'react';
import type { Layer } from '../../../../main/api.ts';
import { useClient } from '../../state/client-context.ts';
import { acquisitionOf, loadAcquisitions, useAcquisitions } from '../../state/layer-acquisition.ts';
import { layerLabel } from '../../state/run-choices.ts';
import type { SettledForm } from '../../state/run-defaults.ts';
import { SelectField } from './fields.tsx';

interface Props {
  form: SettledForm;
  layers: Layer[];
  set(patch: Partial<SettledForm>): void;
}

const SOURCE_WORDS: Record<string, string> = { metadata: 'from the file\'s metadata', name: 'from the name', 'tiff-datetime': 'from the TIFF DateTime tag (when the file was written: check it)' };

export function SeriesFields({ form, layers, set }: Props) {
  const client = useClient();
  const acq = useAcquisitions();
  const ids = layers.map((l) => l.id).join(',');
  useEffect(() => loadAcquisitions(client, ids ? ids.split(',') : []), [client, ids]);

  // First ticks once the modalities are known, only while the user has ticked nothing.
  const seeded = useRef(false);
  const known = layers.every((l) => acq[l.id] && acq[l.id].phase !== 'loading');
  useEffect(() => {
    if (seeded.current || !known || !layers.length) return;
    seeded.current = true;
    if (form.s2.length || form.s1.length) return;
    const of = (m: string) => layers.filter((l) => acquisitionOf(acq, l.id)?.modality === m).map((l) => l.id);
    set({ s2: of('s2'), s1: of('s1') });
  }, [known, layers, acq, form.s2.length, form.s1.length, set]);

  const group = (key: 's2' | 's1', title: string) => (
    <fieldset className="run-series" aria-label={title}>
      <legend>{title}</legend>
      {layers.map((l) => {
        const label = layerLabel(l, layers);
        const on = form[key].includes(l.id);
        const a = acquisitionOf(acq, l.id);
        const typed = form.dates[l.id];
        const id = `run-${key}-${l.id}`;
        return (
          <div key={l.id} className="run-date-row">
            <input type="checkbox" id={id} checked={on}
              onChange={(e) => set({ [key]: e.target.checked ? [...form[key], l.id] : form[key].filter((x) => x !== l.id) })} />
            <label htmlFor={id} title={l.info.path}>{label}</label>
            <input type="text" aria-label={`${title.split(' ')[0]} date of ${label}`} placeholder="YYYY-MM-DD" disabled={!on}
              value={typed ?? a?.date ?? ''} spellCheck={false} autoComplete="off"
              onChange={(e) => set({ dates: { ...form.dates, [l.id]: e.target.value } })} />
            {on && <span className="run-hint">{typed !== undefined && typed !== (a?.date ?? '') ? 'typed' : a?.date ? SOURCE_WORDS[a.source ?? ''] ?? a.detail : 'no date found: type it'}</span>}
          </div>
        );
      })}
    </fieldset>
  );

  return (
    <>
      {group('s2', 'S2 dates')}
      {group('s1', 'S1 dates')}
      <SelectField id="run-hr" label="HR" value={form.hr} onChange={(v) => set({ hr: v })}
        choices={[{ value: '', label: 'none (optional)' }, ...layers.filter((l) => !form.s2.includes(l.id) && !form.s1.includes(l.id)).map((l) => ({ value: l.id, label: layerLabel(l, layers) }))]} />
    </>
  );
}

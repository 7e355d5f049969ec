// The dates of a series to label: every georeferenced raster with the modality and date the
// engine reads for it (layer.acquisition, as the Run panel's series rows show them), ticked
// to take part. Labels are then drawn on the first Sentinel-2 date, in its CRS.
import { useEffect } from 'react';
import type { Layer } from '../../../../main/api.ts';
import type { SeriesDate } from '../../labels/target.ts';
import { useClient } from '../../state/client-context.ts';
import { acquisitionOf, loadAcquisitions, useAcquisitions } from '../../state/layer-acquisition.ts';

export function useSeriesDates(layers: readonly Layer[]): SeriesDate[] {
  const client = useClient();
  const entries = useAcquisitions();
  const ids = layers.map((l) => l.id).join(',');
  useEffect(() => loadAcquisitions(client, ids ? ids.split(',') : []), [client, ids]);
  return layers.map((layer) => {
    const a = acquisitionOf(entries, layer.id);
    return { layer, modality: a?.modality ?? null, date: a?.date ?? null };
  });
}

export function SeriesDates({ dates, ticked, onTick }: { dates: SeriesDate[]; ticked: Set<string>; onTick(id: string, on: boolean): void }) {
  return (
    <fieldset className="labels-series">
      <legend>Series dates</legend>
      {dates.map((d) => (
        <label key={d.layer.id} className="labels-series-date" title={d.layer.info.path}>
          <input type="checkbox" aria-label={`Use ${d.layer.name} in the series`} checked={ticked.has(d.layer.id)} onChange={(e) => onTick(d.layer.id, e.target.checked)} />
          <span className="labels-series-name">{d.layer.name}</span>
          <span className="labels-hint">{d.modality ?? '?'} · {d.date ?? 'no date'}</span>
        </label>
      ))}
    </fieldset>
  );
}

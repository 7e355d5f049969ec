// Before any labels: which raster they are for (the top one by default, a change pair
// drawn on the Before raster, or a series drawn on its first S2 date), and Start labels. Only georeferenced rasters can carry
// labels, since labels are kept in the raster's own coordinates.
import { useState } from 'react';
import { errorShapeOf } from '../../client/call-error.ts';
import { canLabel, drawnPaths, pairTarget, rasterTarget, seriesTarget } from '../../labels/target.ts';
import { reopenPaths } from '../../state/project-build.ts';
import { useClient } from '../../state/client-context.ts';
import { beginLabels } from '../../state/labels-files.ts';
import { useApp } from '../../state/use-app.ts';
import { SeriesDates, useSeriesDates } from './SeriesDates.tsx';

const PAIR = 'pair';
const SERIES = 'series';

export function StartLabels() {
  const client = useClient();
  const layers = useApp((s) => s.layers).map((e) => e.layer);
  const usable = layers.filter(canLabel);
  const [choice, setChoice] = useState('');
  const [before, setBefore] = useState('');
  const [after, setAfter] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [unticked, setUnticked] = useState<Set<string>>(new Set());
  const dates = useSeriesDates(usable);

  if (usable.length === 0) {
    return (
      <p className="empty" role="note">
        {layers.length === 0 ? 'Labels need a georeferenced raster: open one first.' : 'Labels need a georeferenced raster; the open layers have no place on the map.'}
      </p>
    );
  }
  const picked = choice === PAIR || choice === SERIES || usable.some((l) => l.id === choice) ? choice : usable[0].id;
  // Every S2 / S1 date takes part unless unticked.
  const ticked = new Set(dates.filter((d) => (d.modality === 's2' || d.modality === 's1') && !unticked.has(d.layer.id)).map((d) => d.layer.id));
  const series = seriesTarget(dates.filter((d) => ticked.has(d.layer.id)));
  const tick = (id: string, on: boolean) => setUnticked((u) => {
    const next = new Set(u);
    if (on) next.delete(id);
    else next.add(id);
    return next;
  });
  const pick = (id: string, fallback: number) => (usable.some((l) => l.id === id) ? id : usable[Math.min(fallback, usable.length - 1)].id);
  // The pair by default: the layer below (older, opened first) before, the top one after.
  const beforeId = pick(before, 1);
  const afterId = pick(after, 0);
  const pairOk = usable.length >= 2 && beforeId !== afterId;

  const start = async () => {
    setError(null);
    setBusy(true);
    try {
      if (picked === SERIES && series.target) {
        const first = drawnPaths(series.target).join('\n');
        const l = usable.find((x) => reopenPaths(x.info).join('\n') === first)!;
        await beginLabels(client, series.target, l.id);
      } else if (picked === PAIR) {
        const b = usable.find((l) => l.id === beforeId)!;
        const a = usable.find((l) => l.id === afterId)!;
        await beginLabels(client, pairTarget(b, a), b.id);
      } else {
        const l = usable.find((x) => x.id === picked)!;
        await beginLabels(client, rasterTarget(l), l.id);
      }
    } catch (err) {
      setError(errorShapeOf(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="labels-start">
      <div className="labels-field">
        <label htmlFor="labels-for">Labels for</label>
        <select id="labels-for" value={picked} onChange={(e) => setChoice(e.target.value)}>
          {usable.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
          <option value={PAIR} disabled={usable.length < 2}>change pair (Before → After)</option>
          <option value={SERIES} disabled={usable.length < 2}>time series (S2 / S1 dates)</option>
        </select>
      </div>
      {picked === PAIR && (
        <>
          <div className="labels-field">
            <label htmlFor="labels-before">Before</label>
            <select id="labels-before" value={beforeId} onChange={(e) => setBefore(e.target.value)}>
              {usable.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
            </select>
          </div>
          <div className="labels-field">
            <label htmlFor="labels-after">After</label>
            <select id="labels-after" value={afterId} onChange={(e) => setAfter(e.target.value)}>
              {usable.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
            </select>
          </div>
          {!pairOk && <p className="labels-hint">Before and After must be two different rasters.</p>}
          <p className="labels-hint">Change labels are drawn on the Before raster, in its CRS.</p>
        </>
      )}
      {picked === SERIES && (
        <>
          <SeriesDates dates={dates} ticked={ticked} onTick={tick} />
          {series.problem && <p className="labels-hint" role="note">{series.problem}</p>}
          <p className="labels-hint">Series labels are drawn on the first Sentinel-2 date, in its CRS.</p>
        </>
      )}
      <button type="button" className="primary" disabled={busy || (picked === PAIR && !pairOk) || (picked === SERIES && !series.target)} onClick={() => void start()}>Start labels</button>
      {error && <p role="alert" className="labels-error">{error}</p>}
    </div>
  );
}

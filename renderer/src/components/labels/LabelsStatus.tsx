// Whether the labels are saved (Saving…, Saved, or the engine's error), where, and what
// labels.stats says would stop or weaken a training on them.
import { useLabels } from '../../state/labels-store.ts';

export function LabelsStatus() {
  const { saving, savedAt, error, path, stats, note } = useLabels();
  return (
    <div className="labels-status">
      {error ? <p role="alert" className="labels-error">{error}</p> : (
        <p role="status" className="labels-saved" data-testid="labels-save-state" data-saved-at={savedAt ?? ''} title={path ?? undefined}>
          {saving ? 'Saving…' : savedAt ? 'Saved' : 'Not changed yet'}
        </p>
      )}
      {path && <p className="labels-path" data-testid="labels-path" title={path}>{path}</p>}
      {note && <p className="labels-hint">{note}</p>}
      {stats && stats.outside > 0 && <p className="labels-hint">{stats.outside} label{stats.outside === 1 ? '' : 's'} off the raster (no pixel covered)</p>}
      {stats && stats.problems.length > 0 && (
        <ul className="labels-problems" aria-label="Problems">
          {stats.problems.map((p) => <li key={p}>{p}</li>)}
        </ul>
      )}
    </div>
  );
}

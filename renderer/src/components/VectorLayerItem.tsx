// One vector layer: show/zoom/remove, its classes with editable colours and feature
// counts, and the detections table when its features are scored.
import { useMemo } from 'react';
import { classOf, removeVector, setVectorClassColor, setVectorVisible, zoomToVector, type VectorEntry } from '../state/vector-layers.ts';
import { openExport } from '../state/export-dialog.ts';
import { DetectionsTable } from './DetectionsTable.tsx';

export function VectorLayerItem({ entry }: { entry: VectorEntry }) {
  const { data } = entry;
  const counts = useMemo(() => {
    const m = new Map<string, number>();
    data.features.forEach((_, i) => m.set(classOf(data, i), (m.get(classOf(data, i)) ?? 0) + 1));
    return [...m].sort((a, b) => a[0].localeCompare(b[0]));
  }, [data]);
  return (
    <li className="layer" data-testid="vector-item" data-vector-id={entry.id}>
      <div className="layer-row">
        <input type="checkbox" checked={entry.visible} aria-label={`Show ${entry.name}`}
          onChange={(e) => setVectorVisible(entry.id, e.target.checked)} />
        <span className="layer-name" title={data.path}>{entry.name}</span>
        <button type="button" className="icon" aria-label={`Zoom to ${entry.name}`} onClick={() => zoomToVector(entry.id)}>⤢</button>
        <button type="button" className="icon" aria-label={`Export ${entry.name}`} title="Export…"
          onClick={() => openExport({ kind: 'vector', name: entry.name, path: data.path, table: data.table })}>⇩</button>
        <button type="button" className="icon danger" aria-label={`Remove ${entry.name}`} onClick={() => removeVector(entry.id)}>×</button>
      </div>
      <div className="layer-meta">
        <span>{data.crsName}</span>
        <span>{data.features.length} features{data.skipped ? ` · ${data.skipped} without geometry` : ''} · {data.format}</span>
      </div>
      <ul className="legend-list" aria-label={`Classes of ${entry.name}`}>
        {counts.map(([cls, n]) => (
          <li key={cls} className="legend-row">
            <input type="color" value={entry.classColors[cls]} aria-label={`Colour of ${cls || 'features'}`}
              onChange={(e) => setVectorClassColor(entry.id, cls, e.target.value)} />
            <span className="legend-name">{cls || (data.classField ? '(no class)' : 'all features')}</span>
            <span className="num legend-area">{n}</span>
          </li>
        ))}
      </ul>
      {data.scored && <DetectionsTable entry={entry} />}
    </li>
  );
}

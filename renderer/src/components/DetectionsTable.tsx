// Detections of a scored vector layer (our detect output, or any file whose features carry
// a numeric score) as a table; a row zooms the map to its object.
import { useMemo } from 'react';
import { detectionRows, MAX_ROWS } from '../state/detection-rows.ts';
import { formatArea } from '../state/legend-rows.ts';
import { zoomToFeature, type VectorEntry } from '../state/vector-layers.ts';

export function DetectionsTable({ entry }: { entry: VectorEntry }) {
  const rows = useMemo(() => detectionRows(entry.data), [entry.data]);
  return (
    <div className="detections">
      <table aria-label="Detections" data-testid="detections-table">
        <thead>
          <tr><th scope="col">Class</th><th scope="col">Score</th><th scope="col">Area</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.index} data-index={r.index} tabIndex={0} title="Zoom to this object"
              onClick={() => zoomToFeature(entry.id, r.index)}
              onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && zoomToFeature(entry.id, r.index)}>
              <td>
                <span className="swatch" style={{ background: entry.classColors[r.cls] }} />
                {r.cls || '—'}
              </td>
              <td className="num">{r.score.toFixed(3)}</td>
              <td className="num">{formatArea(r.areaM2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entry.data.features.length > MAX_ROWS && <p className="legend-note">The {MAX_ROWS} best of {entry.data.features.length} detections</p>}
    </div>
  );
}

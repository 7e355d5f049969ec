// One row of the layer list: what the layer is, and the per-layer controls.
import type { LayerEntry } from '../state/app-state.ts';
import { spaceOf } from '../state/app-state.ts';
import { useClient } from '../state/client-context.ts';
import { openExport } from '../state/export-dialog.ts';
import { moveLayer, removeLayer, selectLayer, setOpacity, setVisible, zoomToLayer } from '../state/layer-actions.ts';
import { useApp } from '../state/use-app.ts';
import { ClassLegend } from './ClassLegend.tsx';
import { RampScale } from './RampScale.tsx';

function crsLabel(entry: LayerEntry): string {
  const crs = entry.layer.info.crs;
  if (!entry.layer.info.georeferenced || !crs) return 'pixel space';
  return crs.epsg ? `${crs.name} (EPSG:${crs.epsg})` : `${crs.name} (no EPSG code)`;
}

export function LayerItem({ entry, first, last }: { entry: LayerEntry; first: boolean; last: boolean }) {
  const client = useClient();
  const selected = useApp((s) => s.selectedId === entry.layer.id);
  const space = useApp((s) => s.space);
  const { layer } = entry;
  const { info } = layer;
  const otherSpace = spaceOf(layer) !== space;
  return (
    <li
      className={`layer${selected ? ' selected' : ''}${otherSpace ? ' other-space' : ''}`}
      data-testid="layer-item"
      data-layer-id={layer.id}
      aria-current={selected ? 'true' : undefined}
    >
      <div className="layer-row">
        <input type="checkbox" checked={entry.visible} aria-label={`Show ${layer.name}`}
          onChange={(e) => setVisible(layer.id, e.target.checked)} />
        <button type="button" className="layer-name" title={info.path} onClick={() => selectLayer(layer.id)}>
          {layer.name}
        </button>
        <button type="button" className="icon" aria-label={`Move ${layer.name} up`} disabled={first}
          onClick={() => moveLayer(layer.id, -1)}>▲</button>
        <button type="button" className="icon" aria-label={`Move ${layer.name} down`} disabled={last}
          onClick={() => moveLayer(layer.id, 1)}>▼</button>
        <button type="button" className="icon" aria-label={`Zoom to ${layer.name}`} data-testid="zoom-to-layer"
          onClick={() => zoomToLayer(layer.id)}>⤢</button>
        <button type="button" className="icon" aria-label={`Export ${layer.name}`} title="Export…"
          onClick={() => openExport({ kind: 'raster', layerId: layer.id, name: layer.name, path: info.path })}>⇩</button>
        <button type="button" className="icon danger" aria-label={`Remove ${layer.name}`} data-testid="remove-layer"
          onClick={() => void removeLayer(client, layer.id)}>×</button>
      </div>
      <div className="layer-meta">
        <span data-testid="layer-crs">{crsLabel(entry)}</span>
        <span>{info.width} × {info.height} px · {info.bandCount} band{info.bandCount > 1 ? 's' : ''} · {info.dataType}</span>
      </div>
      <div className="badges">
        {!info.georeferenced && <span className="badge warn" data-testid="badge-not-georeferenced">not georeferenced</span>}
        {layer.cached && <span className="badge" data-testid="badge-cached">cached overviews</span>}
        {info.format === 'COG' && <span className="badge subtle">COG</span>}
        {otherSpace && <span className="badge subtle">{spaceOf(layer) === 'pixel' ? 'shown in pixel space' : 'shown on the map'}</span>}
      </div>
      <label className="opacity">
        <span>Opacity</span>
        <input type="range" min={0} max={1} step={0.05} value={entry.opacity} aria-label={`Opacity of ${layer.name}`}
          onChange={(e) => setOpacity(layer.id, Number(e.target.value))} />
        <span className="num">{Math.round(entry.opacity * 100)}%</span>
      </label>
      <ClassLegend entry={entry} />
      <RampScale entry={entry} />
    </li>
  );
}

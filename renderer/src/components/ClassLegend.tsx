// A class layer's legend beside it: each class's colour (editable), name and area. Areas
// come from the engine (the run report, or a count over the raster), never from the tiles
// on screen, which hold only the visible part at the zoom's overview.
import { useEffect } from 'react';
import type { LayerEntry } from '../state/app-state.ts';
import { loadClassAreas, useClassAreas } from '../state/class-areas.ts';
import { useClient } from '../state/client-context.ts';
import { setDisplay } from '../state/layer-actions.ts';
import { formatArea, legendRows } from '../state/legend-rows.ts';

export function ClassLegend({ entry }: { entry: LayerEntry }) {
  const client = useClient();
  const { layer, display } = entry;
  const areas = useClassAreas(layer.id);
  const shown = display.mode === 'classes' && !!display.classColors;
  useEffect(() => {
    if (shown) void loadClassAreas(client, layer.id);
  }, [client, layer.id, shown]);
  if (!shown || !display.classColors) return null;
  const colors = display.classColors;
  const rows = legendRows(layer.info, colors, areas?.phase === 'ready' ? areas.reply : null);
  const recolour = (value: number, hex: string) => {
    const next = [...colors];
    // The colour input has no alpha: keep the table's (transparent classes stay so).
    next[value] = `${hex}${(colors[value] ?? '#000000ff').slice(7, 9) || 'ff'}`;
    setDisplay(layer.id, { classColors: next });
  };
  return (
    <div className="legend" data-testid="class-legend">
      <ul aria-label="Legend" className="legend-list">
        {rows.map((r) => (
          <li key={r.value} className="legend-row" data-value={r.value}>
            <input type="color" value={r.color.slice(0, 7)} aria-label={`Colour of ${r.name}`}
              onChange={(e) => recolour(r.value, e.target.value)} />
            <span className="legend-name">{r.name}</span>
            <span className="num legend-area" title={r.pixels === null ? undefined : `${r.pixels} px`}>{formatArea(r.areaM2)}</span>
          </li>
        ))}
      </ul>
      <p className="legend-note">
        {areas?.phase === 'ready' ? (areas.reply.source === 'report' ? 'Areas from the run report' : 'Areas counted over the raster')
          : areas?.phase === 'failed' ? `No areas: ${areas.message}` : 'Counting areas…'}
      </p>
    </div>
  );
}

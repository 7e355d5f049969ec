// "Pick query on map" / "Draw query polygon": toggles that arm one map click (a point) or
// one drawn polygon over the Input raster as the similar task's query. Escape, a second
// press, another task or closing the panel disarm it. The map side is map/query-click.ts.
import { useEffect, useRef } from 'react';
import type { Layer } from '../../../../main/api.ts';
import { armQueryPick, disarmQueryPick, queryPickStore, type QueryClick, type QueryShape } from '../../state/query-pick.ts';
import { useStore } from '../../state/store.ts';

interface Props {
  input: Layer | null;
  onClick(click: QueryClick): void;
}

const LABEL: Record<QueryShape, string> = { point: 'Pick query on map', polygon: 'Draw query polygon' };
const HINT: Record<QueryShape, string> = {
  point: 'Click the map on',
  polygon: 'Click the corners on the map, then the first one again (or double-click) to close it, on',
};

export function QueryPickButton({ input, onClick }: Props) {
  const armed = useStore(queryPickStore, (p) => p?.shape ?? null);
  // The click comes later: it must reach the panel as it is then, not as it was when armed.
  const latest = useRef(onClick);
  latest.current = onClick;
  useEffect(() => disarmQueryPick, []);
  useEffect(() => {
    const pick = queryPickStore.get();
    if (pick && pick.layerId !== input?.id) disarmQueryPick();
  }, [input?.id]);
  useEffect(() => {
    if (!armed) return;
    // Capture phase: Escape here ends the pick and must not also close the panel.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      disarmQueryPick();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [armed]);

  const toggle = (shape: QueryShape) => {
    if (armed === shape || !input) return disarmQueryPick();
    armQueryPick({
      shape,
      layerId: input.id,
      // One query on the raster ends the pick; one off it leaves it armed for another try.
      onClick: (c) => {
        if (c.inside) disarmQueryPick();
        latest.current(c);
      },
    });
  };
  return (
    <div className="run-field">
      <span />
      <div style={{ display: 'flex', gap: 6 }}>
        {(['point', 'polygon'] as const).map((shape) => (
          <button key={shape} type="button" aria-pressed={armed === shape} disabled={!input} onClick={() => toggle(shape)}
            title={`${LABEL[shape]}: the similar job runs from it at once`}>
            {LABEL[shape]}
          </button>
        ))}
      </div>
      {armed && <span className="run-hint" role="status">{HINT[armed]} {input?.name}; Escape cancels</span>}
    </div>
  );
}

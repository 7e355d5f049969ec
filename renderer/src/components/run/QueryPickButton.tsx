// "Pick query on map": a toggle that arms one map click over the Input raster as the
// similar task's query point. Escape, a second press, another task or closing the panel
// disarm it. The click itself is read on the map side (map/query-click.ts).
import { useEffect, useRef } from 'react';
import type { Layer } from '../../../../main/api.ts';
import { armQueryPick, disarmQueryPick, queryPickStore, type QueryClick } from '../../state/query-pick.ts';
import { useStore } from '../../state/store.ts';

interface Props {
  input: Layer | null;
  onClick(click: QueryClick): void;
}

export function QueryPickButton({ input, onClick }: Props) {
  const armed = useStore(queryPickStore, (p) => p !== null);
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

  const toggle = () => {
    if (armed || !input) return disarmQueryPick();
    armQueryPick({
      layerId: input.id,
      // One click on the raster ends the pick; one off it leaves it armed for another try.
      onClick: (c) => {
        if (c.inside) disarmQueryPick();
        latest.current(c);
      },
    });
  };
  return (
    <div className="run-field">
      <span />
      <button type="button" aria-pressed={armed} disabled={!input} onClick={toggle} data-testid="query-pick"
        title="Click a point of the Input raster on the map to run similar from it">
        Pick query on map
      </button>
      {armed && <span className="run-hint" role="status">Click the map on {input?.name}; Escape cancels</span>}
    </div>
  );
}

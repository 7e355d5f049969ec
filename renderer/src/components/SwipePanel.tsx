// The Swipe tool in the side panel: a toggle, the layer drawn left of the boundary and the
// one drawn right of it, and the boundary's position (a range: the arrow keys move it).
// The map does the clipping (map/swipe-clip.ts); this only edits the swipe store.
import type { LayerEntry } from '../state/app-state.ts';
import { useStore } from '../state/store.ts';
import { setSwipe, swipePair, swipeStore } from '../state/swipe.ts';
import { useApp } from '../state/use-app.ts';
import './swipe.css';

function LayerSelect({ id, label, value, layers, onChange }: {
  id: string; label: string; value: string; layers: LayerEntry[]; onChange(id: string): void;
}) {
  return (
    <div className="swipe-field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {layers.map((e) => <option key={e.layer.id} value={e.layer.id}>{e.layer.name}</option>)}
      </select>
    </div>
  );
}

export function SwipePanel() {
  const layers = useApp((s) => s.layers);
  const swipe = useStore(swipeStore, (s) => s);
  const pair = swipePair(swipe, layers);
  const on = swipe.on && pair !== null;
  // Picking the layer the other side shows swaps the two.
  const pick = (side: 'left' | 'right', id: string) => {
    if (!pair) return;
    const other = side === 'left' ? 'right' : 'left';
    setSwipe(id === pair[other] ? { [side]: id, [other]: pair[side] } : { ...pair, [side]: id });
  };
  return (
    <section className="panel swipe" aria-labelledby="swipe-title">
      <h2 id="swipe-title" className="panel-title">Compare</h2>
      <button type="button" aria-pressed={on} disabled={!pair} data-testid="swipe-toggle"
        title={pair ? 'Show one layer left of a boundary and another right of it' : 'Open two layers to compare them'}
        onClick={() => setSwipe({ on: !on, ...(pair ?? {}) })}>
        Swipe
      </button>
      {on && pair && (
        <div className="swipe-fields">
          <LayerSelect id="swipe-left" label="Left layer" value={pair.left} layers={layers} onChange={(id) => pick('left', id)} />
          <LayerSelect id="swipe-right" label="Right layer" value={pair.right} layers={layers} onChange={(id) => pick('right', id)} />
          <div className="swipe-field">
            <label htmlFor="swipe-position">Swipe position</label>
            <input id="swipe-position" type="range" min={0} max={100} step={1} value={swipe.position}
              aria-valuetext={`${swipe.position} % from the left`} onChange={(e) => setSwipe({ position: Number(e.target.value) })} />
          </div>
        </div>
      )}
    </section>
  );
}

// The scale of a layer drawn on the colour ramp: the ramp with the values at its ends
// (the layer's stretch range, editable in the display panel).
import type { LayerEntry } from '../state/app-state.ts';
import { rampGradient } from '../state/ramp.ts';
import { channelRanges, safeRange } from '../state/stretch.ts';

const fmt = (v: number) => (Math.abs(v) >= 1000 || v === 0 ? v.toFixed(0) : v.toPrecision(3));

export function RampScale({ entry }: { entry: LayerEntry }) {
  if (entry.display.mode !== 'ramp') return null;
  const r = safeRange(channelRanges(entry)[0]);
  return (
    <figure className="ramp-scale" aria-label="Colour scale" data-testid="ramp-scale" data-min={r.min} data-max={r.max}>
      <div className="ramp-bar" style={{ background: rampGradient() }} />
      <figcaption className="ramp-ends">
        <span className="num">{fmt(r.min)}</span>
        <span>{entry.layer.info.bandNames[entry.display.bands[0] - 1]}</span>
        <span className="num">{fmt(r.max)}</span>
      </figcaption>
    </figure>
  );
}

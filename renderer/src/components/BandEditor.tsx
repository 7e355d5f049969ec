// Band combination, stretch and gamma of the selected layer. Every edit is a style
// variable update on the map: instant, no re-read of the file.
import { spaceOf } from '../state/app-state.ts';
import { setDisplay } from '../state/layer-actions.ts';
import { useApp } from '../state/use-app.ts';
import { BandSelect } from './BandSelect.tsx';
import { StretchFields } from './StretchFields.tsx';

export function BandEditor() {
  const entry = useApp((s) => s.layers.find((e) => e.layer.id === s.selectedId) ?? null);
  if (!entry || spaceOf(entry.layer) !== 'geo') return null;
  const { layer, display } = entry;
  const names = layer.info.bandNames;
  const id = layer.id;
  const setBand = (i: 0 | 1 | 2, band: number) => {
    const bands = [...display.bands] as [number, number, number];
    bands[i] = band;
    setDisplay(id, { bands });
  };
  return (
    <section className="panel" aria-labelledby="bands-title" data-testid="band-editor">
      <h2 id="bands-title" className="panel-title">Display · {layer.name}</h2>
      <div className="segmented small" role="group" aria-label="Colour mode">
        <button type="button" aria-pressed={display.mode === 'rgb'} disabled={layer.info.bandCount < 2}
          onClick={() => setDisplay(id, { mode: 'rgb' })}>RGB</button>
        <button type="button" aria-pressed={display.mode === 'grey'} onClick={() => setDisplay(id, { mode: 'grey' })}>
          Single band (grey)
        </button>
        {display.classColors && (
          <button type="button" aria-pressed={display.mode === 'classes'} onClick={() => setDisplay(id, { mode: 'classes' })}>Classes</button>
        )}
        <button type="button" aria-pressed={display.mode === 'ramp'} onClick={() => setDisplay(id, { mode: 'ramp' })}>Colour ramp</button>
      </div>
      <div className="band-grid">
        {display.mode === 'rgb' ? (
          <>
            <BandSelect label="Red" names={names} value={display.bands[0]} onChange={(b) => setBand(0, b)} />
            <BandSelect label="Green" names={names} value={display.bands[1]} onChange={(b) => setBand(1, b)} />
            <BandSelect label="Blue" names={names} value={display.bands[2]} onChange={(b) => setBand(2, b)} />
          </>
        ) : (
          <BandSelect label="Band" names={names} value={display.bands[0]} onChange={(b) => setBand(0, b)} />
        )}
      </div>
      <StretchFields entry={entry} />
      <label className="field-row">
        <span>Gamma</span>
        <input type="range" min={0.2} max={3} step={0.05} value={display.gamma} aria-label="Gamma"
          onChange={(e) => setDisplay(id, { gamma: Number(e.target.value) })} />
        <span className="num">{display.gamma.toFixed(2)}</span>
      </label>
    </section>
  );
}

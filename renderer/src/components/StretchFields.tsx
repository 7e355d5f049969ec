// Stretch mode and the per-channel value ranges it yields; editable in manual mode.
import type { LayerEntry, Range, StretchMode } from '../state/app-state.ts';
import { setDisplay } from '../state/layer-actions.ts';
import { channelRanges } from '../state/stretch.ts';
import { formatValue } from './format.ts';

const CHANNELS = ['R', 'G', 'B'] as const;

export function StretchFields({ entry }: { entry: LayerEntry }) {
  const { display, layer } = entry;
  const ranges = channelRanges(entry);
  const shown = display.mode !== 'rgb' ? 1 : 3;
  const changeMode = (stretch: StretchMode) => {
    // Manual starts from what is on screen, so switching does not jump.
    if (stretch === 'manual') setDisplay(layer.id, { stretch, manual: ranges });
    else setDisplay(layer.id, { stretch });
  };
  const setManual = (i: number, patch: Partial<Range>) => {
    const manual = [...display.manual] as [Range, Range, Range];
    manual[i] = { ...manual[i], ...patch };
    setDisplay(layer.id, { manual });
  };
  return (
    <div className="stretch">
      <label className="field-row">
        <span>Stretch</span>
        <select value={display.stretch} aria-label="Stretch mode" onChange={(e) => changeMode(e.target.value as StretchMode)}>
          <option value="p2p98" disabled={!entry.stats}>Percentile 2–98 %</option>
          <option value="minmax" disabled={!entry.stats}>Min / max</option>
          <option value="manual">Manual</option>
        </select>
      </label>
      <table className="ranges">
        <tbody>
          {ranges.slice(0, shown).map((r, i) => (
            <tr key={i}>
              <th scope="row">{display.mode !== 'rgb' ? 'Value' : CHANNELS[i]}</th>
              {display.stretch === 'manual' ? (
                <>
                  <td><input type="number" value={r.min} aria-label={`${CHANNELS[i]} minimum`} step="any"
                    onChange={(e) => setManual(i, { min: Number(e.target.value) })} /></td>
                  <td><input type="number" value={r.max} aria-label={`${CHANNELS[i]} maximum`} step="any"
                    onChange={(e) => setManual(i, { max: Number(e.target.value) })} /></td>
                </>
              ) : (
                <>
                  <td className="num">{formatValue(r.min)}</td>
                  <td className="num">{formatValue(r.max)}</td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

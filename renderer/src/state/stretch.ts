// Turns a layer's display settings and band statistics into the three value ranges
// the style maps to 0..1 (R, G, B; grey repeats one band).
import type { BandStats } from '../../../main/api.ts';
import type { Display, LayerEntry, Range } from './app-state.ts';
import { dataTypeRange } from './display-defaults.ts';

export function channelBands(d: Display): [number, number, number] {
  return d.mode !== 'rgb' ? [d.bands[0], d.bands[0], d.bands[0]] : d.bands;
}

function statRange(stats: BandStats[] | null, band: number, mode: 'minmax' | 'p2p98'): Range | null {
  const s = stats?.find((x) => x.band === band);
  if (!s) return null;
  return mode === 'minmax' ? { min: s.min, max: s.max } : { min: s.p2, max: s.p98 };
}

export function channelRanges(entry: Pick<LayerEntry, 'display' | 'stats' | 'layer'>): [Range, Range, Range] {
  const { display, stats } = entry;
  const bands = channelBands(display);
  const fallback = dataTypeRange(entry.layer.info.dataType);
  return bands.map((band, i) => {
    if (display.stretch === 'manual') return display.manual[display.mode !== 'rgb' ? 0 : i];
    return statRange(stats, band, display.stretch) ?? fallback;
  }) as [Range, Range, Range];
}

/** A range the shader can divide by: a constant band still maps to mid-grey, not NaN. */
export function safeRange(r: Range): Range {
  if (!Number.isFinite(r.min) || !Number.isFinite(r.max)) return { min: 0, max: 1 };
  return r.max > r.min ? r : { min: r.min - 0.5, max: r.min + 0.5 };
}

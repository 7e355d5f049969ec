// The WebGL style for a raster layer: band choice, per-channel stretch and gamma are
// all style variables, so editing them only updates uniforms (no layer or shader rebuild).
import type { Style } from 'ol/layer/WebGLTile.js';
import type { LayerEntry } from '../state/app-state.ts';
import { channelBands, channelRanges, safeRange } from '../state/stretch.ts';

const CHANNELS = ['r', 'g', 'b'] as const;

type Expr = unknown[];

function channel(c: (typeof CHANNELS)[number]): Expr {
  const value: Expr = ['band', ['var', `${c}Band`]];
  const scaled: Expr = ['/', ['-', value, ['var', `${c}Min`]], ['-', ['var', `${c}Max`], ['var', `${c}Min`]]];
  const gamma: Expr = ['^', ['clamp', scaled, 0, 1], ['/', 1, ['var', 'gamma']]];
  return ['*', 255, gamma];
}

export function bandStyle(variables: Record<string, number>): Style {
  return {
    variables,
    color: ['color', channel('r'), channel('g'), channel('b'), 1],
  } as Style;
}

/**
 * Style variables for an entry. `slotOf` maps a 1-based file band to its 1-based band
 * in the source's tiles (identity when every band is loaded).
 */
export function styleVariables(entry: LayerEntry, slotOf: (band: number) => number): Record<string, number> {
  const bands = channelBands(entry.display);
  const ranges = channelRanges(entry).map(safeRange);
  const vars: Record<string, number> = { gamma: Math.max(0.05, entry.display.gamma || 1) };
  CHANNELS.forEach((c, i) => {
    vars[`${c}Band`] = slotOf(bands[i]);
    vars[`${c}Min`] = ranges[i].min;
    vars[`${c}Max`] = ranges[i].max;
  });
  return vars;
}

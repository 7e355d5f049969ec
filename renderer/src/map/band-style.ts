// The WebGL style for a raster layer: band choice, per-channel stretch and gamma are
// all style variables, so editing them only updates uniforms (no layer or shader rebuild).
// Class colours and the ramp are literals of the shader (OpenLayers' palette takes literal
// colours), so a colour edit or a mode change rebuilds the style: see styleKey.
import type { Style } from 'ol/layer/WebGLTile.js';
import type { Display, LayerEntry } from '../state/app-state.ts';
import { olColor } from '../state/class-colors.ts';
import { RAMP } from '../state/ramp.ts';
import { channelBands, channelRanges, safeRange } from '../state/stretch.ts';

const CHANNELS = ['r', 'g', 'b'] as const;

type Expr = unknown[];

function channel(c: (typeof CHANNELS)[number]): Expr {
  const value: Expr = ['band', ['var', `${c}Band`]];
  const scaled: Expr = ['/', ['-', value, ['var', `${c}Min`]], ['-', ['var', `${c}Max`], ['var', `${c}Min`]]];
  const gamma: Expr = ['^', ['clamp', scaled, 0, 1], ['/', 1, ['var', 'gamma']]];
  return ['*', 255, gamma];
}

/** The band value scaled to 0..1 by the first channel's stretch. */
function unit(): Expr {
  const value: Expr = ['band', ['var', 'rBand']];
  return ['clamp', ['/', ['-', value, ['var', 'rMin']], ['-', ['var', 'rMax'], ['var', 'rMin']]], 0, 1];
}

function colour(display: Display): Expr {
  if (display.mode === 'classes' && display.classColors) {
    // Raw values reach the shader (normalize: false): the value is the palette index.
    return ['palette', ['band', ['var', 'rBand']], display.classColors.map(olColor)];
  }
  if (display.mode === 'ramp') {
    const stops = RAMP.flatMap((c, i) => [i / (RAMP.length - 1), olColor(c)]);
    return ['interpolate', ['linear'], unit(), ...stops];
  }
  return ['color', channel('r'), channel('g'), channel('b'), 1];
}

export function bandStyle(display: Display, variables: Record<string, number>): Style {
  return { variables, color: colour(display) } as Style;
}

/** What a style is built from beyond its variables; a change needs a new style. */
export function styleKey(display: Display): string {
  return display.mode === 'classes' ? `classes:${display.classColors?.join(',') ?? ''}` : display.mode === 'ramp' ? 'ramp' : 'bands';
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

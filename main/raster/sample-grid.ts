/**
 * Which source pixels a window read samples: nearest neighbour at output pixel centres,
 * computed the way GDAL's RasterIO does (floating-point window scaled into the chosen
 * overview, floor(centre + 1e-10)), so decimated reads match gdal_translate -outsize.
 */
import type { Window } from './types.ts';

const EPS = 1e-10;

/**
 * Output positions along one axis -> source indices in a level of `levelSize` px whose
 * full-resolution size is `fullSize`.
 */
export function sampleAxis(start: number, length: number, outLength: number, fullSize: number, levelSize: number): Int32Array {
  const out = new Int32Array(outLength);
  const step = length / outLength;
  const scale = levelSize / fullSize;
  for (let i = 0; i < outLength; i++) {
    const full = start + (i + 0.5) * step;
    if (full < 0 || full >= fullSize) {
      out[i] = -1;
      continue;
    }
    out[i] = Math.min(levelSize - 1, Math.floor(full * scale + EPS));
  }
  return out;
}

/**
 * The coarsest level whose resolution is still at least what the output needs on both
 * axes (never upsampling from a coarser overview). Levels are sorted finest first.
 */
export function pickLevel(levelWidths: number[], levelHeights: number[], win: Window, outW: number, outH: number): number {
  const fullW = levelWidths[0];
  const fullH = levelHeights[0];
  const needX = (win.width / outW) * (1 + 1e-9);
  const needY = (win.height / outH) * (1 + 1e-9);
  let best = 0;
  for (let l = 1; l < levelWidths.length; l++) {
    if (fullW / levelWidths[l] <= needX && fullH / levelHeights[l] <= needY) best = l;
  }
  return best;
}

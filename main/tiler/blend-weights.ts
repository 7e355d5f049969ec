/**
 * The blending window: separable, w(x, y) = wx(x) * wy(y), one 1-D profile per axis.
 *
 * Where a tile overlaps its neighbour by L output pixels, its weight ramps over that
 * overlap as cos^2 down (towards the neighbour) while the neighbour's ramps as sin^2 up
 * over the same pixels, so the two sum to exactly 1 mathematically: a partition of
 * unity, no seam and no bright/dark band. `margin` pixels at each interior edge get
 * weight 0 (the neighbour's is 1 there): the model's own edge effect (receptive field
 * cut by the tile border) is then dropped, not blended in; the ramp runs over the
 * remaining L - 2 * margin pixels (a hard cut in the middle when that is 0).
 * Sides on the raster edge have no neighbour and keep weight 1: never 0 at the raster
 * edge, where the one tile present is all there is. Ramp values are sampled at pixel
 * centres, so they are strictly between 0 and 1 inside the ramp.
 */

export interface AxisNeighbours {
  /** Output pixels shared with the previous tile on this axis (0 at the raster edge). */
  before: number;
  /** Output pixels shared with the next tile (0 at the raster edge). */
  after: number;
}

/** 1-D weights over a tile of `length` output pixels. */
export function axisWeights(length: number, n: AxisNeighbours, margin: number): Float32Array {
  const w = new Float32Array(length).fill(1);
  if (n.before > 0) rampUp(w, 0, n.before, margin, 1);
  if (n.after > 0) rampUp(w, length - 1, n.after, margin, -1);
  return w;
}

/** From `edge` inward (direction dir) over `overlap` pixels: 0 for `margin`, sin^2 ramp, then 1. */
function rampUp(w: Float32Array, edge: number, overlap: number, margin: number, dir: 1 | -1): void {
  const m = Math.min(margin, Math.floor(overlap / 2));
  const ramp = overlap - 2 * m;
  for (let t = 0; t < overlap && t < w.length; t++) {
    let v: number;
    if (t < m) v = 0;
    else if (t >= m + ramp) v = 1;
    else v = Math.sin((Math.PI / 2) * ((t - m + 0.5) / ramp)) ** 2;
    w[edge + dir * t] *= v;
  }
}

/** The overlap (output pixels) of each tile with its neighbours along one axis. */
export function axisNeighbours(positionsOut: number[], tileOut: number): AxisNeighbours[] {
  return positionsOut.map((p, i) => ({
    before: i > 0 ? Math.max(0, positionsOut[i - 1] + tileOut - p) : 0,
    after: i + 1 < positionsOut.length ? Math.max(0, p + tileOut - positionsOut[i + 1]) : 0,
  }));
}

/** Weight profiles for every tile column and row of a plan (a few KiB; computed once). */
export interface BlendWindows {
  cols: Float32Array[];
  rows: Float32Array[];
}

export function blendWindows(xsOut: number[], ysOut: number[], tileOutW: number, tileOutH: number, margin: number): BlendWindows {
  return {
    cols: axisNeighbours(xsOut, tileOutW).map((n) => axisWeights(tileOutW, n, margin)),
    rows: axisNeighbours(ysOut, tileOutH).map((n) => axisWeights(tileOutH, n, margin)),
  };
}

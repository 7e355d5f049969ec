/**
 * Separable resampling of a source window onto a coarser or finer grid, as gdalwarp does
 * it for `-r average` and `-r bilinear`. Used by model inputs read at another GSD
 * (inputs/resampled-raster.ts) and by band sets whose coarser bands are upsampled
 * bilinearly for a model (band-set.ts); plain reads sample by nearest neighbour.
 *
 * Each axis gets a list of taps (source index, weight) per output pixel:
 *  - average: every source pixel the output pixel overlaps, weighted by the overlapped
 *    length (an output pixel 1.5 source pixels wide takes one whole pixel and half of the
 *    next), so the 2-D weight is the overlapped area; a part past the raster's edge
 *    counts as the edge pixel;
 *  - bilinear: the two source pixels whose centres bracket the output pixel's centre,
 *    weighted by distance; at the raster's edge the missing neighbour is dropped and the
 *    weights renormalised (the same as repeating the edge pixel).
 * Nodata (and NaN) source pixels carry no weight: the value is the weighted mean of the
 * valid ones. An output pixel is nodata when no valid source pixel overlaps it (average),
 * or when the source pixel holding its centre is nodata (bilinear: gdalwarp's rule, so
 * the nodata edge stays where nearest neighbour would put it); an output pixel whose centre
 * lies off the source is outside (bilinear).
 */
import type { NumericArray } from './types.ts';

export type ResampleMethod = 'nearest' | 'average' | 'bilinear';

export interface AxisTaps {
  /** Output pixels. */
  n: number;
  /** Taps of output pixel i: idx/w[from[i] .. from[i + 1]). No taps: outside the source. */
  from: Int32Array;
  idx: Int32Array;
  w: Float64Array;
  /** Source range read: [lo, hi). hi <= lo when no output pixel has a tap. */
  lo: number;
  hi: number;
  /** Source pixel holding output pixel i's centre (bilinear; always one of its taps). */
  centre: Int32Array;
}

const EPS = 1e-10;

/**
 * Taps for output pixels g0 .. g0 + n - 1 of a grid `gridN` pixels long whose pixel is `f`
 * source pixels long, over a source `srcN` pixels long; the grid starts at source pixel
 * coordinate `origin` (0: both grids share their origin). An output pixel wholly off the
 * source (average) or whose centre is off it (bilinear) gets no taps.
 */
export function axisTaps(method: 'average' | 'bilinear', g0: number, n: number, f: number, srcN: number, gridN: number, origin = 0): AxisTaps {
  const from = new Int32Array(n + 1);
  const centre = new Int32Array(n);
  const idx: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < n; i++) {
    from[i] = idx.length;
    const g = g0 + i;
    if (g < 0 || g >= gridN) continue;
    if (method === 'average') {
      // The last output pixel may reach past the source's edge; that part counts as the
      // edge pixel (edge replication, as gdalwarp weighs it).
      const a = origin + g * f;
      const b = origin + (g + 1) * f;
      if (a >= srcN - EPS || b <= EPS) continue;
      for (let k = Math.floor(a + EPS); k < Math.ceil(b - EPS); k++) {
        const overlap = Math.min(b, k + 1) - Math.max(a, k);
        if (overlap <= EPS) continue;
        const kk = Math.max(0, Math.min(k, srcN - 1));
        if (idx.length > from[i] && idx[idx.length - 1] === kk) w[w.length - 1] += overlap;
        else {
          idx.push(kk);
          w.push(overlap);
        }
      }
    } else {
      // Centre of output pixel g in source pixel-centre coordinates.
      const c = origin + (g + 0.5) * f - 0.5;
      if (c < -0.5 || c > srcN - 0.5) continue;
      const k0 = Math.floor(c);
      const t = c - k0;
      // The nearer of the two centres: its weight is at least 0.5, so it is a tap.
      centre[i] = Math.max(0, Math.min(srcN - 1, t < 0.5 ? k0 : k0 + 1));
      for (const [k, wt] of [[k0, 1 - t], [k0 + 1, t]] as const) {
        if (k < 0 || k >= srcN || wt <= EPS) continue;
        idx.push(k);
        w.push(wt);
      }
    }
  }
  from[n] = idx.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (const k of idx) {
    if (k < lo) lo = k;
    if (k + 1 > hi) hi = k + 1;
  }
  return { n, from, idx: Int32Array.from(idx), w: Float64Array.from(w), lo: idx.length ? lo : 0, hi: idx.length ? hi : 0, centre };
}

/**
 * One band: `src` is the source window [xs.lo, xs.hi) x [ys.lo, ys.hi) (row-major), the
 * result xs.n x ys.n Float32. Invalid output pixels get `invalid`, pixels outside the
 * source `outside`.
 */
export function resampleBand(
  method: 'average' | 'bilinear',
  src: NumericArray,
  xs: AxisTaps,
  ys: AxisTaps,
  nodata: number | null,
  invalid: number,
  outside: number,
): Float32Array {
  const sw = xs.hi - xs.lo;
  const sh = ys.hi - ys.lo;
  const ow = xs.n;
  const oh = ys.n;
  // NaN counts as nodata whatever the nodata value (a NaN nodata matches only through it).
  const bad = (v: number) => v !== v || v === nodata;
  // Horizontal pass over every source row: weighted sum of valid values and their weight.
  const hNum = new Float64Array(sh * ow);
  const hDen = new Float64Array(sh * ow);
  const xTot = new Float64Array(ow);
  for (let i = 0; i < ow; i++) for (let t = xs.from[i]; t < xs.from[i + 1]; t++) xTot[i] += xs.w[t];
  for (let r = 0; r < sh; r++) {
    const row = r * sw - xs.lo;
    const orow = r * ow;
    for (let i = 0; i < ow; i++) {
      let num = 0;
      let den = 0;
      for (let t = xs.from[i]; t < xs.from[i + 1]; t++) {
        const v = src[row + xs.idx[t]];
        if (bad(v)) continue;
        num += xs.w[t] * v;
        den += xs.w[t];
      }
      hNum[orow + i] = num;
      hDen[orow + i] = den;
    }
  }
  // Vertical pass.
  const out = new Float32Array(ow * oh);
  for (let j = 0; j < oh; j++) {
    const t0 = ys.from[j];
    const t1 = ys.from[j + 1];
    let yTot = 0;
    for (let t = t0; t < t1; t++) yTot += ys.w[t];
    const orow = j * ow;
    for (let i = 0; i < ow; i++) {
      const total = yTot * xTot[i];
      if (!(total > 0)) {
        out[orow + i] = outside;
        continue;
      }
      let num = 0;
      let den = 0;
      for (let t = t0; t < t1; t++) {
        const k = (ys.idx[t] - ys.lo) * ow + i;
        num += ys.w[t] * hNum[k];
        den += ys.w[t] * hDen[k];
      }
      const ok = method === 'bilinear' ? !bad(src[(ys.centre[j] - ys.lo) * sw + xs.centre[i] - xs.lo]) : den > EPS;
      out[orow + i] = ok ? num / den : invalid;
    }
  }
  return out;
}

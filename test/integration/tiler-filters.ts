/**
 * Real computations used as the "model" in the tiler tests (not stubs: each computes its
 * output from the tile it is given, with the edge behaviour a real model has):
 * identity, a box filter whose window is cut at the tile border, and a mean pool.
 */
import type { InferFn } from '../../main/tiler/index.ts';

export const identity: InferFn = async (inputs) => inputs.map((x) => x.slice());

/**
 * (2r+1)^2 box mean per band, over the part of the window inside the tile: pixels within
 * r of a tile edge see fewer neighbours than in the whole scene (the edge effect).
 */
export function boxFilter(r: number): InferFn {
  return async (inputs, { tiles }) =>
    inputs.map((x, k) => {
      const { width: w, height: h } = tiles[k];
      const bands = x.length / (w * h);
      const out = new Float32Array(x.length);
      const tmp = new Float64Array(w * h);
      for (let b = 0; b < bands; b++) {
        const o = b * w * h;
        for (let y = 0; y < h; y++) {
          for (let i = 0; i < w; i++) {
            let s = 0;
            for (let d = Math.max(0, i - r); d <= Math.min(w - 1, i + r); d++) s += x[o + y * w + d];
            tmp[y * w + i] = s;
          }
        }
        for (let y = 0; y < h; y++) {
          const y0 = Math.max(0, y - r);
          const y1 = Math.min(h - 1, y + r);
          for (let i = 0; i < w; i++) {
            let s = 0;
            for (let d = y0; d <= y1; d++) s += tmp[d * w + i];
            const n = (y1 - y0 + 1) * (Math.min(w - 1, i + r) - Math.max(0, i - r) + 1);
            out[o + y * w + i] = s / n;
          }
        }
      }
      return out;
    });
}

/** k x k mean per band: one output pixel per k x k input pixels (a stride-k "model"). */
export function meanPool(k: number): InferFn {
  return async (inputs, { tiles }) =>
    inputs.map((x, t) => {
      const { width: w, height: h } = tiles[t];
      const bands = x.length / (w * h);
      const ow = w / k;
      const oh = h / k;
      const out = new Float32Array(bands * ow * oh);
      for (let b = 0; b < bands; b++) {
        for (let oy = 0; oy < oh; oy++) {
          for (let ox = 0; ox < ow; ox++) {
            let s = 0;
            for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) s += x[b * w * h + (oy * k + dy) * w + ox * k + dx];
            out[b * ow * oh + oy * ow + ox] = s / (k * k);
          }
        }
      }
      return out;
    });
}

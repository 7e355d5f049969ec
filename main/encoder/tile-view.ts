/**
 * Training-time augmentation at the encoder: each tile is mirrored or turned before the
 * encoder sees it and its features are turned back, so a labelled cell gets the features of
 * a flipped or rotated view of its own surroundings without copying the raster. Tiles start
 * on whole patches, so a view maps the encoder's patch grid onto itself exactly.
 */
import { ApiError } from '../api.ts';

export type TileView = 'hflip' | 'vflip' | 'rot90';
export const TILE_VIEWS: readonly TileView[] = ['hflip', 'vflip', 'rot90'];

/** Copies C planes of srcH x srcW into dstH x dstW, dst[r][c] = src[pick(r, c)]. */
function remap(src: Float32Array, C: number, srcH: number, srcW: number, dstH: number, dstW: number, pick: (r: number, c: number) => number): Float32Array {
  const out = new Float32Array(C * dstH * dstW);
  const srcPlane = srcH * srcW;
  const dstPlane = dstH * dstW;
  for (let r = 0; r < dstH; r++) {
    for (let c = 0; c < dstW; c++) {
      const from = pick(r, c);
      const to = r * dstW + c;
      for (let k = 0; k < C; k++) out[k * dstPlane + to] = src[k * srcPlane + from];
    }
  }
  return out;
}

/** The tile as the encoder sees it in `view` (rot90: a quarter turn anticlockwise, square tiles only). */
export function viewTile(x: Float32Array, C: number, H: number, W: number, view: TileView): Float32Array {
  if (view === 'hflip') return remap(x, C, H, W, H, W, (r, c) => r * W + (W - 1 - c));
  if (view === 'vflip') return remap(x, C, H, W, H, W, (r, c) => (H - 1 - r) * W + c);
  if (H !== W) throw new ApiError('E_BAD_REQUEST', `augmentation rot90 turns square tiles only (this tile is ${W} x ${H})`);
  return remap(x, C, H, W, W, H, (r, c) => c * W + (W - 1 - r));
}

/** The encoder's output on a viewed tile (C planes of h x w in the tile's own orientation) turned back. */
export function unviewOutput(y: Float32Array, C: number, h: number, w: number, view: TileView): Float32Array {
  if (view === 'hflip') return remap(y, C, h, w, h, w, (r, c) => r * w + (w - 1 - c));
  if (view === 'vflip') return remap(y, C, h, w, h, w, (r, c) => (h - 1 - r) * w + c);
  // The viewed output is w x h (rows x columns): orig[r][c] = viewed[w - 1 - c][r].
  return remap(y, C, w, h, h, w, (r, c) => (w - 1 - c) * h + r);
}

/**
 * Reads one tile as the model sees it: Float32, band-planar (C x height x width), with
 * the part of the window outside the raster filled by mirror padding (numpy's
 * 'reflect': ... 2 1 | 0 1 2 ... n-1 | n-2 ...), which keeps image statistics near the
 * edge instead of the hard step a constant fill gives a convolution or attention model.
 * Alongside: which output pixels (stride x stride input cells) hold any valid input, so
 * output over nodata stays nodata, and whether the tile is entirely nodata (skipped).
 */
import type { NumericArray, Raster } from '../raster/index.ts';
import type { Tile } from './tile-plan.ts';
import { isNodata } from '../raster/index.ts';

export interface TileData {
  tile: Tile;
  /** C x height x width, null for an all-nodata tile (not inferred). */
  data: Float32Array | null;
  /** Output-resolution validity (1 = some input pixel of the cell is not nodata); null when all are valid. */
  valid: Uint8Array | null;
}

/** Index into [0, n) mirrored about the edges, period 2(n - 1). */
export function mirror(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

export async function readTile(
  raster: Raster,
  tile: Tile,
  bands: number[],
  nodata: number | null,
  stride: number,
  signal?: AbortSignal,
): Promise<TileData> {
  const { width: W, height: H } = raster.info;
  const x0 = tile.x;
  const y0 = tile.y;
  const x1 = Math.min(W, tile.x + tile.width);
  const y1 = Math.min(H, tile.y + tile.height);
  const rw = x1 - x0;
  const rh = y1 - y0;
  const src = await raster.readWindow({ x: x0, y: y0, width: rw, height: rh }, { bands, signal });
  let valid: Uint8Array | null = null;
  if (nodata !== null) {
    valid = validCells(src, rw, rh, tile, nodata, stride);
    if (!valid.includes(1)) return { tile, data: null, valid };
    if (!valid.includes(0)) valid = null;
  }
  return { tile, data: toPlanarFloat(src, rw, rh, tile), valid };
}

function toPlanarFloat(src: NumericArray[], rw: number, rh: number, tile: Tile): Float32Array {
  const tw = tile.width;
  const th = tile.height;
  const plane = tw * th;
  const out = new Float32Array(src.length * plane);
  if (rw === tw && rh === th) {
    for (let b = 0; b < src.length; b++) out.set(src[b], b * plane);
    return out;
  }
  // Source column/row (within the read window) of every tile column/row; clamped in case
  // the window is too small for a mirror to stay inside it.
  const cols = new Int32Array(tw);
  const rows = new Int32Array(th);
  const W = tile.x + rw;
  const H = tile.y + rh;
  for (let i = 0; i < tw; i++) cols[i] = Math.min(rw - 1, Math.max(0, mirror(tile.x + i, W) - tile.x));
  for (let j = 0; j < th; j++) rows[j] = Math.min(rh - 1, Math.max(0, mirror(tile.y + j, H) - tile.y));
  for (let b = 0; b < src.length; b++) {
    const s = src[b];
    const o = b * plane;
    for (let j = 0; j < th; j++) {
      const sr = rows[j] * rw;
      const dr = o + j * tw;
      if (j < rh) {
        for (let i = 0; i < rw; i++) out[dr + i] = s[sr + i];
        for (let i = rw; i < tw; i++) out[dr + i] = s[sr + cols[i]];
      } else {
        out.copyWithin(dr, o + rows[j] * tw, o + rows[j] * tw + tw);
      }
    }
  }
  return out;
}

/** 1 where an output cell has any non-nodata input pixel (in any band) inside the raster. */
function validCells(src: NumericArray[], rw: number, rh: number, tile: Tile, nodata: number, stride: number): Uint8Array {
  const ow = tile.outWidth;
  const out = new Uint8Array(ow * tile.outHeight);
  for (let y = 0; y < rh; y++) {
    const orow = Math.floor(y / stride) * ow;
    for (let x = 0; x < rw; x++) {
      const oi = orow + Math.floor(x / stride);
      if (out[oi]) continue;
      const p = y * rw + x;
      for (let b = 0; b < src.length; b++) {
        if (!isNodata(src[b][p], nodata)) {
          out[oi] = 1;
          break;
        }
      }
    }
  }
  return out;
}

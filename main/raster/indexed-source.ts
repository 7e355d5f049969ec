/**
 * What every single-file reader offers underneath Raster.readWindow: its resolution
 * levels and a sampled read (one source index per output row and column). Window
 * reads and band sets are both built on it.
 */
import type { RasterInfo } from '../api.ts';
import { ApiError } from '../api.ts';
import { makeArray } from './data-type.ts';
import { rasterError } from './errors.ts';
import { pickLevel, sampleAxis } from './sample-grid.ts';
import type { NumericArray, ReadOptions, Window } from './types.ts';

export interface IndexedSource {
  readonly info: RasterInfo;
  /** [width, height] of each level, full resolution first. */
  readonly levelSizes: [number, number][];
  /** Fills out[k] (pre-filled with the fill value) from 0-based sample samples[k]. */
  readIndexed(level: number, cols: Int32Array, rows: Int32Array, samples: number[], out: NumericArray[], signal?: AbortSignal): Promise<void>;
}

/** Most values one read may return (all bands together): ~2 GB of Float64. */
const MAX_VALUES = 2 ** 28;

export interface ResolvedRead {
  bands: number[];
  outW: number;
  outH: number;
}

export function resolveRead(info: RasterInfo, win: Window, opts: ReadOptions = {}): ResolvedRead {
  const file = info.path;
  for (const k of ['x', 'y', 'width', 'height'] as const) {
    if (!Number.isFinite(win[k])) throw new ApiError('E_BAD_REQUEST', `${file}: window ${k} is not a number`, file);
  }
  if (win.width <= 0 || win.height <= 0) throw new ApiError('E_BAD_REQUEST', `${file}: window of ${win.width} x ${win.height} px is empty`, file);
  const outW = opts.outWidth ?? Math.round(win.width);
  const outH = opts.outHeight ?? Math.round(win.height);
  if (!Number.isInteger(outW) || !Number.isInteger(outH) || outW < 1 || outH < 1) {
    throw new ApiError('E_BAD_REQUEST', `${file}: output size ${outW} x ${outH} is not a positive whole number of pixels`, file);
  }
  const bands = opts.bands ?? info.bandNames.map((_, i) => i + 1);
  for (const b of bands) {
    if (!Number.isInteger(b) || b < 1 || b > info.bandCount) {
      throw new ApiError('E_BAD_REQUEST', `${file}: band ${b} does not exist (the raster has ${info.bandCount})`, file);
    }
  }
  if (outW * outH * Math.max(1, bands.length) > MAX_VALUES) {
    throw rasterError('E_TOO_LARGE', file, `a read of ${outW} x ${outH} px x ${bands.length} bands is too large; read smaller windows`);
  }
  return { bands, outW, outH };
}

export function fillValue(info: RasterInfo): number {
  return info.nodata ?? 0;
}

export async function readWindowFrom(src: IndexedSource, win: Window, opts: ReadOptions = {}): Promise<NumericArray[]> {
  const { bands, outW, outH } = resolveRead(src.info, win, opts);
  const widths = src.levelSizes.map((s) => s[0]);
  const heights = src.levelSizes.map((s) => s[1]);
  const level = pickLevel(widths, heights, win, outW, outH);
  const [lw, lh] = src.levelSizes[level];
  const cols = sampleAxis(win.x, win.width, outW, widths[0], lw);
  const rows = sampleAxis(win.y, win.height, outH, heights[0], lh);
  const fill = fillValue(src.info);
  const out = bands.map(() => {
    const a = makeArray(src.info.dataType, outW * outH);
    if (fill !== 0) a.fill(fill);
    return a;
  });
  await src.readIndexed(level, cols, rows, bands.map((b) => b - 1), out, opts.signal);
  return out;
}

/**
 * Several rasters of one fused run (every date of S2, then every date of S1) seen as ONE
 * Float32 raster on the reference grid, so the shared tiler reads the same window from
 * every date at once: band k of the stack is band parts[p].bands[j] of part p, in order.
 *
 * Each part's own nodata becomes NaN (the stack's single nodata), so the tiler's validity
 * mask means "some date has data here" and the normaliser turns the gaps into the band
 * mean. Parts on the reference grid are read pixel for pixel; parts fitted by nearest
 * neighbour (grid-fit.ts) are read as the bounding window of the source pixels the
 * reference pixels fall in, then picked. Reads are full resolution only: the stack has
 * no overviews, so the tiler never asks it for a decimated read.
 */
import { ApiError, type RasterInfo } from '../api.ts';
import type { NumericArray, Raster, ReadOptions, Window } from '../raster/index.ts';
import { sampleAxis } from '../raster/index.ts';
import type { GridFit } from './grid-fit.ts';

export interface StackPart {
  raster: Raster;
  /** 1-based bands of the part, in the order the model reads them. */
  bands: number[];
  fit: GridFit;
  /** Band name prefix for the stack ('S2 2017-06-13'). */
  label: string;
}

export class StackedRaster implements Raster {
  readonly info: RasterInfo;
  /** For stack band k (0-based): part index and position within the part's bands. */
  private readonly where: [number, number][] = [];

  constructor(ref: RasterInfo, private readonly parts: StackPart[]) {
    const names: string[] = [];
    parts.forEach((p, pi) =>
      p.bands.forEach((b, j) => {
        this.where.push([pi, j]);
        names.push(`${p.label} ${p.raster.info.bandNames[b - 1] ?? `band ${b}`}`);
      }),
    );
    const files = [...new Set(parts.flatMap((p) => p.raster.info.files))];
    // The reference's grid; bands, type and nodata are the stack's own.
    this.info = { ...ref, files, bandCount: names.length, dataType: 'Float32', bandNames: names, nodata: Number.NaN, overviews: [], tiled: false, compression: null };
  }

  async readWindow(win: Window, opts: ReadOptions = {}): Promise<NumericArray[]> {
    const w = Math.round(win.width);
    const h = Math.round(win.height);
    if ((opts.outWidth !== undefined && opts.outWidth !== w) || (opts.outHeight !== undefined && opts.outHeight !== h)) {
      throw new ApiError('E_INTERNAL', `${this.info.path}: a fused input stack is read at full resolution only`);
    }
    const bands = opts.bands ?? this.where.map((_, k) => k + 1);
    const out: Float32Array[] = new Array(bands.length);
    // Group the requested bands by part: one read per part.
    const byPart = new Map<number, { k: number; j: number }[]>();
    bands.forEach((b, k) => {
      const at = this.where[b - 1];
      if (!at) throw new ApiError('E_BAD_REQUEST', `${this.info.path}: band ${b} does not exist (the stack has ${this.where.length})`);
      const list = byPart.get(at[0]) ?? [];
      list.push({ k, j: at[1] });
      byPart.set(at[0], list);
    });
    await Promise.all(
      [...byPart].map(async ([pi, list]) => {
        const part = this.parts[pi];
        const got = await readPart(part, list.map((e) => part.bands[e.j]), win.x, win.y, w, h, opts.signal);
        list.forEach((e, i) => (out[e.k] = got[i]));
      }),
    );
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.parts.map((p) => p.raster.close().catch(() => undefined)));
  }
}

/**
 * Source index of each output position along one axis (-1 outside the source): the
 * raster reader's own nearest sampling (raster/sample-grid.ts) of the window the positions cover.
 */
function axisIndex(fit: GridFit, start: number, n: number, size: number, horizontal: boolean): Int32Array {
  if (fit.kind === 'same') return sampleAxis(start, n, n, size, size);
  const [a, f] = horizontal ? [fit.a, fit.sx] : [fit.b, fit.sy];
  return sampleAxis(a + start * f, n * f, n, size, size);
}

async function readPart(part: StackPart, bands: number[], x: number, y: number, w: number, h: number, signal?: AbortSignal): Promise<Float32Array[]> {
  const info = part.raster.info;
  const cols = axisIndex(part.fit, x, w, info.width, true);
  const rows = axisIndex(part.fit, y, h, info.height, false);
  const out = bands.map(() => new Float32Array(w * h).fill(Number.NaN));
  const span = (idx: Int32Array): [number, number] | null => {
    let lo = Infinity;
    let hi = -1;
    for (const v of idx) {
      if (v < 0) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return hi < 0 ? null : [lo, hi];
  };
  const cs = span(cols);
  const rs = span(rows);
  if (!cs || !rs) return out;
  const sw = cs[1] - cs[0] + 1;
  const sh = rs[1] - rs[0] + 1;
  const src = await part.raster.readWindow({ x: cs[0], y: rs[0], width: sw, height: sh }, { bands, signal });
  // A NaN nodata is already the stack's; any other value becomes NaN.
  const nodata = info.nodata !== null && !Number.isNaN(info.nodata) ? info.nodata : null;
  for (let b = 0; b < bands.length; b++) {
    const s = src[b];
    const o = out[b];
    for (let j = 0; j < h; j++) {
      const r = rows[j];
      if (r < 0) continue;
      const sr = (r - rs[0]) * sw - cs[0];
      const orow = j * w;
      for (let i = 0; i < w; i++) {
        const c = cols[i];
        if (c < 0) continue;
        const v = s[sr + c];
        o[orow + i] = v === nodata ? Number.NaN : v;
      }
    }
  }
  return out;
}

/**
 * Blends overlapping tile outputs into full-width output rows and hands rows over as
 * soon as no later tile can touch them.
 *
 * Tiles arrive in plan order (row-major), so when the first tile of tile row r arrives,
 * every output row above that tile row's top is final. The rows in flight are therefore
 * at most one tile's output height, kept in a ring buffer:
 *
 *   memory = tileOutHeight x outWidth x (channels + 1) x 4 bytes
 *
 * (a running mean per channel plus the weight sum, Float32), independent of the raster
 * height. E.g. 512 px tiles at stride 1 over a 16384 px wide scene with 4 channels:
 * 512 x 16384 x 5 x 4 = 160 MiB; at stride 32 with 64 channels: 16 x 512 x 65 x 4 = 2 MiB.
 *
 * The blend is a weighted running mean, m += (w / (W + w)) * (v - m), rather than
 * sum(w v) / sum(w): where every tile gives the same value (identity, or a model with no
 * edge effect) the result is that value bit for bit, and the first tile's value is
 * stored as is. Rows are released in order, the order of additions to a pixel never
 * depends on batching, so shards and full runs agree exactly.
 */
import type { DataType } from '../api.ts';
import type { NumericArray } from '../raster/index.ts';
import { makeArray, typeRange } from '../raster/index.ts';

export interface ReleasedRows {
  /** First output row (on the full output grid). */
  y: number;
  rows: number;
  /** One array per channel, rows x width, in the output data type. */
  bands: NumericArray[];
}

export class BlendAccumulator {
  private readonly mean: Float32Array;
  private readonly wsum: Float32Array;
  private readonly frac: Float64Array;
  private released: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly isInt: boolean;

  /**
   * width: output grid width; [rowFrom, rowTo): output rows this run writes;
   * capacity: most rows in flight (the tile output height).
   */
  constructor(
    readonly width: number,
    readonly rowFrom: number,
    readonly rowTo: number,
    readonly channels: number,
    readonly capacity: number,
    readonly dataType: DataType,
    readonly nodata: number | null,
  ) {
    this.mean = new Float32Array(capacity * channels * width);
    this.wsum = new Float32Array(capacity * width);
    this.frac = new Float64Array(width);
    this.released = rowFrom;
    [this.lo, this.hi] = typeRange(dataType);
    this.isInt = dataType !== 'Float32' && dataType !== 'Float64';
  }

  /** Bytes held by the ring buffer (for reports and tests). */
  get bytes(): number {
    return this.mean.byteLength + this.wsum.byteLength + this.frac.byteLength;
  }

  /** Next output row to be released. */
  get releasedTo(): number {
    return this.released;
  }

  /**
   * Adds one tile's output: C x th x tw values at output (ox, oy), weights wx (tw) and
   * wy (th), optional validity per output pixel (0 = contributes nothing).
   */
  add(out: Float32Array, ox: number, oy: number, tw: number, th: number, wx: Float32Array, wy: Float32Array, valid: Uint8Array | null): void {
    const W = this.width;
    const C = this.channels;
    if (out.length !== C * tw * th) throw new Error(`a tile output has ${out.length} values, ${C} x ${th} x ${tw} expected`);
    const iEnd = Math.min(tw, W - ox);
    // Rows above the run's first row come from a neighbouring shard's tiles: not ours.
    const jFrom = Math.max(0, this.rowFrom - oy);
    if (oy + jFrom < this.released) throw new Error(`output row ${oy + jFrom} was already written`);
    const jEnd = Math.min(th, this.rowTo - oy);
    if (jEnd - 1 + oy >= this.released + this.capacity) throw new Error(`tile at output row ${oy} runs past the rows in flight`);
    const frac = this.frac;
    const mean = this.mean;
    const wsum = this.wsum;
    const plane = th * tw;
    for (let j = jFrom; j < jEnd; j++) {
      const wyj = wy[j];
      if (wyj === 0) continue;
      const slot = (oy + j) % this.capacity;
      const ws = slot * W + ox;
      const vrow = j * tw;
      let any = false;
      for (let i = 0; i < iEnd; i++) {
        let w = wx[i] * wyj;
        if (valid !== null && valid[vrow + i] === 0) w = 0;
        if (w === 0) {
          frac[i] = 0;
          continue;
        }
        const total = wsum[ws + i] + w;
        wsum[ws + i] = total;
        frac[i] = w / total;
        any = true;
      }
      if (!any) continue;
      for (let c = 0; c < C; c++) {
        const m = (slot * C + c) * W + ox;
        const src = c * plane + vrow;
        for (let i = 0; i < iEnd; i++) {
          const f = frac[i];
          if (f === 1) mean[m + i] = out[src + i];
          else if (f !== 0) mean[m + i] += f * (out[src + i] - mean[m + i]);
        }
      }
    }
  }

  /** Releases the final rows [releasedTo, upTo) (clipped to the run's rows); null when none. */
  release(upTo: number): ReleasedRows | null {
    const end = Math.min(upTo, this.rowTo);
    if (end <= this.released) return null;
    const W = this.width;
    const C = this.channels;
    const n = end - this.released;
    const fill = this.nodata ?? 0;
    const bands = Array.from({ length: C }, () => makeArray(this.dataType, n * W));
    const mean = this.mean;
    const wsum = this.wsum;
    const isInt = this.isInt;
    const lo = this.lo;
    const hi = this.hi;
    for (let r = 0; r < n; r++) {
      const slot = (this.released + r) % this.capacity;
      const wrow = slot * W;
      let covered = true;
      for (let x = 0; x < W; x++) {
        if (wsum[wrow + x] === 0) {
          covered = false;
          break;
        }
      }
      for (let c = 0; c < C; c++) {
        const m = (slot * C + c) * W;
        const dst = bands[c];
        const d = r * W;
        if (covered && !isInt) {
          dst.set(mean.subarray(m, m + W), d);
        } else if (covered) {
          for (let x = 0; x < W; x++) {
            const v = mean[m + x];
            // Round half up and clamp; NaN (a model's) becomes nodata.
            dst[d + x] = v !== v ? fill : v <= lo ? lo : v >= hi ? hi : Math.floor(v + 0.5);
          }
        } else {
          // No contribution (all nodata, or skipped) is nodata; NaN stays NaN in float outputs.
          for (let x = 0; x < W; x++) {
            const v = mean[m + x];
            dst[d + x] = wsum[wrow + x] === 0 ? fill : !isInt ? v : v !== v ? fill : v <= lo ? lo : v >= hi ? hi : Math.floor(v + 0.5);
          }
        }
      }
      mean.fill(0, slot * C * W, (slot + 1) * C * W);
      wsum.fill(0, wrow, wrow + W);
    }
    const y = this.released;
    this.released = end;
    return { y, rows: n, bands };
  }
}

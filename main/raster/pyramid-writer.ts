/**
 * Feeds a GeoTiffWriter from full-width strips of rows, top to bottom, cutting tiles and
 * building every overview level on the fly, each from the level above (downsample.ts).
 * Memory: one row of tiles per level plus the two or three source rows an overview row
 * needs, so it depends on the image width, never its height; the display cache and
 * model outputs stream through this.
 */
import { isFloat, makeArray } from './data-type.ts';
import type { NumericArray } from './types.ts';
import type { GeoTiffWriter } from './tiff-writer.ts';
import { averageRow, axisWeights, nearestIndex, type AxisWeights, type Resampling } from './downsample.ts';

interface LevelState {
  width: number;
  height: number;
  /** One buffer per band: tileSize rows x width, the tile row being filled. */
  tileRows: NumericArray[];
  filled: number;
  tileRow: number;
  received: number;
  /** Rows of this level kept until the next level's rows that need them are made. */
  pending: Map<number, NumericArray[]>;
  /** Next row of the level below to produce. */
  nextOut: number;
  /** Reduction to the next level (absent on the last). */
  x?: AxisWeights;
  y?: AxisWeights;
  xNear?: Int32Array;
  yNear?: Int32Array;
}

export class PyramidWriter {
  private readonly levels: LevelState[];
  private readonly ts: number;
  private readonly bands: number;
  private readonly nodata: number | null;
  private readonly isInteger: boolean;

  constructor(private readonly writer: GeoTiffWriter, private readonly resampling: Resampling = 'average') {
    this.ts = writer.tileSize;
    this.bands = writer.opts.bandCount;
    this.nodata = writer.opts.nodata ?? null;
    this.isInteger = !isFloat(writer.opts.dataType);
    this.levels = writer.levels.map((l, i, all) => {
      const next = all[i + 1];
      const s: LevelState = {
        width: l.width,
        height: l.height,
        tileRows: Array.from({ length: this.bands }, () => makeArray(writer.opts.dataType, this.ts * l.width)),
        filled: 0,
        tileRow: 0,
        received: 0,
        pending: new Map(),
        nextOut: 0,
      };
      if (next && resampling === 'average') {
        s.x = axisWeights(l.width, next.width);
        s.y = axisWeights(l.height, next.height);
      } else if (next) {
        s.xNear = nearestIndex(l.width, next.width);
        s.yNear = nearestIndex(l.height, next.height);
      }
      return s;
    });
  }

  /** Rows received so far at full resolution. */
  get rowsWritten(): number {
    return this.levels[0].received;
  }

  /**
   * `rowCount` full-width rows: one array per band of rowCount x width values. The
   * arrays may be reused by the caller once this resolves.
   */
  async writeRows(bands: NumericArray[], rowCount: number): Promise<void> {
    if (bands.length !== this.bands) throw new Error(`got ${bands.length} bands, the image has ${this.bands}`);
    const L = this.levels[0];
    if (L.received + rowCount > L.height) throw new Error(`rows ${L.received}..${L.received + rowCount} pass the image height ${L.height}`);
    for (let r = 0; r < rowCount; r++) {
      await this.pushRow(0, bands.map((b) => b.subarray(r * L.width, (r + 1) * L.width) as NumericArray));
    }
  }

  /** Checks every row arrived and closes the file (renaming it into place). */
  async finish(): Promise<void> {
    const L = this.levels[0];
    if (L.received !== L.height) throw new Error(`only ${L.received} of ${L.height} rows were written`);
    await this.writer.close();
  }

  private async pushRow(level: number, row: NumericArray[]): Promise<void> {
    const S = this.levels[level];
    const r = S.received;
    for (let b = 0; b < this.bands; b++) S.tileRows[b].set(row[b], S.filled * S.width);
    S.filled++;
    S.received++;
    if (S.filled === this.ts || S.received === S.height) await this.emitTileRow(level);
    if (level + 1 < this.levels.length) {
      S.pending.set(r, row.map((a) => a.slice() as NumericArray));
      await this.reduce(level, r);
    }
  }

  /** Makes every next-level row whose source rows have all arrived, then forgets rows no longer needed. */
  private async reduce(level: number, lastRow: number): Promise<void> {
    const S = this.levels[level];
    const N = this.levels[level + 1];
    while (S.nextOut < N.height) {
      const j = S.nextOut;
      const firstRow = S.y ? S.y.first[j] : S.yNear![j];
      const lastNeeded = S.y ? firstRow + S.y.count[j] - 1 : firstRow;
      if (lastNeeded > lastRow) break;
      const out = Array.from({ length: this.bands }, (_, b) => {
        const o = makeArray(this.writer.opts.dataType, N.width);
        if (S.y && S.x) {
          const rows: NumericArray[] = [];
          for (let k = 0; k < S.y.count[j]; k++) rows.push(S.pending.get(firstRow + k)![b]);
          averageRow(rows, S.y.weight[j], S.x, o, this.nodata, this.isInteger);
        } else {
          const src = S.pending.get(firstRow)![b];
          const xi = S.xNear!;
          for (let i = 0; i < o.length; i++) o[i] = src[xi[i]];
        }
        return o;
      });
      S.nextOut++;
      await this.pushRow(level + 1, out);
    }
    const keepFrom = S.nextOut < N.height ? (S.y ? S.y.first[S.nextOut] : S.yNear![S.nextOut]) : Infinity;
    for (const k of S.pending.keys()) if (k < keepFrom) S.pending.delete(k);
  }

  private async emitTileRow(level: number): Promise<void> {
    const S = this.levels[level];
    const ts = this.ts;
    const h = S.filled;
    const across = Math.ceil(S.width / ts);
    for (let tx = 0; tx < across; tx++) {
      const x0 = tx * ts;
      const w = Math.min(ts, S.width - x0);
      const tile = S.tileRows.map((rows) => {
        const t = makeArray(this.writer.opts.dataType, w * h);
        for (let y = 0; y < h; y++) t.set(rows.subarray(y * S.width + x0, y * S.width + x0 + w), y * w);
        return t;
      });
      await this.writer.writeTile(level, tx, S.tileRow, tile);
    }
    S.tileRow++;
    S.filled = 0;
  }
}

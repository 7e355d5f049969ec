/**
 * Feeds a GeoTiffWriter from full-width strips of rows, top to bottom, cutting tiles
 * and building every overview level on the fly (each level from the one above, 2:1).
 * Memory: one row of tiles per level (tileSize x level width x bands), independent of
 * the image height; the display cache and model outputs stream through this.
 */
import { isFloat, makeArray } from './data-type.ts';
import type { NumericArray } from './types.ts';
import type { GeoTiffWriter } from './tiff-writer.ts';
import { downsampleRows, type Resampling } from './downsample.ts';

interface LevelState {
  width: number;
  height: number;
  /** One buffer per band: tileSize rows x width. */
  rows: NumericArray[];
  /** Rows currently in `rows`. */
  filled: number;
  /** Next tile row to emit. */
  tileRow: number;
  /** Rows received so far. */
  received: number;
  /** An unpaired row waiting for its partner (per band), for the next level. */
  carry: NumericArray[] | null;
}

export class PyramidWriter {
  private readonly levels: LevelState[];
  private readonly ts: number;
  private readonly bands: number;

  constructor(private readonly writer: GeoTiffWriter, private readonly resampling: Resampling = 'average') {
    this.ts = writer.tileSize;
    this.bands = writer.opts.bandCount;
    this.levels = writer.levels.map((l) => ({
      width: l.width,
      height: l.height,
      rows: Array.from({ length: this.bands }, () => makeArray(writer.opts.dataType, this.ts * l.width)),
      filled: 0,
      tileRow: 0,
      received: 0,
      carry: null,
    }));
  }

  /** Rows received so far at full resolution. */
  get rowsWritten(): number {
    return this.levels[0].received;
  }

  /** `rowCount` full-width rows: one array per band of rowCount x width values. */
  async writeRows(bands: NumericArray[], rowCount: number): Promise<void> {
    if (bands.length !== this.bands) throw new Error(`got ${bands.length} bands, the image has ${this.bands}`);
    const L = this.levels[0];
    if (L.received + rowCount > L.height) throw new Error(`rows ${L.received}..${L.received + rowCount} pass the image height ${L.height}`);
    for (let r = 0; r < rowCount; r++) {
      await this.pushRow(0, bands.map((b) => b.subarray(r * L.width, (r + 1) * L.width) as NumericArray));
    }
  }

  /** Emits the last partial tile rows and closes the file. */
  async finish(): Promise<void> {
    const L = this.levels[0];
    if (L.received !== L.height) throw new Error(`only ${L.received} of ${L.height} rows were written`);
    await this.writer.close();
  }

  private async pushRow(level: number, row: NumericArray[]): Promise<void> {
    const S = this.levels[level];
    for (let b = 0; b < this.bands; b++) S.rows[b].set(row[b], S.filled * S.width);
    S.filled++;
    S.received++;
    if (S.filled === this.ts || S.received === S.height) await this.emitTileRow(level);
    const next = this.levels[level + 1];
    if (!next) return;
    // Pair rows for the next level; the last row of an odd-height level stands alone.
    if (!S.carry) {
      S.carry = row.map((r) => r.slice() as NumericArray);
      if (S.received === S.height) await this.reduce(level, S.carry, null);
    } else {
      const top = S.carry;
      S.carry = null;
      await this.reduce(level, top, row);
    }
  }

  private async reduce(level: number, top: NumericArray[], bottom: NumericArray[] | null): Promise<void> {
    const S = this.levels[level];
    const N = this.levels[level + 1];
    if (N.received >= N.height) return;
    const isInt = !isFloat(this.writer.opts.dataType);
    const nodata = this.writer.opts.nodata ?? null;
    const out = top.map((_t, b) => {
      const o = makeArray(this.writer.opts.dataType, N.width);
      downsampleRows(top[b], bottom ? bottom[b] : null, S.width, o, 0, this.resampling, nodata, isInt);
      return o;
    });
    await this.pushRow(level + 1, out);
  }

  private async emitTileRow(level: number): Promise<void> {
    const S = this.levels[level];
    const ts = this.ts;
    const h = S.filled;
    const across = Math.ceil(S.width / ts);
    for (let tx = 0; tx < across; tx++) {
      const x0 = tx * ts;
      const w = Math.min(ts, S.width - x0);
      const tile = S.rows.map((rows) => {
        const t = makeArray(this.writer.opts.dataType, w * h);
        for (let y = 0; y < h; y++) t.set(rows.subarray(y * S.width + x0, y * S.width + x0 + w), y * w);
        return t;
      });
      await this.writeTileAnySize(level, tx, S.tileRow, tile, w, h);
    }
    S.tileRow++;
    S.filled = 0;
  }

  /** The writer wants full tiles or exactly the in-image part; pad short interior rows. */
  private async writeTileAnySize(level: number, tx: number, ty: number, tile: NumericArray[], w: number, h: number): Promise<void> {
    const L = this.writer.levels[level];
    const ts = this.ts;
    const needH = Math.min(ts, L.height - ty * ts);
    if (h === needH) {
      await this.writer.writeTile(level, tx, ty, tile);
      return;
    }
    throw new Error(`internal: tile row ${ty} of level ${level} has ${h} rows, ${needH} expected`);
  }
}

/**
 * A median filter over a class raster as its rows stream to the writer: what the Deepness
 * plugin does against small areas (`seg_small_segment`: cv2.medianBlur with an odd
 * window of size (s // 2) * 2 + 1 over the whole class image, where pixels outside the
 * processing area are 0 and class c is c + 1, edges replicated). Nodata here plays the
 * plugin's 0 (below every class); a class id c is c + 1.
 *
 * Rows are held back by the window's radius: a row is filtered once the rows below it have
 * arrived (the last ones at finish, with the bottom row replicated), so memory is the
 * window's rows plus one column histogram per pixel of the row, whatever the raster height.
 * Each output row keeps a histogram per column over the window's rows and slides a window
 * of columns across them, so a pixel costs the number of distinct values, not size².
 */
import type { RowSink } from '../../tiler/index.ts';
import type { NumericArray } from '../../raster/index.ts';

export interface MedianOptions {
  width: number;
  /** Window side in pixels (odd, >= 3). */
  size: number;
  /** The class raster's nodata value (the plugin's 0). */
  nodata: number;
}

/** The plugin's window for `seg_small_segment` s: (s // 2) * 2 + 1 (1: no filter). */
export function medianWindow(smallSegment: number): number {
  return Math.floor(smallSegment / 2) * 2 + 1;
}

/** Rows through a median filter into `inner` (single-band class rows, any integer type). */
export function medianRowSink(inner: RowSink, o: MedianOptions): RowSink {
  const { width, size, nodata } = o;
  if (!Number.isInteger(size) || size < 3 || size % 2 === 0) throw new Error(`median window ${size}: an odd whole number >= 3`);
  const r = (size - 1) / 2;
  // Rows kept by absolute index: the plugin's values (0 nodata, class + 1).
  const rows = new Map<number, Uint16Array>();
  let received = 0;
  let next = 0;
  let bins = 2;
  let ctor: (n: number) => NumericArray = (n) => new Uint8Array(n);

  const filterRow = (y: number, last: number): NumericArray => {
    const src: Uint16Array[] = [];
    for (let k = y - r; k <= y + r; k++) src.push(rows.get(Math.min(last, Math.max(0, k)))!);
    // Column histograms over the window's rows.
    const col = new Uint16Array(width * bins);
    for (const row of src) for (let x = 0; x < width; x++) col[x * bins + row[x]]++;
    const win = new Int32Array(bins);
    // Columns -r .. r around x = 0 (left edge replicated).
    for (let k = -r; k <= r; k++) {
      const c = Math.min(width - 1, Math.max(0, k)) * bins;
      for (let b = 0; b < bins; b++) win[b] += col[c + b];
    }
    const half = (size * size - 1) / 2;
    const out = ctor(width);
    for (let x = 0; x < width; x++) {
      let seen = 0;
      let v = 0;
      for (; v < bins; v++) {
        seen += win[v];
        if (seen > half) break;
      }
      out[x] = v === 0 ? nodata : v - 1;
      const drop = Math.max(0, x - r) * bins;
      const add = Math.min(width - 1, x + r + 1) * bins;
      for (let b = 0; b < bins; b++) win[b] += col[add + b] - col[drop + b];
    }
    return out;
  };

  const emit = async (upTo: number, last: number) => {
    const ready: NumericArray[] = [];
    for (; next < upTo; next++) ready.push(filterRow(next, last));
    for (const k of [...rows.keys()]) if (k < next - r) rows.delete(k);
    if (ready.length === 0) return;
    const band = ctor(ready.length * width);
    ready.forEach((row, i) => band.set(row, i * width));
    await inner.writeRows([band], ready.length);
  };

  return {
    async writeRows(bands, n) {
      if (bands.length !== 1) throw new Error(`the median filter takes one class band (got ${bands.length})`);
      const src = bands[0];
      const T = src.constructor as new (n: number) => NumericArray;
      ctor = (k) => new T(k);
      for (let j = 0; j < n; j++) {
        const row = new Uint16Array(width);
        for (let x = 0; x < width; x++) {
          const v = src[j * width + x];
          row[x] = v === nodata ? 0 : v + 1;
          if (row[x] + 1 > bins) bins = row[x] + 1;
        }
        rows.set(received++, row);
      }
      // A row is final once the r rows below it are in.
      await emit(Math.max(next, received - r), Number.POSITIVE_INFINITY);
    },
    async finish() {
      await emit(received, received - 1);
      await inner.finish();
    },
    abort: () => inner.abort(),
  };
}

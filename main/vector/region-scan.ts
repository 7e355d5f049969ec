/**
 * One pass over a class raster, row by row, finding 4-connected regions of equal value
 * and their boundary edges. Each row becomes runs of equal valid values; a run joins the
 * regions of the same-valued runs it overlaps in the row above (union within the row).
 * A region that no run of the current row continues is finished: its rings are traced
 * and handed out at once, and its edges are freed. Memory follows the raster's width
 * and the open regions' boundaries, never the number of rows.
 *
 * Edges (region on the right, y down): top (x0,y)->(x1,y), bottom (x1,y+1)->(x0,y+1),
 * left (x,y+1)->(x,y), right (x,y)->(x,y+1). Vertical edges of one region in one column
 * are extended row after row instead of adding unit edges.
 */
import { EdgeStore } from './edge-store.ts';
import { traceRings } from './ring-trace.ts';

export interface ScannedRegion {
  value: number;
  pixels: number;
  /** Outer ring first, then holes; flat pixel-corner coordinates (see ring-trace.ts). */
  rings: number[][];
}

interface Region {
  value: number;
  pixels: number;
  head: number;
  tail: number;
  edges: number;
  lastRow: number;
}

/** Runs of one row: parallel arrays, `count` valid entries. */
class Runs {
  start: Int32Array;
  end: Int32Array;
  value: Float64Array;
  label: Int32Array;
  count = 0;
  constructor(width: number) {
    // Neighbouring pixels of different valid values are separate runs: up to one per pixel.
    const n = width;
    this.start = new Int32Array(n);
    this.end = new Int32Array(n);
    this.value = new Float64Array(n);
    this.label = new Int32Array(n);
  }
}

export class RegionScanner {
  private readonly store = new EdgeStore();
  private readonly regions = new Map<number, Region>();
  /** Regions joined into another during the current row: id -> id it joined. */
  private readonly alias = new Map<number, number>();
  private prev: Runs;
  private cur: Runs;
  private nextId = 1;
  private y = 0;
  /** Vertical edges made in the previous row, by column (edge index), and the row they were made in. */
  private readonly leftEdge: Int32Array;
  private readonly leftRow: Int32Array;
  private readonly rightEdge: Int32Array;
  private readonly rightRow: Int32Array;

  /**
   * @param width raster width in pixels
   * @param isValid whether a value is polygonized (false for nodata and skipped values)
   * @param emit receives each finished region
   */
  constructor(
    private readonly width: number,
    private readonly isValid: (v: number) => boolean,
    private readonly emit: (r: ScannedRegion) => void,
  ) {
    this.prev = new Runs(width);
    this.cur = new Runs(width);
    this.leftEdge = new Int32Array(width + 1);
    this.rightEdge = new Int32Array(width + 1);
    this.leftRow = new Int32Array(width + 1).fill(-2);
    this.rightRow = new Int32Array(width + 1).fill(-2);
  }

  /** Rows scanned so far. */
  get rows(): number {
    return this.y;
  }

  /** Open regions and the edges they hold (for memory checks). */
  get openRegions(): number {
    return this.regions.size;
  }
  get liveEdges(): number {
    return this.store.live;
  }
  get edgeCapacity(): number {
    return this.store.capacity;
  }

  /** Scans the next row: `width` values of `data` from `offset`. */
  pushRow(data: ArrayLike<number>, offset: number): void {
    this.buildRuns(data, offset);
    this.connect();
    this.horizontalEdges();
    this.verticalEdges();
    this.finishRow();
  }

  /** Closes the bottom of the last row and hands out every region still open. */
  end(): void {
    this.cur.count = 0;
    this.connect();
    this.horizontalEdges();
    this.finishRow();
  }

  private buildRuns(data: ArrayLike<number>, offset: number): void {
    const runs = this.cur;
    const w = this.width;
    let n = 0;
    let x = 0;
    while (x < w) {
      const v = data[offset + x];
      if (!this.isValid(v)) {
        x++;
        continue;
      }
      const s = x;
      x++;
      while (x < w && data[offset + x] === v) x++;
      runs.start[n] = s;
      runs.end[n] = x;
      runs.value[n] = v;
      runs.label[n] = 0;
      n++;
    }
    runs.count = n;
  }

  private find(id: number): number {
    let r = id;
    for (let a = this.alias.get(r); a !== undefined; a = this.alias.get(r)) r = a;
    return r;
  }

  /** Labels the current runs, joining regions where same-valued runs overlap the row above. */
  private connect(): void {
    const { prev, cur } = this;
    let j = 0;
    for (let i = 0; i < cur.count; i++) {
      const s = cur.start[i];
      const e = cur.end[i];
      const v = cur.value[i];
      while (j < prev.count && prev.end[j] <= s) j++;
      let label = 0;
      for (let k = j; k < prev.count && prev.start[k] < e; k++) {
        if (prev.value[k] !== v) continue;
        const r = this.find(prev.label[k]);
        if (label === 0) label = r;
        else if (r !== label) label = this.union(label, r);
      }
      if (label === 0) {
        label = this.nextId++;
        this.regions.set(label, { value: v, pixels: 0, head: -1, tail: -1, edges: 0, lastRow: this.y });
      }
      cur.label[i] = label;
    }
    for (let i = 0; i < cur.count; i++) {
      const r = this.find(cur.label[i]);
      cur.label[i] = r;
      const reg = this.regions.get(r)!;
      reg.pixels += cur.end[i] - cur.start[i];
      reg.lastRow = this.y;
    }
    for (let k = 0; k < prev.count; k++) prev.label[k] = this.find(prev.label[k]);
  }

  private union(a: number, b: number): number {
    const ra = this.regions.get(a)!;
    const rb = this.regions.get(b)!;
    const [keep, drop, rk, rd] = ra.edges >= rb.edges ? [a, b, ra, rb] : [b, a, rb, ra];
    if (rd.head >= 0) {
      if (rk.head < 0) {
        rk.head = rd.head;
      } else {
        this.store.next[rk.tail] = rd.head;
      }
      rk.tail = rd.tail;
    }
    rk.edges += rd.edges;
    rk.pixels += rd.pixels;
    this.regions.delete(drop);
    this.alias.set(drop, keep);
    return keep;
  }

  private addEdge(label: number, sx: number, sy: number, ex: number, ey: number): number {
    const reg = this.regions.get(label)!;
    const e = this.store.add(sx, sy, ex, ey);
    if (reg.tail >= 0) this.store.next[reg.tail] = e;
    else reg.head = e;
    reg.tail = e;
    reg.edges++;
    return e;
  }

  /**
   * Edges on the line between the previous row and this one: the tops of current runs
   * and the bottoms of previous runs, except where both sides hold the same value.
   */
  private horizontalEdges(): void {
    const y = this.y;
    this.boundaryAlong(this.cur, this.prev, (label, x0, x1) => this.addEdge(label, x0, y, x1, y));
    this.boundaryAlong(this.prev, this.cur, (label, x0, x1) => this.addEdge(label, x1, y, x0, y));
  }

  /** For each run of `a`, the parts not covered by a same-valued run of `b`. */
  private boundaryAlong(a: Runs, b: Runs, edge: (label: number, x0: number, x1: number) => void): void {
    let j = 0;
    for (let i = 0; i < a.count; i++) {
      const s = a.start[i];
      const e = a.end[i];
      const v = a.value[i];
      while (j < b.count && b.end[j] <= s) j++;
      let x = s;
      for (let k = j; k < b.count && b.start[k] < e; k++) {
        if (b.value[k] !== v) continue;
        const os = Math.max(s, b.start[k]);
        const oe = Math.min(e, b.end[k]);
        if (os > x) edge(a.label[i], x, os);
        x = oe;
      }
      if (x < e) edge(a.label[i], x, e);
    }
  }

  private verticalEdges(): void {
    const { cur, store } = this;
    const y = this.y;
    for (let i = 0; i < cur.count; i++) {
      const s = cur.start[i];
      const e = cur.end[i];
      const label = cur.label[i];
      // A left edge continues the one above when the pixel above starts a run of the same region.
      if (this.leftRow[s] === y - 1 && this.sameAbove(s, cur.value[i])) {
        store.sy[this.leftEdge[s]] = y + 1;
      } else {
        this.leftEdge[s] = this.addEdge(label, s, y + 1, s, y);
      }
      this.leftRow[s] = y;
      if (this.rightRow[e] === y - 1 && this.sameAbove(e - 1, cur.value[i])) {
        store.ey[this.rightEdge[e]] = y + 1;
      } else {
        this.rightEdge[e] = this.addEdge(label, e, y, e, y + 1);
      }
      this.rightRow[e] = y;
    }
  }

  /** Whether the pixel above column x (previous row) holds value v. */
  private sameAbove(x: number, v: number): boolean {
    const prev = this.prev;
    // Binary search: runs are sorted and disjoint.
    let lo = 0;
    let hi = prev.count - 1;
    while (lo <= hi) {
      const m = (lo + hi) >> 1;
      if (prev.end[m] <= x) lo = m + 1;
      else if (prev.start[m] > x) hi = m - 1;
      else return prev.value[m] === v;
    }
    return false;
  }

  private finishRow(): void {
    const { prev, cur } = this;
    for (let k = 0; k < prev.count; k++) {
      const id = prev.label[k];
      const reg = this.regions.get(id);
      if (!reg || reg.lastRow === this.y) continue;
      this.regions.delete(id);
      const { rings } = traceRings(this.store, reg.head, reg.edges, this.width);
      this.store.release(reg.head, reg.tail, reg.edges);
      this.emit({ value: reg.value, pixels: reg.pixels, rings });
    }
    this.alias.clear();
    this.prev = cur;
    this.cur = prev;
    this.y++;
  }
}

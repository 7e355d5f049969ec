/**
 * Boundary edges of the regions still open during a scan, in one pool of typed arrays
 * with a linked list per region. Regions that meet further down are joined in O(1) by
 * linking their lists, and a finished region's edges go back to a free list, so the
 * pool's size follows the edges of open regions, not the rows scanned so far.
 */
export class EdgeStore {
  /** Start and end vertex of each edge, in pixel-corner coordinates. */
  sx: Int32Array;
  sy: Int32Array;
  ex: Int32Array;
  ey: Int32Array;
  /** Next edge of the same region's list, -1 at the tail; also chains the free list. */
  next: Int32Array;
  private free = -1;
  private used = 0;
  live = 0;

  constructor(capacity = 1024) {
    this.sx = new Int32Array(capacity);
    this.sy = new Int32Array(capacity);
    this.ex = new Int32Array(capacity);
    this.ey = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
  }

  get capacity(): number {
    return this.sx.length;
  }

  add(sx: number, sy: number, ex: number, ey: number): number {
    let i: number;
    if (this.free >= 0) {
      i = this.free;
      this.free = this.next[i];
    } else {
      if (this.used === this.sx.length) this.grow();
      i = this.used++;
    }
    this.sx[i] = sx;
    this.sy[i] = sy;
    this.ex[i] = ex;
    this.ey[i] = ey;
    this.next[i] = -1;
    this.live++;
    return i;
  }

  /** Returns a whole list (head .. tail) to the free pool. */
  release(head: number, tail: number, count: number): void {
    if (head < 0) return;
    this.next[tail] = this.free;
    this.free = head;
    this.live -= count;
  }

  private grow(): void {
    const n = this.sx.length * 2;
    const g = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.sx = g(this.sx);
    this.sy = g(this.sy);
    this.ex = g(this.ex);
    this.ey = g(this.ey);
    this.next = g(this.next);
  }
}

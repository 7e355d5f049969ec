/**
 * Closes one finished region's boundary edges into rings.
 *
 * Every edge runs with the region on its right (pixel space, y down), so the outer
 * ring has a positive shoelace sum and holes a negative one. Where two pixels of the
 * region meet only at a corner (a saddle vertex, two edges out), the ring turns left,
 * around the outside pixel it is following: each ring then borders one 4-connected
 * piece of the surroundings. A region gets exactly one outer ring, and holes that may
 * touch it (or each other) at a point but never cross it; turning right instead would
 * give rings that pass through themselves, which OGC calls invalid.
 */
import type { EdgeStore } from './edge-store.ts';

export interface TracedRegion {
  /** Outer ring first, then holes; flat [x0, y0, x1, y1, ...] pixel-corner coordinates, not repeated at the end, collinear vertices removed. */
  rings: number[][];
}

export function traceRings(store: EdgeStore, head: number, count: number, width: number): TracedRegion {
  const stride = width + 1;
  const edges = new Int32Array(count);
  const keys = new Float64Array(count);
  let n = 0;
  for (let e = head; e >= 0; e = store.next[e]) {
    edges[n] = e;
    keys[n] = store.sy[e] * stride + store.sx[e];
    n++;
  }
  if (n !== count) throw new Error(`edge list holds ${n} edges, expected ${count}`);
  const outgoing = outgoingIndex(keys, n);

  const used = new Uint8Array(n);
  const rings: number[][] = [];
  let outer: number[] | null = null;
  for (let startLocal = 0; startLocal < n; startLocal++) {
    if (used[startLocal]) continue;
    const ring: number[] = [];
    let cur = startLocal;
    for (;;) {
      used[cur] = 1;
      const e = edges[cur];
      pushVertex(ring, store.sx[e], store.sy[e]);
      const x = store.ex[e];
      const y = store.ey[e];
      const a = outgoing.find(y * stride + x);
      if (a < 0) throw new Error(`open boundary at pixel corner (${x}, ${y})`);
      const b = outgoing.second;
      const nextLocal = b < 0 || leftTurn(store, e, edges[a]) ? a : b;
      if (nextLocal === startLocal) break;
      if (used[nextLocal]) throw new Error(`boundary revisits an edge at pixel corner (${x}, ${y})`);
      cur = nextLocal;
    }
    dropClosingCollinear(ring);
    if (shoelace(ring) > 0) {
      if (outer) throw new Error('region has two outer rings');
      outer = ring;
    } else {
      rings.push(ring);
    }
  }
  if (!outer) throw new Error('region has no outer ring');
  rings.unshift(outer);
  return { rings };
}

/** The edge(s) leaving a vertex: `find` returns the first (-1: none) and sets `second` (-1: no saddle). */
interface Outgoing {
  find(key: number): number;
  second: number;
}

/** Most regions are small, where a linear scan beats building hash maps. */
function outgoingIndex(keys: Float64Array, n: number): Outgoing {
  if (n <= 48) {
    const o: Outgoing = {
      second: -1,
      find(key) {
        let found = -1;
        o.second = -1;
        for (let i = 0; i < n; i++) {
          if (keys[i] !== key) continue;
          if (found < 0) found = i;
          else {
            o.second = i;
            break;
          }
        }
        return found;
      },
    };
    return o;
  }
  const first = new Map<number, number>();
  const second = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (first.has(keys[i])) second.set(keys[i], i);
    else first.set(keys[i], i);
  }
  const o: Outgoing = {
    second: -1,
    find(key) {
      o.second = second.get(key) ?? -1;
      return first.get(key) ?? -1;
    },
  };
  return o;
}

/** Whether edge `to` turns left from edge `from` (y down: left of heading (dx, dy) is (dy, -dx)). */
function leftTurn(store: EdgeStore, from: number, to: number): boolean {
  const dx = Math.sign(store.ex[from] - store.sx[from]);
  const dy = Math.sign(store.ey[from] - store.sy[from]);
  const tx = Math.sign(store.ex[to] - store.sx[to]);
  const ty = Math.sign(store.ey[to] - store.sy[to]);
  return tx === dy && ty === -dx;
}

/** Appends a vertex, replacing the last one when it lies on the line from the one before to the new one. */
function pushVertex(ring: number[], x: number, y: number): void {
  const n = ring.length;
  if (n >= 4) {
    const px = ring[n - 4];
    const py = ring[n - 3];
    const lx = ring[n - 2];
    const ly = ring[n - 1];
    if ((px === lx && lx === x) || (py === ly && ly === y)) {
      ring[n - 2] = x;
      ring[n - 1] = y;
      return;
    }
  }
  ring.push(x, y);
}

/** Removes collinear vertices where the ring closes (around its first vertex). */
function dropClosingCollinear(ring: number[]): void {
  for (;;) {
    const n = ring.length;
    if (n < 8) return;
    // last vertex between the one before it and the first
    if (collinear(ring[n - 4], ring[n - 3], ring[n - 2], ring[n - 1], ring[0], ring[1])) {
      ring.length = n - 2;
      continue;
    }
    // first vertex between the last and the second
    if (collinear(ring[n - 2], ring[n - 1], ring[0], ring[1], ring[2], ring[3])) {
      ring.splice(0, 2);
      continue;
    }
    return;
  }
}

function collinear(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  return (ax === bx && bx === cx) || (ay === by && by === cy);
}

/** Twice the signed area (pixel units), positive for rings with the region on their right (y down). */
export function shoelace(ring: number[]): number {
  let s = 0;
  const n = ring.length;
  for (let i = 0; i < n; i += 2) {
    const j = (i + 2) % n;
    s += ring[i] * ring[j + 1] - ring[j] * ring[i + 1];
  }
  return s;
}

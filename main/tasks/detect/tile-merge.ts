/**
 * Merges the detections of overlapping tiles into one set, streaming by tile rows.
 *
 * 1. A box whose centre lies outside its tile (or outside the raster, in a tile's mirror
 *    padding) is dropped: the tile saw less than half of it, and the tile that holds the
 *    centre saw more.
 * 2. A box touching an interior edge of its tile (within `edgeTolerance` px) was probably
 *    cut by that edge. It is dropped when a neighbouring tile holds the same rectangle
 *    whole, away from that tile's own interior edges: the neighbour saw everything this
 *    tile saw of the object and more, so its box is the better one. (When no tile sees it
 *    whole, e.g. an object wider than the overlap, the cut boxes stay and NMS decides.)
 * 3. Class-wise NMS (nms.ts) over what remains, across tiles.
 *
 * Memory: boxes are finalised as soon as no later tile can overlap them. Tiles come in
 * row order; a later box has its centre in a later tile row, so its top is at least
 * (next row's top - tileHeight / 2) when it is no taller than a tile. After each tile row
 * the pending boxes form clusters (chains of overlapping rectangles, since greedy NMS
 * decisions propagate along chains); a cluster lying wholly above that bound is final.
 * Pending boxes are therefore a few tile rows' worth, whatever the scene size. A box
 * taller than a tile (never seen whole by any tile) may meet an already-written one.
 *
 * Shards (`owned`): a shard runs only some tile rows and keeps, of each final cluster,
 * the boxes it owns (centre row in [fromY, toY)). That equals the single run only when the
 * shard saw the cluster's whole chain of boxes: a cluster holding an owned box that reaches
 * up to `aboveBound` (the lowest bottom a box of the unrun tile rows above can have) might
 * chain into boxes the shard never saw, so the merger throws NeedRowsAbove and the caller
 * reruns from one tile row higher (detect-tiles.ts). Downwards the caller simply runs on
 * until no owned box is pending, so every owned cluster is closed the way it is in one run.
 */
import { tileAt, type Tile, type TilePlan } from '../../tiler/index.ts';
import { boxExtent, type Box } from '../../heads/index.ts';
import { classWiseNms } from './nms.ts';

export interface MergeOptions {
  iouThreshold: number;
  /** Pixels from an interior tile edge within which a box counts as cut (default 2). */
  edgeTolerance?: number;
  /** Shard mode: keep only boxes whose centre y lies in [fromY, toY); see NeedRowsAbove. */
  owned?: { fromY: number; toY: number; aboveBound: number };
}

/** A cluster with an owned box may reach boxes of tile rows the shard did not run. */
export class NeedRowsAbove extends Error {
  constructor() {
    super('a shard needs more tile rows above its block');
  }
}

export interface MergeStats {
  /** Boxes given (after the per-tile score threshold). */
  received: number;
  droppedCentreOutside: number;
  droppedCutAtEdge: number;
  droppedNms: number;
  kept: number;
  /** Shard mode: final boxes whose centre belongs to another shard's rows. */
  droppedOtherShard: number;
}

interface Pending {
  box: Box;
  ext: [number, number, number, number];
}

export class TileMerger {
  readonly stats: MergeStats = { received: 0, droppedCentreOutside: 0, droppedCutAtEdge: 0, droppedNms: 0, kept: 0, droppedOtherShard: 0 };
  private pending: Pending[] = [];
  private readonly tol: number;

  constructor(
    private readonly plan: TilePlan,
    private readonly opts: MergeOptions,
  ) {
    this.tol = opts.edgeTolerance ?? 2;
  }

  /** Sides of tile t that face another tile (not the raster edge). */
  private interior(t: Tile): { left: boolean; right: boolean; top: boolean; bottom: boolean } {
    return { left: t.col > 0, right: t.col < this.plan.xs.length - 1, top: t.row > 0, bottom: t.row < this.plan.ys.length - 1 };
  }

  private touchesInterior(e: [number, number, number, number], t: Tile): boolean {
    const s = this.interior(t);
    const tol = this.tol;
    return (s.left && e[0] <= t.x + tol) || (s.top && e[1] <= t.y + tol) || (s.right && e[2] >= t.x + t.width - tol) || (s.bottom && e[3] >= t.y + t.height - tol);
  }

  private wholeIn(e: [number, number, number, number], t: Tile): boolean {
    const inside = e[0] >= t.x && e[1] >= t.y && e[2] <= t.x + t.width && e[3] <= t.y + t.height;
    return inside && !this.touchesInterior(e, t);
  }

  /** Adds one tile's boxes, in raster pixel coordinates (already past the score threshold). */
  addTile(col: number, row: number, boxes: Box[]): void {
    const t = tileAt(this.plan, col, row);
    this.stats.received += boxes.length;
    // Also outside the raster: a tile larger than the raster is mirror-padded, and a box centred in the padding is a reflection.
    const x1 = Math.min(t.x + t.width, this.plan.width);
    const y1 = Math.min(t.y + t.height, this.plan.height);
    for (const box of boxes) {
      if (box.cx < t.x || box.cx >= x1 || box.cy < t.y || box.cy >= y1) {
        this.stats.droppedCentreOutside++;
        continue;
      }
      const ext = boxExtent(box);
      if (this.touchesInterior(ext, t) && this.seenWholeElsewhere(ext, t)) {
        this.stats.droppedCutAtEdge++;
        continue;
      }
      this.pending.push({ box, ext });
    }
  }

  private seenWholeElsewhere(e: [number, number, number, number], t: Tile): boolean {
    for (let r = Math.max(0, t.row - 1); r <= Math.min(this.plan.ys.length - 1, t.row + 1); r++) {
      for (let c = Math.max(0, t.col - 1); c <= Math.min(this.plan.xs.length - 1, t.col + 1); c++) {
        if (r === t.row && c === t.col) continue;
        if (this.wholeIn(e, tileAt(this.plan, c, r))) return true;
      }
    }
    return false;
  }

  /**
   * Call after every tile of tile row `row` was added: returns the boxes that are final
   * (NMS applied), in descending score order within each cluster.
   */
  finishRow(row: number): Box[] {
    if (row >= this.plan.ys.length - 1) return this.flush();
    const bound = this.plan.ys[row + 1] - this.plan.tileHeight / 2;
    return this.release((maxY) => maxY < bound);
  }

  /** Everything still pending (end of the run). */
  flush(): Box[] {
    return this.release(() => true);
  }

  private release(isFinal: (clusterMaxY: number) => boolean): Box[] {
    const p = this.pending;
    if (p.length === 0) return [];
    const parent = clusters(p);
    const maxY = new Map<number, number>();
    for (let i = 0; i < p.length; i++) {
      const r = find(parent, i);
      maxY.set(r, Math.max(maxY.get(r) ?? -Infinity, p[i].ext[3]));
    }
    const out: Pending[] = [];
    const keep: Pending[] = [];
    const finalRoots = new Set<number>();
    for (let i = 0; i < p.length; i++) {
      const r = find(parent, i);
      if (isFinal(maxY.get(r)!)) {
        out.push(p[i]);
        finalRoots.add(r);
      } else keep.push(p[i]);
    }
    const own = this.opts.owned;
    if (own && out.length) {
      // Checked before anything is returned, so a rerun from higher up has written nothing twice.
      const minY = new Map<number, number>();
      const hasOwned = new Set<number>();
      for (let i = 0; i < p.length; i++) {
        const r = find(parent, i);
        if (!finalRoots.has(r)) continue;
        minY.set(r, Math.min(minY.get(r) ?? Infinity, p[i].ext[1]));
        if (this.owns(p[i].box)) hasOwned.add(r);
      }
      for (const r of hasOwned) if (minY.get(r)! < own.aboveBound) throw new NeedRowsAbove();
    }
    this.pending = keep;
    if (out.length === 0) return [];
    const boxes = out.map((q) => q.box);
    let kept = classWiseNms(boxes, this.opts.iouThreshold).map((i) => boxes[i]);
    this.stats.droppedNms += boxes.length - kept.length;
    if (own) {
      const mine = kept.filter((b) => this.owns(b));
      this.stats.droppedOtherShard += kept.length - mine.length;
      kept = mine;
    }
    this.stats.kept += kept.length;
    return kept;
  }

  private owns(b: Box): boolean {
    const own = this.opts.owned;
    return !own || (b.cy >= own.fromY && b.cy < own.toY);
  }

  /** Shard mode: whether an owned box is still pending (the shard must run more tile rows). */
  get ownedPending(): boolean {
    return this.pending.some((q) => this.owns(q.box));
  }

  get pendingCount(): number {
    return this.pending.length;
  }
}

function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

/** Union-find over boxes whose rectangles overlap (a sweep along x). */
function clusters(p: Pending[]): Int32Array {
  const parent = new Int32Array(p.length);
  for (let i = 0; i < p.length; i++) parent[i] = i;
  const order = p.map((_, i) => i).sort((a, b) => p[a].ext[0] - p[b].ext[0]);
  const active: number[] = [];
  for (const i of order) {
    const e = p[i].ext;
    let w = 0;
    for (const j of active) {
      const f = p[j].ext;
      if (f[2] <= e[0]) continue; // ends before this one starts: leaves the sweep
      active[w++] = j;
      if (f[1] < e[3] && e[1] < f[3]) {
        const a = find(parent, i);
        const b = find(parent, j);
        if (a !== b) parent[a] = b;
      }
    }
    active.length = w;
    active.push(i);
  }
  return parent;
}

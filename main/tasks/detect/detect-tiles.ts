/**
 * The tile loop of a detection run: the same tile plan and tile reader as the raster
 * tiler (tiler/tile-plan.ts, tiler/tile-read.ts: mirror padding, all-nodata tiles skipped), but the
 * model's answer is a list of boxes per tile, merged across tiles (tile-merge.ts) and
 * handed on as soon as they are final. There is no output raster, so there is no blend:
 * the next batch is read while the current one infers, and memory is two batches of
 * tiles plus the pending boxes of a few tile rows.
 *
 * Shards (docs/cluster.md, "Merging"): shard i of N owns the pixel rows of its block of
 * tile rows (tiler/tile-plan.ts) and writes exactly the boxes a whole run would write with their
 * centre in those rows, so the N vector files append into the one-run file. To decide its
 * boundary boxes as one run would, it starts two tiles' height above its block (boxes up
 * to a tile tall that can touch its owned boxes), runs on below its block until no owned
 * box is pending (every owned cluster closed), and keeps, after the same NMS, only owned
 * boxes. Should an owned cluster still reach the rows above, where unseen boxes could
 * chain into it, the shard restarts one tile row higher (`reset` empties the output first);
 * the check runs before a cluster is handed on, and such chains are rare.
 */
import { ApiError } from '../../api.ts';
import type { Raster } from '../../raster/index.ts';
import { cancelled } from '../../tiler/index.ts';
import { ProgressClock, type TiledProgress } from '../../tiler/index.ts';
import { readTile, type TileData } from '../../tiler/index.ts';
import { planTiles, tileAt, type Shard, type Tile, type TilePlan } from '../../tiler/index.ts';
import type { Box } from '../../heads/index.ts';
import { NeedRowsAbove, TileMerger, type MergeStats } from './tile-merge.ts';

/** Boxes per tile in TILE pixel coordinates (origin at the tile's top-left), past the score threshold. */
export type DetectInferFn = (inputs: Float32Array[], ctx: { tiles: Tile[]; signal?: AbortSignal }) => Promise<Box[][]>;

export interface DetectTilesOptions {
  raster: Raster;
  /** 1-based bands fed to the model. */
  bands: number[];
  tile: number;
  overlap: number;
  batch: number;
  infer: DetectInferFn;
  iouThreshold: number;
  edgeTolerance?: number;
  /** Receives final boxes in raster pixel coordinates, in order of finalisation. */
  onBoxes: (boxes: Box[]) => Promise<void>;
  signal?: AbortSignal;
  progress?: (p: TiledProgress) => void;
  /** Run one block of tile rows, keeping the boxes centred in its rows. */
  shard?: Shard;
  /** Shard mode: drop everything handed to onBoxes so far (the shard restarts higher up). */
  reset?: () => Promise<void>;
}

export interface DetectTilesResult {
  /** The whole grid; rowFrom..rowTo are the tile rows this run ran, outRow* the rows it owns. */
  plan: TilePlan;
  /** Shard mode: restarts from higher tile rows (0 when the first start sufficed). */
  restarts: number;
  tiles: { inferred: number; skipped: number; total: number };
  merge: MergeStats;
  /** Most boxes pending at once (memory check). */
  maxPending: number;
  timings: { read: number; infer: number; merge: number; total: number };
}

/** A run report's detection counts: the merge's, and the most boxes pending at once. */
export interface DetectionsReport extends MergeStats {
  maxPending: number;
}

/** A shard run: which block, the pixel rows owned (processing grid), the tile rows run, restarts from higher rows. */
export interface ShardReport extends Shard {
  rows: [number, number];
  tileRows: [number, number];
  restarts: number;
}

/** The report parts every detector task shares; `shard` null unless the run was one of several. */
export function detectionReport(run: DetectTilesResult, shard: Shard | undefined): { detections: DetectionsReport; shard: ShardReport | null } {
  return {
    detections: { ...run.merge, maxPending: run.maxPending },
    shard: shard && shard.count > 1 ? { ...shard, rows: [run.plan.outRowFrom, run.plan.outRowTo], tileRows: [run.plan.rowFrom, run.plan.rowTo], restarts: run.restarts } : null,
  };
}

export async function detectTiles(o: DetectTilesOptions): Promise<DetectTilesResult> {
  const info = o.raster.info;
  const grid = { width: info.width, height: info.height, tileWidth: o.tile, tileHeight: o.tile, overlapX: o.overlap, overlapY: o.overlap, stride: 1 };
  const plan = planTiles(grid, o.shard);
  if (!o.shard || o.shard.count === 1) return runRows(o, plan, 0, plan.ys.length, null);
  const ys = plan.ys;
  const T = o.tile;
  const first = Math.floor(((o.shard.index - 1) * ys.length) / o.shard.count);
  const next = Math.floor((o.shard.index * ys.length) / o.shard.count);
  // Tile rows whose boxes (at most a tile tall, centred in their tile) can reach the owned rows' boxes.
  let from = first;
  while (from > 0 && ys[from - 1] + 2 * T > plan.outRowFrom) from--;
  for (let restarts = 0; ; restarts++) {
    try {
      return await runRows(o, plan, from, next, restarts);
    } catch (err) {
      if (!(err instanceof NeedRowsAbove) || from === 0) throw err;
      from--;
      await o.reset?.();
    }
  }
}

/**
 * Runs tile rows from `from`: all of them (shardRestarts null), or in shard mode at least to
 * `ownedEnd` and on until no owned box is pending.
 */
async function runRows(o: DetectTilesOptions, whole: TilePlan, from: number, ownedEnd: number, shardRestarts: number | null): Promise<DetectTilesResult> {
  const t0 = performance.now();
  const info = o.raster.info;
  const shard = shardRestarts !== null;
  const T = o.tile;
  const owned = shard ? { fromY: whole.outRowFrom, toY: whole.outRowTo, aboveBound: from === 0 ? -Infinity : whole.ys[from - 1] + 1.5 * T } : undefined;
  const merger = new TileMerger(whole, { iouThreshold: o.iouThreshold, edgeTolerance: o.edgeTolerance, owned });
  const cols = whole.xs.length;
  const rows = whole.ys.length;
  // Progress total: a shard's expected rows (its block, the rows above and the tile rows that can hold boxes touching its own).
  let expectedTo = ownedEnd;
  if (shard) while (expectedTo < rows && whole.ys[expectedTo] < whole.outRowTo + T) expectedTo++;
  const total = (expectedTo - from) * cols;
  const clock = new ProgressClock(total, 0);
  const timings = { read: 0, infer: 0, merge: 0, total: 0 };
  let inferred = 0;
  let skipped = 0;
  let maxPending = 0;
  let lastRow = from - 1;
  const check = () => {
    if (o.signal?.aborted) throw cancelled();
  };

  // Batches are cut lazily, tile row by tile row, since a shard learns only as it goes where it may stop.
  let nextIndex = from * cols;
  const nextBatch = (): Tile[] | null => {
    const out: Tile[] = [];
    while (out.length < o.batch && nextIndex < rows * cols) {
      out.push(tileAt(whole, nextIndex % cols, Math.floor(nextIndex / cols)));
      nextIndex++;
    }
    return out.length ? out : null;
  };

  const read = async (tiles: Tile[]): Promise<TileData[]> => {
    const ts = performance.now();
    const out: TileData[] = [];
    for (const t of tiles) out.push(await readTile(o.raster, t, o.bands, info.nodata, 1, o.signal));
    timings.read += performance.now() - ts;
    return out;
  };

  let batch = nextBatch();
  let next: Promise<TileData[]> | null = batch ? read(batch) : null;
  let done = false;
  while (next && !done) {
    check();
    const entries = await next;
    // Read ahead while this batch infers; a failure there surfaces when it is awaited.
    batch = nextBatch();
    next = batch ? read(batch) : null;
    next?.catch(() => undefined);
    const live = entries.filter((e) => e.data !== null);
    let boxes: Box[][] = [];
    if (live.length) {
      const ti = performance.now();
      boxes = await o.infer(live.map((e) => e.data!), { tiles: live.map((e) => e.tile), signal: o.signal });
      timings.infer += performance.now() - ti;
      if (boxes.length !== live.length) throw new ApiError('E_INTERNAL', `the detector returned boxes for ${boxes.length} tiles of a batch of ${live.length}`);
    }
    check();
    const tm = performance.now();
    let k = 0;
    let ran = 0;
    for (const e of entries) {
      const t = e.tile;
      ran++;
      if (e.data !== null) {
        const local = boxes[k++];
        merger.addTile(t.col, t.row, local.map((bx) => ({ ...bx, cx: bx.cx + t.x, cy: bx.cy + t.y })));
      } else skipped++;
      maxPending = Math.max(maxPending, merger.pendingCount);
      // The last tile of a tile row: boxes wholly above the rows still to come are final.
      if (t.col === cols - 1) {
        lastRow = t.row;
        const final = merger.finishRow(t.row);
        if (final.length) await o.onBoxes(final);
        if (shard && t.row >= ownedEnd - 1 && !merger.ownedPending) {
          done = true;
          break;
        }
      }
    }
    timings.merge += performance.now() - tm;
    inferred += k;
    o.progress?.(clock.add(ran, ran - k));
  }
  next?.catch(() => undefined);
  const rest = merger.flush();
  if (rest.length) await o.onBoxes(rest);
  timings.total = performance.now() - t0;
  const plan: TilePlan = { ...whole, rowFrom: from, rowTo: lastRow + 1 };
  return { plan, restarts: shardRestarts ?? 0, tiles: { inferred, skipped, total: (lastRow + 1 - from) * cols }, merge: merger.stats, maxPending, timings };
}

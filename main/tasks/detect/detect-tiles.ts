/**
 * The tile loop of a detection run: the same tile plan and tile reader as the raster
 * tiler (tile-plan.ts, tile-read.ts: mirror padding, all-nodata tiles skipped), but the
 * model's answer is a list of boxes per tile, merged across tiles (tile-merge.ts) and
 * handed on as soon as they are final. There is no output raster, so there is no blend:
 * the next batch is read while the current one infers, and memory is two batches of
 * tiles plus the pending boxes of a few tile rows.
 */
import { ApiError } from '../../api.ts';
import type { Raster } from '../../raster/index.ts';
import { cancelled } from '../pipeline.ts';
import { ProgressClock, type TiledProgress } from '../progress.ts';
import { readTile, type TileData } from '../tile-read.ts';
import { planTiles, planTilesInOrder, tileCount, type Tile, type TilePlan } from '../tile-plan.ts';
import type { Box } from './box.ts';
import { TileMerger, type MergeStats } from './tile-merge.ts';

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
}

export interface DetectTilesResult {
  plan: TilePlan;
  tiles: { inferred: number; skipped: number; total: number };
  merge: MergeStats;
  /** Most boxes pending at once (memory check). */
  maxPending: number;
  timings: { read: number; infer: number; merge: number; total: number };
}

export async function detectTiles(o: DetectTilesOptions): Promise<DetectTilesResult> {
  const t0 = performance.now();
  const info = o.raster.info;
  const plan = planTiles({ width: info.width, height: info.height, tileWidth: o.tile, tileHeight: o.tile, overlapX: o.overlap, overlapY: o.overlap, stride: 1 });
  const merger = new TileMerger(plan, { iouThreshold: o.iouThreshold, edgeTolerance: o.edgeTolerance });
  const total = tileCount(plan);
  const clock = new ProgressClock(total, 0);
  const timings = { read: 0, infer: 0, merge: 0, total: 0 };
  let inferred = 0;
  let skipped = 0;
  let maxPending = 0;
  const check = () => {
    if (o.signal?.aborted) throw cancelled();
  };

  const batches: Tile[][] = [];
  let cur: Tile[] = [];
  for (const t of planTilesInOrder(plan)) {
    cur.push(t);
    if (cur.length === o.batch) {
      batches.push(cur);
      cur = [];
    }
  }
  if (cur.length) batches.push(cur);

  const read = async (tiles: Tile[]): Promise<TileData[]> => {
    const ts = performance.now();
    const out: TileData[] = [];
    for (const t of tiles) out.push(await readTile(o.raster, t, o.bands, info.nodata, 1, o.signal));
    timings.read += performance.now() - ts;
    return out;
  };

  let next: Promise<TileData[]> | null = batches.length ? read(batches[0]) : null;
  for (let b = 0; b < batches.length; b++) {
    check();
    const entries = await next!;
    // Read ahead while this batch infers; a failure there surfaces when it is awaited.
    next = b + 1 < batches.length ? read(batches[b + 1]) : null;
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
    for (const e of entries) {
      const t = e.tile;
      if (e.data !== null) {
        const local = boxes[k++];
        merger.addTile(t.col, t.row, local.map((bx) => ({ ...bx, cx: bx.cx + t.x, cy: bx.cy + t.y })));
      }
      maxPending = Math.max(maxPending, merger.pendingCount);
      // The last tile of a tile row: boxes wholly above the rows still to come are final.
      if (t.col === plan.xs.length - 1) {
        const done = merger.finishRow(t.row);
        if (done.length) await o.onBoxes(done);
      }
    }
    timings.merge += performance.now() - tm;
    inferred += live.length;
    skipped += entries.length - live.length;
    o.progress?.(clock.add(entries.length, entries.length - live.length));
  }
  const rest = merger.flush();
  if (rest.length) await o.onBoxes(rest);
  timings.total = performance.now() - t0;
  return { plan, tiles: { inferred, skipped, total }, merge: merger.stats, maxPending, timings };
}

/**
 * The run itself: three stages joined by bounded queues,
 *
 *   read (batch n+1)  ->  infer (batch n)  ->  blend + write (batch n-1)
 *
 * so the next tiles are read while the current ones infer and the previous ones are
 * blended and written. Reading (file I/O and inflate), the writer's DEFLATE and an
 * ONNX session all run off the JavaScript thread, so the stages genuinely overlap.
 * Each queue holds one batch: at most one batch being read, one queued, one inferring
 * (inputs and outputs), one queued for the blend and one being blended, plus the blend's
 * rows in flight, whatever the raster size.
 *
 * Cancel: the signal is checked between batches and passed to reads and to infer, so a
 * run stops within one batch; the caller then deletes the partial output.
 */
import { ApiError } from '../api.ts';
import type { Raster } from '../raster/index.ts';
import type { BlendAccumulator, ReleasedRows } from './blend-accumulator.ts';
import type { BlendWindows } from './blend-weights.ts';
import { BoundedQueue } from './bounded-queue.ts';
import type { RowSink } from './output-writer.ts';
import { ProgressClock, type TiledProgress } from './progress.ts';
import { readTile, type TileData } from './tile-read.ts';
import type { Tile } from './tile-plan.ts';

/** What the model sees: one Float32Array per tile (C x height x width); returns C_out x outH x outW per tile. */
export type InferFn = (inputs: Float32Array[], ctx: { tiles: Tile[]; signal?: AbortSignal }) => Promise<Float32Array[]>;

export interface StageTimings {
  /** Milliseconds spent in each stage (they overlap; total is wall time). */
  scan: number;
  read: number;
  infer: number;
  blend: number;
  write: number;
  total: number;
}

export interface PipelineInput {
  raster: Raster;
  bands: number[];
  tiles: Tile[] | Iterable<Tile>;
  totalTiles: number;
  /** Tiles known to be empty before reading (decimated scan). */
  knownEmpty: Set<number>;
  nodata: number | null;
  stride: number;
  batch: number;
  /** Tiles read at once within a batch. */
  readConcurrency: number;
  outChannels: number;
  infer: InferFn;
  windows: BlendWindows;
  acc: BlendAccumulator;
  sink: RowSink;
  signal?: AbortSignal;
  progress?: (p: TiledProgress) => void;
  timings: StageTimings;
}

interface ReadBatch {
  entries: TileData[];
}

interface InferredBatch {
  entries: TileData[];
  outputs: (Float32Array | null)[];
}

export function cancelled(): ApiError {
  return new ApiError('E_CANCELLED', 'tiled run cancelled');
}

export async function runPipeline(p: PipelineInput): Promise<{ inferred: number; skipped: number }> {
  const readQ = new BoundedQueue<ReadBatch>(1);
  const blendQ = new BoundedQueue<InferredBatch>(1);
  let failure: unknown = null;
  const fail = (err: unknown) => {
    failure ??= err;
    readQ.fail(failure);
    blendQ.fail(failure);
  };
  const onAbort = () => fail(cancelled());
  p.signal?.addEventListener('abort', onAbort, { once: true });
  const clock = new ProgressClock(p.totalTiles, p.knownEmpty.size);
  let inferred = 0;
  let skipped = 0;
  const checkAbort = () => {
    if (p.signal?.aborted) throw cancelled();
  };

  const reader = async () => {
    let pending: Tile[] = [];
    let toRead = 0;
    const flush = async () => {
      checkAbort();
      const t0 = performance.now();
      const entries = await readAll(p, pending);
      p.timings.read += performance.now() - t0;
      await readQ.push({ entries });
      pending = [];
      toRead = 0;
    };
    for (const tile of p.tiles) {
      pending.push(tile);
      if (!p.knownEmpty.has(tile.index)) toRead++;
      if (toRead >= p.batch) await flush();
    }
    if (pending.length > 0) await flush();
    readQ.close();
  };

  const inferrer = async () => {
    for (let b = await readQ.pop(); b; b = await readQ.pop()) {
      checkAbort();
      const live = b.entries.filter((e) => e.data !== null);
      let outputs: (Float32Array | null)[] = b.entries.map(() => null);
      if (live.length > 0) {
        const t0 = performance.now();
        const res = await p.infer(live.map((e) => e.data!), { tiles: live.map((e) => e.tile), signal: p.signal });
        p.timings.infer += performance.now() - t0;
        checkAbort();
        if (!Array.isArray(res) || res.length !== live.length) {
          throw new ApiError('E_INTERNAL', `the model returned ${Array.isArray(res) ? res.length : 'no'} outputs for a batch of ${live.length} tiles`);
        }
        let k = 0;
        outputs = b.entries.map((e) => (e.data === null ? null : res[k++]));
        // The inputs are no longer needed; drop them before the batch waits in the queue.
        for (const e of live) e.data = null;
      }
      await blendQ.push({ entries: b.entries, outputs });
    }
    blendQ.close();
  };

  const blender = async () => {
    for (let b = await blendQ.pop(); b; b = await blendQ.pop()) {
      checkAbort();
      let batchSkipped = 0;
      for (let k = 0; k < b.entries.length; k++) {
        const { tile, valid } = b.entries[k];
        const out = b.outputs[k];
        // A new row of tiles: every output row above it is final.
        if (tile.col === 0) await write(p, p.acc.release(tile.outY));
        if (!out) {
          batchSkipped++;
          continue;
        }
        const expected = p.outChannels * tile.outWidth * tile.outHeight;
        if (out.length !== expected) {
          throw new ApiError('E_INTERNAL', `the model returned ${out.length} values for tile ${tile.col},${tile.row}; ${p.outChannels} x ${tile.outHeight} x ${tile.outWidth} expected`);
        }
        const t0 = performance.now();
        p.acc.add(out, tile.outX, tile.outY, tile.outWidth, tile.outHeight, p.windows.cols[tile.col], p.windows.rows[tile.row], valid);
        p.timings.blend += performance.now() - t0;
      }
      inferred += b.entries.length - batchSkipped;
      skipped += batchSkipped;
      const prog = clock.add(b.entries.length, batchSkipped);
      p.progress?.(prog);
    }
    await write(p, p.acc.release(Infinity));
  };

  const guard = (fn: () => Promise<void>) => fn().catch((err) => fail(err));
  try {
    await Promise.all([guard(reader), guard(inferrer), guard(blender)]);
  } finally {
    p.signal?.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure;
  checkAbort();
  return { inferred, skipped };
}

async function readAll(p: PipelineInput, tiles: Tile[]): Promise<TileData[]> {
  const out: TileData[] = new Array(tiles.length);
  let next = 0;
  const worker = async () => {
    while (next < tiles.length) {
      const k = next++;
      const tile = tiles[k];
      out[k] = p.knownEmpty.has(tile.index)
        ? { tile, data: null, valid: null }
        : await readTile(p.raster, tile, p.bands, p.nodata, p.stride, p.signal);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(p.readConcurrency, tiles.length)) }, worker));
  return out;
}

async function write(p: PipelineInput, rows: ReleasedRows | null): Promise<void> {
  if (!rows) return;
  const t0 = performance.now();
  await p.sink.writeRows(rows.bands, rows.rows);
  p.timings.write += performance.now() - t0;
}

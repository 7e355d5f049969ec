/**
 * Reads a sampled grid of pixels (one source row/column per output row/column) from one
 * level of a TIFF, decoding each needed block once and copying only the sampled pixels:
 * memory is the output plus a bounded number of blocks, whatever the window size, so a
 * whole-scene overview read of a stripped 10980 px scene stays small.
 */
import { throwIfAborted } from './errors.ts';
import { typeDef } from './data-type.ts';
import type { NumericArray } from './types.ts';
import type { TiffFile } from './tiff-file.ts';
import { loadBlock, type DecodedBlock } from './tiff-block.ts';
import type { BlockCache } from './block-cache.ts';

const CONCURRENCY = 8;

/** Smallest and largest valid source index. */
function span(idx: Int32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (v < 0) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Output indices grouped by the block (column or row of blocks) they fall in. */
function groupByBlock(idx: Int32Array, blockSize: number): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (v < 0) continue;
    const b = Math.floor(v / blockSize);
    let g = groups.get(b);
    if (!g) groups.set(b, (g = []));
    g.push(i);
  }
  return groups;
}

export async function readSampled(
  tf: TiffFile,
  levelIndex: number,
  cols: Int32Array,
  rows: Int32Array,
  samples: number[],
  out: NumericArray[],
  cache: BlockCache<DecodedBlock>,
  signal?: AbortSignal,
): Promise<void> {
  const level = tf.levels[levelIndex];
  const outW = cols.length;
  const colGroups = groupByBlock(cols, level.blockWidth);
  const rowGroups = groupByBlock(rows, level.blockHeight);
  const def = typeDef(tf.dataType);
  const spp = tf.samplesPerPixel;
  const jobs: (() => Promise<void>)[] = [];

  // Blocks the window covers whole are not kept: only a neighbouring window could reuse
  // a block, and only one that sticks out of this window.
  const [c0, c1] = span(cols);
  const [r0, r1] = span(rows);
  const inside = (bx: number, by: number) =>
    bx * level.blockWidth >= c0 && Math.min((bx + 1) * level.blockWidth, level.width) - 1 <= c1
    && by * level.blockHeight >= r0 && Math.min((by + 1) * level.blockHeight, level.height) - 1 <= r1;
  const block = (index: number, bx: number, by: number) =>
    cache.get(`${levelIndex}:${index}`, () => loadBlock(tf, level, index, by), !inside(bx, by));

  for (const [by, outRows] of rowGroups) {
    for (const [bx, outCols] of colGroups) {
      const base = by * level.blocksAcross + bx;
      const colOffsets = outCols.map((i) => cols[i] - bx * level.blockWidth);
      const rowOffsets = outRows.map((j) => rows[j] - by * level.blockHeight);
      if (tf.planar === 1) {
        jobs.push(async () => {
          throwIfAborted(signal, tf.path);
          const b = await block(base, bx, by);
          if (!b.buffer) return;
          const view = def.view(b.buffer);
          copy(view, level.blockWidth * spp, spp, samples, outRows, outCols, rowOffsets, colOffsets, out, outW);
        });
      } else {
        samples.forEach((s, k) => {
          const index = s * level.blocksAcross * level.blocksDown + base;
          jobs.push(async () => {
            throwIfAborted(signal, tf.path);
            const b = await block(index, bx, by);
            if (!b.buffer) return;
            const view = def.view(b.buffer);
            copy(view, level.blockWidth, 1, [0], outRows, outCols, rowOffsets, colOffsets, [out[k]], outW);
          });
        });
      }
    }
  }
  await runLimited(jobs, CONCURRENCY);
  throwIfAborted(signal, tf.path);
}

function copy(
  view: NumericArray,
  rowStride: number,
  pixelStride: number,
  samples: number[],
  outRows: number[],
  outCols: number[],
  rowOffsets: number[],
  colOffsets: number[],
  out: NumericArray[],
  outW: number,
): void {
  for (let k = 0; k < samples.length; k++) {
    const dst = out[k];
    const s = samples[k];
    for (let r = 0; r < outRows.length; r++) {
      const srcRow = rowOffsets[r] * rowStride + s;
      const dstRow = outRows[r] * outW;
      for (let c = 0; c < outCols.length; c++) {
        dst[dstRow + outCols[c]] = view[srcRow + colOffsets[c] * pixelStride];
      }
    }
  }
}

/** Runs async jobs with at most `limit` in flight; the first failure stops new starts. */
export async function runLimited(jobs: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < jobs.length) {
      const job = jobs[next++];
      try {
        await job();
      } catch (err) {
        if (failed === null) failed = err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  if (failed !== null) throw failed;
}

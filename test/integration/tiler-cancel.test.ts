/**
 * Cancel mid-run: the run rejects with E_CANCELLED within the batch in flight (no
 * inference starts after the abort), leaves neither the output nor its temporary file,
 * and ends the writer thread (the process's OS thread count returns to what it was;
 * while the run is going it is higher, so the check can fail). The scene is made from
 * real data (Landsat 7 scaled to 1400 x 1400 by gdal_translate) in a temp folder.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRaster } from '../../main/raster/index.ts';
import { runTiled, type InferFn, type TiledProgress } from '../../main/tiler/index.ts';
import { dataPath, gdalTranslate } from '../helpers/gdal.ts';
import { boxFilter, identity } from './tiler-filters.ts';

let tmp = '';
let scene = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-tiler-cancel-'));
  scene = join(tmp, 'scene.tif');
  gdalTranslate(['-outsize', '1400', '1400', '-r', 'nearest', '-co', 'TILED=YES', dataPath('samples/L7_ETMs.tif'), scene]);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function osThreads(): number {
  return Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
}

const leftovers = () => readdirSync(tmp).filter((n) => n !== 'scene.tif');

async function cancelledRun(writerThread: boolean, abortAtDone: number) {
  const raster = await openRaster([scene]);
  const ac = new AbortController();
  let abortedAt = 0;
  let inferStartsAfterAbort = 0;
  let progressAfterAbort = 0;
  let threadsDuring = 0;
  const infer: InferFn = (inputs, ctx) => {
    if (ac.signal.aborted) inferStartsAfterAbort++;
    return boxFilter(2)(inputs, ctx);
  };
  const progress = (p: TiledProgress) => {
    if (ac.signal.aborted) progressAfterAbort++;
    threadsDuring = Math.max(threadsDuring, osThreads());
    if (p.done >= abortAtDone && !ac.signal.aborted) {
      abortedAt = performance.now();
      ac.abort();
    }
  };
  try {
    const err = await runTiled({ raster, tile: 128, overlap: 32, batch: 4, infer, progress, outChannels: 6, outDataType: 'Float32', outPath: join(tmp, 'out.tif'), signal: ac.signal, writerThread }).then(
      () => null,
      (e: Error & { code?: string }) => e,
    );
    return { err, stopMs: performance.now() - abortedAt, inferStartsAfterAbort, progressAfterAbort, threadsDuring };
  } finally {
    await raster.close();
  }
}

describe('cancel', () => {
  let baseline = 0;

  before(async () => {
    // A complete small run first, so zlib's thread pool and the like exist before counting.
    const raster = await openRaster([dataPath('samples/L7_ETMs.tif')]);
    await runTiled({ raster, tile: 128, infer: identity, outChannels: 6, outDataType: 'Byte', outPath: join(tmp, 'warm.tif'), writerThread: true });
    await raster.close();
    rmSync(join(tmp, 'warm.tif'));
    baseline = osThreads();
  });

  test('mid-run with the writer thread: no file, no temp file, no thread left', async () => {
    const r = await cancelledRun(true, 8);
    assert.equal(r.err?.constructor.name, 'ApiError');
    assert.equal((r.err as { code?: string }).code, 'E_CANCELLED');
    assert.equal(r.inferStartsAfterAbort, 0, 'no batch is inferred after the abort');
    assert.equal(r.progressAfterAbort, 0);
    assert.ok(r.threadsDuring > baseline, `a writer thread ran (${r.threadsDuring} threads vs ${baseline})`);
    assert.deepEqual(leftovers(), []);
    assert.equal(osThreads(), baseline, 'the writer thread is gone');
    console.log(`cancel: stopped ${r.stopMs.toFixed(0)} ms after the abort`);
  });

  test('mid-run with the writer on the main thread: no file, no temp file', async () => {
    const r = await cancelledRun(false, 12);
    assert.equal((r.err as { code?: string }).code, 'E_CANCELLED');
    assert.equal(r.inferStartsAfterAbort, 0);
    assert.deepEqual(leftovers(), []);
    assert.equal(osThreads(), baseline);
  });

  test('a model that fails mid-run: its error surfaces, no file, no thread left', async () => {
    const raster = await openRaster([scene]);
    try {
      let calls = 0;
      const failing: InferFn = async (inputs, ctx) => {
        if (++calls === 3) throw new Error('model blew up on batch 3');
        return identity(inputs, ctx);
      };
      await assert.rejects(
        runTiled({ raster, tile: 128, overlap: 32, batch: 4, infer: failing, outChannels: 6, outDataType: 'Byte', outPath: join(tmp, 'out.tif'), writerThread: true }),
        /model blew up on batch 3/,
      );
      assert.equal(calls, 3);
      assert.deepEqual(leftovers(), []);
      assert.equal(osThreads(), baseline);
    } finally {
      await raster.close();
    }
  });

  test('a model returning the wrong shape is named in the error', async () => {
    const raster = await openRaster([scene]);
    try {
      await assert.rejects(
        runTiled({ raster, tile: 128, infer: async (x) => x.map((t) => t.subarray(0, 10)), outChannels: 6, outPath: join(tmp, 'out.tif') }),
        (e: Error & { code?: string }) => e.code === 'E_INTERNAL' && /returned 10 values for tile 0,0; 6 x 128 x 128 expected/.test(e.message),
      );
      assert.deepEqual(leftovers(), []);
    } finally {
      await raster.close();
    }
  });

  test('already aborted: refused before any work', async () => {
    const raster = await openRaster([scene]);
    try {
      let calls = 0;
      await assert.rejects(
        runTiled({ raster, tile: 128, infer: async (x) => (calls++, x), outChannels: 6, outPath: join(tmp, 'out.tif'), signal: AbortSignal.abort() }),
        (e: Error & { code?: string }) => e.code === 'E_CANCELLED',
      );
      assert.equal(calls, 0);
      assert.deepEqual(leftovers(), []);
    } finally {
      await raster.close();
    }
  });
});

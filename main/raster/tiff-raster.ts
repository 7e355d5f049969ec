/** A GeoTIFF / COG opened as a Raster. */
import type { RasterInfo } from '../api.ts';
import type { NumericArray, Raster, ReadOptions, Window } from './types.ts';
import { openTiff, type TiffFile } from './tiff-file.ts';
import { tiffInfo } from './tiff-info.ts';
import { readSampled } from './tiff-read.ts';
import { BlockCache } from './block-cache.ts';
import { bytesPerSample } from './data-type.ts';
import type { DecodedBlock } from './tiff-block.ts';
import { readWindowFrom, type IndexedSource } from './indexed-source.ts';
import { readCategoryNames } from './category-names.ts';

/** Decoded-block cache per file; band sets split it between their files. */
export const CACHE_BYTES = 64 * 1024 * 1024;
/** The most a file's cache grows to hold one row of blocks (see rowCacheBytes). */
export const MAX_ROW_CACHE_BYTES = 1024 * 1024 * 1024;

/**
 * A cache that holds at least one full row of blocks (x 1.25) of the full-resolution level.
 * The tiler reads tiles row by row across the whole width, and tile rows are shorter than
 * a block (64 px tiles in 512 px blocks): with a cache smaller than a block row every block
 * was decoded again for each tile row crossing it (README, Benchmarks: block cache).
 * Memory follows the raster's width, never its height.
 */
export function rowCacheBytes(tf: TiffFile, base: number): number {
  const l = tf.levels[0];
  const bytes = bytesPerSample(tf.dataType);
  const row = l.blocksAcross * l.blockWidth * l.blockHeight * bytes * tf.samplesPerPixel;
  return Math.max(base, Math.min(MAX_ROW_CACHE_BYTES, Math.ceil(row * 1.25)));
}

export class TiffRaster implements Raster, IndexedSource {
  readonly levelSizes: [number, number][];
  private readonly cache: BlockCache<DecodedBlock>;

  private constructor(readonly tiff: TiffFile, readonly info: RasterInfo, cacheBytes: number) {
    this.levelSizes = tiff.levels.map((l) => [l.width, l.height]);
    this.cache = new BlockCache<DecodedBlock>(cacheBytes);
  }

  static async open(path: string, size: number, cacheBytes = CACHE_BYTES): Promise<TiffRaster> {
    const tf = await openTiff(path, size);
    try {
      const info = tiffInfo(tf, path);
      // Class names live in the PAM sidecar, where GDAL reads them for any GeoTIFF.
      const names = await readCategoryNames(path);
      return new TiffRaster(tf, { ...info, categoryNames: names.length ? names : null }, rowCacheBytes(tf, cacheBytes));
    } catch (err) {
      await tf.fh.close();
      throw err;
    }
  }

  get warnings(): readonly string[] {
    return this.tiff.warnings;
  }

  readWindow(win: Window, opts?: ReadOptions): Promise<NumericArray[]> {
    return readWindowFrom(this, win, opts);
  }

  readIndexed(level: number, cols: Int32Array, rows: Int32Array, samples: number[], out: NumericArray[], signal?: AbortSignal): Promise<void> {
    return readSampled(this.tiff, level, cols, rows, samples, out, this.cache, signal);
  }

  async close(): Promise<void> {
    this.cache.clear();
    await this.tiff.fh.close();
  }
}

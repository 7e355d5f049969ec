/**
 * The raster reading contract shared by every reader in main/raster (GeoTIFF, band
 * folders, PNG/JPEG). Other modules (tasks, host, CLI) code against these types only.
 */
import type { RasterInfo } from '../api.ts';

export type NumericArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** A pixel window on the full-resolution grid. */
export interface Window {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ReadOptions {
  /** 1-based band numbers; default all bands in order. */
  bands?: number[];
  /** Output size; when smaller than the window the best overview level is read (nearest neighbour). */
  outWidth?: number;
  outHeight?: number;
  signal?: AbortSignal;
}

export interface Raster {
  readonly info: RasterInfo;
  /**
   * One array per requested band, outWidth x outHeight (default the window size), row-major.
   * Pixels of the window that fall outside the raster are filled with the nodata value (0 when none).
   */
  readWindow(win: Window, opts?: ReadOptions): Promise<NumericArray[]>;
  close(): Promise<void>;
  /** What the reader read past or left out (a directory loop, a broken overview), one line each naming the file. */
  readonly warnings?: readonly string[];
}

export interface ProgressContext {
  signal?: AbortSignal;
  progress?: (stage: string, done: number, total: number) => void;
}

/**
 * The options every model task takes, encoder tasks (encoder/encoder-run.ts) and head tasks
 * (heads/head-setup.ts) alike: the CLI's run flags. `gsd` and `mask`: prepare-input.ts.
 */
import type { ModalityId } from '../model/index.ts';
import type { TiledProgress } from '../tiler/index.ts';
import type { InputOptions } from './prepare-input.ts';

export interface RunOptions extends InputOptions {
  out: string;
  /** What the input is when its band names do not say (a head's must be its own). */
  modality?: ModalityId;
  /** 1-based raster bands in the model's band order (default: found by name). */
  bands?: number[];
  /** Provider list as the user wrote it ("cpu", "cuda,cpu"); default the engine's order. */
  providers?: string;
  tile?: number;
  overlap?: number;
  batch?: number;
  progress?: (p: TiledProgress) => void;
  signal?: AbortSignal;
}

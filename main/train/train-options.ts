/**
 * The options of a training (`skysense train`, train.start, job.train): one interface that
 * the per-location trainer (train-head.ts) and the detect trainer (train-detect.ts) both read,
 * kept apart so that neither imports the other for it.
 */
import type { TileView } from '../encoder/index.ts';
import type { ModalityId } from '../model/index.ts';
import type { TiledProgress } from '../tiler/index.ts';
import type { TrainSeries } from './feature-cache.ts';
import type { HeadType } from './head-weights.ts';
import type { SceneTask } from './scenes.ts';
import type { SplitOptions } from './split.ts';
import type { EpochProgress, LossKind } from './train-loop.ts';

export interface TrainTaskOptions extends SplitOptions {
  /** segment (default): one raster per scene; change: two dates (t1, t2) on one grid; classify: one answer per grid cell; detect: boxes (train-detect.ts). */
  task?: SceneTask;
  /** detect: oriented boxes (a fifth box channel, the angle). */
  oriented?: boolean;
  /** detect: the encoder tap the head reads (default the finest). */
  tap?: string;
  /** segment on one raster: several encoder taps (or ["all"]), read at the finest one's grid (tap-features.ts). */
  taps?: string[];
  /** classify: the cell size in input pixels (default the encoder's tile size); one encoder tile per cell. */
  grid?: number;
  /** classify: a sigmoid per class (a cell may hold several), trained with binary cross-entropy. */
  multiLabel?: boolean;
  /** Multi-label from a label raster: a class counts in a cell from this share of its labelled pixels (default 0.05). */
  minFraction?: number;
  model: string;
  /** A dataset spec (dataset-spec.ts): its classes and samples; or one scene from `inputs` and `labels`. */
  dataset?: string;
  inputs?: string[];
  /** change: date b (after), on date a's (`inputs`) grid. */
  inputsB?: string[];
  /** segment: a series fused by the model's fusion module, instead of `inputs`. */
  series?: TrainSeries;
  labels?: string;
  /** The classes, in output order (with `dataset`: the spec's). */
  classes?: string[];
  /** Label raster value -> class name (values not listed are unlabelled); default value i = class i. */
  labelValues?: Record<string, string>;
  /** The class property of GeoJSON labels (default "class"). */
  classField?: string;
  /** The feature table of GeoPackage labels (default: the first). */
  labelsLayer?: string;
  modality?: ModalityId;
  out: string;
  headType?: HeadType;
  /** ce (default): class-weighted cross-entropy; focal: class-weighted focal loss. */
  loss?: LossKind;
  /** The focal loss's gamma (default 2). */
  focalGamma?: number;
  /** Continue from the checkpoint a crashed or cancelled run of this head left (checkpoint.ts). */
  resume?: boolean;
  hidden?: number;
  epochs?: number;
  batch?: number;
  /** Where features are cached. */
  cacheDir: string;
  name?: string;
  title?: string;
  /** Augmentation: the training cells' features again from each view of their tiles (flipped, turned); validation never. */
  augment?: TileView[];
  /** The classes' colours (#rrggbb, in class order) for the head's legend; default a palette. */
  classColors?: string[];
  /** Licence of the labels, recorded in the head (default: "not stated"). */
  labelsLicence?: string;
  providers?: string;
  signal?: AbortSignal;
  /** Feature extraction progress (tiles). */
  progress?: (p: TiledProgress) => void;
  onEpoch?: (p: EpochProgress) => void;
}

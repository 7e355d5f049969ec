/**
 * The contract between the UI (renderer, CLI, tests) and the engine in main/.
 *
 * Every request, reply, progress event and error is a zod schema; the TypeScript
 * types are inferred from them. Both transports (Electron IPC in main/electron/,
 * WebSocket in main/host/) validate every request against `commands[name].request`
 * before the engine sees it. The renderer imports types (and only types) from here.
 *
 * Shape follows VS Code's IPC channels: a command takes one argument, returns one
 * reply, may stream progress events and may be cancelled.
 */
import { z } from 'zod';

// ---------------------------------------------------------------- raster metadata

export const DataType = z.enum(['Byte', 'Int8', 'UInt16', 'Int16', 'UInt32', 'Int32', 'Float32', 'Float64']);
export type DataType = z.infer<typeof DataType>;

export const Crs = z.object({
  /** EPSG code when the CRS is (or is equivalent to) a registered one, else null. */
  epsg: z.number().int().nullable(),
  /** Human name, e.g. "SIRGAS 2000 / UTM zone 25S". */
  name: z.string(),
  /** OGC WKT (WKT1 where resolved from the EPSG index, or the file's own WKT). */
  wkt: z.string(),
  /** proj4 definition used for every coordinate transform. */
  proj4: z.string(),
  /** Linear or angular unit of the axes. */
  units: z.enum(['m', 'degree', 'ft', 'us-ft', 'other']),
});
export type Crs = z.infer<typeof Crs>;

export const XY = z.tuple([z.number(), z.number()]);
export type XY = z.infer<typeof XY>;

/** GDAL's six numbers: [originX, pixelWidth, rotX, originY, rotY, pixelHeight]. */
export const GeoTransform = z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]);
export type GeoTransform = z.infer<typeof GeoTransform>;

export const Corners = z.object({
  upperLeft: XY,
  lowerLeft: XY,
  upperRight: XY,
  lowerRight: XY,
  center: XY,
});
export type Corners = z.infer<typeof Corners>;

export const Overview = z.object({ width: z.number().int(), height: z.number().int() });

export const RasterFormat = z.enum(['GTiff', 'COG', 'PNG', 'JPEG', 'BandFolder']);

export const RasterInfo = z.object({
  /** The path the user opened (a file, or a folder / first file of a band set). */
  path: z.string(),
  /** Every file that contributes bands, in band order. */
  files: z.array(z.string()),
  format: RasterFormat,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bandCount: z.number().int().positive(),
  dataType: DataType,
  /** Band descriptions where the file has them, else "Band 1".. (GDAL's convention). */
  bandNames: z.array(z.string()),
  /**
   * One nodata value for all bands (GeoTIFF's GDAL_NODATA is per dataset), or null.
   * May be NaN (Float rasters); JSON transports carry it as the string "NaN" (see wire).
   */
  nodata: z.union([z.number(), z.nan()]).nullable(),
  georeferenced: z.boolean(),
  crs: Crs.nullable(),
  geoTransform: GeoTransform,
  /** Corner coordinates in the layer CRS (pixel space when not georeferenced). */
  corners: Corners,
  overviews: z.array(Overview),
  tiled: z.boolean(),
  blockSize: XY,
  compression: z.string().nullable(),
  // -- reviewing results: what a class raster says about its classes, as GDAL reads them.
  /** Band 1's colour table (TIFF ColorMap of a palette image), [r, g, b, a] 0..255 per value; null when none. */
  colorTable: z.array(z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int()])).nullable(),
  /** Band 1's category names (CategoryNames of `<file>.aux.xml`), index = value, '' unnamed; null when none. */
  categoryNames: z.array(z.string()).nullable(),
});
export type RasterInfo = z.infer<typeof RasterInfo>;

// ---------------------------------------------------------------- layers

export const LayerId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const Layer = z.object({
  id: LayerId,
  name: z.string(),
  info: RasterInfo,
  /**
   * Where the renderer reads pixels: a GeoTIFF (the original when it is tiled with
   * overviews, else a cached COG built on open) served with HTTP range semantics,
   * relative to the transport's data base URL. Null for PNG/JPEG, which use `imageUrl`.
   */
  cogPath: z.string().nullable(),
  /** Whole-image URL (PNG/JPEG in pixel space), relative to the data base URL. */
  imageUrl: z.string().nullable(),
  /** Extent in EPSG:3857 [minX, minY, maxX, maxY], or pixel extent when not georeferenced. */
  extent3857: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
  /** True when the displayed COG was built into the cache on open. */
  cached: z.boolean(),
});
export type Layer = z.infer<typeof Layer>;

export const BandStats = z.object({
  band: z.number().int().min(1),
  min: z.number(),
  max: z.number(),
  p2: z.number(),
  p98: z.number(),
  mean: z.number(),
  validCount: z.number().int(),
});
export type BandStats = z.infer<typeof BandStats>;

export const PixelReply = z.object({
  inside: z.boolean(),
  col: z.number().int(),
  row: z.number().int(),
  /** One value per band; null where the pixel is nodata (or outside). */
  values: z.array(z.number().nullable()),
  bandNames: z.array(z.string()),
  /** The queried coordinate in the map CRS (EPSG:3857) and in the layer CRS. */
  mapCoordinate: XY,
  layerCoordinate: XY,
  layerCrsName: z.string(),
});
export type PixelReply = z.infer<typeof PixelReply>;

export const DirEntry = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['file', 'dir']),
  size: z.number().int().nonnegative(),
});

// ---------------------------------------------------------------- engine (ONNX Runtime)

/**
 * The execution providers SkySense knows. Mirrors PROVIDER_NAMES of main/model/providers.ts
 * (this file imports no engine code); the engine.status handler's return type keeps them in step.
 */
export const ProviderName = z.enum(['cuda', 'webgpu', 'dml', 'coreml', 'cpu']);
export type ProviderName = z.infer<typeof ProviderName>;

/**
 * Where a provider stands with the default order: `in-use` (the one models run on),
 * `standby` (starts; tried when the one in use cannot start a model), `skipped` (starts but
 * the default order leaves it out, e.g. webgpu on a software adapter), `fails` (installed,
 * but a probe session does not start) or `unavailable` (not on this platform or not installed).
 */
export const ProviderState = z.enum(['in-use', 'standby', 'skipped', 'fails', 'unavailable']);
export type ProviderState = z.infer<typeof ProviderState>;

export const ProviderStatus = z.object({
  name: ProviderName,
  /** For people: "CUDA", "WebGPU", "DirectML"... */
  label: z.string(),
  // The next six are what `skysense models --json` prints (main/model/provider-report.ts).
  available: z.boolean(),
  starts: z.boolean().optional(),
  reason: z.string().optional(),
  adapter: z.object({ kind: z.enum(['hardware', 'software', 'unknown']), detail: z.string() }).optional(),
  fp16Compute: z.boolean().optional(),
  inDefaultOrder: z.boolean(),
  probeMs: z.number().optional(),
  state: ProviderState,
  /** One line in plain words: the state and what to do about it. */
  summary: z.string(),
});
export type ProviderStatus = z.infer<typeof ProviderStatus>;

export const InstalledModel = z.object({
  name: z.string(),
  title: z.string().nullable(),
  kind: z.enum(['encoder', 'head']).nullable(),
  config: z.string().nullable(),
  /** The manifest's provenance.weights ("pretrained", "converted", "random-init"...); null when unreadable. */
  weights: z.string().nullable(),
  dir: z.string(),
  source: z.enum(['app', 'user', 'dir']),
  modules: z.array(z.object({ name: z.string(), role: z.string(), modality: z.string() })),
  bytes: z.number().int().nonnegative(),
  /** Each names the file it is about; a model with problems is listed, not hidden. */
  problems: z.array(z.string()),
  /** The manifest's licence (code, weights); null when the manifest is unreadable. */
  licence: z.object({ code: z.string(), weights: z.string() }).nullable(),
  /** Heads: the task, classes, the encoder they read and their training (null for encoders and unreadable heads). */
  head: z
    .object({
      task: z.string(),
      classes: z.array(z.object({ value: z.number().int(), name: z.string(), color: z.string() })),
      encoder: z.object({ name: z.string(), modality: z.string() }),
      trainedOn: z.string(),
      trainingLicence: z.string(),
      metrics: z.record(z.string(), z.number()).nullable(),
    })
    .nullable(),
  /** A head shipped inside a model folder (<model>/heads/<name>): that model folder; else null. */
  within: z.string().nullable(),
});
export type InstalledModel = z.infer<typeof InstalledModel>;

export const EngineStatus = z.object({
  /** onnxruntime-node's version. */
  onnxruntime: z.string(),
  /** "linux/x64" */
  platform: z.string(),
  /** Every provider, in default-order position. */
  providers: z.array(ProviderStatus),
  /** What the default order runs models on; null when no provider starts at all. */
  provider: ProviderName.nullable(),
  /** Set when a GPU is there but not used (a GPU provider fails, or only a software adapter): one sentence. */
  warning: z.string().nullable(),
  models: z.array(InstalledModel),
  /** The folders models were looked for in (the user folder is normally absent until a model is added). */
  searched: z.array(z.object({ dir: z.string(), source: z.enum(['app', 'user', 'dir']), exists: z.boolean() })),
});
export type EngineStatus = z.infer<typeof EngineStatus>;

// ---------------------------------------------------------------- errors

export const ErrorCode = z.enum([
  'E_BAD_REQUEST', // the request did not match its schema
  'E_NOT_FOUND', // a file, folder or layer does not exist
  'E_EMPTY', // zero-size file
  'E_NOT_RASTER', // not a format we read (e.g. a text file renamed .tif)
  'E_TRUNCATED', // the file ends before the data its header declares
  'E_CORRUPT', // header readable but inconsistent
  'E_CRS_UNKNOWN', // a CRS code we cannot resolve offline
  'E_TOO_LARGE', // declared size impossible or beyond limits
  'E_UNSUPPORTED', // valid file, feature we do not handle (named)
  'E_BAND_MISMATCH', // band files of one scene that do not fit together
  'E_IO', // the disk refused a write (full, read-only, quota): the output is not written
  'E_CANCELLED',
  'E_INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiErrorShape = z.object({
  code: ErrorCode,
  /** One line for a person: names the file and the problem. */
  message: z.string(),
  file: z.string().optional(),
});
export type ApiErrorShape = z.infer<typeof ApiErrorShape>;

/** Thrown by the engine; transports turn it into ApiErrorShape and back. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  constructor(code: ErrorCode, message: string, file?: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.file = file;
  }
  toJSON(): ApiErrorShape {
    return { code: this.code, message: this.message, ...(this.file ? { file: this.file } : {}) };
  }
}

// ---------------------------------------------------------------- progress

export const Progress = z.object({
  /** Which call this progress belongs to (the transport's call id). */
  callId: z.string(),
  stage: z.string(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative(),
  message: z.string().optional(),
});
export type Progress = z.infer<typeof Progress>;

// ---------------------------------------------------------------- head training

/** Training augmentation: the training cells' features again from each view of their tiles (mirrored left-right, top-bottom, a quarter turn). */
export const TrainAugment = z.array(z.enum(['hflip', 'vflip', 'rot90'])).min(1).max(3);

/** What `train.start` takes: the options of `skysense train`. */
export const TrainRequest = z
  .object({
    task: z.enum(['segment', 'change', 'classify', 'detect']),
    /** detect: oriented boxes (a fifth box channel, the angle); tap: the encoder output the head reads (default the finest). */
    oriented: z.boolean().optional(),
    tap: z.string().min(1).optional(),
    /** classify: the cell size in input pixels (default the encoder's tile). */
    grid: z.number().int().min(1).max(65536).optional(),
    /** classify: a sigmoid per class, a cell may hold several; minFraction: a label raster's class counts in a cell from this share. */
    multiLabel: z.boolean().optional(),
    minFraction: z.number().gt(0).max(1).optional(),
    /** The encoder's model folder. */
    model: z.string().min(1),
    /** A dataset spec (several scenes); or one scene from `inputs` and `labels`. */
    dataset: z.string().min(1).optional(),
    inputs: z.array(z.string().min(1)).min(1).optional(),
    /** change: date b (after); `inputs` is date a. */
    inputsB: z.array(z.string().min(1)).min(1).optional(),
    /** segment: a series fused by the model's fusion module (one raster per date), instead of `inputs`. */
    series: z
      .object({
        s2: z.array(z.string().min(1)).min(1).optional(),
        s1: z.array(z.string().min(1)).min(1).optional(),
        dates: z.array(z.string().min(1)).optional(),
        s1Dates: z.array(z.string().min(1)).optional(),
        /** An HR (aerial) raster of the same ground, fused with the series (labels count under it only). */
        hr: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    labels: z.string().min(1).optional(),
    classes: z.array(z.string().min(1)).min(2).optional(),
    /** Label value -> class name (label raster values, or the class property of GeoJSON labels). */
    labelValues: z.record(z.string(), z.string()).optional(),
    /** The class property of GeoJSON labels (default "class"). */
    classField: z.string().min(1).optional(),
    /** The feature table of GeoPackage labels (default: the first). */
    labelsLayer: z.string().min(1).optional(),
    /** The head folder to write. */
    out: z.string().min(1),
    headType: z.enum(['linear', 'mlp']).optional(),
    /** ce (default): class-weighted cross-entropy; focal: class-weighted focal loss. */
    loss: z.enum(['ce', 'focal']).optional(),
    /** The focal loss's gamma (default 2). */
    focalGamma: z.number().min(0).max(100).optional(),
    /** Continue from the checkpoint a crashed or cancelled run of this head left. */
    resume: z.boolean().optional(),
    augment: TrainAugment.optional(),
    /** segment on one raster: several encoder taps, or ["all"] (read at the finest one's grid). */
    taps: z.array(z.string().min(1)).min(1).max(16).optional(),
    hidden: z.number().int().min(1).max(4096).optional(),
    epochs: z.number().int().min(1).max(100000).optional(),
    seed: z.number().int().min(0).optional(),
    modality: z.enum(['hr', 's2', 's1']).optional(),
  })
  .strict();
export type TrainRequest = z.infer<typeof TrainRequest>;

export const ClassMetrics = z.object({ precision: z.number(), recall: z.number(), f1: z.number(), iou: z.number(), support: z.number() });

/** The metrics of `skysense eval --json`, and of a training run on its validation cells. */
export const HeadMetrics = z.object({
  overallAccuracy: z.number(),
  macroF1: z.number(),
  meanIoU: z.number(),
  kappa: z.number(),
  perClass: z.record(z.string(), ClassMetrics),
  /** confusion[label][prediction]. */
  confusion: z.array(z.array(z.number())),
});
export type HeadMetrics = z.infer<typeof HeadMetrics>;

export const TrainReply = z.object({
  /** The head folder written (engine.status lists it where it lies in a model search folder). */
  head: z.string(),
  samples: z.object({ train: z.number(), val: z.number() }),
  epochs: z.object({ run: z.number(), best: z.number(), seconds: z.number() }),
  features: z.object({ cached: z.boolean(), seconds: z.number() }),
  validation: HeadMetrics,
  /** detect heads: mAP50 on the validation blocks' boxes (the score metrics are in validation). */
  mAP50: z.number().optional(),
});
export type TrainReply = z.infer<typeof TrainReply>;

// ---------------------------------------------------------------- engine jobs

/** The tasks of `skysense run`, as `job.start` names them. */
export const JobTask = z.enum(['embed', 'cluster', 'similar', 'segment', 'change', 'classify', 'detect']);
export type JobTask = z.infer<typeof JobTask>;

const FilePath = z.string().min(1);
/** One raster: a file, a band folder, or the single-band files of one scene. */
const SceneFiles = z.array(FilePath).min(1);
const Whole = z.number().int().nonnegative();
const Fraction = z.number().min(0).max(1);

/** A series to fuse: one raster (file or band folder) per date; dates ISO, one per raster. */
export const JobSeries = z
  .object({
    s2: z.array(FilePath).min(1).optional(),
    s1: z.array(FilePath).min(1).optional(),
    /** An HR (aerial) raster of the same ground, in the series' CRS. */
    hr: FilePath.optional(),
    dates: z.array(z.string().min(1)).min(1).optional(),
    s1Dates: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();
export type JobSeries = z.infer<typeof JobSeries>;

/**
 * Inputs by role: `input` (one raster), `before` + `after` (change), `series` (a fused
 * series for embed, cluster, similar and fused segment / classify heads), `seriesA` +
 * `seriesB` (change with a fused head). `resample: nearest` reads other dates onto the
 * first input's grid.
 */
export const JobInputs = z
  .object({
    input: SceneFiles.optional(),
    before: SceneFiles.optional(),
    after: SceneFiles.optional(),
    series: JobSeries.optional(),
    seriesA: JobSeries.optional(),
    seriesB: JobSeries.optional(),
    resample: z.enum(['none', 'nearest']).optional(),
  })
  .strict();

/**
 * The similar task's query: a point in the raster's CRS, a lon/lat, a polygon GeoJSON file,
 * or one polygon ring in the raster's CRS (drawn on the map; no file to write).
 */
export const JobQuery = z.union([
  z.object({ xy: XY }).strict(),
  z.object({ lonLat: XY }).strict(),
  z.object({ polygon: FilePath }).strict(),
  z.object({ ring: z.array(XY).min(3).max(10000) }).strict(),
]);

/** Task options and run settings: the flags of `skysense run`, by the same names. */
export const JobOptions = z
  .object({
    k: Whole.optional(),
    seed: Whole.optional(),
    query: JobQuery.optional(),
    grid: Whole.optional(),
    outputGrid: z.enum(['input', 'model']).optional(),
    probabilities: z.boolean().optional(),
    /** Also write polygons of the class raster (.gpkg, .geojson or .json). */
    vectors: FilePath.optional(),
    threshold: Fraction.optional(),
    iou: Fraction.optional(),
    smallSegment: Whole.optional(),
    dtype: z.enum(['float32', 'float16']).optional(),
    gsd: z.enum(['model', 'native']).optional(),
    modality: z.enum(['s2', 's1', 'hr']).optional(),
    bands: z.array(Whole).min(1).optional(),
    /** Execution providers to try in order (default: the default order). */
    providers: z.array(z.string().min(1)).min(1).optional(),
    tile: Whole.optional(),
    overlap: Whole.optional(),
    batch: Whole.optional(),
    shard: z.string().regex(/^\d+\/\d+$/).optional(),
    threads: z.number().int().min(1).optional(),
    fp16: z.boolean().optional(),
  })
  .strict();
export type JobOptions = z.infer<typeof JobOptions>;

const HEAD_TASKS: readonly JobTask[] = ['segment', 'change', 'classify', 'detect'];
const SERIES_TASKS: readonly JobTask[] = ['embed', 'cluster', 'similar', 'segment', 'classify'];
/** Options that apply to some tasks only, and which. */
const OPTION_TASKS: [keyof JobOptions, readonly JobTask[]][] = [
  ['k', ['cluster']], ['seed', ['cluster']], ['query', ['similar']], ['dtype', ['embed']], ['grid', ['classify']],
  ['iou', ['detect']], ['vectors', ['segment', 'change']], ['threshold', HEAD_TASKS], ['outputGrid', HEAD_TASKS], ['probabilities', HEAD_TASKS],
];

/**
 * What `job.start` takes, and what `skysense run` parses its flags into: both run a task
 * through the same code (main/jobs). The checks here are the ones that need no file.
 */
export const JobRequest = z
  .object({
    task: JobTask,
    /** Model folder, or a Deepness .onnx model. */
    model: FilePath.optional(),
    /** Head folder (segment, change, classify, detect). */
    head: FilePath.optional(),
    inputs: JobInputs,
    /** One-band raster on the input's grid marking invalid pixels (any non-zero, `values`, or above `threshold`). */
    mask: z.object({ path: FilePath, values: z.array(z.number()).min(1).optional(), threshold: z.number().optional() }).strict().optional(),
    options: JobOptions.optional(),
    /** The output file (.tif; .gpkg / .geojson for detect), written under a temporary name and renamed when whole. */
    out: FilePath,
  })
  .strict()
  .superRefine((r, ctx) => {
    const bad = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const o = r.options ?? {};
    const headTask = HEAD_TASKS.includes(r.task);
    const deepness = !!r.model && /\.onnx$/i.test(r.model) && !r.head;
    if (headTask && !r.head && !deepness) bad(['head'], `${r.task} needs a head folder (or a Deepness .onnx model as model)`);
    if (!headTask && !r.model) bad(['model'], `${r.task} needs a model folder`);
    if (!headTask && r.head) bad(['head'], `${r.task} takes no head`);
    if (deepness && r.task !== 'segment' && r.task !== 'detect') bad(['model'], `Deepness models run as segment (Segmentor, Regressor) or detect (Detector), not ${r.task}`);
    const given = (Object.keys(r.inputs) as (keyof typeof r.inputs)[]).filter((k) => k !== 'resample' && r.inputs[k] !== undefined);
    if (r.task === 'change') {
      const pair = !!r.inputs.before && !!r.inputs.after;
      const series = !!r.inputs.seriesA && !!r.inputs.seriesB;
      if (pair === series) bad(['inputs'], 'change needs inputs.before and inputs.after (two rasters), or inputs.seriesA and inputs.seriesB (two series), and not both');
      for (const k of given) if (!['before', 'after', 'seriesA', 'seriesB'].includes(k)) bad(['inputs', k], `${k} does not apply to change (before and after, or seriesA and seriesB)`);
    } else {
      for (const k of given) if (k !== 'input' && !(k === 'series' && SERIES_TASKS.includes(r.task))) bad(['inputs', k], `${k} does not apply to ${r.task}`);
      if (!!r.inputs.input === !!r.inputs.series) bad(['inputs'], `${r.task} needs inputs.input (one raster)${SERIES_TASKS.includes(r.task) ? ' or inputs.series (a series to fuse), not both' : ''}`);
    }
    for (const k of ['series', 'seriesA', 'seriesB'] as const) {
      const s = r.inputs[k];
      if (s && !s.s2 && !s.s1) bad(['inputs', k], 'a series needs s2 and/or s1 rasters');
    }
    for (const [key, tasks] of OPTION_TASKS) if (o[key] !== undefined && !tasks.includes(r.task)) bad(['options', key], `${key} does not apply to ${r.task}`);
    if (r.task === 'cluster' && o.k === undefined) bad(['options', 'k'], 'cluster needs k (the number of clusters)');
    if (r.task === 'cluster' && o.shard) bad(['options', 'shard'], 'shard does not apply to cluster: the clusters are fitted over the whole raster');
    if (r.task === 'similar' && !o.query) bad(['options', 'query'], 'similar needs a query: xy (raster CRS), lonLat or polygon');
    if (o.smallSegment !== undefined && !(r.task === 'segment' && deepness)) bad(['options', 'smallSegment'], 'smallSegment applies to segment with a Deepness model');
    if (o.vectors && !/\.(geojson|json|gpkg)$/i.test(o.vectors)) bad(['options', 'vectors'], `${o.vectors}: must end in .gpkg, .geojson or .json`);
    if (r.mask?.values && r.mask.threshold !== undefined) bad(['mask'], 'give values or threshold, not both');
  });
export type JobRequest = z.infer<typeof JobRequest>;

export const JobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const JobStatus = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export type JobStatus = z.infer<typeof JobStatus>;

/** Where a running job is: tiles done of the total in the current stage, and the ETA at the rate so far. */
export const JobProgress = z.object({
  /** The pass of a task with several (e.g. "HR features"); null for the main one. */
  stage: z.string().nullable(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative(),
  elapsedS: z.number().nonnegative(),
  etaS: z.number().nullable(),
});
export type JobProgress = z.infer<typeof JobProgress>;

/** One epoch of a training job's curve. */
export const EpochPoint = z.object({
  epoch: z.number().int().min(1),
  loss: z.number(),
  /** Validation macro F1 after the epoch, and the best so far. */
  valMacroF1: z.number(),
  best: z.number(),
});
export type EpochPoint = z.infer<typeof EpochPoint>;

/** A train job's own state beside its progress: the curve as it grows, then the result. */
export const JobTraining = z.object({
  classes: z.array(z.string()),
  epochs: z.number().int().min(1),
  curve: z.array(EpochPoint),
  samples: z.object({ train: z.number(), val: z.number() }).nullable(),
  /** Once done: the metrics on the validation blocks, and the head folder written (head.save keeps it). */
  validation: HeadMetrics.nullable(),
  head: z.string().nullable(),
});
export type JobTraining = z.infer<typeof JobTraining>;

/** One job as `job.list` lists it and as every `job` event carries it. */
export const JobInfo = z.object({
  id: JobId,
  /** A task of `skysense run`, or "train" (job.train: a head trained on labels drawn in the window). */
  task: z.union([JobTask, z.literal('train')]),
  status: JobStatus,
  out: z.string(),
  progress: JobProgress.nullable(),
  /** The execution provider the job's model runs on, once its session started. */
  provider: z.string().nullable(),
  error: ApiErrorShape.nullable(),
  /** `<out>.report.json` once the job is done. */
  report: z.string().nullable(),
  /** Every file the job wrote (class raster, probabilities, vectors...), once done. */
  outputs: z.array(z.string()),
  /** Milliseconds since the epoch. */
  queuedAt: z.number(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** Train jobs: the curve so far and, once done, the validation metrics and the head written. */
  training: JobTraining.optional(),
});
export type JobInfo = z.infer<typeof JobInfo>;

// ---------------------------------------------------------------- reviewing results

/** Pixels and ground area of one value of a class raster. */
export const ClassArea = z.object({
  value: z.number().int(),
  pixels: z.number().int().nonnegative(),
  /** m² (ellipsoidal for geographic CRSs); null where the raster has no ground unit. */
  areaM2: z.number().nonnegative().nullable(),
});
export type ClassArea = z.infer<typeof ClassArea>;

export const ClassAreasReply = z.object({
  /** `report`: the run report's per-class areas; `counted`: every pixel of the raster read here. */
  source: z.enum(['report', 'counted']),
  /** The run report read, when source is report. */
  report: z.string().nullable(),
  /** How the areas were computed, in words. */
  note: z.string(),
  /** Values with at least one pixel (or listed by the report), ascending; nodata left out. */
  classes: z.array(ClassArea),
});
export type ClassAreasReply = z.infer<typeof ClassAreasReply>;

const Ring = z.array(XY);
/** Geometries as GeoJSON (RFC 7946: WGS84 lon/lat) has them. */
export const VectorGeometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Point'), coordinates: XY }),
  z.object({ type: z.literal('MultiPoint'), coordinates: z.array(XY) }),
  z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring)) }),
]);
export type VectorGeometry = z.infer<typeof VectorGeometry>;

export const VectorFeature = z.object({
  geometry: VectorGeometry,
  properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type VectorFeature = z.infer<typeof VectorFeature>;

/** A GeoJSON or GeoPackage layer read for display, reprojected to lon/lat. */
export const VectorData = z.object({
  path: z.string(),
  format: z.enum(['GeoJSON', 'GPKG']),
  /** The GeoPackage feature table read (null for GeoJSON). */
  table: z.string().nullable(),
  /** The file's own CRS, in words. */
  crsName: z.string(),
  /** Attribute names, in file order. */
  fields: z.array(z.string()),
  /** The property that names each feature's class (class_name, class, category...), or null. */
  classField: z.string().nullable(),
  /** True when features carry a numeric score (detections). */
  scored: z.boolean(),
  features: z.array(VectorFeature),
  /** Rows without a usable geometry, left out. */
  skipped: z.number().int().nonnegative(),
});
export type VectorData = z.infer<typeof VectorData>;

// ---------------------------------------------------------------- projects

/**
 * A path kept in a project file: absolute as it was on save, and relative to the project
 * file's folder (with '/'), so a project moved with its data still opens. The renderer
 * sends `absolute` only; project.save adds `relative`.
 */
export const ProjectPath = z.object({ absolute: z.string().min(1), relative: z.string().optional() }).strict();
export type ProjectPath = z.infer<typeof ProjectPath>;

const Hex = z.string().regex(/^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/, 'a colour as #rrggbb or #rrggbbaa');
const ValueRange = z.object({ min: z.number(), max: z.number() }).strict();
const BandIndex = z.number().int().min(1);

/** One raster layer: what layer.open takes, and how the Layers panel had it drawn. */
export const ProjectRaster = z
  .object({
    /** What layer.open takes: one file or folder, or the single-band files of one scene. */
    paths: z.array(ProjectPath).min(1),
    visible: z.boolean(),
    opacity: z.number().min(0).max(1),
    display: z
      .object({
        mode: z.enum(['rgb', 'grey', 'classes', 'ramp']),
        bands: z.tuple([BandIndex, BandIndex, BandIndex]),
        stretch: z.enum(['minmax', 'p2p98', 'manual']),
        manual: z.tuple([ValueRange, ValueRange, ValueRange]),
        gamma: z.number().positive(),
        classColors: z.array(Hex).nullable(),
      })
      .strict(),
  })
  .strict();
export type ProjectRaster = z.infer<typeof ProjectRaster>;

export const ProjectVector = z
  .object({
    path: ProjectPath,
    /** The GeoPackage feature table shown (null: the first, or GeoJSON). */
    table: z.string().min(1).nullable(),
    visible: z.boolean(),
    classColors: z.record(z.string(), Hex),
  })
  .strict();
export type ProjectVector = z.infer<typeof ProjectVector>;

/** A finished job: enough to list it again and reopen its outputs and report. */
export const ProjectJob = z
  .object({
    id: JobId,
    task: JobInfo.shape.task,
    status: z.enum(['done', 'failed', 'cancelled']),
    /** The request as it was started from this window; null for jobs another window started. */
    request: JobRequest.nullable(),
    out: ProjectPath,
    outputs: z.array(ProjectPath),
    report: ProjectPath.nullable(),
    provider: z.string().nullable(),
    queuedAt: z.number(),
    startedAt: z.number().nullable(),
    endedAt: z.number().nullable(),
  })
  .strict();
export type ProjectJob = z.infer<typeof ProjectJob>;

/** The map view: which space (EPSG:3857 map or a pixel-space image), its centre and scale. */
export const ProjectView = z
  .object({
    space: z.enum(['geo', 'pixel']),
    center: XY,
    /** Map units per screen pixel: what restores the scale exactly. */
    resolution: z.number().positive(),
    /** OpenLayers' zoom level for the same resolution (for people reading the file). */
    zoom: z.number().nullable(),
  })
  .strict();
export type ProjectView = z.infer<typeof ProjectView>;

export const PROJECT_VERSION = 1;

/** A `*.skysense.json` project file. Layers are listed top first, as the Layers panel shows them. */
export const Project = z
  .object({
    format: z.literal('skysense-project'),
    version: z.literal(PROJECT_VERSION),
    rasters: z.array(ProjectRaster),
    vectors: z.array(ProjectVector),
    view: ProjectView.nullable(),
    basemap: z.boolean(),
    graticule: z.boolean(),
    /** The Run panel's output folder; null: the application's own. */
    outputFolder: ProjectPath.nullable(),
    jobs: z.array(ProjectJob),
    /** The labels file of the Labels panel (labels.save writes it on every change); absent in older projects. */
    labels: ProjectPath.nullable().optional(),
  })
  .strict();
export type Project = z.infer<typeof Project>;

/** A file a project names that is not where it says (nor beside the project, relatively). */
export const ProjectMissing = z.object({
  /** Where in the project, e.g. "rasters.1.paths.0". */
  key: z.string(),
  path: z.string(),
});

export const RecentProject = z.object({ path: z.string(), name: z.string(), savedAt: z.number() });
export type RecentProject = z.infer<typeof RecentProject>;

// ---------------------------------------------------------------- labels and training in the window

/** A class of the Labels panel: its name (what training and the head call it) and colour. */
export const LabelClass = z.object({ name: z.string().trim().min(1).max(100), color: Hex }).strict();
export type LabelClass = z.infer<typeof LabelClass>;

/** How a label was drawn: polygons and boxes label the cells they cover, points the cell they fall in. */
export const LabelShape = z.enum(['polygon', 'box', 'rotated-box', 'point']);
export type LabelShape = z.infer<typeof LabelShape>;

/**
 * One drawn label, in the CRS of the raster it labels (the target's first raster). Rings
 * (polygon, box, rotated-box) are closed: the first position repeats as the last.
 */
export const LabelFeature = z
  .object({
    id: z.string().min(1).max(64),
    class: z.string().min(1),
    shape: LabelShape,
    /** point: one position; otherwise the outer ring. */
    coordinates: z.array(XY).min(1).max(100000),
  })
  .strict()
  .superRefine((f, ctx) => {
    const bad = (message: string) => ctx.addIssue({ code: 'custom', path: ['coordinates'], message });
    if (f.shape === 'point' && f.coordinates.length !== 1) bad('a point label has exactly one position');
    if (f.shape !== 'point') {
      const [a, z] = [f.coordinates[0], f.coordinates[f.coordinates.length - 1]];
      if (f.coordinates.length < 4) bad(`a ${f.shape} needs at least 3 corners and the closing position`);
      else if (a[0] !== z[0] || a[1] !== z[1]) bad(`a ${f.shape} ring must be closed (its last position equal to its first)`);
    }
  });
export type LabelFeature = z.infer<typeof LabelFeature>;

/** What the labels belong to: one raster (segment), a before/after pair (change), or a series (fused segment). */
export const LabelTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('raster'), paths: SceneFiles }).strict(),
  z.object({ kind: z.literal('pair'), before: SceneFiles, after: SceneFiles }).strict(),
  z.object({ kind: z.literal('series'), series: JobSeries }).strict(),
]);
export type LabelTarget = z.infer<typeof LabelTarget>;

/** The labels of the Labels panel, as labels.save stores them (GeoJSON) and labels.load returns them. */
export const LabelSet = z
  .object({
    target: LabelTarget,
    classes: z.array(LabelClass).max(256),
    features: z.array(LabelFeature),
  })
  .strict()
  .superRefine((s, ctx) => {
    const names = new Set<string>();
    s.classes.forEach((c, i) => {
      if (names.has(c.name)) ctx.addIssue({ code: 'custom', path: ['classes', i, 'name'], message: `class "${c.name}" is listed twice` });
      names.add(c.name);
    });
    s.features.forEach((f, i) => {
      if (!names.has(f.class)) ctx.addIssue({ code: 'custom', path: ['features', i, 'class'], message: `"${f.class}" is not one of the classes` });
    });
  });
export type LabelSet = z.infer<typeof LabelSet>;

/** Per class: features, and the raster pixels and ground area they cover (overlaps counted once per class). */
export const LabelClassStats = z.object({
  name: z.string(),
  features: z.number().int().nonnegative(),
  pixels: z.number().int().nonnegative(),
  /** m²; null where the raster has no ground unit. */
  areaM2: z.number().nonnegative().nullable(),
});

export const LabelStatsReply = z.object({
  classes: z.array(LabelClassStats),
  /** Features that cover no pixel of the raster (drawn off it). */
  outside: z.number().int().nonnegative(),
  /** What stops or weakens a training on these labels, each saying what to add or fix; empty when ready. */
  problems: z.array(z.string()),
});
export type LabelStatsReply = z.infer<typeof LabelStatsReply>;


/** What job.train takes: a saved labels file (its target names the rasters) and the settings of the Train head panel. */
export const TrainJobRequest = z
  .object({
    /** A labels file labels.save wrote. */
    labels: FilePath,
    /** The encoder's model folder. */
    model: FilePath,
    headType: z.enum(['linear', 'mlp']).optional(),
    epochs: z.number().int().min(1).max(10000).optional(),
    /** Share of labelled cells (in spatial blocks) kept for validation. */
    valFraction: z.number().gt(0).lt(1).optional(),
    seed: z.number().int().min(0).optional(),
    augment: TrainAugment.optional(),
  })
  .strict();
export type TrainJobRequest = z.infer<typeof TrainJobRequest>;

// ---------------------------------------------------------------- commands

const Empty = z.object({}).strict();

export const commands = {
  /** Version, transport and capabilities. */
  'app.info': {
    request: Empty,
    reply: z.object({
      version: z.string(),
      transport: z.enum(['electron', 'host']),
      platform: z.string(),
      homeDir: z.string(),
      dataRoots: z.array(z.string()),
      /** A folder of the application's (in its cache) that task outputs may be written into when the user chose none; it exists. */
      outputDir: z.string(),
    }),
  },
  /** Directory listing for the in-app open dialog (browser mode has no native one). */
  'fs.list': {
    request: z.object({ dir: z.string().optional() }).strict(),
    reply: z.object({ dir: z.string(), parent: z.string().nullable(), entries: z.array(DirEntry) }),
  },
  /** Native open dialog (Electron only; the host answers E_UNSUPPORTED). */
  'dialog.open': {
    /** kind project: one SkySense project file (*.skysense.json) instead of rasters; labels: one GeoJSON or GeoPackage label file. */
    request: z.object({ folders: z.boolean().optional(), kind: z.enum(['raster', 'project', 'labels']).optional() }).strict(),
    reply: z.object({ paths: z.array(z.string()) }),
  },
  /** Native save dialog (Electron only; the host answers E_UNSUPPORTED): the chosen path, or null when cancelled. */
  'dialog.save': {
    request: z
      .object({
        title: z.string().max(200).optional(),
        defaultPath: z.string().optional(),
        filters: z.array(z.object({ name: z.string(), extensions: z.array(z.string().regex(/^[A-Za-z0-9*]{1,10}$/)) })).optional(),
      })
      .strict(),
    reply: z.object({ path: z.string().nullable() }),
  },
  /** Metadata of a raster without opening it as a layer (CLI `info` uses the same code). */
  'raster.info': {
    request: z.object({ paths: z.array(z.string().min(1)).min(1) }).strict(),
    reply: RasterInfo,
  },
  /**
   * Open one raster (a file, a folder of single-band files, or several single-band
   * files of one scene) as a layer. May build an overview cache, with progress.
   */
  'layer.open': {
    request: z.object({ paths: z.array(z.string().min(1)).min(1) }).strict(),
    reply: Layer,
  },
  'layer.close': {
    request: z.object({ id: LayerId }).strict(),
    reply: z.object({ closed: z.boolean() }),
  },
  'layer.list': {
    request: Empty,
    reply: z.object({ layers: z.array(Layer) }),
  },
  /** Every band's value under a map coordinate (EPSG:3857, or pixel space for non-georeferenced layers). */
  'layer.pixel': {
    request: z.object({ id: LayerId, coordinate: XY }).strict(),
    reply: PixelReply,
  },
  /** Per-band statistics from the coarsest overview that has at least ~256 px a side. */
  'layer.stats': {
    request: z.object({ id: LayerId, bands: z.array(z.number().int().min(1)).optional() }).strict(),
    reply: z.object({ bands: z.array(BandStats) }),
  },
  /**
   * The ONNX Runtime execution providers of this machine (probed once per engine process),
   * the one models run on and why each other is not used, and the installed models.
   */
  /**
   * Train a head on labels (`skysense train`), in a worker thread: progress stages "features"
   * (tiles) and "training" (epochs, with loss and the validation macro F1 in the message);
   * cancelling the call stops it within one epoch and writes nothing.
   */
  'train.start': {
    request: TrainRequest,
    reply: TrainReply,
  },
  'engine.status': {
    request: Empty,
    reply: EngineStatus,
  },
  /**
   * Queue a task run (`skysense run` as a request): replies with the job at once; the job runs
   * in its own worker thread, one at a time, and every change to it goes to every connection
   * as a `job` message (status, progress, provider, outputs).
   */
  'job.start': {
    request: JobRequest,
    reply: JobInfo,
  },
  /** Cancel a job: a queued one at once, a running one within one batch (its partial output removed); replies when it has ended. */
  'job.cancel': {
    request: z.object({ id: JobId }).strict(),
    reply: JobInfo,
  },
  /** Every job of this engine, oldest first. */
  'job.list': {
    request: Empty,
    reply: z.object({ jobs: z.array(JobInfo) }),
  },
  /** The run report a finished job wrote (`<out>.report.json`), parsed. */
  'job.report': {
    request: z.object({ id: JobId }).strict(),
    reply: z.object({ path: z.string(), report: z.record(z.string(), z.unknown()) }),
  },
  /**
   * What a series needs to know of an open raster, as `skysense run` would resolve it: its
   * acquisition date (metadata, then file or folder name, then the TIFF DateTime tag) and
   * the modality its bands say (s2, s1, hr; null when they say none).
   */
  'layer.acquisition': {
    request: z.object({ id: LayerId }).strict(),
    reply: z.object({
      date: z.string().nullable(),
      source: z.enum(['user', 'metadata', 'name', 'tiff-datetime']).nullable(),
      detail: z.string(),
      modality: z.enum(['s2', 's1', 'hr']).nullable(),
    }),
  },
  // -- reviewing results
  /**
   * Per-class pixels and areas of an open class raster's band 1: from `<file>.report.json` when
   * a run wrote one for it, else counted over the whole raster (streamed, row strips).
   */
  'layer.classAreas': {
    request: z.object({ id: LayerId }).strict(),
    reply: ClassAreasReply,
  },
  /** Features of a GeoJSON or GeoPackage file (first feature table, or `table`), in lon/lat. */
  'vector.read': {
    request: z.object({ path: z.string().min(1), table: z.string().min(1).optional() }).strict(),
    reply: VectorData,
  },
  // -- export (main/export)
  /**
   * A raster as a Cloud-Optimized GeoTIFF: an open layer (`id`) or a file (`path`), read in
   * row strips; georeferencing, nodata, band descriptions, colour table and category names
   * (`.aux.xml`) kept; progress stage "export" in rows. `out` must be a .tif in a writable
   * folder and not the source.
   */
  'export.raster': {
    request: z
      .object({ id: LayerId.optional(), path: z.string().min(1).optional(), out: z.string().min(1) })
      .strict()
      .refine((r) => (r.id === undefined) !== (r.path === undefined), { message: 'give id (an open layer) or path (a file), not both' }),
    reply: z.object({ out: z.string(), width: z.number().int(), height: z.number().int(), overviews: z.number().int() }),
  },
  /** A GeoJSON or GeoPackage layer written as GeoPackage (.gpkg) or GeoJSON (.geojson / .json), in lon/lat WGS 84. */
  'export.vector': {
    request: z.object({ path: z.string().min(1), table: z.string().min(1).optional(), out: z.string().min(1) }).strict(),
    reply: z.object({ out: z.string(), features: z.number().int() }),
  },
  /** A map snapshot the window composed: its PNG bytes (base64) written to `out` (.png). */
  'export.png': {
    request: z.object({ out: z.string().min(1), png: z.string().min(1).max(48 << 20) }).strict(),
    reply: z.object({ out: z.string(), bytes: z.number().int() }),
  },
  // -- projects (main/project)
  /** Write a project file (under a temporary name, then renamed); adds it to the recent projects. */
  'project.save': {
    request: z.object({ path: z.string().regex(/\.json$/i, 'a project file ends in .skysense.json'), project: Project }).strict(),
    reply: z.object({ path: z.string(), project: Project }),
  },
  /**
   * Read and check a project file; every path is given where it was found (as saved, else
   * relative to the project file). Files found in neither place are listed in `missing`.
   */
  'project.open': {
    request: z.object({ path: z.string().min(1) }).strict(),
    reply: z.object({ path: z.string(), name: z.string(), project: Project, missing: z.array(ProjectMissing) }),
  },
  /** Projects saved or opened lately, newest first; files no longer there are left out. */
  'project.recent': {
    request: Empty,
    reply: z.object({ projects: z.array(RecentProject) }),
  },
  // -- labels and training in the window
  /** Write the labels as GeoJSON in the target raster's CRS (under a temporary name, then renamed); creates the folder. The reply counts them, as labels.stats does. */
  'labels.save': {
    request: z.object({ path: FilePath, set: LabelSet }).strict(),
    reply: z.object({ path: z.string(), features: z.number().int(), bytes: z.number().int(), stats: LabelStatsReply }),
  },
  /** A labels file labels.save wrote. */
  'labels.load': {
    request: z.object({ path: FilePath }).strict(),
    reply: z.object({ path: z.string(), set: LabelSet }),
  },
  /**
   * Any GeoJSON or GeoPackage of polygons and points with a class attribute, as labels of
   * `target`: reprojected to its CRS, classes in order of first appearance, each a colour.
   */
  'labels.import': {
    request: z.object({ path: FilePath, target: LabelTarget, classField: z.string().min(1).optional(), layer: z.string().min(1).optional() }).strict(),
    reply: z.object({ set: LabelSet, note: z.string().nullable() }),
  },
  /** Write the labels for other software: .geojson or .gpkg, in the raster's CRS, with a "class" attribute. */
  'labels.export': {
    request: z.object({ path: FilePath, set: LabelSet }).strict(),
    reply: z.object({ path: z.string(), features: z.number().int() }),
  },
  /** Counts per class and what would stop a training, read against the target raster. */
  'labels.stats': {
    request: z.object({ set: LabelSet }).strict(),
    reply: LabelStatsReply,
  },
  /**
   * Queue a head training on a saved labels file: feature extraction and epochs run as one job
   * (task "train"), its `training` growing by a point per epoch; checked before it is queued.
   */
  'job.train': {
    request: TrainJobRequest,
    reply: JobInfo,
  },
  /** Cancel a training (a job.train job) within one epoch or one tile batch; nothing is written. Replies when it has ended. */
  'train.cancel': {
    request: z.object({ id: JobId }).strict(),
    reply: JobInfo,
  },
  /** Keep a trained head: copied into the user's models folder as `name`, with its title and description. */
  'head.save': {
    request: z
      .object({
        head: FilePath,
        name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a folder name: lower-case letters, digits, . _ - (up to 64)'),
        title: z.string().trim().min(1).max(200),
        description: z.string().max(4000).optional(),
      })
      .strict(),
    reply: z.object({ path: z.string() }),
  },
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type RequestOf<C extends CommandName> = z.infer<Commands[C]['request']>;
export type ReplyOf<C extends CommandName> = z.infer<Commands[C]['reply']>;

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name);
}

// ---------------------------------------------------------------- wire messages (both transports)

/** renderer -> main */
export const CallMessage = z.object({
  type: z.literal('call'),
  callId: z.string().min(1).max(64),
  command: z.string(),
  args: z.unknown(),
});
export const CancelMessage = z.object({ type: z.literal('cancel'), callId: z.string().min(1).max(64) });
export const ClientMessage = z.discriminatedUnion('type', [CallMessage, CancelMessage]);
export type ClientMessage = z.infer<typeof ClientMessage>;

/** main -> renderer */
export type ServerMessage =
  | { type: 'reply'; callId: string; ok: true; value: unknown }
  | { type: 'reply'; callId: string; ok: false; error: ApiErrorShape }
  | { type: 'progress'; progress: Progress }
  /** A job changed (main/jobs): sent to every connection, whoever started it. */
  | { type: 'job'; job: JobInfo };

/** Engine events a transport forwards to each of its connections. */
export interface EngineEvents {
  onJob(listener: (job: JobInfo) => void): () => void;
}

/** What a command implementation receives besides its argument. */
export interface CallContext {
  signal: AbortSignal;
  progress(stage: string, done: number, total: number, message?: string): void;
}

/**
 * JSON has no NaN or infinities, yet a Float raster's nodata is often NaN. JSON
 * transports write non-finite numbers as the strings "NaN", "Infinity", "-Infinity"
 * (as gdalinfo -json does) and read them back as numbers for these keys only.
 */
export type NonFiniteWireKey = 'nodata';

/** The engine: one handler per command. */
export type Handlers = {
  [C in CommandName]: (args: RequestOf<C>, ctx: CallContext) => Promise<ReplyOf<C>>;
};

/** The one object the renderer uses, whichever transport is underneath. */
export interface Client {
  readonly transport: 'electron' | 'host';
  call<C extends CommandName>(
    command: C,
    args: RequestOf<C>,
    options?: { signal?: AbortSignal; onProgress?: (p: Progress) => void },
  ): Promise<ReplyOf<C>>;
  /** Absolute URL for a data path returned in Layer.cogPath / imageUrl. */
  dataUrl(path: string): string;
  /** Extra headers the renderer must send with data requests (token). */
  dataHeaders(): Record<string, string>;
}

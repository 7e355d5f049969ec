/**
 * runDeepness: a model made for the Deepness QGIS plugin over a raster.
 *
 * Order of work (every check before the first tile):
 *   metadata and graph I/O (metadata.ts, model-io.ts) -> model type (option, else
 *   metadata, else an error asking for it) -> raster: 8-bit, enough bands -> processing
 *   grid at the model's resolution (inputs/resampled-raster.ts) -> tile size (a fixed input size
 *   wins; else option, tile_size / tiles_size, 512) and overlap (percent, converted as the
 *   plugin does: int(tile * pct / 100 * 2) // 2) -> session (provider fallback) -> one
 *   probe run on zero tiles for the real output shapes -> tiles.
 *
 * Outputs lie on the processing grid: the input's origin with the model's pixel size
 * (the input's own grid when no resolution is known or asked). The report
 * (<out>.report.json) states that geotransform.
 */
import { resolve } from 'node:path';
import { writeReport } from '../../raster/index.ts';
import { ApiError, type GeoTransform } from '../../api.ts';
import { parseProviderList, startSession, type Fallback } from '../../model/index.ts';
import { openRaster, type Raster } from '../../raster/index.ts';
import type { StageTimings, TiledProgress } from '../../tiler/index.ts';
import { vectorFormatOf } from '../../vector/index.ts';
import { detectionReport, type DetectionsReport, type ShardReport } from '../detect/index.ts';
import { medianWindow } from './median-rows.ts';
import { parseShard } from '../../tiler/index.ts';
import { headClasses, type ClassEntry } from './classes.ts';
import { runDetectorModel } from './detector-run.ts';
import { readDeepnessMetadata, type DeepnessMetadata, type DetectorType } from './metadata.ts';
import { checkModelIo } from './model-io.ts';
import { probeWithFallback, type RunnerSpec } from './model-runner.ts';
import { runRasterModel, type RasterOutput } from './raster-run.ts';
import { processingGrid, resampledRaster } from '../../inputs/index.ts';
import { maskedRaster, openMask, type MaskReport, type MaskSpec } from '../../inputs/index.ts';
import { crsName } from '../../raster/index.ts';

export type DeepnessRunType = 'Segmentor' | 'Regressor' | 'Detector';

export interface DeepnessOptions {
  /** The .onnx file. */
  model: string;
  /** The raster (a file, or the files of a band set). */
  input: string | string[];
  /** .tif for Segmentor/Regressor; .geojson or .gpkg for Detector. */
  out: string;
  /** Needed when the model has no model_type metadata; overrides it otherwise (with a warning). */
  modelType?: DeepnessRunType;
  /**
   * The task the user asked for (the CLI's --task): an untyped model runs as its kind
   * (segment: Segmentor, detect: Detector), a typed one must fit it.
   */
  task?: 'segment' | 'detect';
  /** Processing resolution in cm/px; default the model's `resolution`, else the raster's own. 'native' ignores the metadata. */
  resolutionCm?: number | 'native';
  /** Tile side in px, for models with a dynamic input size (default tile_size, else tiles_size, else 512). */
  tileSize?: number;
  /** Tile overlap in percent of the tile (default tiles_overlap, else 15). */
  overlapPercent?: number;
  /** 1-based raster bands fed as the model's channels (default 1..C). */
  bands?: number[];
  /** Segmentor probability threshold (default seg_thresh, else 0.5). */
  threshold?: number;
  /**
   * Segmentor: remove small areas with the plugin's median filter of window
   * (s // 2) * 2 + 1 px (default seg_small_segment, else 0: none).
   */
  smallSegment?: number;
  /** Detector confidence threshold (default det_conf, else 0.5). */
  confidence?: number;
  /** Detector NMS IoU threshold (default det_iou_thresh, else 0.5). */
  iouThreshold?: number;
  /** Regressor output factor (default reg_output_scaling, else 1). */
  regOutputScaling?: number;
  /** Detector output layout (default det_type, else YOLO_v5_or_v7_default). */
  detType?: DetectorType;
  /** Tiles per run for models with a dynamic batch (default 4). */
  batch?: number;
  /** Provider list as the user wrote it ("cpu", "cuda,cpu"). */
  providers?: string;
  /** Pixels to treat as nodata (inputs/masked-raster.ts); masked pixels are fed as 0 and written as nodata. */
  mask?: MaskSpec;
  /** Detector only: "I/N", the boxes of the I-th block of tile rows (docs/cluster.md). */
  shard?: string;
  signal?: AbortSignal;
  progress?: (p: TiledProgress) => void;
}

export interface DeepnessOutput {
  path: string;
  kind: 'classes' | 'regression' | 'detections';
  /** Output head (ONNX output name). */
  head: string;
  width?: number;
  height?: number;
  bands?: number;
  dataType?: 'Byte' | 'Float32';
  nodata?: string;
  classes?: ClassEntry[];
  bandNames?: string[];
  /** Detections written, and per class name. */
  features?: number;
  perClass?: Record<string, number>;
}

export interface DeepnessReport {
  task: 'deepness';
  model: {
    path: string;
    modelType: DeepnessRunType;
    modelTypeFrom: 'option' | 'metadata';
    input: { name: string; channels: number; size: number | null; batch: number | null };
    outputs: { name: string; dims: number[] }[];
    metadata: Record<string, string>;
    detType?: DetectorType;
  };
  input: { path: string; files: string[]; width: number; height: number; bands: number[]; resolutionCm: number | null; mask: MaskReport | null };
  processing: {
    resolutionCm: number | null;
    resolutionFrom: 'option' | 'metadata' | 'native';
    resampled: boolean;
    resampling: 'nearest' | 'none';
    grid: { width: number; height: number; geoTransform: GeoTransform; crs: string | null };
    tile: number;
    tileFrom: 'model input' | 'option' | 'tile_size' | 'tiles_size' | 'default';
    overlapPercent: number;
    overlapPx: number;
    margin: number;
    batch: number;
    standardization: { mean: number[]; std: number[] } | null;
    threshold?: number;
    /** The median window applied to the class rasters (1: none) and where its size came from. */
    smallSegment?: { window: number; from: 'option' | 'seg_small_segment' | 'default' };
    confidence?: number;
    iouThreshold?: number;
    regOutputScaling?: number;
  };
  provider: string;
  fallbacks: Fallback[];
  tiles: { inferred: number; skipped: number; total: number };
  detections?: DetectionsReport;
  /** Detector shard runs. */
  shard?: ShardReport | null;
  timings: Partial<StageTimings> & { prepare: number; total: number };
  outputs: DeepnessOutput[];
  warnings: string[];
}

function bad(msg: string): ApiError {
  return new ApiError('E_BAD_REQUEST', msg);
}

function checkOutExtension(type: DeepnessRunType, out: string): void {
  if (type === 'Detector') vectorFormatOf(out);
  else if (!/\.tiff?$/i.test(out)) throw bad(`${out}: a ${type} writes a GeoTIFF; give a .tif output`);
}

function pick<T>(option: T | undefined, meta: T | null, fallback: T): T {
  return option ?? meta ?? fallback;
}

function chooseTile(file: string, fixed: number | null, o: DeepnessOptions, m: DeepnessMetadata, warnings: string[]): [number, DeepnessReport['processing']['tileFrom']] {
  if (fixed !== null) {
    if (o.tileSize !== undefined && o.tileSize !== fixed) throw bad(`tile size ${o.tileSize}: ${file} takes ${fixed} x ${fixed} px tiles only`);
    if (m.tileSize !== null && m.tileSize !== fixed) warnings.push(`${file}: metadata "${m.tileSizeKey}" says ${m.tileSize} px but the model's input is fixed at ${fixed} px; ${fixed} is used`);
    return [fixed, 'model input'];
  }
  if (o.tileSize !== undefined) {
    if (!Number.isInteger(o.tileSize) || o.tileSize < 1) throw bad(`tile size ${o.tileSize}: a whole number of pixels expected`);
    return [o.tileSize, 'option'];
  }
  if (m.tileSize !== null) return [m.tileSize, m.tileSizeKey!];
  warnings.push(`${file}: no tile size in the metadata and the input size is dynamic; 512 px used`);
  return [512, 'default'];
}

/** The plugin's conversion: int(tile * pct / 100 * 2) // 2. */
export function overlapPixels(tile: number, percent: number): number {
  return Math.floor(Math.floor(((tile * percent) / 100) * 2) / 2);
}


function checkProb(name: string, v: number | undefined): void {
  if (v !== undefined && !(v >= 0 && v <= 1)) throw bad(`${name} ${v}: must be between 0 and 1`);
}

export async function runDeepness(o: DeepnessOptions): Promise<DeepnessReport> {
  const t0 = performance.now();
  checkProb('threshold', o.threshold);
  checkProb('confidence', o.confidence);
  checkProb('iouThreshold', o.iouThreshold);
  const file = o.model;
  const info = await readDeepnessMetadata(file);
  const m = info.metadata;
  const warnings = [...info.warnings];
  if (o.task === 'detect' && m.modelType && m.modelType !== 'Detector') throw bad(`${file}: a ${m.modelType} model, not a detector; use --task segment`);
  if (o.task === 'segment' && m.modelType === 'Detector') throw bad(`${file}: a Detector model; use --task detect`);
  const byTask = m.modelType ? undefined : o.task === 'detect' ? 'Detector' : o.task === 'segment' ? 'Segmentor' : undefined;
  const type = (o.modelType ?? m.modelType ?? byTask) as DeepnessRunType | 'Superresolution' | 'Recognition' | null;
  if (!type) throw bad(`${file}: has no model_type metadata; say which kind it is (modelType: Segmentor, Regressor or Detector)`);
  if (o.modelType && m.modelType && o.modelType !== m.modelType) warnings.push(`${file}: run as ${o.modelType} although its metadata says ${m.modelType}`);
  const detType = pick(o.detType, m.detType, 'YOLO_v5_or_v7_default' as DetectorType);
  const io = checkModelIo(file, info.onnx, type, detType);
  const runType = type as DeepnessRunType;
  checkOutExtension(runType, o.out);
  const shard = o.shard ? parseShard(o.shard) : undefined;
  if (shard && runType !== 'Detector') throw bad(`${file}: --shard runs Deepness Detector models only (this is a ${runType})`);
  if (o.smallSegment !== undefined && (!Number.isInteger(o.smallSegment) || o.smallSegment < 0)) throw bad(`small segment size ${o.smallSegment}: a whole number of pixels >= 0`);
  if (detType === 'YOLO_Ultralytics_segmentation') warnings.push(`${file}: ${detType}: boxes are written, instance masks are not`);
  const C = io.input.channels;
  const mean = m.standardizationMean;
  const std = m.standardizationStd;
  if (mean && mean.length !== C) throw new ApiError('E_CORRUPT', `${file}: metadata "standardization_mean" has ${mean.length} values for ${C} input channels`, file);

  let source: Raster | null = null;
  try {
    source = await openRaster(Array.isArray(o.input) ? o.input : [o.input], { signal: o.signal });
    const rinfo = source.info;
    if (rinfo.files.some((f) => resolve(f) === resolve(o.out))) throw bad(`${o.out}: the output would overwrite the input`);
    if (rinfo.dataType !== 'Byte') {
      throw new ApiError('E_UNSUPPORTED', `${rinfo.path}: is ${rinfo.dataType}; Deepness models take 8-bit input (scale it first, e.g. gdal_translate -ot Byte -scale)`, rinfo.path);
    }
    const bands = o.bands ?? Array.from({ length: C }, (_, i) => i + 1);
    if (bands.length !== C) throw bad(`bands ${bands.join(',')}: ${file} takes ${C} channels`);
    for (const b of bands) if (!Number.isInteger(b) || b < 1 || b > rinfo.bandCount) throw bad(`${rinfo.path}: band ${b} does not exist (the raster has ${rinfo.bandCount}; the model takes ${C})`);

    const resolutionFrom: DeepnessReport['processing']['resolutionFrom'] = o.resolutionCm === 'native' ? 'native' : o.resolutionCm !== undefined ? 'option' : m.resolutionCm !== null ? 'metadata' : 'native';
    const wanted = resolutionFrom === 'option' ? (o.resolutionCm as number) : resolutionFrom === 'metadata' ? m.resolutionCm : null;
    if (resolutionFrom === 'native' && o.resolutionCm === undefined) warnings.push(`${file}: no resolution in the metadata; the raster is processed at its own pixel size`);
    const grid = processingGrid(rinfo, wanted);
    const mask = o.mask ? await openMask(o.mask, rinfo, o.signal, o.out) : null;
    // From here closing `source` closes the file and the mask.
    if (mask) source = maskedRaster(source, mask);
    const raster = resampledRaster(source, grid);

    const [tile, tileFrom] = chooseTile(file, io.input.size, o, m, warnings);
    const overlapPercent = pick(o.overlapPercent, m.tilesOverlap, 15);
    if (!(overlapPercent >= 0 && overlapPercent < 100)) throw bad(`overlap ${overlapPercent}%: must be 0 to 99`);
    let overlapPx = overlapPixels(tile, overlapPercent);

    const providers = o.providers ? parseProviderList(o.providers) : undefined;
    const inDims = info.onnx.inputs[0].dims!;
    const axes: Record<string, number> = {};
    if (typeof inDims[0] === 'string') axes[inDims[0]] = 1;
    for (const d of inDims.slice(2)) if (typeof d === 'string') axes[d] = tile;
    const started = await startSession(file, providers, { warmupShape: { axes, defaultSize: 1 }, logId: 'deepness' });
    try {
      const outBatchFixed = io.detector ? io.detector.batch : io.heads.find((h) => h.batch !== null)?.batch ?? null;
      const batch = io.input.batch ?? (outBatchFixed !== null || io.detector ? 1 : (o.batch ?? 4));
      if (!Number.isInteger(batch) || batch < 1) throw bad(`batch ${o.batch}: a whole number >= 1 expected`);
      const runner: RunnerSpec = {
        file,
        session: started.session,
        inputName: io.input.name,
        channels: C,
        tile,
        fixedBatch: io.input.batch,
        batch,
        outputNames: io.detector ? [io.detector.name] : io.heads.map((h) => h.name),
        mean,
        std,
      };
      const probe = await probeWithFallback(runner, warnings);
      const probed = probe.dims;
      runner.batch = probe.batch;
      const prepare = performance.now() - t0;
      const metadataTags = { DEEPNESS_MODEL: file, DEEPNESS_MODEL_TYPE: runType, DEEPNESS_RESOLUTION_CM: String(grid.resolutionCm) };
      const baseReport = {
        task: 'deepness' as const,
        model: {
          path: file,
          modelType: runType,
          modelTypeFrom: (o.modelType ? 'option' : 'metadata') as 'option' | 'metadata',
          input: io.input,
          outputs: (io.detector ? [io.detector.name] : io.heads.map((h) => h.name)).map((name, k) => ({ name, dims: probed[k] })),
          metadata: info.onnx.metadata,
          ...(runType === 'Detector' ? { detType } : {}),
        },
        input: { path: rinfo.path, files: rinfo.files, width: rinfo.width, height: rinfo.height, bands, resolutionCm: Number.isFinite(grid.sourceResolutionCm) ? grid.sourceResolutionCm : null, mask: mask?.report ?? null },
        provider: started.provider,
        fallbacks: started.fallbacks,
      };
      const gridReport = { width: grid.width, height: grid.height, geoTransform: grid.geoTransform, crs: crsName(rinfo.crs) };
      const processingBase = {
        resolutionCm: Number.isFinite(grid.resolutionCm) ? grid.resolutionCm : null,
        resolutionFrom,
        resampled: grid.resampled,
        resampling: (grid.resampled ? 'nearest' : 'none') as 'nearest' | 'none',
        grid: gridReport,
        tile,
        tileFrom,
        overlapPercent,
        batch: runner.batch,
        standardization: mean && std ? { mean, std } : null,
      };

      let report: DeepnessReport;
      if (runType === 'Detector') {
        const confidence = pick(o.confidence, m.detConf, 0.5);
        const iouThreshold = pick(o.iouThreshold, m.detIouThresh, 0.5);
        const protos = info.onnx.outputs[1]?.dims;
        const maskChannels = detType === 'YOLO_Ultralytics_segmentation' && protos && typeof protos[1] === 'number' ? protos[1] : 0;
        const det = await runDetectorModel({
          raster,
          grid,
          bands,
          runner,
          output: io.detector!,
          outDims: probed[0],
          maskChannels,
          detType,
          classNames: m.classNames?.[0] ?? null,
          tile,
          overlap: overlapPx,
          confidence,
          iouThreshold,
          out: o.out,
          source: rinfo.path,
          shard,
          signal: o.signal,
          progress: o.progress,
        });
        report = {
          ...baseReport,
          processing: { ...processingBase, overlapPx, margin: 0, confidence, iouThreshold },
          tiles: det.run.tiles,
          ...detectionReport(det.run, shard),
          timings: { read: det.run.timings.read, infer: det.run.timings.infer, prepare, total: performance.now() - t0 },
          outputs: [{ path: resolve(o.out), kind: 'detections', head: io.detector!.name, features: det.count, perClass: det.perClass }],
          warnings,
        };
      } else {
        const heads = io.heads.map((h, k) => {
          const d = probed[k];
          if (d.length !== h.rank - 1) throw new ApiError('E_UNSUPPORTED', `${file}: output "${h.name}" has rank ${d.length + 1} at run time, ${h.rank} declared`, file);
          const size = d[d.length - 1];
          const channels = h.rank === 4 ? d[0] : 1;
          if (d[d.length - 2] !== size) throw new ApiError('E_UNSUPPORTED', `${file}: output "${h.name}" [${d.join(', ')}] is not square`, file);
          if (size > tile || (tile - size) % 2 !== 0) throw new ApiError('E_UNSUPPORTED', `${file}: output "${h.name}" is ${size} px for ${tile} px tiles; it must be the tile size or smaller by an even border`, file);
          return { ...h, channels, outSize: size };
        });
        const margin = Math.max(...heads.map((h) => (tile - h.outSize) / 2));
        if (overlapPx < 2 * margin) {
          warnings.push(`${file}: the output is ${2 * margin} px smaller than the tile; overlap raised from ${overlapPx} to ${2 * margin} px so the borders are dropped`);
          overlapPx = 2 * margin;
        }
        if (margin > 0) warnings.push(`${file}: the ${margin} px border along the raster's edges has no model output (the output is smaller than the input) and is nodata`);
        const threshold = pick(o.threshold, m.segThresh, 0.5);
        const smallSegment = {
          window: medianWindow(pick(o.smallSegment, m.segSmallSegment, 0)),
          from: o.smallSegment !== undefined ? ('option' as const) : m.segSmallSegment !== undefined ? ('seg_small_segment' as const) : ('default' as const),
        };
        const scaling = pick(o.regOutputScaling, m.regOutputScaling, 1);
        const names = m.classNames;
        if (runType === 'Segmentor') {
          if (names && names.length !== heads.length) warnings.push(`${file}: class_names has ${names.length} entries for ${heads.length} output heads`);
          for (const h of heads) if (h.channels > 255) throw new ApiError('E_UNSUPPORTED', `${file}: output "${h.name}" has ${h.channels} classes; class rasters hold at most 255`, file);
        }
        const classes = runType === 'Segmentor' ? heads.map((h, k) => headClasses(h, names?.[k], warnings, file, k)) : [];
        const bandNames = heads.flatMap((h, k) => Array.from({ length: h.channels }, (_, c) => names?.[k]?.[c] ?? (heads.length > 1 ? `${h.name}_channel_${c}` : `channel_${c}`)));
        const { result, outputs } = await runRasterModel({
          kind: runType,
          raster,
          grid,
          bands,
          runner,
          heads,
          tile,
          overlap: overlapPx,
          margin,
          out: o.out,
          threshold,
          medianSize: runType === 'Segmentor' ? smallSegment.window : 1,
          scaling,
          classes,
          bandNames,
          metadata: metadataTags,
          signal: o.signal,
          progress: o.progress,
        });
        report = {
          ...baseReport,
          processing: { ...processingBase, overlapPx, margin, ...(runType === 'Segmentor' ? { threshold, smallSegment } : { regOutputScaling: scaling }) },
          tiles: { inferred: result.tiles, skipped: result.skipped, total: result.total },
          timings: { ...result.timings, prepare, total: performance.now() - t0 },
          outputs: outputs.map((x: RasterOutput) => ({ ...x, kind: runType === 'Segmentor' ? ('classes' as const) : ('regression' as const) })),
          warnings,
        };
      }
      await writeReport(`${resolve(o.out)}.report.json`, report);
      return report;
    } finally {
      await started.session.release().catch(() => undefined);
    }
  } finally {
    await source?.close().catch(() => undefined);
  }
}


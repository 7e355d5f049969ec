/**
 * Deepness Detector models: YOLO outputs decoded per tile (yolo.ts), merged across tiles
 * with class-wise NMS (main/tasks/detect), written as polygons on the processing grid's
 * map coordinates. With a shard, only the boxes centred in its block of tile rows, decided
 * as one run decides them (tasks/detect/detect-tiles.ts), so the shards' files append into one.
 */
import { ApiError } from '../../api.ts';
import type { Raster } from '../../raster/index.ts';
import type { TiledProgress } from '../../tiler/index.ts';
import { openBoxOutput } from '../detect/index.ts';
import { detectTiles, type DetectTilesResult } from '../detect/index.ts';
import type { DetectorType } from './metadata.ts';
import type { Shard } from '../../tiler/index.ts';
import type { DetectorOutput } from './model-io.ts';
import { runTiles, type RunnerSpec } from './model-runner.ts';
import type { ProcessingGrid } from '../../inputs/index.ts';
import { decodeYolo, yoloLayout } from './yolo.ts';

export interface DetectorRunOptions {
  raster: Raster;
  grid: ProcessingGrid;
  bands: number[];
  runner: RunnerSpec;
  output: DetectorOutput;
  /** Output dims from the probe run (batch removed). */
  outDims: number[];
  /** Prototype channels of an Ultralytics segmentation model (0 otherwise). */
  maskChannels: number;
  detType: DetectorType;
  classNames: string[] | null;
  tile: number;
  overlap: number;
  confidence: number;
  iouThreshold: number;
  out: string;
  source: string;
  shard?: Shard;
  signal?: AbortSignal;
  progress?: (p: TiledProgress) => void;
}

export interface DetectorRunResult {
  run: DetectTilesResult;
  count: number;
  perClass: Record<string, number>;
}

export async function runDetectorModel(o: DetectorRunOptions): Promise<DetectorRunResult> {
  const file = o.runner.file;
  if (o.outDims.length !== 2) throw new ApiError('E_UNSUPPORTED', `${file}: detector output "${o.output.name}" has shape [1, ${o.outDims.join(', ')}]; [1, boxes, values] expected`, file);
  const layout = yoloLayout(o.detType, o.outDims, o.classNames ? o.classNames.length : null, o.maskChannels);
  const need = layout.firstClass + layout.classes + (layout.oriented ? 1 : 0) + o.maskChannels;
  if (layout.classes < 1 || need !== layout.values) {
    throw new ApiError(
      'E_UNSUPPORTED',
      `${file}: detector output [1, ${o.outDims.join(', ')}] does not fit ${o.detType} with ${layout.classes} classes (${need} values per box expected, ${layout.values} found${layout.inverted ? ' along axis 1' : ' along axis 2'}); check det_type and class_names`,
      file,
    );
  }
  const classNames = Array.from({ length: layout.classes }, (_, c) => o.classNames?.[c] ?? `class_${c}`);
  const open = () =>
    openBoxOutput({
      path: o.out,
      crs: o.raster.info.crs,
      geoTransform: o.raster.info.georeferenced ? o.grid.geoTransform : null,
      classNames,
      source: o.source,
      oriented: layout.oriented,
    });
  let output = await open();
  try {
    const run = await detectTiles({
      raster: o.raster,
      bands: o.bands,
      tile: o.tile,
      overlap: o.overlap,
      batch: o.runner.batch,
      iouThreshold: o.iouThreshold,
      signal: o.signal,
      progress: o.progress,
      infer: async (inputs) => (await runTiles(o.runner, inputs)).map((outs) => decodeYolo(outs[0].data, layout, o.confidence)),
      onBoxes: (boxes) => output.add(boxes),
      shard: o.shard,
      reset: async () => {
        await output.abort();
        output = await open();
      },
    });
    await output.finish();
    return { run, count: output.count, perClass: output.perClass };
  } catch (err) {
    await output.abort();
    throw err;
  }
}

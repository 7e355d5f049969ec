/**
 * The `embed` task: per-location SkySense features of one single-date raster (S2, S1 or
 * HR), written as a float32 GeoTIFF with one band per feature channel.
 *
 * It runs the modality's encoder alone and keeps its LAST tap (feat_l3 / feat_s32): that
 * is the deepest single-date representation, and it sits on the encoder's own grid
 * (stride 4 for S2/S1, 32 for HR). The UPHead (s2_up/s1_up) only re-grids those same
 * features onto the HR fusion grid (a 1x1 conv + pixel shuffle, 4x finer than the
 * Sentinel pixel) for the fusion module; for a single modality it would add channels
 * and 16x the output size without adding information about the input.
 *
 * Tiles are the encoder's tile size with overlap = size - step from the manifest. The
 * ViT attends across the whole tile, so an output pixel depends on which tile produced
 * it; half the overlap at each interior edge is dropped (margin), which makes every output
 * pixel come from exactly one tile — the one in which it is farthest from an edge.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { ApiError } from '../api.ts';
import { loadModelFolder, parseProviderList, type Fallback, type ModalityId, type ModelFolder, type ModuleSpec } from '../model/index.ts';
import { openRaster, type Raster } from '../raster/index.ts';
import { runTiled, type StageTimings, type TiledProgress } from './index.ts';
import { mapBands, type BandMapping } from './preprocess/band-map.ts';
import { guessModality } from './preprocess/modality.ts';
import { makeNormaliser } from './preprocess/normalise.ts';
import { detectUnits, sampleValues, type UnitsDetection } from './preprocess/units.ts';

export interface EmbedOptions {
  model: string;
  inputs: string[];
  out: string;
  modality?: ModalityId;
  bands?: number[];
  /** Provider list as the user wrote it ("cpu", "cuda,cpu"); default the engine's order. */
  providers?: string;
  tile?: number;
  overlap?: number;
  shard?: string;
  batch?: number;
  progress?: (p: TiledProgress) => void;
  signal?: AbortSignal;
}

export interface EmbedReport {
  task: 'embed';
  model: { dir: string; name: string; weights: string; module: string; output: string };
  input: { path: string; files: string[]; width: number; height: number; modality: ModalityId; bands: number[]; bandNames: string[]; bandsFoundBy: BandMapping['how']; units: UnitsDetection };
  provider: string;
  fallbacks: Fallback[];
  tile: number;
  overlap: number;
  margin: number;
  stride: number;
  tiles: { inferred: number; skipped: number; total: number };
  timings: StageTimings & { prepare: number };
  throughputMpxPerS: number;
  outputs: { path: string; width: number; height: number; bands: number; dataType: 'Float32'; nodata: string; geoTransformNote: string }[];
}

function encoderFor(model: ModelFolder, modality: ModalityId): [string, ModuleSpec] {
  const hit = Object.entries(model.manifest.modules).find(([, s]) => s.role === 'encoder' && s.modality === modality);
  if (!hit) throw new ApiError('E_NOT_FOUND', `${model.manifestPath}: no ${modality} encoder module (embed needs one)`, model.manifestPath);
  if (!hit[1].tile) throw new ApiError('E_CORRUPT', `${model.manifestPath}: modules.${hit[0]}.tile: missing (an encoder needs its tile size)`, model.manifestPath);
  return hit;
}

function checkTile(spec: ModuleSpec, name: string, tile: number, overlap: number, stride: number): void {
  const t = spec.tile!;
  if (!Number.isInteger(tile) || tile < 1) throw new ApiError('E_BAD_REQUEST', `--tile must be a whole number of pixels (got ${tile})`);
  if (t.validSizes && !t.validSizes.includes(tile) && !(t.multipleOf && tile > Math.max(...t.validSizes) && tile % t.multipleOf === 0)) {
    throw new ApiError('E_BAD_REQUEST', `--tile ${tile}: ${name} takes tiles of ${t.validSizes.join(', ')} px`);
  }
  const mult = Math.max(t.multipleOf ?? 1, stride);
  if (tile % mult !== 0) throw new ApiError('E_BAD_REQUEST', `--tile ${tile}: ${name} needs a multiple of ${mult} px`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= tile || overlap % stride !== 0) {
    throw new ApiError('E_BAD_REQUEST', `--overlap ${overlap}: must be a multiple of the output stride ${stride} px, >= 0 and below the tile (${tile})`);
  }
}

/** Runs embed; writes <out> and <out>.report.json and returns the report. */
export async function runEmbed(o: EmbedOptions): Promise<EmbedReport> {
  const t0 = performance.now();
  const providers = o.providers ? parseProviderList(o.providers) : undefined;
  const model = await loadModelFolder(o.model, { providers, cache: false });
  let raster: Raster | null = null;
  try {
    raster = await openRaster(o.inputs, { signal: o.signal });
    const info = raster.info;
    const available = Object.keys(model.manifest.modalities) as ModalityId[];
    const modalityId = o.modality ?? guessModality(info, available);
    const modality = model.manifest.modalities[modalityId];
    if (!modality) throw new ApiError('E_NOT_FOUND', `${model.manifestPath}: no "${modalityId}" modality (has ${available.join(', ')})`, model.manifestPath);
    const [moduleName, spec] = encoderFor(model, modalityId);
    const mapping = mapBands(info, modalityId, modality.bands, o.bands);
    const out = spec.outputs[spec.outputs.length - 1];
    const stride = out.stride;
    const channels = out.channels ?? (typeof out.shape[1] === 'number' ? out.shape[1] : undefined);
    if (!stride || !Number.isInteger(stride) || !channels) {
      throw new ApiError('E_CORRUPT', `${model.manifestPath}: modules.${moduleName}.outputs[${spec.outputs.length - 1}]: needs a whole stride and channels for embed`, model.manifestPath);
    }
    if (spec.inputs[0].shape[1] !== modality.bands.length) {
      throw new ApiError('E_CORRUPT', `${model.manifestPath}: modules.${moduleName}.inputs[0] takes ${String(spec.inputs[0].shape[1])} bands, modalities.${modalityId}.bands lists ${modality.bands.length}`, model.manifestPath);
    }
    const tile = o.tile ?? spec.tile!.size;
    const overlap = o.overlap ?? Math.min(spec.tile!.size - spec.tile!.stride, Math.floor(tile / 2 / stride) * stride);
    checkTile(spec, moduleName, tile, overlap, stride);
    const margin = Math.floor(overlap / 2 / stride) * stride;

    const units = detectUnits(modalityId, modality, await sampleValues(raster, mapping.bands, o.signal), info.path);
    const normalise = makeNormaliser(modality, units, info.nodata);
    const session = await model.session(moduleName);
    const inputName = spec.inputs[0].name;
    const C = modality.bands.length;
    const prepare = performance.now() - t0;

    const result = await runTiled({
      raster,
      bands: mapping.bands,
      tile,
      overlap,
      margin,
      stride,
      batch: o.batch ?? 4,
      outChannels: channels,
      outDataType: 'Float32',
      outPath: o.out,
      // Features take any value, so nodata is NaN: it cannot collide with a feature.
      nodata: Number.NaN,
      shard: o.shard,
      signal: o.signal,
      progress: o.progress,
      bandNames: Array.from({ length: channels }, (_, i) => `f${String(i).padStart(3, '0')}`),
      metadata: { SKYSENSE_TASK: 'embed', SKYSENSE_MODEL: model.manifest.name, SKYSENSE_MODULE: moduleName, SKYSENSE_OUTPUT: out.name, SKYSENSE_UNITS: units.reason },
      infer: async (inputs, ctx) => {
        const n = inputs.length;
        const { width: tw, height: th } = ctx.tiles[0];
        const plane = C * tw * th;
        const batch = new Float32Array(n * plane);
        inputs.forEach((t, i) => batch.set(normalise(t), i * plane));
        const run = await session.run({ [inputName]: new ort.Tensor('float32', batch, [n, C, th, tw]) });
        const y = run.outputs[out.name];
        const data = y.data as Float32Array;
        const per = data.length / n;
        return Array.from({ length: n }, (_, i) => data.subarray(i * per, (i + 1) * per));
      },
    });

    const report: EmbedReport = {
      task: 'embed',
      model: { dir: model.dir, name: model.manifest.name, weights: model.manifest.provenance.weights, module: moduleName, output: out.name },
      input: { path: info.path, files: info.files, width: info.width, height: info.height, modality: modalityId, bands: mapping.bands, bandNames: mapping.bands.map((b) => info.bandNames[b - 1] ?? `band ${b}`), bandsFoundBy: mapping.how, units },
      provider: session.provider,
      fallbacks: [...session.fallbacks],
      tile,
      overlap,
      margin,
      stride,
      tiles: { inferred: result.tiles, skipped: result.skipped, total: result.total },
      timings: { ...result.timings, prepare },
      // Input pixels of this run's rows (a shard covers only its own).
      throughputMpxPerS: (info.width * Math.min(info.height, result.height * stride)) / 1e6 / (result.timings.total / 1000),
      outputs: [{ path: result.outPath, width: result.width, height: result.height, bands: channels, dataType: 'Float32', nodata: 'NaN', geoTransformNote: `input geotransform with the pixel size x ${stride} (one feature per ${stride} x ${stride} input pixels)` }],
    };
    await writeReport(`${result.outPath}.report.json`, report);
    return report;
  } finally {
    await raster?.close().catch(() => undefined);
    await model.close();
  }
}

async function writeReport(path: string, report: EmbedReport): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, `${JSON.stringify(report, null, 2)}\n`);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

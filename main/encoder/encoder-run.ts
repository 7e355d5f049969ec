/**
 * What every task that runs a single-date encoder over a raster shares (embed, cluster,
 * similar): load the model, open the raster, settle the modality and bands, mask it and
 * put it on the processing grid (inputs/prepare-input.ts: `mask`, `gsd`), detect units
 * and build the normaliser, check the tile and overlap, open the session, and an InferFn that
 * normalises a batch of tiles and runs the encoder's last tap (see tasks/embed/embed.ts for why the
 * last tap). Tasks then pass `infer` and the tiling numbers to runTiled (or the feature
 * stream) and describe the run in their report with `reportModel` / `reportInput`.
 */
import * as ort from 'onnxruntime-node';
import { ApiError } from '../api.ts';
import { loadModelFolder, parseProviderList, type Fallback, type ModalityId, type ModelFolder, type ModuleSpec } from '../model/index.ts';
import type { ModuleSession } from '../model/index.ts';
import { openRaster, type Raster } from '../raster/index.ts';
import type { InferFn } from '../tiler/index.ts';
import type { RunOptions } from '../inputs/index.ts';
import { guessModality } from '../inputs/index.ts';
import type { Normaliser } from '../inputs/index.ts';
import { prepareModelInput, reportModelInput, type ModelInput, type ReportInput } from '../inputs/index.ts';
import { unviewOutput, viewTile, type TileView } from './tile-view.ts';

/** The options every encoder task takes: the run flags, the model folder and one raster. */
export interface EncoderRunOptions extends RunOptions {
  model: string;
  inputs: string[];
  /** Training augmentation: every tile seen mirrored or turned, its features turned back (tile-view.ts). */
  view?: TileView;
  /** The encoder output to keep (default its last tap); detect heads train on a finer one. */
  tap?: string;
}

/** The prepared input (inputs/model-input.ts: raster, info, mapping, units, normalise, preparation) and its encoder. */
export interface EncoderRun extends ModelInput {
  model: ModelFolder;
  modalityId: ModalityId;
  moduleName: string;
  /** The encoder output the task uses (its last tap, or the one asked for). */
  outputName: string;
  session: ModuleSession;
  tile: number;
  overlap: number;
  margin: number;
  stride: number;
  channels: number;
  batch: number;
  infer: InferFn;
  /** Milliseconds from the start to a ready session. */
  prepareMs: number;
  close(): Promise<void>;
}

export interface ReportModel {
  dir: string;
  name: string;
  weights: string;
  module: string;
  output: string;
}

export function encoderFor(model: ModelFolder, modality: ModalityId, task = 'embed'): [string, ModuleSpec] {
  const hit = Object.entries(model.manifest.modules).find(([, s]) => s.role === 'encoder' && s.modality === modality);
  if (!hit) throw new ApiError('E_NOT_FOUND', `${model.manifestPath}: no ${modality} encoder module (${task} needs one)`, model.manifestPath);
  if (!hit[1].tile) throw new ApiError('E_CORRUPT', `${model.manifestPath}: modules.${hit[0]}.tile: missing (an encoder needs its tile size)`, model.manifestPath);
  return hit;
}

export function checkTile(spec: ModuleSpec, name: string, tile: number, overlap: number, stride: number): void {
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

/**
 * Everything up to a ready encoder session. `check` runs once the raster is open and the
 * grid is known, before the units scan and the session start: the place for a task's own
 * argument checks (output path, query inside the raster...), so bad input fails fast.
 * On any failure the raster and model are closed here.
 */
export async function prepareEncoderRun(o: EncoderRunOptions, task: string, check?: (run: Pick<EncoderRun, 'info' | 'raster' | 'mapping' | 'stride' | 'tile' | 'overlap' | 'margin'>) => Promise<void> | void): Promise<EncoderRun> {
  const t0 = performance.now();
  const providers = o.providers ? parseProviderList(o.providers) : undefined;
  const model = await loadModelFolder(o.model, { providers, cache: false });
  let raster: Raster | null = null;
  try {
    raster = await openRaster(o.inputs, { signal: o.signal, coarseBands: 'bilinear' });
    const opened = raster.info;
    const available = Object.keys(model.manifest.modalities) as ModalityId[];
    const modalityId = o.modality ?? guessModality(opened, available);
    const modality = model.manifest.modalities[modalityId];
    if (!modality) throw new ApiError('E_NOT_FOUND', `${model.manifestPath}: no "${modalityId}" modality (has ${available.join(', ')})`, model.manifestPath);
    const [moduleName, spec] = encoderFor(model, modalityId, task);
    const at = o.tap === undefined ? spec.outputs.length - 1 : spec.outputs.findIndex((t) => t.name === o.tap);
    if (at < 0) throw new ApiError('E_BAD_REQUEST', `tap "${o.tap}": ${moduleName} of ${model.manifestPath} has ${spec.outputs.map((t) => t.name).join(', ')}`, model.manifestPath);
    const out = spec.outputs[at];
    const stride = out.stride;
    const channels = out.channels ?? (typeof out.shape[1] === 'number' ? out.shape[1] : undefined);
    if (!stride || !Number.isInteger(stride) || !channels) {
      throw new ApiError('E_CORRUPT', `${model.manifestPath}: modules.${moduleName}.outputs[${at}]: needs a whole stride and channels for ${task}`, model.manifestPath);
    }
    if (spec.inputs[0].shape[1] !== modality.bands.length) {
      throw new ApiError('E_CORRUPT', `${model.manifestPath}: modules.${moduleName}.inputs[0] takes ${String(spec.inputs[0].shape[1])} bands, modalities.${modalityId}.bands lists ${modality.bands.length}`, model.manifestPath);
    }
    const tile = o.tile ?? spec.tile!.size;
    const overlap = o.overlap ?? Math.min(spec.tile!.size - spec.tile!.stride, Math.floor(tile / 2 / stride) * stride);
    checkTile(spec, moduleName, tile, overlap, stride);
    // Half the overlap at each interior edge is dropped: every output pixel then comes from
    // the one tile in which it is farthest from an edge (see tasks/embed/embed.ts).
    const margin = Math.floor(overlap / 2 / stride) * stride;
    const batch = o.batch ?? 4;
    const input = await prepareModelInput(raster, modalityId, modality, o);
    raster = input.raster;
    const { info, mapping } = input;
    const tiled = input.raster;
    await check?.({ info, raster, mapping, stride, tile, overlap, margin });
    const session = await model.session(moduleName);
    const infer = encoderInfer(session, spec.inputs[0].name, out.name, modality.bands.length, input.normalise, o.view);
    return {
      ...input,
      model,
      modalityId,
      moduleName,
      outputName: out.name,
      session,
      tile,
      overlap,
      margin,
      stride,
      channels,
      batch,
      infer,
      prepareMs: performance.now() - t0,
      close: async () => {
        await tiled.close().catch(() => undefined);
        await model.close();
      },
    };
  } catch (err) {
    await raster?.close().catch(() => undefined);
    await model.close();
    throw err;
  }
}

/** Normalises a batch of tiles of C bands, runs the encoder and returns its output `outputName` per tile. */
export function encoderInfer(session: ModuleSession, inputName: string, outputName: string, C: number, normalise: Normaliser, view?: TileView): InferFn {
  return async (inputs, ctx) => {
    const n = inputs.length;
    const { width: tw, height: th } = ctx.tiles[0];
    const plane = C * tw * th;
    const data = new Float32Array(n * plane);
    inputs.forEach((t, i) => data.set(view ? viewTile(normalise(t), C, th, tw, view) : normalise(t), i * plane));
    const [vh, vw] = view === 'rot90' ? [tw, th] : [th, tw];
    const run = await session.run({ [inputName]: new ort.Tensor('float32', data, [n, C, vh, vw]) });
    const out = run.outputs[outputName];
    const y = out.data as Float32Array;
    const per = y.length / n;
    const tiles = Array.from({ length: n }, (_, i) => y.subarray(i * per, (i + 1) * per));
    if (!view) return tiles;
    // The output's own rows x columns are the viewed tile's; unviewOutput takes the original tile's h x w.
    const [oc, oh, ow] = out.dims.slice(1) as number[];
    const [h, w] = view === 'rot90' ? [ow, oh] : [oh, ow];
    return tiles.map((t) => unviewOutput(t, oc, h, w, view));
  };
}

export function reportModel(run: EncoderRun): ReportModel {
  return { dir: run.model.dir, name: run.model.manifest.name, weights: run.model.manifest.provenance.weights, module: run.moduleName, output: run.outputName };
}

export function providerOf(run: EncoderRun): { provider: string; fallbacks: Fallback[] } {
  return { provider: run.session.provider, fallbacks: [...run.session.fallbacks] };
}

/** The provider that ran and how the raster was tiled: in every task's report. */
export interface TilingHead {
  provider: string;
  fallbacks: Fallback[];
  tile: number;
  overlap: number;
  margin: number;
  stride: number;
}

/** What every encoder task's report starts with: model, input, provider, tiling. */
export interface RunReportHead extends TilingHead {
  model: ReportModel;
  input: ReportInput;
}

export function reportRun(run: EncoderRun, stride: number): RunReportHead {
  return { model: reportModel(run), input: reportModelInput(run, run.modalityId), ...providerOf(run), tile: run.tile, overlap: run.overlap, margin: run.margin, stride };
}

/** Writes a run report next to the output (temporary name, then renamed). */
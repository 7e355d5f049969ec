/**
 * What segment, change and classify share before their first tile: the head folder, the
 * encoder model folder it runs on, and every check that can fail fast — the head is for this
 * task, its encoder module exists and reads the head's modality, each tap it reads is an
 * output of that module with the channels the head expects. Sessions start later
 * (startHeadSessions), after the task has also checked its rasters, so bad input costs no
 * session start. The encoder's weights hash is compared with the one the head was trained
 * on; a difference is a warning in the report, not an error: the head still runs, but its
 * output means less.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ApiError } from '../api.ts';
import {
  fileSha256,
  loadHead,
  loadModelFolder,
  parseProviderList,
  readHeadFolder,
  type HeadFolder,
  type HeadManifest,
  type HeadTask,
  type Modality,
  type ModalityId,
  type ModelFolder,
  type ModuleSession,
  type ModuleSpec,
  type ProviderChoice,
} from '../model/index.ts';
import type { TiledProgress } from './index.ts';
import type { InputOptions } from './preprocess/prepare-input.ts';

/** The options every head task takes (the CLI's run flags); `gsd` and `mask` see preprocess/prepare-input.ts. */
export interface HeadRunOptions extends InputOptions {
  /** The head folder (manifest.json of kind "head" + its ONNX file). */
  head: string;
  /** The encoder model folder; default the folder the head ships in (<model>/heads/<head>). */
  model?: string;
  out: string;
  /** What the input is when its band names do not say; must be the head's modality. */
  modality?: ModalityId;
  bands?: number[];
  /** Provider list as the user wrote it ("cpu", "cuda,cpu"); default the engine's order. */
  providers?: string;
  tile?: number;
  overlap?: number;
  batch?: number;
  shard?: string;
  progress?: (p: TiledProgress) => void;
  signal?: AbortSignal;
}

export interface HeadSetup {
  headDir: string;
  headManifestPath: string;
  head: HeadManifest;
  model: ModelFolder;
  moduleName: string;
  spec: ModuleSpec;
  modalityId: ModalityId;
  modality: Modality;
  /** Encoder outputs the head reads, without repeats. */
  taps: string[];
  /** Input pixels per cell of the coarsest tap the head reads. */
  tapStride: number;
  /** Input pixels per cell of the head's output (dense heads; null for classify). */
  outStride: number | null;
  /** Output channels of the head's first output (null when the manifest leaves it dynamic). */
  outChannels: number | null;
  providers?: readonly ProviderChoice[];
  warnings: string[];
  close(): Promise<void>;
}

export interface HeadSessions {
  encoder: ModuleSession;
  head: HeadFolder;
}

/** <model>/heads/<name>: a stock head ships inside its encoder's folder. */
export async function shippedIn(headDir: string): Promise<string | null> {
  const parent = dirname(headDir);
  if (basename(parent) !== 'heads') return null;
  const modelDir = dirname(parent);
  return (await stat(join(modelDir, 'manifest.json')).catch(() => null)) ? modelDir : null;
}

export async function openHeadSetup(o: HeadRunOptions, task: HeadTask): Promise<HeadSetup> {
  const h = await readHeadFolder(o.head);
  const m = h.manifest;
  if (m.task !== task) {
    throw new ApiError('E_BAD_REQUEST', `${h.manifestPath}: task: head "${m.name}" is a ${m.task} head; the ${task} task needs a ${task} head`, h.manifestPath);
  }
  const modalityId = m.encoder.modality;
  if (modalityId === 'fused') {
    // segment and change route fused heads to segment-series.ts / change-series.ts before this; the manifest refuses fused classify/detect heads.
    throw new ApiError('E_BAD_REQUEST', `${h.manifestPath}: encoder.modality: head "${m.name}" reads fused S2/S1 series features; only segment (one series) and change (series a and b) run fused heads`, h.manifestPath);
  }
  const modelDir = o.model ? resolve(o.model) : await shippedIn(h.dir);
  if (!modelDir) {
    throw new ApiError('E_BAD_REQUEST', `${h.dir}: give the encoder model folder (head "${m.name}" runs on "${m.encoder.name}", module ${m.encoder.module}; it is not inside a model folder's heads/)`, h.dir);
  }
  const providers = o.providers ? parseProviderList(o.providers) : undefined;
  const model = await loadModelFolder(modelDir, { providers, cache: false });
  try {
    const where = `${h.manifestPath}: encoder`;
    const spec = Object.hasOwn(model.manifest.modules, m.encoder.module) ? model.manifest.modules[m.encoder.module] : undefined;
    if (!spec) {
      throw new ApiError('E_NOT_FOUND', `${where}.module: "${m.encoder.module}" is not a module of ${model.manifestPath} (it has ${model.moduleNames().join(', ')})`, h.manifestPath);
    }
    if (spec.role !== 'encoder' || spec.modality !== m.encoder.modality) {
      throw new ApiError('E_CORRUPT', `${where}: module "${m.encoder.module}" of ${model.manifestPath} is a ${spec.modality} ${spec.role}, the head expects a ${m.encoder.modality} encoder`, h.manifestPath);
    }
    const modality = model.manifest.modalities[modalityId];
    if (!modality || !spec.tile) throw new ApiError('E_CORRUPT', `${model.manifestPath}: modules.${m.encoder.module}: needs its modality and tile`, model.manifestPath);

    const strides = new Set<number>();
    m.inputs.forEach((input, i) => {
      const out = spec.outputs.find((t) => t.name === input.tap);
      if (!out) {
        throw new ApiError('E_CORRUPT', `${h.manifestPath}: inputs[${i}].tap: "${input.tap}" is not an output of ${m.encoder.module} in ${model.manifestPath} (it has ${spec.outputs.map((t) => t.name).join(', ')})`, h.manifestPath);
      }
      const c = out.channels ?? out.shape[1];
      if (typeof c === 'number' && typeof input.shape[1] === 'number' && c !== input.shape[1]) {
        throw new ApiError('E_CORRUPT', `${h.manifestPath}: inputs[${i}].shape[1]: the head takes ${input.shape[1]} channels, ${m.encoder.module}.${input.tap} gives ${c}`, h.manifestPath);
      }
      if (!out.stride || !Number.isInteger(out.stride)) {
        throw new ApiError('E_CORRUPT', `${model.manifestPath}: modules.${m.encoder.module}.outputs: "${input.tap}" needs a whole stride to feed a head`, model.manifestPath);
      }
      strides.add(out.stride);
    });
    // Taps may sit on different grids (a pyramid head reads feat_s4..feat_s32); a tile must hold
    // whole cells of the coarsest.
    const tapStride = Math.max(...strides);

    const first = m.outputs[0];
    const outStride = m.task === 'classify' ? null : (first.stride ?? null);
    if (outStride !== null && (!Number.isInteger(outStride) || outStride < 1)) {
      throw new ApiError('E_UNSUPPORTED', `${h.manifestPath}: outputs[0].stride: ${outStride}: output cells must be whole input pixels`, h.manifestPath);
    }
    const k = first.shape[1];
    const warnings: string[] = [];
    if (model.manifest.name !== m.encoder.name) {
      warnings.push(`head "${m.name}" was trained on encoder "${m.encoder.name}"; it runs here on "${model.manifest.name}" (${model.dir}): its classes may mean little`);
    }
    return {
      headDir: h.dir,
      headManifestPath: h.manifestPath,
      head: m,
      model,
      moduleName: m.encoder.module,
      spec,
      modalityId,
      modality,
      taps: [...new Set(m.inputs.map((t) => t.tap))],
      tapStride,
      outStride,
      outChannels: typeof k === 'number' ? k : null,
      providers,
      warnings,
      close: () => model.close(),
    };
  } catch (err) {
    await model.close();
    throw err;
  }
}

/** Starts the encoder and head sessions and checks the encoder's weights against the head's record. */
export async function startHeadSessions(s: HeadSetup): Promise<HeadSessions> {
  const want = s.head.encoder.weightsSha256;
  if (want) {
    const file = s.model.modulePath(s.moduleName);
    const got = await fileSha256(file);
    if (got !== want) {
      s.warnings.push(`head "${s.head.name}" was trained on ${s.moduleName} weights with sha256 ${want.slice(0, 12)}..., but ${file} has ${got.slice(0, 12)}...: the encoder changed since the head was trained, so its output may be wrong`);
    }
  } else {
    s.warnings.push(`head "${s.head.name}" does not record its encoder's weights (encoder.weightsSha256 is null): cannot check it matches ${s.moduleName}`);
  }
  const encoder = await s.model.session(s.moduleName);
  // Warm the head up on the tap grids of one default tile, the shapes the first batch brings.
  const tile = s.head.tile?.size ?? s.spec.tile!.size;
  const warmupAxes: Record<string, number> = {};
  for (const input of s.head.inputs) {
    const stride = s.spec.outputs.find((t) => t.name === input.tap)!.stride!;
    for (const d of input.shape.slice(2)) if (typeof d === 'string') warmupAxes[d] = Math.max(1, Math.floor(tile / stride));
  }
  const head = await loadHead(s.headDir, { providers: s.providers, warmupAxes });
  return { encoder, head };
}

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
import { defaultSearchDirs, findModels, loadModelFolder, parseProviderList, type HeadManifest, type HeadTask, type Modality, type ModalityId, type ModelFolder, type ModuleSession, type ModuleSpec, type ProviderChoice } from '../model/index.ts';
import { fileSha256, loadHead, readHeadFolder, type HeadFolder } from './head-folder.ts';
import type { RunOptions } from '../inputs/index.ts';

/** The options every head task takes: the run flags, the head, and where its encoder is. */
export interface HeadRunOptions extends RunOptions {
  /** The head folder (manifest.json of kind "head" + its ONNX file). */
  head: string;
  /** The encoder model folder; default the folder the head ships in (<model>/heads/<head>). */
  model?: string;
  shard?: string;
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

/**
 * The encoder output each head input reads (its tap), checked: it exists in the module and
 * gives the channels the head takes. Errors name the head's manifest key.
 */
export function headTaps(h: { manifestPath: string; manifest: HeadManifest }, model: ModelFolder, spec: ModuleSpec): ModuleSpec['outputs'] {
  const m = h.manifest;
  return m.inputs.map((input, i) => {
    const out = spec.outputs.find((t) => t.name === input.tap);
    if (!out) {
      throw new ApiError('E_CORRUPT', `${h.manifestPath}: inputs[${i}].tap: "${input.tap}" is not an output of ${m.encoder.module} in ${model.manifestPath} (it has ${spec.outputs.map((t) => t.name).join(', ')})`, h.manifestPath);
    }
    const c = out.channels ?? out.shape[1];
    if (typeof c === 'number' && typeof input.shape[1] === 'number' && c !== input.shape[1]) {
      throw new ApiError('E_CORRUPT', `${h.manifestPath}: inputs[${i}].shape[1]: the head takes ${input.shape[1]} channels, ${m.encoder.module}.${input.tap} gives ${c}`, h.manifestPath);
    }
    return out;
  });
}

type ReadHead = Awaited<ReturnType<typeof readHeadFolder>>;

/**
 * An installed encoder (the application's, the user's models folder) of the name the head
 * records, with the weights it was trained on where it records them: what finds the encoder
 * of a head saved on its own in the user's models folder (the Train head panel's Save head).
 */
async function installedEncoder(m: HeadManifest): Promise<string | null> {
  const { models } = await findModels(defaultSearchDirs());
  for (const e of models) {
    if (e.kind !== 'encoder' || e.name !== m.encoder.name || e.problems.length > 0 || !e.modules.some((x) => x.name === m.encoder.module)) continue;
    if (!m.encoder.weightsSha256) return e.dir;
    const folder = await loadModelFolder(e.dir, { cache: false });
    try {
      if ((await fileSha256(folder.modulePath(m.encoder.module))) === m.encoder.weightsSha256) return e.dir;
    } finally {
      await folder.close();
    }
  }
  return null;
}

/** The encoder model folder a head runs on: the one given, else the one it ships in (<model>/heads/<head>), else an installed one of its name and weights. */
export async function headModelFolder(h: Pick<ReadHead, 'dir' | 'manifest'>, o: Pick<HeadRunOptions, 'model' | 'providers'>): Promise<ModelFolder> {
  const m = h.manifest;
  const modelDir = o.model ? resolve(o.model) : ((await shippedIn(h.dir)) ?? (await installedEncoder(m)));
  if (!modelDir) {
    throw new ApiError('E_BAD_REQUEST', `${h.dir}: give the encoder model folder (head "${m.name}" runs on "${m.encoder.name}", module ${m.encoder.module}; it is not inside a model folder's heads/, and no installed model of that name has the weights it was trained on)`, h.dir);
  }
  return loadModelFolder(modelDir, { providers: o.providers ? parseProviderList(o.providers) : undefined, cache: false });
}

/** The module of `model` the head's encoder.module names. */
export function headModule(h: Pick<ReadHead, 'manifestPath' | 'manifest'>, model: ModelFolder): ModuleSpec {
  const mod = h.manifest.encoder.module;
  if (!Object.hasOwn(model.manifest.modules, mod)) {
    throw new ApiError('E_NOT_FOUND', `${h.manifestPath}: encoder.module: "${mod}" is not a module of ${model.manifestPath} (it has ${model.moduleNames().join(', ')})`, h.manifestPath);
  }
  return model.manifest.modules[mod];
}

/** Warns (into `warnings`) when the module's weights are not the ones the head was trained on, or when the head does not say. */
export async function noteHeadWeights(head: HeadManifest, model: ModelFolder, moduleName: string, warnings: string[]): Promise<void> {
  const want = head.encoder.weightsSha256;
  if (!want) {
    warnings.push(`head "${head.name}" does not record its encoder's weights (encoder.weightsSha256 is null): cannot check it matches ${moduleName}`);
    return;
  }
  const file = model.modulePath(moduleName);
  const got = await fileSha256(file);
  if (got !== want) {
    warnings.push(`head "${head.name}" was trained on ${moduleName} weights with sha256 ${want.slice(0, 12)}..., but ${file} has ${got.slice(0, 12)}...: the module changed since the head was trained, so its output may be wrong`);
  }
}

/** `h`: the head folder as the task read it (to route it). */
export async function openHeadSetup(o: HeadRunOptions, task: HeadTask, h: ReadHead): Promise<HeadSetup> {
  const m = h.manifest;
  if (m.task !== task) {
    throw new ApiError('E_BAD_REQUEST', `${h.manifestPath}: task: head "${m.name}" is a ${m.task} head; the ${task} task needs a ${task} head`, h.manifestPath);
  }
  const modalityId = m.encoder.modality;
  if (modalityId === 'fused') {
    // segment, change and classify route fused heads to their series paths before this; the manifest refuses fused detect heads.
    throw new ApiError('E_BAD_REQUEST', `${h.manifestPath}: encoder.modality: head "${m.name}" reads fused S2/S1 series features; only segment, classify (one series) and change (series a and b) run fused heads`, h.manifestPath);
  }
  const model = await headModelFolder(h, o);
  const providers = o.providers ? parseProviderList(o.providers) : undefined;
  try {
    const where = `${h.manifestPath}: encoder`;
    const spec = headModule(h, model);
    if (spec.role !== 'encoder' || spec.modality !== m.encoder.modality) {
      throw new ApiError('E_CORRUPT', `${where}: module "${m.encoder.module}" of ${model.manifestPath} is a ${spec.modality} ${spec.role}, the head expects a ${m.encoder.modality} encoder`, h.manifestPath);
    }
    const modality = model.manifest.modalities[modalityId];
    if (!modality || !spec.tile) throw new ApiError('E_CORRUPT', `${model.manifestPath}: modules.${m.encoder.module}: needs its modality and tile`, model.manifestPath);

    const strides = new Set<number>();
    headTaps(h, model, spec).forEach((out, i) => {
      const input = m.inputs[i];
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
  await noteHeadWeights(s.head, s.model, s.moduleName, s.warnings);
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

// The model-folder manifest in zod: the runtime mirror of models/manifest.schema.json
// (which stays the authority; test/models/manifest-schema.test.ts keeps the two in step),
// plus the cross-checks a JSON Schema cannot state. parseManifest is the only way the
// engine turns manifest.json into a typed object, so every error names the file and the key.
import { z } from 'zod';
import { ApiError } from '../api.ts';

const AXIS_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Plain names only: a manifest must never reach outside its own folder.
const FILE_NAME = /^(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const ONNX_FILE_NAME = /^(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9._-]*\.onnx$/;
const TENSOR_NAME = /^[A-Za-z_][A-Za-z0-9_.:/-]*$/;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const fileName = z.string().regex(FILE_NAME, { error: 'expected a plain file name in the model folder (no "/", no "..")' });
export const onnxFileName = z
  .string()
  .regex(ONNX_FILE_NAME, { error: 'expected a plain .onnx file name in the model folder (no "/", no "..")' });

export const ModalityId = z.enum(['hr', 's2', 's1']);
export type ModalityId = z.infer<typeof ModalityId>;
export const Units = z.enum(['DN', 'reflectance', 'dB', '0-255']);
export type Units = z.infer<typeof Units>;
export const Dtype = z.enum(['float32', 'float16', 'int64', 'int32', 'int8', 'uint8', 'bool']);
export type Dtype = z.infer<typeof Dtype>;

export const Dimension = z.union([z.int().min(1), z.string().regex(AXIS_NAME)], {
  error: 'expected a size >= 1 or a dynamic axis name',
});
export type Dimension = z.infer<typeof Dimension>;

export const tensorName = z.string().regex(TENSOR_NAME, { error: 'expected an ONNX tensor name' });
export const shape = z.array(Dimension).min(1);

export const InputTensor = z.strictObject({
  name: tensorName,
  dtype: Dtype,
  shape,
  description: z.string().optional(),
});
export type InputTensor = z.infer<typeof InputTensor>;

export const OutputTensor = z.strictObject({
  name: tensorName,
  dtype: Dtype,
  shape,
  stride: z.number().positive().optional(),
  channels: z.int().min(1).optional(),
  description: z.string().optional(),
});
export type OutputTensor = z.infer<typeof OutputTensor>;

export const Tile = z.strictObject({
  size: z.int().min(1),
  stride: z.int().min(1),
  validSizes: z.array(z.int().min(1)).min(1).optional(),
  multipleOf: z.int().min(1).optional(),
});
export type Tile = z.infer<typeof Tile>;

export const ModuleSpec = z.strictObject({
  file: onnxFileName,
  fp16File: onnxFileName.nullable().optional(),
  externalData: z.boolean().optional(),
  externalDataFiles: z.array(fileName).optional(),
  role: z.enum(['encoder', 'upsample', 'fusion', 'geo_context']),
  modality: z.enum(['hr', 's2', 's1', 'fused']),
  inputs: z.array(InputTensor).min(1),
  outputs: z.array(OutputTensor).min(1),
  tile: Tile.nullable(),
  notes: z.string().optional(),
});
export type ModuleSpec = z.infer<typeof ModuleSpec>;

export const Modality = z.strictObject({
  bands: z.array(z.string().min(1)).min(1),
  units: Units,
  scale: z.number().positive().optional(),
  mean: z.array(z.number()).min(1),
  std: z.array(z.number().positive()).min(1),
  gsd: z.number().positive(),
  notes: z.string().optional(),
});
export type Modality = z.infer<typeof Modality>;

const Checkpoint = z.union(
  [
    z.null(),
    z.string().min(1),
    z.array(z.strictObject({ file: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) })).min(1),
  ],
  { error: 'expected null, a text line, or a list of {file, sha256}' },
);

export const Provenance = z.strictObject({
  architecture: z.string().min(1),
  weights: z.enum(['random-init', 'converted', 'pretrained']),
  checkpoint: Checkpoint,
  exporter: z.string().min(1),
  created: z.string().regex(ISO_DATE, { error: 'expected an ISO 8601 date or date-time' }),
  torch: z.string().min(1),
  opset: z.int().min(7),
  seed: z.int().nullable().optional(),
  notes: z.string().optional(),
});

export const Licence = z.strictObject({ code: z.string().min(1), weights: z.string().min(1) });

export const DateEmbedding = z.strictObject({
  table: z.int().min(1),
  index: z.string().min(1),
  appliesTo: z.array(ModalityId),
});

export const GeoContext = z.strictObject({
  grid: z.string().min(1),
  regions: z.int().min(1),
  prototypesPerRegion: z.int().min(1),
  notes: z.string().optional(),
});

export const MODULE_NAME = /^[a-z][a-z0-9_]{0,63}$/;
/** Model and head names: folder-safe, lower case. */
export const MODEL_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const modelName = z.string().regex(MODEL_NAME, { error: 'expected a folder-safe lower-case id' });

export const Manifest = z.strictObject({
  schemaVersion: z.literal(1, { error: 'unsupported schemaVersion (this build reads 1)' }),
  // Head folders have their own layout (head-manifest.ts); parseManifest points them there.
  kind: z.literal('encoder', { error: 'expected "encoder" (head folders are read by parseHeadManifest)' }),
  name: modelName,
  title: z.string().min(1),
  config: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, { error: 'expected a lower-case configuration id' }),
  provenance: Provenance,
  licence: Licence,
  // partialRecord: a folder holds only the modalities its modules read.
  modalities: z.partialRecord(ModalityId, Modality).refine((m) => Object.keys(m).length > 0, {
    error: 'expected at least one modality',
  }),
  modules: z
    .record(z.string().regex(MODULE_NAME, { error: 'expected a lower-case module name' }), ModuleSpec)
    .refine((m) => Object.keys(m).length > 0, { error: 'expected at least one module' }),
  dateEmbedding: DateEmbedding.nullable().optional(),
  geoContext: GeoContext.nullable().optional(),
});
export type Manifest = z.infer<typeof Manifest>;

export type PathSegment = PropertyKey;
export interface Problem {
  path: PathSegment[];
  message: string;
}

/** `modules.s2_encoder.inputs[0].shape` — the form people see in the manifest. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out || '(root)';
}

export function zodProblems(error: z.ZodError): Problem[] {
  const out: Problem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: [...issue.path, key], message: 'unknown key' });
    } else if (issue.code === 'invalid_type') {
      // Zod phrases this "Invalid input: expected array, received string"; keep the useful half.
      const msg = issue.message.replace(/^Invalid input:\s*/, '');
      out.push({ path: issue.path, message: /received undefined$/.test(msg) ? `missing (${msg.replace(/, received undefined$/, '')})` : msg });
    } else if (issue.code === 'invalid_key') {
      out.push({ path: issue.path, message: issue.issues[0]?.message ?? issue.message });
    } else {
      out.push({ path: issue.path, message: issue.message });
    }
  }
  return out;
}

/** What a JSON Schema cannot say: counts that must agree and references that must resolve. */
export function crossCheck(m: Manifest): Problem[] {
  const problems: Problem[] = [];
  const add = (path: PathSegment[], message: string) => problems.push({ path, message });

  for (const [id, mod] of Object.entries(m.modalities)) {
    if (!mod) continue;
    const n = mod.bands.length;
    if (new Set(mod.bands).size !== n) add(['modalities', id, 'bands'], 'band names repeat');
    if (mod.mean.length !== n) add(['modalities', id, 'mean'], `has ${mod.mean.length} values for ${n} bands`);
    if (mod.std.length !== n) add(['modalities', id, 'std'], `has ${mod.std.length} values for ${n} bands`);
  }

  for (const [name, spec] of Object.entries(m.modules)) {
    const at = (...rest: PathSegment[]) => ['modules', name, ...rest];
    if (spec.fp16File && spec.fp16File === spec.file) add(at('fp16File'), 'names the same file as file');
    if (spec.externalData && !(spec.externalDataFiles && spec.externalDataFiles.length > 0)) {
      add(at('externalDataFiles'), 'missing: externalData is true, so the data files must be listed');
    }
    if (!spec.externalData && spec.externalDataFiles && spec.externalDataFiles.length > 0) {
      add(at('externalData'), 'must be true when externalDataFiles are listed');
    }

    const inNames = spec.inputs.map((t) => t.name);
    const outNames = spec.outputs.map((t) => t.name);
    inNames.forEach((n, i) => {
      if (inNames.indexOf(n) !== i) add(at('inputs', i, 'name'), `repeats input name "${n}"`);
      if (outNames.includes(n)) add(at('inputs', i, 'name'), `"${n}" is also an output name`);
    });
    outNames.forEach((n, i) => {
      if (outNames.indexOf(n) !== i) add(at('outputs', i, 'name'), `repeats output name "${n}"`);
    });
    spec.outputs.forEach((t, i) => {
      const c = t.shape[1];
      if (t.channels !== undefined && typeof c === 'number' && c !== t.channels) {
        add(at('outputs', i, 'channels'), `is ${t.channels} but shape[1] is ${c}`);
      }
    });

    if (spec.modality !== 'fused') {
      const mod = m.modalities[spec.modality];
      if (!mod) {
        add(at('modality'), `"${spec.modality}" is not described under modalities`);
      } else if (spec.role === 'encoder') {
        // The engine builds the image tensor from the bands list, so the graph must take exactly that many channels.
        const image = spec.inputs[0];
        if (image.shape.length !== 4) {
          add(at('inputs', 0, 'shape'), `expected [batch, channels, height, width], got ${image.shape.length} axes`);
        } else if (image.shape[1] !== mod.bands.length) {
          add(
            at('inputs', 0, 'shape', 1),
            `is ${JSON.stringify(image.shape[1])} but modalities.${spec.modality} has ${mod.bands.length} bands`,
          );
        }
      }
    }
    if (spec.role === 'encoder' && spec.tile === null) add(at('tile'), 'an encoder reads imagery and needs a tile');

    const tile = spec.tile;
    if (tile) {
      if (tile.stride > tile.size) add(at('tile', 'stride'), `${tile.stride} exceeds tile size ${tile.size}`);
      if (tile.validSizes) {
        if (new Set(tile.validSizes).size !== tile.validSizes.length) add(at('tile', 'validSizes'), 'sizes repeat');
        if (!tile.validSizes.includes(tile.size)) add(at('tile', 'size'), `${tile.size} is not one of validSizes`);
      }
      if (tile.multipleOf) {
        const q = tile.multipleOf;
        if (tile.size % q !== 0) add(at('tile', 'size'), `${tile.size} is not a multiple of ${q}`);
        tile.validSizes?.forEach((s, i) => {
          if (s % q !== 0) add(at('tile', 'validSizes', i), `${s} is not a multiple of ${q}`);
        });
      }
    }
  }

  m.dateEmbedding?.appliesTo.forEach((id, i) => {
    if (!m.modalities[id]) add(['dateEmbedding', 'appliesTo', i], `"${id}" is not described under modalities`);
  });
  return problems;
}

/** Throws ApiError E_CORRUPT with one `<file>: <key path>: <problem>` line per problem. */
export function throwProblems(problems: readonly Problem[], file: string): never {
  const lines = problems.map((p) => `${file}: ${formatPath(p.path)}: ${p.message}`);
  throw new ApiError('E_CORRUPT', lines.join('\n'), file);
}

/**
 * Validates a parsed manifest.json. `file` is only used in messages. Throws ApiError E_CORRUPT
 * whose message starts `<file>: <key path>: <problem>` and lists every problem found.
 */
export function parseManifest(json: unknown, file: string): Manifest {
  if (json && typeof json === 'object' && (json as { kind?: unknown }).kind === 'head') {
    throw new ApiError('E_UNSUPPORTED', `${file}: kind: "head": this is a task head folder, not an encoder model folder (give it as the head, with its encoder's folder as the model)`, file);
  }
  const parsed = Manifest.safeParse(json);
  const problems = parsed.success ? crossCheck(parsed.data) : zodProblems(parsed.error);
  if (problems.length === 0 && parsed.success) return parsed.data;
  throwProblems(problems, file);
}

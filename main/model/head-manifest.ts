// The head manifest (kind "head") in zod: a task head is one ONNX graph fed by taps of an
// encoder module, with the classes it writes and what it was trained on. Mirrors
// $defs.headManifest of models/manifest.schema.json (the authority; the agreement test keeps
// them in step) plus the cross-checks a schema cannot state: class counts that must match
// the graph's output channels, change heads that see both dates, task-specific output shapes.
import { z } from 'zod';
import {
  Dtype,
  ISO_DATE,
  Licence,
  MODULE_NAME,
  modelName,
  onnxFileName,
  shape,
  tensorName,
  throwProblems,
  zodProblems,
  type PathSegment,
  type Problem,
} from './manifest.ts';

export const HeadTask = z.enum(['segment', 'change', 'classify', 'detect']);
export type HeadTask = z.infer<typeof HeadTask>;

/** What a head's encoder reads: one modality, or "fused" (the fusion module's S2/S1 time-series features). */
export const HeadModality = z.enum(['hr', 's2', 's1', 'fused']);
export type HeadModality = z.infer<typeof HeadModality>;

export const HeadEncoder = z.strictObject({
  name: modelName,
  modality: HeadModality,
  module: z.string().regex(MODULE_NAME, { error: 'expected a lower-case module name' }),
  weightsSha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected 64 lower-case hex digits or null' }).nullable(),
});
export type HeadEncoder = z.infer<typeof HeadEncoder>;

export const HeadInput = z.strictObject({
  name: tensorName,
  dtype: Dtype,
  shape,
  /** The encoder output fed to this input. */
  tap: tensorName,
  /** Change heads: which of the two dates this input sees. */
  date: z.enum(['a', 'b']).optional(),
  description: z.string().optional(),
});
export type HeadInput = z.infer<typeof HeadInput>;

export const HeadOutput = z.strictObject({
  name: tensorName,
  dtype: Dtype,
  shape,
  stride: z.number().positive().optional(),
  description: z.string().optional(),
});
export type HeadOutput = z.infer<typeof HeadOutput>;

export const HeadClass = z.strictObject({
  // 255 is the class raster's nodata.
  value: z.int().min(0).max(254),
  name: z.string().min(1),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, { error: 'expected a colour as "#rrggbb"' }),
});
export type HeadClass = z.infer<typeof HeadClass>;

export const HeadTile = z.strictObject({ size: z.int().min(1), stride: z.int().min(1) });

export const HeadTraining = z.strictObject({
  data: z.string().min(1),
  licence: z.string().min(1),
  samples: z.int().min(0).optional(),
  epochs: z.int().min(0).optional(),
  script: z.string().min(1).optional(),
  metrics: z.record(z.string(), z.number()).optional(),
  evaluatedOn: z.string().min(1).optional(),
  created: z.string().regex(ISO_DATE, { error: 'expected an ISO 8601 date or date-time' }).optional(),
  notes: z.string().optional(),
});
export type HeadTraining = z.infer<typeof HeadTraining>;

export const HeadManifest = z.strictObject({
  schemaVersion: z.literal(1, { error: 'unsupported schemaVersion (this build reads 1)' }),
  kind: z.literal('head', { error: 'expected "head"' }),
  name: modelName,
  title: z.string().min(1),
  task: HeadTask,
  encoder: HeadEncoder,
  file: onnxFileName,
  inputs: z.array(HeadInput).min(1),
  outputs: z.array(HeadOutput).min(1),
  activation: z.enum(['softmax', 'sigmoid']),
  threshold: z.number().gt(0).lt(1).optional(),
  classes: z.array(HeadClass).min(1),
  tile: HeadTile.optional(),
  training: HeadTraining,
  licence: Licence,
  notes: z.string().optional(),
});
export type HeadManifest = z.infer<typeof HeadManifest>;

/** Output channels the graph must give for the classes (null when the manifest leaves it dynamic). */
function channelProblem(h: HeadManifest, k: number | string): string | null {
  if (typeof k !== 'number') return null;
  const n = h.classes.length;
  if (h.activation === 'softmax') return k === n ? null : `is ${k} but a softmax head needs one channel per class (${n} classes)`;
  if (k === n || (k === 1 && n === 2)) return null;
  return `is ${k}: a sigmoid head gives one channel per class (${n}), or 1 for a binary head with 2 classes`;
}

/** What a JSON Schema cannot say about a head. */
export function crossCheckHead(h: HeadManifest): Problem[] {
  const problems: Problem[] = [];
  const add = (path: PathSegment[], message: string) => problems.push({ path, message });

  const values = h.classes.map((c) => c.value);
  h.classes.forEach((c, i) => {
    if (values.indexOf(c.value) !== i) add(['classes', i, 'value'], `repeats class value ${c.value}`);
    if (h.classes.findIndex((o) => o.name === c.name) !== i) add(['classes', i, 'name'], `repeats class name "${c.name}"`);
  });

  const inNames = h.inputs.map((t) => t.name);
  const outNames = h.outputs.map((t) => t.name);
  inNames.forEach((n, i) => {
    if (inNames.indexOf(n) !== i) add(['inputs', i, 'name'], `repeats input name "${n}"`);
    if (outNames.includes(n)) add(['inputs', i, 'name'], `"${n}" is also an output name`);
  });
  outNames.forEach((n, i) => {
    if (outNames.indexOf(n) !== i) add(['outputs', i, 'name'], `repeats output name "${n}"`);
  });
  h.inputs.forEach((t, i) => {
    if (t.shape.length !== 4) add(['inputs', i, 'shape'], `expected [batch, channels, h, w] (an encoder tap), got ${t.shape.length} axes`);
  });

  if (h.task === 'change') {
    h.inputs.forEach((t, i) => {
      if (!t.date) add(['inputs', i, 'date'], 'missing: a change head says which date ("a" or "b") each input sees');
    });
    const taps = (d: 'a' | 'b') => h.inputs.filter((t) => t.date === d).map((t) => t.tap).sort().join(',');
    if (h.inputs.every((t) => t.date)) {
      if (!taps('a') || !taps('b')) add(['inputs'], 'a change head needs inputs for both dates "a" and "b"');
      else if (taps('a') !== taps('b')) add(['inputs'], `dates see different taps (a: ${taps('a')}; b: ${taps('b')})`);
    }
  } else {
    h.inputs.forEach((t, i) => {
      if (t.date) add(['inputs', i, 'date'], `only change heads take dates (this is a ${h.task} head)`);
    });
  }

  if (h.task === 'segment' || h.task === 'change') {
    if (h.outputs.length !== 1) add(['outputs'], `a ${h.task} head has one output (logits), not ${h.outputs.length}`);
    const o = h.outputs[0];
    if (o.shape.length !== 4) add(['outputs', 0, 'shape'], `expected [batch, classes, h, w], got ${o.shape.length} axes`);
    if (o.stride === undefined) add(['outputs', 0, 'stride'], 'missing: input pixels per output pixel');
    const p = channelProblem(h, o.shape[1]);
    if (p) add(['outputs', 0, 'shape', 1], p);
    if (h.activation === 'sigmoid' && typeof o.shape[1] === 'number' && o.shape[1] !== 1) {
      add(['outputs', 0, 'shape', 1], `is ${o.shape[1]}: a per-pixel sigmoid head must be binary (1 channel); use softmax for several classes`);
    }
  } else if (h.task === 'classify') {
    if (h.outputs.length !== 1) add(['outputs'], `a classify head has one output (scores), not ${h.outputs.length}`);
    const o = h.outputs[0];
    if (o.shape.length !== 2) add(['outputs', 0, 'shape'], `expected [batch, classes] (one score per tile), got ${o.shape.length} axes`);
    if (o.stride !== undefined) add(['outputs', 0, 'stride'], 'a classify head scores whole tiles; it has no stride');
    const p = channelProblem(h, o.shape[1]);
    if (p) add(['outputs', 0, 'shape', 1], p);
  } else {
    const scores = outNames.indexOf('scores');
    const boxes = outNames.indexOf('boxes');
    if (scores < 0 || boxes < 0 || h.outputs.length !== 2) add(['outputs'], `a detect head has two outputs, "scores" and "boxes" (has ${outNames.join(', ')})`);
    for (const i of [scores, boxes]) {
      if (i < 0) continue;
      const o = h.outputs[i];
      if (o.shape.length !== 4) add(['outputs', i, 'shape'], `expected [batch, channels, h, w], got ${o.shape.length} axes`);
      if (o.stride === undefined) add(['outputs', i, 'stride'], 'missing: input pixels per output cell');
    }
    if (scores >= 0) {
      const p = channelProblem(h, h.outputs[scores].shape[1]);
      if (p) add(['outputs', scores, 'shape', 1], p);
    }
    const b = boxes >= 0 ? h.outputs[boxes].shape[1] : undefined;
    if (typeof b === 'number' && b !== 4 && b !== 5) add(['outputs', boxes, 'shape', 1], `is ${b}: boxes have 4 (dx, dy, w, h) or 5 (+ angle) channels`);
  }

  // Only segment (one series) and change (two series, a and b) run the fused S2/S1 series
  // pipeline; classify and detect read one raster's encoder taps.
  if (h.encoder.modality === 'fused' && h.task === 'detect') add(['encoder', 'modality'], `"fused" heads are segment, change or classify heads (this is a ${h.task} head)`);

  if (h.tile && h.tile.stride > h.tile.size) add(['tile', 'stride'], `${h.tile.stride} exceeds tile size ${h.tile.size}`);
  return problems;
}

/**
 * Validates a parsed head manifest.json. `file` is only used in messages. Throws ApiError
 * E_CORRUPT whose message lines read `<file>: <key path>: <problem>`, every problem found.
 */
export function parseHeadManifest(json: unknown, file: string): HeadManifest {
  const parsed = HeadManifest.safeParse(json);
  const problems = parsed.success ? crossCheckHead(parsed.data) : zodProblems(parsed.error);
  if (problems.length === 0 && parsed.success) return parsed.data;
  throwProblems(problems, file);
}

/** A class colour "#rrggbb" as [r, g, b] (the class raster's colour table). */
export function classColorRgb(color: string): [number, number, number] {
  const v = Number.parseInt(color.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

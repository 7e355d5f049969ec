// The manifest is what the engine feeds from, so a graph whose inputs or outputs differ from
// it (a stale export, a hand-edited manifest) must fail at session start, naming the tensor,
// rather than as an opaque ORT shape error on the first tile.
import type * as ort from 'onnxruntime-node';
import { ApiError } from '../api.ts';
import type { Dimension, Dtype } from './manifest.ts';

/** What a graph must declare: a module's or a head's inputs and outputs, in order. */
export interface DeclaredIo {
  inputs: readonly { name: string; dtype: Dtype; shape: readonly Dimension[] }[];
  outputs: readonly { name: string; dtype: Dtype; shape: readonly Dimension[] }[];
}

type Io = 'inputs' | 'outputs';

function describeShape(shape: readonly (number | string)[]): string {
  return `[${shape.map((d) => (typeof d === 'number' ? String(d) : JSON.stringify(d))).join(', ')}]`;
}

interface Where {
  /** Prefix naming the ONNX file, the manifest and the module key. */
  label: string;
  onnxFile: string;
}

function mismatch(where: Where, msg: string): ApiError {
  return new ApiError('E_CORRUPT', `${where.label}.${msg}`, where.onnxFile);
}

function checkSide(session: ort.InferenceSession, spec: DeclaredIo, io: Io, where: Where): void {
  const meta = io === 'inputs' ? session.inputMetadata : session.outputMetadata;
  const declared = spec[io];
  const graphNames = meta.map((m) => m.name);
  const declaredNames = declared.map((t) => t.name);
  if (graphNames.join('\u0000') !== declaredNames.join('\u0000')) {
    throw mismatch(where, `${io}: manifest names ${JSON.stringify(declaredNames)} but the graph has ${JSON.stringify(graphNames)}`);
  }
  declared.forEach((t, i) => {
    const m = meta[i];
    if (!m.isTensor) throw mismatch(where, `${io}[${i}]: graph value "${m.name}" is not a tensor`);
    if (m.type !== t.dtype) throw mismatch(where, `${io}[${i}].dtype: manifest says ${t.dtype}, graph has ${m.type}`);
    // An empty shape means the graph does not declare one; nothing to compare.
    if (m.shape.length === 0) return;
    const bad = () => `${io}[${i}].shape: manifest says ${describeShape(t.shape)}, graph has ${describeShape(m.shape)}`;
    if (m.shape.length !== t.shape.length) throw mismatch(where, bad());
    t.shape.forEach((d: Dimension, k) => {
      const g = m.shape[k];
      // A fixed manifest size on a dynamic graph axis only narrows what the engine feeds: fine.
      if (typeof d === 'number' && typeof g === 'number' && d !== g) throw mismatch(where, bad());
      // A dynamic manifest axis on a fixed graph axis would make the engine feed sizes the graph refuses.
      if (typeof d === 'string' && typeof g === 'number') throw mismatch(where, bad());
    });
  });
}

export function checkSessionAgainstSpec(session: ort.InferenceSession, spec: DeclaredIo, where: Where): void {
  checkSide(session, spec, 'inputs', where);
  checkSide(session, spec, 'outputs', where);
}

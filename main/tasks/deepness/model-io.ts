/**
 * The graph I/O rules a Deepness model must meet (FORMAT.md, "Graph I/O rules"), checked
 * from the file's declared shapes before a session starts or a tile is read:
 * exactly one float32 NCHW input with square tiles; Segmentor/Regressor outputs
 * [B, K, H', W'] or [B, H', W'], square, no larger than the tile; Detector outputs one
 * 3-D YOLO tensor (plus the mask prototypes of Ultralytics segmentation models).
 */
import { ApiError } from '../../api.ts';
import type { DeepnessModelType, DetectorType } from './metadata.ts';
import type { OnnxModelInfo, OnnxValueInfo } from './onnx-proto.ts';

export interface DeepnessInput {
  name: string;
  channels: number;
  /** Fixed tile side, or null when the spatial axes are dynamic. */
  size: number | null;
  /** Fixed batch, or null when dynamic. */
  batch: number | null;
}

/** One segmentation/regression output head. */
export interface RasterHead {
  name: string;
  /** Channels it yields: 1 for a 3-D output. */
  channels: number;
  rank: 3 | 4;
  /** Fixed output side H' (may be smaller than the tile), null when dynamic. */
  size: number | null;
  /** Fixed batch of the output, null when dynamic. */
  batch: number | null;
}

export interface DetectorOutput {
  name: string;
  dims: (number | string)[];
  /** Fixed batch, null when dynamic. */
  batch: number | null;
}

export interface DeepnessIo {
  input: DeepnessInput;
  heads: RasterHead[];
  detector: DetectorOutput | null;
}

const fixed = (d: number | string | undefined): number | null => (typeof d === 'number' && d > 0 ? d : null);
const showDims = (v: OnnxValueInfo) => `[${(v.dims ?? []).map((d) => (typeof d === 'number' ? d : d || '?')).join(', ')}]`;

function unsupported(file: string, msg: string): ApiError {
  return new ApiError('E_UNSUPPORTED', `${file}: ${msg}`, file);
}

function checkInput(file: string, onnx: OnnxModelInfo): DeepnessInput {
  if (onnx.inputs.length !== 1) {
    throw unsupported(file, `has ${onnx.inputs.length} inputs (${onnx.inputs.map((i) => i.name).join(', ')}); a Deepness model takes exactly one image input`);
  }
  const v = onnx.inputs[0];
  if (v.elemType !== 1) throw unsupported(file, `input "${v.name}" is not float32 (ONNX type ${v.elemType}); Deepness feeds float32`);
  if (!v.dims || v.dims.length !== 4) throw unsupported(file, `input "${v.name}" has shape ${v.dims ? showDims(v) : 'undeclared'}; [batch, channels, height, width] expected`);
  const channels = fixed(v.dims[1]);
  if (channels === null) throw unsupported(file, `input "${v.name}" ${showDims(v)} has no fixed channel count`);
  const h = fixed(v.dims[2]);
  const w = fixed(v.dims[3]);
  if (h !== null && w !== null && h !== w) throw unsupported(file, `input "${v.name}" ${showDims(v)} is not square (${h} x ${w}); Deepness tiles are square`);
  return { name: v.name, channels, size: h ?? w, batch: fixed(v.dims[0]) };
}

function rasterHead(file: string, v: OnnxValueInfo, input: DeepnessInput, what: string): RasterHead {
  if (v.elemType !== 1) throw unsupported(file, `output "${v.name}" is not float32 (ONNX type ${v.elemType})`);
  const dims = v.dims;
  if (!dims || (dims.length !== 3 && dims.length !== 4)) {
    throw unsupported(file, `${what} output "${v.name}" has shape ${dims ? showDims(v) : 'undeclared'}; [batch, classes, height, width] or [batch, height, width] expected`);
  }
  const rank = dims.length as 3 | 4;
  const channels = rank === 3 ? 1 : fixed(dims[1]);
  if (channels === null) throw unsupported(file, `${what} output "${v.name}" ${showDims(v)} has no fixed channel count`);
  const h = fixed(dims[rank - 2]);
  const w = fixed(dims[rank - 1]);
  if (h !== null && w !== null && h !== w) throw unsupported(file, `${what} output "${v.name}" ${showDims(v)} is not square`);
  const size = h ?? w;
  if (size !== null && input.size !== null) {
    if (size > input.size) throw unsupported(file, `${what} output "${v.name}" ${showDims(v)} is larger than the ${input.size} px input (super-resolution models are not run here)`);
    if ((input.size - size) % 2 !== 0) throw unsupported(file, `${what} output "${v.name}" is ${size} px for a ${input.size} px input: an odd border cannot be centred`);
  }
  return { name: v.name, channels, rank, size, batch: fixed(dims[0]) };
}

/** Checks the graph against the rules for `type`; Superresolution and Recognition are refused. */
export function checkModelIo(file: string, onnx: OnnxModelInfo, type: DeepnessModelType, detType: DetectorType): DeepnessIo {
  if (type === 'Superresolution' || type === 'Recognition') {
    throw unsupported(file, `is a Deepness ${type} model; SkySense Desktop runs Segmentor, Regressor and Detector models`);
  }
  const input = checkInput(file, onnx);
  if (onnx.outputs.length === 0) throw unsupported(file, 'declares no outputs');
  if (type === 'Detector') {
    const seg = detType === 'YOLO_Ultralytics_segmentation';
    if (onnx.outputs.length > (seg ? 2 : 1)) {
      throw unsupported(file, `has ${onnx.outputs.length} outputs; a ${detType} detector has ${seg ? 'one or two' : 'one'}`);
    }
    const v = onnx.outputs[0];
    if (!v.dims || v.dims.length !== 3) throw unsupported(file, `detector output "${v.name}" has shape ${v.dims ? showDims(v) : 'undeclared'}; [1, boxes, values] (or [1, values, boxes] for Ultralytics) expected`);
    const batch = fixed(v.dims[0]);
    if (batch !== null && batch !== 1) throw unsupported(file, `detector output "${v.name}" ${showDims(v)}: Deepness detectors output one image per run (batch 1)`);
    return { input, heads: [], detector: { name: v.name, dims: v.dims, batch } };
  }
  const heads = onnx.outputs.map((v) => rasterHead(file, v, input, type === 'Segmentor' ? 'segmentation' : 'regression'));
  return { input, heads, detector: null };
}

// Zero inputs of a valid shape for a session's warm-up run. Some provider failures only show
// when a kernel first runs (a webgpu shader that needs shader-f16 the adapter lacks, device
// memory for the real tile size), and webgpu compiles its pipelines per shape on first use:
// warming up at the size the engine will feed finds the first while the fallback can still
// act, and pays the second before the first real tile.
import * as ort from 'onnxruntime-node';

/** Sizes for dynamic axes by name; an axis not named gets `defaultSize`. */
export interface WarmupShape {
  axes?: Readonly<Record<string, number>>;
  defaultSize?: number;
}

type Meta = ort.InferenceSession.ValueMetadata;

function zeros(type: ort.Tensor.Type, n: number): ort.Tensor.DataType {
  switch (type) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'float16':
      // onnxruntime-node takes float16 as raw bits; zero bits are +0.
      return new Uint16Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'uint64':
      return new BigUint64Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'uint32':
      return new Uint32Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'uint16':
      return new Uint16Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(n);
    default:
      throw new Error(`no zero input for dtype ${type}`);
  }
}

export function warmupDims(meta: Meta, shape: WarmupShape = {}): number[] {
  if (!meta.isTensor) throw new Error(`input "${meta.name}" is not a tensor`);
  return meta.shape.map((d) => {
    if (typeof d === 'number' && d > 0) return d;
    const named = typeof d === 'string' ? shape.axes?.[d] : undefined;
    return named ?? shape.defaultSize ?? 1;
  });
}

/** One zero tensor per graph input, dynamic axes sized from `shape`. */
export function zeroFeeds(session: ort.InferenceSession, shape: WarmupShape = {}): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor) throw new Error(`input "${meta.name}" is not a tensor`);
    const dims = warmupDims(meta, shape);
    const n = dims.reduce((a, b) => a * b, 1);
    feeds[meta.name] = new ort.Tensor(meta.type, zeros(meta.type, n), dims);
  }
  return feeds;
}

export function describeFeeds(feeds: Record<string, ort.Tensor>): string {
  return Object.entries(feeds)
    .map(([k, t]) => `${k} ${t.type}[${t.dims.join(', ')}]`)
    .join(', ');
}

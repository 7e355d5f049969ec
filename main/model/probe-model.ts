// A one-node ONNX graph (y = x + x) built in memory, to ask a provider whether it starts and
// runs without needing any model folder. Written as protobuf by hand because it is a few
// dozen bytes and the engine has no other use for a protobuf library. Field numbers are
// those of onnx.proto (ModelProto, GraphProto, NodeProto, ValueInfoProto, TypeProto).

export type ProbeDtype = 'float32' | 'float16';

const ELEM_TYPE: Record<ProbeDtype, number> = { float32: 1, float16: 10 };

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** A length-delimited field (wire type 2). */
function field(num: number, body: number[] | string): number[] {
  const bytes = typeof body === 'string' ? [...new TextEncoder().encode(body)] : body;
  return [...varint((num << 3) | 2), ...varint(bytes.length), ...bytes];
}

/** A varint field (wire type 0). */
function intField(num: number, value: number): number[] {
  return [...varint(num << 3), ...varint(value)];
}

function tensorValue(name: string, dtype: ProbeDtype, dims: (number | string)[]): number[] {
  const shape = dims.flatMap((d) => field(1, typeof d === 'number' ? intField(1, d) : field(2, d)));
  const tensorType = [...intField(1, ELEM_TYPE[dtype]), ...field(2, shape)];
  return [...field(1, name), ...field(2, field(1, tensorType))];
}

/**
 * ONNX bytes of `y = Add(x, x)` with x, y of `dtype` and shape `dims` (strings are dynamic axes).
 * IR version 8, opset 17: what every onnxruntime-node since 1.14 reads.
 */
export function addModel(dtype: ProbeDtype = 'float32', dims: (number | string)[] = [4]): Uint8Array {
  const node = [...field(1, 'x'), ...field(1, 'x'), ...field(2, 'y'), ...field(3, 'add'), ...field(4, 'Add')];
  const graph = [...field(1, node), ...field(2, 'probe'), ...field(11, tensorValue('x', dtype, dims)), ...field(12, tensorValue('y', dtype, dims))];
  const opset = [...field(1, ''), ...intField(2, 17)];
  const model = [...intField(1, 8), ...field(2, 'skysense-probe'), ...field(7, graph), ...field(8, opset)];
  return Uint8Array.from(model);
}

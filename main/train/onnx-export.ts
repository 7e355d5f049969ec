/**
 * A trained per-location head as an ONNX graph the engine's head runner reads: input
 * [batch, C, h, w] (an encoder tap), 1 x 1 convolutions (the standardisation folded into the
 * first one's weights and bias), ReLU between them for an mlp, output logits
 * [batch, K, h, w]. Built with onnx-proto (ONNX's own schema compiled by protobufjs), so the
 * bytes are ONNX's encoding, not assembled by hand. Opset 17, like the stock heads.
 */
import onnxProto from 'onnx-proto';
import { foldStandardisation, type HeadWeights } from './head-weights.ts';

const { onnx } = onnxProto;

export interface ExportNames {
  /** One input (segment), or date a and date b (change: the head sees [a, b, |a - b|]). */
  inputs: string[];
  output: string;
  /** classify: the tile's features averaged first (output [batch, K], one answer per tile). */
  pooled?: boolean;
  /**
   * Several taps (inputs in this order, finest first): each coarser one resized to the finest
   * grid (nearest, floor: the cell that holds each fine cell, as tap-features.ts gathers them),
   * then all side by side.
   */
  taps?: { channels: number; factor: number; stride: number }[];
  /** Written into the graph's doc string. */
  doc: string;
}

export function tensor(name: string, dims: number[], data: Float32Array): InstanceType<typeof onnx.TensorProto> {
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) });
}

/** [batch, channels, h, w]; the spatial axes' names are the manifest's (h4, w4 ... for a head on several taps). */
export function valueInfo(name: string, channels: number, axes: [string, string] = ['h', 'w']): InstanceType<typeof onnx.ValueInfoProto> {
  const dim = (d: string | number) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d });
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: ['batch', channels, ...axes].map(dim) } } },
  });
}

function pooledInfo(name: string, classes: number): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: classes }] } } } });
}

/** The spatial axes of a tap of this stride, as the manifest names them. */
export const tapAxes = (stride: number): [string, string] => [`h${stride}`, `w${stride}`];

export function exportHeadOnnx(h: HeadWeights, names: ExportNames): Uint8Array {
  const first = foldStandardisation(h);
  const firstOut = h.type === 'mlp' ? h.hidden : h.classes;
  const initializer = [tensor('w1', [firstOut, h.channels, 1, 1], first.w), tensor('b1', [firstOut], first.b)];
  const conv = (input: string, w: string, b: string, output: string) =>
    onnx.NodeProto.create({ opType: 'Conv', input: [input, w, b], output: [output], name: output, attribute: [{ name: 'kernel_shape', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1] }] });
  const node = [];
  let input = names.inputs[0];
  if (names.inputs.length === 2 && !names.taps) {
    const [a, b] = names.inputs;
    node.push(onnx.NodeProto.create({ opType: 'Sub', input: [a, b], output: ['diff'], name: 'diff' }));
    node.push(onnx.NodeProto.create({ opType: 'Abs', input: ['diff'], output: ['absdiff'], name: 'absdiff' }));
    node.push(onnx.NodeProto.create({ opType: 'Concat', input: [a, b, 'absdiff'], output: ['pair'], name: 'pair', attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }));
    input = 'pair';
  }
  if (names.taps) {
    const parts = names.inputs.map((name, i) => {
      const f = names.taps![i].factor;
      if (f === 1) return name;
      initializer.push(tensor(`scales_${name}`, [4], Float32Array.from([1, 1, f, f])));
      node.push(onnx.NodeProto.create({
        opType: 'Resize', input: [name, '', `scales_${name}`], output: [`up_${name}`], name: `up_${name}`,
        attribute: [
          { name: 'mode', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('nearest') },
          { name: 'coordinate_transformation_mode', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('asymmetric') },
          { name: 'nearest_mode', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('floor') },
        ],
      }));
      return `up_${name}`;
    });
    node.push(onnx.NodeProto.create({ opType: 'Concat', input: parts, output: ['taps'], name: 'taps', attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }));
    input = 'taps';
  }
  // A change head reads [a, b, |a - b|]: each date is a third of its input.
  const dateChannels = names.inputs.length === 2 && !names.taps ? h.channels / 3 : h.channels;
  if (names.pooled) {
    // Mean over the tile, kept as [batch, C, 1, 1] so the same 1 x 1 convolutions apply; flattened at the end.
    node.push(onnx.NodeProto.create({ opType: 'ReduceMean', input: [input], output: ['pooled'], name: 'pool', attribute: [{ name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [2, 3] }, { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }));
    input = 'pooled';
  }
  const last = names.pooled ? 'logits_map' : names.output;
  if (h.type === 'linear') {
    node.push(conv(input, 'w1', 'b1', last));
  } else {
    initializer.push(tensor('w2', [h.classes, h.hidden, 1, 1], h.w2!), tensor('b2', [h.classes], h.b2!));
    node.push(conv(input, 'w1', 'b1', 'hidden'));
    node.push(onnx.NodeProto.create({ opType: 'Relu', input: ['hidden'], output: ['hidden_relu'], name: 'relu' }));
    node.push(conv('hidden_relu', 'w2', 'b2', last));
  }
  if (names.pooled) node.push(onnx.NodeProto.create({ opType: 'Flatten', input: [last], output: [names.output], name: 'flatten', attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }));
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'skysense-desktop',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'head',
      docString: names.doc,
      node,
      initializer,
      input: names.inputs.map((n, i) => (names.taps ? valueInfo(n, names.taps[i].channels, tapAxes(names.taps[i].stride)) : valueInfo(n, dateChannels))),
      output: [names.pooled ? pooledInfo(names.output, h.classes) : valueInfo(names.output, h.classes, names.taps ? tapAxes(names.taps[0].stride) : undefined)],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

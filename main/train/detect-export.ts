/**
 * A trained detect head as the ONNX graph the detect task runs (main/tasks/detect): input
 * [batch, C, h, w] (the encoder tap it was trained on), two outputs as main/heads/detect-decode.ts
 * reads them:
 *   scores [batch, K, h, w]: the score head's logits (1 x 1 convolutions, standardisation
 *          folded in; ReLU between them for an mlp), softmax over background + objects;
 *   boxes  [batch, 4|5, h, w]: (dx, dy, w, h[, angle]) in input pixels, the regressor's
 *          targets decoded in the graph (box-targets.ts): offsets x stride, sizes
 *          exp(t + log stride), angle as is. The stride is folded into the weights and biases,
 *          so the decoding costs one Exp.
 * Built with onnx-proto like the other trained heads (onnx-export.ts), opset 17.
 */
import onnxProto from 'onnx-proto';
import { foldStandardisation, type HeadWeights } from './head-weights.ts';
import { tensor, valueInfo } from './onnx-export.ts';

const { onnx } = onnxProto;

const conv = (input: string, w: string, b: string, output: string) =>
  onnx.NodeProto.create({ opType: 'Conv', input: [input, w, b], output: [output], name: output, attribute: [{ name: 'kernel_shape', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1] }] });

/** Rows `from`..`to` of the folded first layer, each scaled by `scale` and shifted by `shift`. */
function rows(h: HeadWeights, from: number, to: number, scale: number, shift: number): { w: Float32Array; b: Float32Array } {
  const f = foldStandardisation(h);
  const C = h.channels;
  const w = f.w.slice(from * C, to * C).map((v) => v * scale);
  const b = f.b.slice(from, to).map((v) => v * scale + shift);
  return { w, b };
}

export function exportDetectOnnx(scores: HeadWeights, boxes: HeadWeights, stride: number, doc: string): Uint8Array {
  const C = scores.channels;
  const K = scores.classes;
  const B = boxes.classes;
  const first = foldStandardisation(scores);
  const firstOut = scores.type === 'mlp' ? scores.hidden : K;
  const initializer = [tensor('w1', [firstOut, C, 1, 1], first.w), tensor('b1', [firstOut], first.b)];
  const node = [];
  if (scores.type === 'linear') node.push(conv('feat', 'w1', 'b1', 'scores'));
  else {
    initializer.push(tensor('w2', [K, scores.hidden, 1, 1], scores.w2!), tensor('b2', [K], scores.b2!));
    node.push(conv('feat', 'w1', 'b1', 'hidden'));
    node.push(onnx.NodeProto.create({ opType: 'Relu', input: ['hidden'], output: ['hidden_relu'], name: 'relu' }));
    node.push(conv('hidden_relu', 'w2', 'b2', 'scores'));
  }
  const off = rows(boxes, 0, 2, stride, 0);
  const size = rows(boxes, 2, 4, 1, Math.log(stride));
  initializer.push(tensor('w_off', [2, C, 1, 1], off.w), tensor('b_off', [2], off.b), tensor('w_size', [2, C, 1, 1], size.w), tensor('b_size', [2], size.b));
  node.push(conv('feat', 'w_off', 'b_off', 'box_offset'));
  node.push(conv('feat', 'w_size', 'b_size', 'box_log_size'));
  node.push(onnx.NodeProto.create({ opType: 'Exp', input: ['box_log_size'], output: ['box_size'], name: 'box_size' }));
  const parts = ['box_offset', 'box_size'];
  if (B === 5) {
    const angle = rows(boxes, 4, 5, 1, 0);
    initializer.push(tensor('w_angle', [1, C, 1, 1], angle.w), tensor('b_angle', [1], angle.b));
    node.push(conv('feat', 'w_angle', 'b_angle', 'box_angle'));
    parts.push('box_angle');
  }
  node.push(onnx.NodeProto.create({ opType: 'Concat', input: parts, output: ['boxes'], name: 'boxes', attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }));
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'skysense-desktop',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'detect_head', docString: doc, node, initializer, input: [valueInfo('feat', C)], output: [valueInfo('scores', K), valueInfo('boxes', B)] },
  });
  return onnx.ModelProto.encode(model).finish();
}

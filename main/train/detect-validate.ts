/**
 * The boxes a trained detect head gives on chosen cells of a scene, decoded as the detect
 * task decodes them: the head's scores and boxes laid out as its output planes, every other
 * cell background, then the engine's own decodeCells (main/heads/detect-decode.ts) and
 * class-wise NMS (main/tasks/detect). Training scores its validation blocks this way.
 */
import { decodeCells, type Box } from '../heads/index.ts';
import { classWiseNms } from '../tasks/index.ts';
import { decodeTargets } from './box-targets.ts';
import { headLogits, type HeadWeights } from './head-weights.ts';

export interface CellGrid {
  width: number;
  height: number;
  stride: number;
}

export function cellDetections(scores: HeadWeights, boxes: HeadWeights, x: Float32Array, cells: Int32Array, grid: CellGrid, classes: readonly string[], threshold: number, iou = 0.5): Box[] {
  const K = scores.classes;
  const B = boxes.classes;
  const plane = grid.width * grid.height;
  const s = new Float32Array(K * plane);
  for (let k = 1; k < K; k++) s.fill(-Infinity, k * plane, (k + 1) * plane);
  const b = new Float32Array(B * plane);
  const n = cells.length;
  const logits = headLogits(scores, x, n);
  const t = headLogits(boxes, x, n);
  for (let i = 0; i < n; i++) {
    const c = cells[i];
    for (let k = 0; k < K; k++) s[k * plane + c] = logits[i * K + k];
    decodeTargets(t.subarray(i * B, i * B + B), grid.stride, B).forEach((v, k) => (b[k * plane + c] = v));
  }
  const spec = { activation: 'softmax' as const, classes: classes.map((name, value) => ({ name, value })), channels: K, boxChannels: B, stride: grid.stride, threshold };
  const found = decodeCells(s, b, grid.height, grid.width, spec);
  return classWiseNms(found, iou).map((i) => found[i]);
}

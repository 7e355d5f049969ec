/**
 * A detect head's per-cell outputs (the detect outputs of main/model/head-manifest.ts) to boxes in tile pixels:
 *   scores [K, h, w]  logits; activation sigmoid (independent) or softmax (over K)
 *   boxes  [4|5, h, w] (dx, dy, w, h[, angle]) in input pixels: centre offset from the
 *                      cell centre ((j + 0.5) * stride, (i + 0.5) * stride), size, angle
 *                      (radians, counter-clockwise; 5 channels = oriented head).
 * Which channels are objects follows the class conventions of the other heads: a binary
 * sigmoid head (K = 1, two classes) scores classes[1] (classes[0] is "no object"); a
 * sigmoid head with one channel per class scores each class; a softmax head's channel 0
 * is classes[0], the "no object" class, and channels 1..K-1 are objects. Each cell gives
 * at most one box: its best object class, when that class's probability reaches the
 * threshold. Box.cls is the class's `value`.
 */
import type { Box } from './box.ts';

export interface HeadClassLike {
  value: number;
  name: string;
}

export interface CellDecodeSpec {
  activation: 'sigmoid' | 'softmax';
  classes: HeadClassLike[];
  /** Score channels K. */
  channels: number;
  /** 4 or 5. */
  boxChannels: number;
  stride: number;
  threshold: number;
}

/** For each score channel, the class it scores, or null for the "no object" channel. */
function channelClasses(s: Pick<CellDecodeSpec, 'activation' | 'classes' | 'channels'>): (HeadClassLike | null)[] {
  if (s.activation === 'sigmoid') {
    if (s.channels === 1 && s.classes.length === 2) return [s.classes[1]];
    return s.classes.slice(0, s.channels);
  }
  return s.classes.slice(0, s.channels).map((c, k) => (k === 0 ? null : c));
}

export function decodeCells(scores: Float32Array, boxes: Float32Array, h: number, w: number, s: CellDecodeSpec): Box[] {
  const K = s.channels;
  const plane = h * w;
  const classes = channelClasses(s);
  const out: Box[] = [];
  const p = new Float64Array(K);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const cell = i * w + j;
      if (s.activation === 'softmax') {
        let max = -Infinity;
        for (let k = 0; k < K; k++) max = Math.max(max, scores[k * plane + cell]);
        let sum = 0;
        for (let k = 0; k < K; k++) sum += p[k] = Math.exp(scores[k * plane + cell] - max);
        for (let k = 0; k < K; k++) p[k] /= sum;
      } else {
        for (let k = 0; k < K; k++) p[k] = 1 / (1 + Math.exp(-scores[k * plane + cell]));
      }
      let best = -1;
      for (let k = 0; k < K; k++) if (classes[k] && (best < 0 || p[k] > p[best])) best = k;
      if (best < 0 || !(p[best] >= s.threshold)) continue;
      const dx = boxes[cell];
      const dy = boxes[plane + cell];
      const bw = boxes[2 * plane + cell];
      const bh = boxes[3 * plane + cell];
      const angle = s.boxChannels === 5 ? boxes[4 * plane + cell] : 0;
      if (!(bw > 0 && bh > 0) || ![dx, dy, bw, bh, angle].every(Number.isFinite)) continue;
      out.push({ cx: (j + 0.5) * s.stride + dx, cy: (i + 0.5) * s.stride + dy, w: bw, h: bh, angle, score: p[best], cls: classes[best]!.value });
    }
  }
  return out;
}

/**
 * Decodes the YOLO output of a Deepness detector for one image into boxes in tile pixels,
 * keeping those at or above the confidence threshold. Layouts (FORMAT.md, det_type):
 *
 *   YOLO_v5_or_v7_default  [N, 5 + C]: cx, cy, w, h, objectness, C class scores.
 *                          score = objectness (as the plugin does), class = argmax.
 *   YOLO_v6                [N, 5 + C]: objectness ignored; score = max class score.
 *   YOLO_v9, YOLO_Ultralytics
 *                          [4 + C, N] (transposed): cx, cy, w, h, C class scores.
 *   YOLO_Ultralytics_segmentation
 *                          [4 + C + M, N] + prototypes [M, mh, mw]; boxes only here.
 *   YOLO_Ultralytics_obb   [4 + C + 1, N]: cx, cy, w, h, C scores, angle (radians,
 *                          clockwise on the image, Ultralytics' xywhr), turned into
 *                          this engine's counter-clockwise angle.
 */
import type { Box } from '../../heads/index.ts';
import type { DetectorType } from './metadata.ts';

export interface YoloLayout {
  inverted: boolean;
  objectness: 'score' | 'ignored' | 'none';
  /** Index of the first class score among a candidate's values (after the box and any objectness). */
  firstClass: number;
  oriented: boolean;
  /** Values per candidate. */
  values: number;
  classes: number;
  /** Candidates. */
  count: number;
}

/**
 * The layout of one output [1, a, b] for `type`. `classCount` (from class names) wins over
 * what the shape implies, as in the plugin; `maskChannels` for segmentation models.
 */
export function yoloLayout(type: DetectorType, dims: readonly number[], classCount: number | null, maskChannels = 0): YoloLayout {
  const inverted = type !== 'YOLO_v5_or_v7_default' && type !== 'YOLO_v6';
  const [a, b] = [dims[dims.length - 2], dims[dims.length - 1]];
  const values = inverted ? a : b;
  const count = inverted ? b : a;
  const oriented = type === 'YOLO_Ultralytics_obb';
  const objectness = type === 'YOLO_v5_or_v7_default' ? 'score' : type === 'YOLO_v6' ? 'ignored' : 'none';
  const firstClass = objectness === 'none' ? 4 : 5;
  const implied = values - firstClass - (oriented ? 1 : 0) - maskChannels;
  return {
    inverted,
    objectness,
    firstClass,
    oriented,
    values,
    classes: classCount ?? implied,
    count,
  };
}

export function decodeYolo(data: Float32Array, layout: YoloLayout, confidence: number): Box[] {
  const { values: V, count: N, inverted, classes: C, firstClass: first } = layout;
  const at = inverted ? (n: number, v: number) => data[v * N + n] : (n: number, v: number) => data[n * V + v];
  const out: Box[] = [];
  for (let n = 0; n < N; n++) {
    let cls = 0;
    let best = -Infinity;
    for (let c = 0; c < C; c++) {
      const s = at(n, first + c);
      if (s > best) {
        best = s;
        cls = c;
      }
    }
    const score = layout.objectness === 'score' ? at(n, 4) : best;
    if (!(score >= confidence)) continue;
    const angle = layout.oriented ? -at(n, first + C) : 0;
    const box = { cx: at(n, 0), cy: at(n, 1), w: at(n, 2), h: at(n, 3), angle, score, cls };
    // A degenerate or non-finite candidate cannot be drawn or compared; it is no detection.
    if (!(box.w > 0 && box.h > 0) || ![box.cx, box.cy, box.w, box.h, angle].every(Number.isFinite)) continue;
    out.push(box);
  }
  return out;
}

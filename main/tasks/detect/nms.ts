/**
 * Intersection over union and class-wise non-maximum suppression.
 *
 * IoU is the continuous one (areas w x h, no "+1" pixel convention): boxes here are in
 * fractional pixels and later in map units. Oriented boxes use the exact intersection of
 * their rectangles (polygon.ts); axis-aligned pairs take the rectangle shortcut.
 *
 * NMS is greedy per class: highest score first (ties: earlier box first, so the result
 * does not depend on sort stability), and a box is dropped when its IoU with a kept box
 * of the same class reaches the threshold. A box of another class never suppresses one.
 */
import { boxCorners } from '../../vector/index.ts';
import { boxExtent, type Box } from '../../heads/index.ts';
import { convexIntersectionArea } from './polygon.ts';

export function axisIoU(a: Box, b: Box): number {
  const [ax0, ay0, ax1, ay1] = boxExtent(a);
  const [bx0, by0, bx1, by1] = boxExtent(b);
  const iw = Math.min(ax1, bx1) - Math.max(ax0, bx0);
  const ih = Math.min(ay1, by1) - Math.max(ay0, by0);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

export function rotatedIoU(a: Box, b: Box): number {
  if (a.angle === 0 && b.angle === 0) return axisIoU(a, b);
  const [ax0, ay0, ax1, ay1] = boxExtent(a);
  const [bx0, by0, bx1, by1] = boxExtent(b);
  if (ax1 <= bx0 || bx1 <= ax0 || ay1 <= by0 || by1 <= ay0) return 0;
  const inter = convexIntersectionArea(boxCorners(a), boxCorners(b));
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/** Indices of the boxes kept, by descending score. */
export function classWiseNms(boxes: readonly Box[], iouThreshold: number): number[] {
  const order = boxes.map((_, i) => i).sort((i, j) => boxes[j].score - boxes[i].score || i - j);
  const byClass = new Map<number, number[]>();
  const kept: number[] = [];
  for (const i of order) {
    const b = boxes[i];
    const same = byClass.get(b.cls);
    let drop = false;
    if (same) {
      for (const k of same) {
        if (rotatedIoU(boxes[k], b) >= iouThreshold) {
          drop = true;
          break;
        }
      }
    }
    if (drop) continue;
    kept.push(i);
    if (same) same.push(i);
    else byClass.set(b.cls, [i]);
  }
  return kept;
}

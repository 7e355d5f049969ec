/**
 * Average precision of detections at IoU 0.5 (mAP50), per class and its mean over the
 * classes that have ground truth. Detections of all scenes are ranked by score; each is a
 * true positive when the box of its class in its scene it overlaps most reaches the IoU and
 * was not found before (oriented boxes: the exact rectangle overlap of main/tasks/detect's rotatedIoU), else a
 * false positive; one matched to a "difficult" box counts as neither (DOTA's and VOC's rule).
 * AP is the area under the precision-recall curve with precision made monotone (VOC 2010+,
 * all points), the definition DOTA's devkit uses.
 */
import type { Box } from '../heads/index.ts';
import { rotatedIoU } from '../tasks/index.ts';
import type { GroundBox } from './box-labels.ts';

export interface ClassAP {
  ap: number;
  /** Ground-truth boxes (not difficult). */
  boxes: number;
  detections: number;
}

export interface DetectMetrics {
  mAP50: number;
  /** Keyed by class name; classes without ground truth are left out of the mean. */
  perClassAP: Record<string, ClassAP>;
}

/** scenes: per scene its detections and its ground truth; classes[k] names class value k + 1. */
export function meanAP(scenes: { detections: readonly Box[]; truth: readonly GroundBox[] }[], classes: readonly string[], iou = 0.5): DetectMetrics {
  const perClassAP: Record<string, ClassAP> = {};
  const aps: number[] = [];
  classes.forEach((name, k) => {
    const cls = k + 1;
    const dets: { s: number; b: Box; i: number }[] = [];
    let total = 0;
    const truth = scenes.map((sc) => sc.truth.filter((g) => g.cls === cls));
    for (const t of truth) total += t.filter((g) => !g.difficult).length;
    scenes.forEach((sc, s) => sc.detections.forEach((b, i) => b.cls === cls && dets.push({ s, b, i })));
    // Ties keep their scene and list order, so the figure does not depend on sort stability.
    dets.sort((a, b) => b.b.score - a.b.score || a.s - b.s || a.i - b.i);
    const used = truth.map((t) => new Uint8Array(t.length));
    const tp: number[] = [];
    for (const d of dets) {
      let best = -1;
      let bestIoU = 0;
      truth[d.s].forEach((g, j) => {
        const v = rotatedIoU(g, d.b);
        if (v > bestIoU) {
          bestIoU = v;
          best = j;
        }
      });
      if (best >= 0 && bestIoU >= iou) {
        if (truth[d.s][best].difficult) continue;
        tp.push(used[d.s][best] ? 0 : 1);
        used[d.s][best] = 1;
      } else tp.push(0);
    }
    const ap = total > 0 ? averagePrecision(tp, total) : Number.NaN;
    perClassAP[name] = { ap, boxes: total, detections: dets.length };
    if (total > 0) aps.push(ap);
  });
  return { mAP50: aps.length ? aps.reduce((a, b) => a + b, 0) / aps.length : 0, perClassAP };
}

/** VOC all-point AP of ranked hits (1 true, 0 false) against `total` boxes. */
function averagePrecision(tp: number[], total: number): number {
  const recall: number[] = [0];
  const precision: number[] = [0];
  let hits = 0;
  tp.forEach((t, i) => {
    hits += t;
    recall.push(hits / total);
    precision.push(hits / (i + 1));
  });
  recall.push(1);
  precision.push(0);
  for (let i = precision.length - 2; i >= 0; i--) precision[i] = Math.max(precision[i], precision[i + 1]);
  let ap = 0;
  for (let i = 1; i < recall.length; i++) ap += (recall[i] - recall[i - 1]) * precision[i];
  return ap;
}

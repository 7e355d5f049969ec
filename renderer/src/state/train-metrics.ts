// The validation metrics of a finished training as the panel's tables show them: the
// confusion matrix with each cell's share of its row (label) for its colour, and the
// per-class precision / recall / F1 / IoU / support in the head's class order.
import type { HeadMetrics } from '../../../main/api.ts';

export interface ConfusionCell {
  count: number;
  /** count / the row's total (0 for an empty row). */
  share: number;
}

export function confusionRows(m: HeadMetrics): ConfusionCell[][] {
  return m.confusion.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count) => ({ count, share: total > 0 ? count / total : 0 }));
  });
}

/** White to a strong blue by share; diagonal and off-diagonal cells read alike, so the eye finds the row's mass. */
export function shareColor(share: number): string {
  const s = Math.max(0, Math.min(1, share));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * s);
  return `rgb(${mix(255, 33)}, ${mix(255, 102)}, ${mix(255, 172)})`;
}

/** Text on a cell stays readable: white once the background is dark. */
export const shareInk = (share: number): string => (share > 0.55 ? '#fff' : '#222');

export interface ClassRow {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  iou: number;
  support: number;
}

export function classRows(m: HeadMetrics, classes: string[]): ClassRow[] {
  const names = [...classes.filter((c) => m.perClass[c]), ...Object.keys(m.perClass).filter((c) => !classes.includes(c))];
  return names.map((name) => ({ name, ...m.perClass[name] }));
}

/**
 * The metrics of a trained head on labelled cells, the same for `skysense train` (on the
 * validation split) and `skysense eval` (on any labelled data): overall accuracy, per-class
 * precision / recall / F1 / IoU, macro F1, mean IoU, Cohen's kappa and the confusion matrix
 * (rows: the label, columns: the prediction). Classes with no support and no prediction are
 * left out of the means rather than counted as 0 or 1.
 */

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  iou: number;
  support: number;
}

export interface Metrics {
  overallAccuracy: number;
  macroF1: number;
  meanIoU: number;
  kappa: number;
  perClass: Record<string, ClassMetrics>;
  /** confusion[label][prediction], in the order of `classes`. */
  confusion: number[][];
}

export class Confusion {
  readonly counts: Float64Array;
  constructor(readonly classes: readonly string[]) {
    this.counts = new Float64Array(classes.length * classes.length);
  }

  add(label: number, prediction: number): void {
    this.counts[label * this.classes.length + prediction]++;
  }

  metrics(): Metrics {
    const k = this.classes.length;
    const at = (r: number, c: number) => this.counts[r * k + c];
    let total = 0;
    let correct = 0;
    const rows = new Float64Array(k);
    const cols = new Float64Array(k);
    for (let r = 0; r < k; r++) {
      for (let c = 0; c < k; c++) {
        const v = at(r, c);
        total += v;
        rows[r] += v;
        cols[c] += v;
        if (r === c) correct += v;
      }
    }
    const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
    const perClass: Record<string, ClassMetrics> = {};
    const f1s: number[] = [];
    const ious: number[] = [];
    this.classes.forEach((name, i) => {
      const tp = at(i, i);
      const precision = ratio(tp, cols[i]);
      const recall = ratio(tp, rows[i]);
      const f1 = ratio(2 * tp, rows[i] + cols[i]);
      const iou = ratio(tp, rows[i] + cols[i] - tp);
      perClass[name] = { precision, recall, f1, iou, support: rows[i] };
      if (rows[i] + cols[i] > 0) {
        f1s.push(f1);
        ious.push(iou);
      }
    });
    const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);
    const po = ratio(correct, total);
    let pe = 0;
    for (let i = 0; i < k; i++) pe += ratio(rows[i] * cols[i], total * total);
    const kappa = pe < 1 ? (po - pe) / (1 - pe) : 0;
    const confusion = Array.from({ length: k }, (_, r) => Array.from({ length: k }, (_, c) => at(r, c)));
    return { overallAccuracy: po, macroF1: mean(f1s), meanIoU: mean(ious), kappa, perClass, confusion };
  }
}

/**
 * Head metrics as people read them in a terminal (skysense train and eval): the summary
 * line, one row per class, and the confusion matrix; and the one JSON object `--json` prints.
 */
import type { EvalReport, TrainReport } from '../train/index.ts';

type Metrics = Pick<EvalReport, 'overallAccuracy' | 'macroF1' | 'meanIoU' | 'kappa' | 'perClass' | 'confusion'>;

const f = (v: number) => v.toFixed(3);

export function metricsText(m: Metrics): string {
  const names = Object.keys(m.perClass);
  const w = Math.max(5, ...names.map((n) => n.length));
  const lines = [
    `overall accuracy ${f(m.overallAccuracy)}  macro F1 ${f(m.macroF1)}  mean IoU ${f(m.meanIoU)}  kappa ${f(m.kappa)}`,
    `${'class'.padEnd(w)}  precision  recall     F1    IoU  support`,
    ...names.map((n) => {
      const c = m.perClass[n];
      return `${n.padEnd(w)}  ${f(c.precision).padStart(9)}  ${f(c.recall).padStart(6)}  ${f(c.f1).padStart(5)}  ${f(c.iou).padStart(5)}  ${String(c.support).padStart(7)}`;
    }),
    `confusion (rows: label, columns: prediction, in the order above)`,
    ...m.confusion.map((row, i) => `${names[i].padEnd(w)}  ${row.map((v) => String(v).padStart(8)).join('')}`),
  ];
  return lines.join('\n');
}

/** Exactly the keys `skysense eval --json` promises. */
export function metricsJson(m: Metrics): Metrics {
  return { overallAccuracy: m.overallAccuracy, macroF1: m.macroF1, meanIoU: m.meanIoU, kappa: m.kappa, perClass: m.perClass, confusion: m.confusion };
}

export function trainSummary(r: TrainReport): string {
  return [
    `features: ${r.features.width} x ${r.features.height} cells x ${r.features.channels} (${r.model.module} ${r.model.output}, stride ${r.features.stride})${r.features.cached ? ', from the cache' : ''} in ${r.features.seconds.toFixed(1)} s`,
    `samples: ${r.samples.train} training, ${r.samples.val} validation cells`,
    `training: ${r.epochs.run} epochs (best ${r.epochs.best}) in ${r.epochs.seconds.toFixed(1)} s`,
    ...(r.detection ? [`validation mAP50 ${f(r.detection.mAP50)} on ${r.detection.boxes.val} boxes (${Object.entries(r.detection.perClassAP).filter(([, a]) => a.boxes > 0).map(([c, a]) => `${c} ${f(a.ap)}`).join(', ')}); cell scores:`] : [`validation:`]),
    metricsText(r.validation),
    `wrote ${r.head}`,
  ].join('\n');
}

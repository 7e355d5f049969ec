// A training job's curve as the plot takes it (uPlot's columns: epochs, loss, validation
// macro F1) and the same latest figures in words for the caption, so the curve can be read
// without the canvas (and by a screen reader).
import type { EpochPoint } from '../../../main/api.ts';

export type CurveColumns = [number[], number[], number[]];

export function curveColumns(curve: EpochPoint[]): CurveColumns {
  return [curve.map((p) => p.epoch), curve.map((p) => p.loss), curve.map((p) => p.valMacroF1)];
}

export function curveCaption(curve: EpochPoint[], epochs: number): string {
  const last = curve.at(-1);
  if (!last) return `No epoch finished yet (of ${epochs}).`;
  return `Epoch ${last.epoch} of ${epochs}: loss ${last.loss.toFixed(4)}, validation macro F1 ${last.valMacroF1.toFixed(3)} (best ${last.best.toFixed(3)}).`;
}

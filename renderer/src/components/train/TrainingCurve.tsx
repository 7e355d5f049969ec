// The live training curve: loss (left scale) and validation macro F1 (right scale, 0..1) per
// epoch, drawn by uPlot and redrawn with setData as each epoch's point arrives; the caption
// says the latest epoch's figures in words.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { EpochPoint } from '../../../../main/api.ts';
import { curveCaption, curveColumns } from '../../state/train-curve.ts';

const LOSS = '#d9534f';
const F1 = '#2166ac';

function options(width: number, epochs: number): uPlot.Options {
  return {
    width,
    height: 180,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false, range: [1, Math.max(2, epochs)] }, loss: { auto: true }, f1: { range: [0, 1] } },
    series: [
      { label: 'epoch' },
      { label: 'loss', scale: 'loss', stroke: LOSS, width: 2, points: { show: true, size: 4 } },
      { label: 'validation macro F1', scale: 'f1', stroke: F1, width: 2, points: { show: true, size: 4 } },
    ],
    axes: [
      { label: 'epoch', size: 34 },
      { scale: 'loss', label: 'loss', stroke: LOSS, size: 48 },
      { scale: 'f1', label: 'macro F1', stroke: F1, side: 1, grid: { show: false }, size: 44 },
    ],
  };
}

export function TrainingCurve({ curve, epochs }: { curve: EpochPoint[]; epochs: number }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(options(Math.max(240, el.clientWidth || 420), epochs), curveColumns([]), el);
    plot.current = u;
    return () => {
      u.destroy();
      plot.current = null;
    };
  }, [epochs]);
  useEffect(() => {
    plot.current?.setData(curveColumns(curve));
  }, [curve, epochs]);
  return (
    <figure className="train-curve" aria-label="Training curve" data-testid="train-curve" data-points={curve.length}>
      <div ref={box} className="train-curve-plot" />
      <figcaption data-testid="train-curve-caption">{curveCaption(curve, epochs)}</figcaption>
    </figure>
  );
}

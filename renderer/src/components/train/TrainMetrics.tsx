// A finished training's validation metrics: the confusion matrix (rows the label, columns the
// prediction, each cell coloured by its share of the row) and the per-class table with the
// overall figures under it.
import type { HeadMetrics } from '../../../../main/api.ts';
import { classRows, confusionRows, shareColor, shareInk } from '../../state/train-metrics.ts';

const f3 = (v: number) => v.toFixed(3);

export function TrainMetrics({ metrics, classes }: { metrics: HeadMetrics; classes: string[] }) {
  const rows = confusionRows(metrics);
  const names = rows.map((_, i) => classes[i] ?? `class ${i + 1}`);
  return (
    <section className="train-metrics" aria-labelledby="train-metrics-title">
      <h3 id="train-metrics-title" className="panel-title">Validation</h3>
      <table className="train-table train-confusion" aria-label="Confusion matrix">
        <thead>
          <tr>
            <td className="train-corner">label ↓ / prediction →</td>
            {names.map((n) => <th key={n} scope="col">{n}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={names[i]}>
              <th scope="row">{names[i]}</th>
              {row.map((c, j) => (
                <td key={j} data-share={c.share.toFixed(4)} title={`${names[i]} predicted as ${names[j]}: ${c.count} (${(100 * c.share).toFixed(1)} % of the row)`}
                  style={{ background: shareColor(c.share), color: shareInk(c.share) }}>
                  {c.count}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <table className="train-table" aria-label="Per-class metrics">
        <thead>
          <tr><th scope="col">Class</th><th scope="col">Precision</th><th scope="col">Recall</th><th scope="col">F1</th><th scope="col">IoU</th><th scope="col">Support</th></tr>
        </thead>
        <tbody>
          {classRows(metrics, classes).map((r) => (
            <tr key={r.name}>
              <th scope="row">{r.name}</th>
              <td>{f3(r.precision)}</td><td>{f3(r.recall)}</td><td>{f3(r.f1)}</td><td>{f3(r.iou)}</td><td>{r.support}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="train-overall" aria-label="Overall metrics">
        <div><dt>Overall accuracy</dt><dd data-testid="train-accuracy">{f3(metrics.overallAccuracy)}</dd></div>
        <div><dt>Macro F1</dt><dd data-testid="train-macro-f1">{f3(metrics.macroF1)}</dd></div>
        <div><dt>Mean IoU</dt><dd data-testid="train-mean-iou">{f3(metrics.meanIoU)}</dd></div>
        <div><dt>Kappa</dt><dd data-testid="train-kappa">{f3(metrics.kappa)}</dd></div>
      </dl>
    </section>
  );
}

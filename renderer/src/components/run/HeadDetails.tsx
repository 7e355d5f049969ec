// What the chosen model or head's manifest says about itself: the head's classes with their
// colours, what it was trained on, its metrics and the licences, before anything runs.
import type { InstalledModel } from '../../../../main/api.ts';

export function ModelDetails({ model }: { model: InstalledModel }) {
  return (
    <div className="run-details" data-testid="model-details">
      {model.title && <p className="run-details-title">{model.title}</p>}
      {model.head ? <HeadFacts head={model.head} /> : null}
      {model.licence && (
        <p data-testid="details-licence">
          <span className="run-key">Licence</span> code {model.licence.code}; weights: {model.licence.weights}
        </p>
      )}
      {model.problems.map((p, i) => <p key={i} className="run-problem">{p}</p>)}
    </div>
  );
}

function HeadFacts({ head }: { head: NonNullable<InstalledModel['head']> }) {
  const metrics = Object.entries(head.metrics ?? {});
  return (
    <>
      <p>
        <span className="run-key">Reads</span> {head.encoder.name} ({head.encoder.modality})
      </p>
      <div>
        <span className="run-key" id="head-classes-title">Classes</span>
        <ul className="run-classes" aria-labelledby="head-classes-title" data-testid="head-classes">
          {head.classes.map((c) => (
            <li key={c.value}>
              <span className="run-swatch" style={{ background: c.color }} aria-hidden="true" />
              {c.name}
            </li>
          ))}
        </ul>
      </div>
      <p data-testid="head-trained-on"><span className="run-key">Trained on</span> {head.trainedOn}</p>
      <p><span className="run-key">Training data licence</span> {head.trainingLicence}</p>
      {metrics.length > 0 && (
        <p data-testid="head-metrics">
          <span className="run-key">Metrics</span> {metrics.map(([k, v]) => `${k} ${Number(v.toPrecision(4))}`).join(' · ')}
        </p>
      )}
    </>
  );
}

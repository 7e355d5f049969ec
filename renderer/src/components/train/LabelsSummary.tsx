// The labels the panel trains on: where they come from (the Labels panel, or a file loaded
// here), each class with its features and pixels, and whatever blocks a training (role=alert).
import { useState } from 'react';
import { useClient } from '../../state/client-context.ts';
import { blockers, loadLabelsFile, type TrainLabels } from '../../state/train-labels.ts';
import { editTrain } from '../../state/train-session.ts';
import { TextField } from '../run/fields.tsx';

export function LabelsSummary({ labels }: { labels: TrainLabels }) {
  const client = useClient();
  const [file, setFile] = useState(labels.from === 'file' ? (labels.path ?? '') : '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const problems = blockers(labels);
  const load = async () => {
    if (!file.trim()) return setError('type the path of a labels file');
    setBusy(true);
    setError(null);
    const r = await loadLabelsFile(client, file.trim());
    setBusy(false);
    if ('error' in r) setError(r.error);
    else editTrain({ loaded: r.labels });
  };
  const counts = new Map((labels.stats?.classes ?? []).map((c) => [c.name, c]));
  return (
    <section className="train-labels" aria-labelledby="train-labels-title">
      <h3 id="train-labels-title" className="panel-title">Labels</h3>
      {labels.path && <p className="run-hint train-labels-path" data-testid="train-labels-path" title={labels.path}>
        {labels.from === 'panel' ? 'From the Labels panel: ' : 'Loaded: '}{labels.path}
      </p>}
      {labels.set && (
        <table className="train-table" aria-label="Label classes">
          <thead><tr><th scope="col">Class</th><th scope="col">Features</th><th scope="col">Pixels</th></tr></thead>
          <tbody>
            {labels.set.classes.map((c) => (
              <tr key={c.name}>
                <th scope="row"><span className="run-swatch" style={{ background: c.color }} />{c.name}</th>
                <td>{counts.get(c.name)?.features ?? labels.set!.features.filter((f) => f.class === c.name).length}</td>
                <td>{counts.get(c.name)?.pixels ?? '…'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {labels.stats && labels.stats.outside > 0 && <p className="run-hint">{labels.stats.outside} label(s) lie off the raster.</p>}
      {problems.length > 0 && (
        <ul className="run-error train-problems" role="alert" aria-label="Why Train is disabled">
          {problems.map((p) => <li key={p}>{p}</li>)}
        </ul>
      )}
      {labels.from !== 'panel' && (
        <form className="train-load" onSubmit={(e) => { e.preventDefault(); void load(); }} aria-label="Load labels file">
          <TextField id="train-labels-file" label="Labels file" value={file} onChange={setFile} placeholder="a labels file saved earlier (.geojson)" />
          <button type="submit" disabled={busy}>Load labels</button>
        </form>
      )}
      {error && <p className="run-error" role="alert">{error}</p>}
    </section>
  );
}

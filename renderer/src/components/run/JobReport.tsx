// A finished job's run report, opened from its row in the Jobs list: the lines people read
// first and the classes with their areas, then the whole JSON for everything else.
import { useEffect, useState } from 'react';
import type { ReplyOf } from '../../../../main/api.ts';
import { errorShapeOf } from '../../client/call-error.ts';
import { useClient } from '../../state/client-context.ts';
import { formatArea } from '../../state/legend-rows.ts';
import { reportClasses, reportLines } from '../../state/report-summary.ts';

export function JobReport({ jobId }: { jobId: string }) {
  const client = useClient();
  const [reply, setReply] = useState<ReplyOf<'job.report'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.call('job.report', { id: jobId }).then(setReply, (err: unknown) => setError(errorShapeOf(err).message));
  }, [client, jobId]);
  if (error) return <p className="run-error" role="alert">{error}</p>;
  if (!reply) return <p className="empty">Reading the report…</p>;
  const classes = reportClasses(reply.report);
  return (
    <div className="run-report" data-testid="job-report" aria-label="Run report">
      <dl>
        {reportLines(reply.report).map((l) => (
          <div key={l.label} className="run-report-line">
            <dt>{l.label}</dt>
            <dd>{l.text}</dd>
          </div>
        ))}
      </dl>
      {classes.length > 0 && (
        <table className="run-report-classes" aria-label="Classes in the report">
          <thead><tr><th>Class</th><th>Pixels</th><th>Area</th></tr></thead>
          <tbody>
            {classes.map((c) => (
              <tr key={c.name}>
                <td>{c.color && <span className="run-swatch" style={{ background: c.color }} />}{c.name}</td>
                <td>{c.pixels ?? '—'}</td>
                <td>{formatArea(c.areaM2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details>
        <summary>Whole report</summary>
        <p className="run-hint">{reply.path}</p>
        <pre className="run-report-json">{JSON.stringify(reply.report, null, 2)}</pre>
      </details>
    </div>
  );
}

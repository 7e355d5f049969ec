// The Jobs list: every job of the engine, newest first, with its progress, the provider it
// runs on, its status in words and a Cancel button while it can still be stopped.
import { useRef, useState } from 'react';
import type { JobInfo } from '../../../../main/api.ts';
import { useClient } from '../../state/client-context.ts';
import { useJobs } from '../../state/jobs.ts';
import { baseName } from '../../state/open-action.ts';
import { cancelJob } from '../../state/run-jobs.ts';
import { etaText, percent, statusText } from './job-words.ts';
import { JobReport } from './JobReport.tsx';

export function JobsList() {
  const jobs = useJobs();
  return (
    <section className="run-jobs" aria-labelledby="jobs-title">
      <h3 id="jobs-title" className="panel-title">Jobs</h3>
      {jobs.length === 0 ? (
        <p className="empty">No jobs yet.</p>
      ) : (
        <ul className="run-job-list" aria-labelledby="jobs-title" data-testid="job-list">
          {[...jobs].reverse().map((j) => <JobRow key={j.id} job={j} />)}
        </ul>
      )}
    </section>
  );
}

function JobRow({ job }: { job: JobInfo }) {
  const client = useClient();
  const row = useRef<HTMLLIElement>(null);
  const [showReport, setShowReport] = useState(false);
  const pct = percent(job);
  const live = job.status === 'queued' || job.status === 'running';
  // A train job's out is a staging folder named by its id: its classes say more.
  const what = job.task === 'train' && job.training ? `${job.training.classes.join(' / ')}, ${job.training.epochs} epochs` : baseName(job.out);
  const name = `${job.task} → ${what}`;
  return (
    <li ref={row} tabIndex={-1} className={`run-job run-job-${job.status}`} data-testid="job-row" data-job-id={job.id} data-status={job.status}
      aria-label={`${job.task} job, ${job.status}`}>
      <div className="run-job-head">
        <strong className="run-job-task">{job.task}</strong>
        <span className="run-job-out" title={job.out}>{what}</span>
        {live && (
          <button type="button" data-testid="job-cancel" aria-label={`Cancel ${job.task} job`} onClick={() => {
            // The button goes once the job ends; keep focus on its row, not the page.
            row.current?.focus();
            void cancelJob(client, job.id);
          }}>
            Cancel
          </button>
        )}
      </div>
      {job.status === 'running' && (
        <div className="run-job-progress">
          <progress max={100} value={pct ?? undefined} aria-label={`Progress of ${name}`} data-testid="job-progress"
            data-done={job.progress?.done ?? 0} data-total={job.progress?.total ?? 0} />
          <span data-testid="job-percent">{pct === null ? 'starting…' : `${pct} %`}</span>
          {pct !== null && <span data-testid="job-eta">{etaText(job.progress?.etaS ?? null)}</span>}
        </div>
      )}
      <div className="run-job-meta">
        <span className="run-job-status" data-testid="job-status" role={job.status === 'failed' ? 'alert' : undefined}>{statusText(job)}</span>
        {job.provider && <span data-testid="job-provider">on {job.provider}</span>}
        {job.report && (
          <button type="button" className="link" aria-expanded={showReport} aria-label={`Report of ${job.task} job`}
            onClick={() => setShowReport((v) => !v)}>
            Report
          </button>
        )}
      </div>
      {showReport && <JobReport jobId={job.id} />}
    </li>
  );
}

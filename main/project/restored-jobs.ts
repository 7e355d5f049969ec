/**
 * The ended jobs of the projects opened in this engine, by id, so job.report can read their
 * reports as it does for the engine's own jobs: only paths from a project file the user
 * opened, never one a window names.
 */
import type { JobInfo, ProjectJob } from '../api.ts';

function infoOf(j: ProjectJob): JobInfo {
  return {
    id: j.id, task: j.task, status: j.status, out: j.out.absolute, progress: null, provider: j.provider, error: null,
    report: j.report?.absolute ?? null, outputs: j.outputs.map((p) => p.absolute),
    queuedAt: j.queuedAt, startedAt: j.startedAt, endedAt: j.endedAt,
  };
}

export class RestoredJobs {
  private readonly jobs = new Map<string, JobInfo>();

  /** The jobs of a project as project.open located their files. */
  add(jobs: ProjectJob[]): void {
    for (const j of jobs) this.jobs.set(j.id, infoOf(j));
  }

  get(id: string): JobInfo | undefined {
    const j = this.jobs.get(id);
    return j && structuredClone(j);
  }
}

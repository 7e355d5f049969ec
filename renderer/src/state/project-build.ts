// The window's work as a project: layers top first with their display settings, vector
// layers, the map view, the Run panel's output folder, the jobs that have ended and the
// Labels panel's labels file. Paths
// go absolute; project.save adds the ones relative to the project file.
import type { JobInfo, Project, ProjectJob, ProjectPath, ProjectView, RasterInfo } from '../../../main/api.ts';
import type { AppState } from './app-state.ts';
import { requestOf } from './job-requests.ts';
import type { VectorState } from './vector-layers.ts';

const at = (absolute: string): ProjectPath => ({ absolute });

/** What layer.open took: the folder or file opened, or every file of a scene given file by file. */
export function reopenPaths(info: Pick<RasterInfo, 'path' | 'files'>): string[] {
  return info.files.length > 1 && info.files[0] === info.path ? info.files : [info.path];
}

const ENDED = ['done', 'failed', 'cancelled'] as const;
type Ended = (typeof ENDED)[number];
const ended = (j: JobInfo): j is JobInfo & { status: Ended } => (ENDED as readonly string[]).includes(j.status);

function jobOf(j: JobInfo & { status: Ended }): ProjectJob {
  return {
    id: j.id,
    task: j.task,
    status: j.status,
    request: requestOf(j.id),
    out: at(j.out),
    outputs: j.outputs.map(at),
    report: j.report ? at(j.report) : null,
    provider: j.provider,
    queuedAt: j.queuedAt,
    startedAt: j.startedAt,
    endedAt: j.endedAt,
  };
}

export interface ProjectSources {
  app: AppState;
  vectors: VectorState;
  view: ProjectView | null;
  /** The Run panel's folder as typed ('' = the application's own). */
  outputFolder: string;
  jobs: JobInfo[];
  /** The labels file labels.save writes (null: no labels). */
  labels?: string | null;
}

export function buildProject({ app, vectors, view, outputFolder, jobs, labels }: ProjectSources): Project {
  return {
    format: 'skysense-project',
    version: 1,
    rasters: app.layers.map((e) => ({
      paths: reopenPaths(e.layer.info).map(at),
      visible: e.visible,
      opacity: e.opacity,
      display: { ...e.display, classColors: e.display.classColors ? [...e.display.classColors] : null },
    })),
    vectors: vectors.layers.map((v) => ({
      path: at(v.data.path),
      table: v.data.format === 'GPKG' ? v.data.table : null,
      visible: v.visible,
      classColors: { ...v.classColors },
    })),
    // The view of the space shown; null before the map has settled once.
    view: view && view.space === app.space ? view : null,
    basemap: app.basemap,
    graticule: app.graticule,
    outputFolder: outputFolder.trim() ? at(outputFolder.trim()) : null,
    jobs: jobs.filter(ended).map(jobOf),
    labels: labels ? at(labels) : null,
  };
}

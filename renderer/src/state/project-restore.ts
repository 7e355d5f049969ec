// A project reopened: what the window shows is replaced by the project's layers (opened
// bottom first, so the list ends in the saved order, each with its saved display), its
// vector layers, output folder, ended jobs and labels file, in the saved map view (set first, so no layer
// fits the view to itself and loads tiles for a view about to go). Files the engine found
// nowhere are skipped and named in one notice; the rest opens.
import type { JobInfo, Project, ProjectJob, ReplyOf } from '../../../main/api.ts';
import type { AppClient } from '../client/app-client.ts';
import { errorShapeOf } from '../client/call-error.ts';
import { layerOfTarget } from '../labels/target.ts';
import { appStore } from './app-state.ts';
import { rememberRequest } from './job-requests.ts';
import { upsertJob } from './jobs.ts';
import { closeLabels, loadLabels } from './labels-actions.ts';
import { removeLayer } from './layer-actions.ts';
import { pushNotice } from './notices.ts';
import { openPaths } from './open-action.ts';
import { rememberFolder } from './output-folder.ts';
import { requestView } from './project-view.ts';
import { removeVector, setVectorClassColor, setVectorVisible, vectorStore } from './vector-layers.ts';
import { openVector } from './vector-open.ts';

type Opened = ReplyOf<'project.open'>;

async function clearWindow(client: AppClient): Promise<void> {
  closeLabels();
  for (const v of vectorStore.get().layers) removeVector(v.id);
  await Promise.all(appStore.get().layers.map((e) => removeLayer(client, e.layer.id)));
}

async function openRasters(client: AppClient, project: Project, skip: Set<number>, fit: boolean): Promise<void> {
  for (let i = project.rasters.length - 1; i >= 0; i--) {
    if (skip.has(i)) continue;
    const r = project.rasters[i];
    // Drawn as saved from the start: a layer shown and then hidden would abort its tile reads.
    await openPaths(client, r.paths.map((p) => p.absolute), { fit, initial: { visible: r.visible, opacity: r.opacity, display: r.display } });
  }
}

async function openVectors(client: AppClient, project: Project, skip: Set<number>, zoom: boolean): Promise<void> {
  for (let i = project.vectors.length - 1; i >= 0; i--) {
    if (skip.has(i)) continue;
    const v = project.vectors[i];
    if ((await openVector(client, v.path.absolute, v.table ?? undefined, { zoom })) !== 'opened') continue;
    const id = vectorStore.get().layers[0].id;
    setVectorVisible(id, v.visible);
    for (const [cls, colour] of Object.entries(v.classColors)) setVectorClassColor(id, cls, colour);
  }
}

/** The labels file, drawn on its raster if that layer opened; a file that cannot be read is named in the banner. */
async function openLabels(client: AppClient, project: Project): Promise<void> {
  if (!project.labels) return;
  try {
    const { path, set } = await client.call('labels.load', { path: project.labels.absolute });
    const layer = layerOfTarget(appStore.get().layers.map((e) => e.layer), set.target);
    loadLabels(set, path, layer?.id ?? null);
  } catch (err) {
    const shape = errorShapeOf(err);
    pushNotice({ ...shape, file: shape.file ?? project.labels.absolute });
  }
}

function jobInfoOf(j: ProjectJob): JobInfo {
  return {
    id: j.id, task: j.task, status: j.status, out: j.out.absolute, progress: null, provider: j.provider, error: null,
    report: j.report?.absolute ?? null, outputs: j.outputs.map((p) => p.absolute),
    queuedAt: j.queuedAt, startedAt: j.startedAt, endedAt: j.endedAt,
  };
}

/** Indexes of the layers with a file found nowhere ("rasters.3.paths.0" -> 3). */
function missingIndexes(opened: Opened, list: 'rasters' | 'vectors'): Set<number> {
  return new Set(opened.missing.filter((m) => m.key.startsWith(`${list}.`)).map((m) => Number(m.key.split('.')[1])));
}

export async function restoreProject(client: AppClient, opened: Opened): Promise<void> {
  const { project } = opened;
  await clearWindow(client);
  appStore.update((s) => ({ ...s, basemap: project.basemap, graticule: project.graticule }));
  if (project.view) requestView(project.view);
  await openRasters(client, project, missingIndexes(opened, 'rasters'), !project.view);
  await openVectors(client, project, missingIndexes(opened, 'vectors'), !project.view);
  rememberFolder(project.outputFolder?.absolute ?? '');
  await openLabels(client, project);
  for (const j of project.jobs) {
    if (j.request) rememberRequest(j.id, j.request);
    upsertJob(jobInfoOf(j));
  }
  if (opened.missing.length > 0) {
    const n = opened.missing.length;
    pushNotice({
      code: 'E_NOT_FOUND',
      file: opened.path,
      message: `${n} file${n > 1 ? 's' : ''} of project "${opened.name}" not found (the rest opened): ${opened.missing.map((m) => `${m.path} (${m.key})`).join('; ')}`,
    });
  }
}

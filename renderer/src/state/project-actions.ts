// Save project… and Open project…: Electron asks its native dialogs for a path; a browser
// tab gets the in-app dialog over the host's file list. Both then go through project.save /
// project.open, and every failure lands in the error banner naming the file.
import type { AppClient } from '../client/app-client.ts';
import { errorShapeOf, isCancelled } from '../client/call-error.ts';
import { appStore } from './app-state.ts';
import { jobsStore } from './jobs.ts';
import { labelsStore } from './labels-store.ts';
import { pushNotice } from './notices.ts';
import { rememberedFolder } from './output-folder.ts';
import { buildProject } from './project-build.ts';
import { restoreProject } from './project-restore.ts';
import { loadRecent, projectStore, setProjectDialog } from './project-store.ts';
import { mapViewStore } from './project-view.ts';
import { vectorStore } from './vector-layers.ts';

export const PROJECT_SUFFIX = '.skysense.json';

/** "bercy" -> "bercy.skysense.json"; a name already ending in .json is kept. */
export function projectFileName(name: string): string {
  const n = name.trim();
  return /\.json$/i.test(n) ? n : `${n}${PROJECT_SUFFIX}`;
}

/**
 * One save or open at a time: runs `fn`, puts a failure in the banner naming `path`, and
 * refreshes Recent projects either way. Null when it went through, else the message.
 */
async function projectCall(client: AppClient, path: string, fn: () => Promise<void>): Promise<string | null> {
  if (projectStore.get().busy) return 'another save or open is running';
  projectStore.update((s) => ({ ...s, busy: true }));
  try {
    await fn();
    return null;
  } catch (err) {
    const shape = errorShapeOf(err);
    pushNotice({ ...shape, file: shape.file ?? path });
    return shape.message;
  } finally {
    projectStore.update((s) => ({ ...s, busy: false }));
    void loadRecent(client);
  }
}

/** Null when saved, else the error's message (also in the banner). */
export async function saveProject(client: AppClient, path: string): Promise<string | null> {
  const project = buildProject({
    app: appStore.get(),
    vectors: vectorStore.get(),
    view: mapViewStore.get().current,
    outputFolder: rememberedFolder(),
    jobs: jobsStore.get(),
    labels: labelsStore.get().set ? labelsStore.get().path : null,
  });
  return projectCall(client, path, async () => {
    const saved = await client.call('project.save', { path, project });
    const name = saved.path.split(/[\\/]/).pop()?.replace(/(\.skysense)?\.json$/i, '') ?? saved.path;
    projectStore.update((s) => ({ ...s, current: { path: saved.path, name }, dialog: null }));
  });
}

/** Null when opened, else the error's message (also in the banner). */
export async function openProject(client: AppClient, path: string): Promise<string | null> {
  return projectCall(client, path, async () => {
    const opened = await client.call('project.open', { path });
    projectStore.update((s) => ({ ...s, current: { path: opened.path, name: opened.name }, dialog: null }));
    await restoreProject(client, opened);
  });
}

export async function requestSaveProject(client: AppClient): Promise<void> {
  if (client.transport !== 'electron') return setProjectDialog('save');
  try {
    const current = projectStore.get().current;
    const { path } = await client.call('dialog.save', {
      title: 'Save project',
      defaultPath: current?.path ?? `project${PROJECT_SUFFIX}`,
      filters: [{ name: 'SkySense projects', extensions: ['json'] }],
    });
    // Native dialogs may leave the extension off what was typed.
    if (path) await saveProject(client, /\.json$/i.test(path) ? path : `${path}${PROJECT_SUFFIX}`);
  } catch (err) {
    if (!isCancelled(err)) pushNotice(errorShapeOf(err));
  }
}

export async function requestOpenProject(client: AppClient): Promise<void> {
  if (client.transport !== 'electron') return setProjectDialog('open');
  try {
    const { paths } = await client.call('dialog.open', { kind: 'project' });
    if (paths[0]) await openProject(client, paths[0]);
  } catch (err) {
    if (!isCancelled(err)) pushNotice(errorShapeOf(err));
  }
}

// Where the window stands with projects: the one last saved or opened (the next save's
// default), the in-app dialog of browser mode, and the recent projects the empty start lists.
import type { RecentProject } from '../../../main/api.ts';
import type { AppClient } from '../client/app-client.ts';
import { Store, useStore } from './store.ts';

export interface ProjectState {
  current: { path: string; name: string } | null;
  dialog: 'save' | 'open' | null;
  recent: RecentProject[];
  /** A save or an open is running (the buttons wait for it). */
  busy: boolean;
}

export const projectStore = new Store<ProjectState>({ current: null, dialog: null, recent: [], busy: false });

export function useProject<T>(select: (s: ProjectState) => T): T {
  return useStore(projectStore, select);
}

export function setProjectDialog(dialog: ProjectState['dialog']): void {
  projectStore.update((s) => ({ ...s, dialog }));
}

export async function loadRecent(client: AppClient): Promise<void> {
  try {
    const { projects } = await client.call('project.recent', {});
    projectStore.update((s) => ({ ...s, recent: projects }));
  } catch {
    // the list is a convenience; the Open project… button still works
  }
}

// "Open…": Electron has a native dialog; a browser tab gets the in-app file browser.
import type { AppClient } from '../client/app-client.ts';
import { errorShapeOf, isCancelled } from '../client/call-error.ts';
import { appStore } from './app-state.ts';
import { pushNotice } from './notices.ts';
import { openPaths } from './open-action.ts';

export async function requestOpen(client: AppClient, opts: { folders?: boolean } = {}): Promise<void> {
  if (client.transport !== 'electron') {
    appStore.update((s) => ({ ...s, openDialog: true }));
    return;
  }
  try {
    const { paths } = await client.call('dialog.open', opts.folders ? { folders: true } : {});
    if (paths.length) await openPaths(client, paths);
  } catch (err) {
    if (!isCancelled(err)) pushNotice(errorShapeOf(err));
  }
}

export function closeOpenDialog(): void {
  appStore.update((s) => ({ ...s, openDialog: false }));
}

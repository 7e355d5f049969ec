// Window-wide keys: Ctrl/Cmd+O opens, Ctrl/Cmd+S saves the project, Ctrl/Cmd+Shift+P opens
// one (Shift+O is Electron's Open Folder), Escape closes the open dialog. In Electron the
// application menu owns Ctrl/Cmd+O (and sends a menu message), so the page does not
// also act on it: one key press, one native dialog.
import { useEffect } from 'react';
import type { AppClient } from '../client/app-client.ts';
import { appStore } from '../state/app-state.ts';
import { closeOpenDialog, requestOpen } from '../state/open-request.ts';
import { requestOpenProject, requestSaveProject } from '../state/project-actions.ts';
import { projectStore } from '../state/project-store.ts';

export function useShortcuts(client: AppClient): void {
  useEffect(() => {
    const offMenu = client.onMenu((action) => {
      if (!appStore.get().openTask) void requestOpen(client, { folders: action === 'open-folder' });
    });
    const onKey = (e: KeyboardEvent) => {
      if (client.transport !== 'electron' && (e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        if (!appStore.get().openTask) void requestOpen(client);
      } else if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key.toLowerCase() === 's' || (e.shiftKey && e.key.toLowerCase() === 'p'))) {
        e.preventDefault(); // the browser's own Save page / Print
        if (projectStore.get().busy || appStore.get().openTask) return;
        void (e.key.toLowerCase() === 's' ? requestSaveProject(client) : requestOpenProject(client));
      } else if (e.key === 'Escape' && appStore.get().openDialog) {
        closeOpenDialog();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      offMenu();
      window.removeEventListener('keydown', onKey);
    };
  }, [client]);
}

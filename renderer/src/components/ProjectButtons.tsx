// The toolbar's project buttons: Save project… (Ctrl+S) and Open project… (Ctrl+Shift+P;
// Ctrl+Shift+O is Electron's File > Open Folder).
import { useClient } from '../state/client-context.ts';
import { requestOpenProject, requestSaveProject } from '../state/project-actions.ts';
import { useProject } from '../state/project-store.ts';
import { useApp } from '../state/use-app.ts';

export function ProjectButtons() {
  const client = useClient();
  const busy = useProject((s) => s.busy);
  const opening = useApp((s) => s.openTask !== null);
  return (
    <>
      <button type="button" disabled={busy || opening} onClick={() => void requestSaveProject(client)}
        title="Save the layers, their display, the map view, the output folder and the jobs as one project file (Ctrl+S)">
        Save project…
      </button>
      <button type="button" disabled={busy || opening} onClick={() => void requestOpenProject(client)}
        title="Open a project file, replacing what is shown (Ctrl+Shift+P)">
        Open project…
      </button>
    </>
  );
}

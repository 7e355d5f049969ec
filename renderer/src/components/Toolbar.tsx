// The dark strip on top: open, map toggles, the engine's execution provider and the connection state.
import { appStore } from '../state/app-state.ts';
import { useClient } from '../state/client-context.ts';
import { openExport } from '../state/export-dialog.ts';
import { requestOpen } from '../state/open-request.ts';
import { useApp } from '../state/use-app.ts';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { EngineBadge } from './EngineBadge.tsx';
import { ProjectButtons } from './ProjectButtons.tsx';
import { RunTaskButton } from './run/RunTaskButton.tsx';
import { SpaceSwitch } from './SpaceSwitch.tsx';
import { TrainHeadButton } from './train/TrainHeadButton.tsx';

export function Toolbar() {
  const client = useClient();
  const graticule = useApp((s) => s.graticule);
  const basemap = useApp((s) => s.basemap);
  const busy = useApp((s) => s.openTask !== null);
  const electron = client.transport === 'electron';
  return (
    <header className="toolbar" role="toolbar" aria-label="Main toolbar">
      <span className="brand">SkySense</span>
      <button type="button" data-testid="open-button" disabled={busy} onClick={() => void requestOpen(client)}
        title="Open a raster (Ctrl+O)">
        Open…
      </button>
      {electron && (
        <button type="button" disabled={busy} onClick={() => void requestOpen(client, { folders: true })}
          title="Open a folder of single-band files as one scene">
          Open folder…
        </button>
      )}
      <RunTaskButton />
      <TrainHeadButton />
      <ProjectButtons />
      <button type="button" onClick={() => openExport({ kind: 'snapshot' })} title="Save the map view as PNG, with its legends and a scale bar">
        Snapshot…
      </button>
      <span className="sep" />
      <label className="toggle">
        <input type="checkbox" data-testid="toggle-graticule" checked={graticule}
          onChange={(e) => appStore.update((s) => ({ ...s, graticule: e.target.checked }))} />
        Graticule
      </label>
      <label className="toggle" title="OpenStreetMap tiles; needs the internet">
        <input type="checkbox" data-testid="toggle-basemap" checked={basemap}
          onChange={(e) => appStore.update((s) => ({ ...s, basemap: e.target.checked }))} />
        OSM basemap
      </label>
      <span className="sep" />
      <SpaceSwitch />
      <span className="grow" />
      <EngineBadge />
      <ConnectionBadge />
    </header>
  );
}

// The window: toolbar on top, layers/display/inspector on the left, the map filling the rest.
import { useEffect } from 'react';
import type { AppClient } from '../client/app-client.ts';
import { appStore } from '../state/app-state.ts';
import { ClientContext } from '../state/client-context.ts';
import { BandEditor } from './BandEditor.tsx';
import { ErrorBanner } from './ErrorBanner.tsx';
import { ExportDialog } from './ExportDialog.tsx';
import { LabelsPanel } from './labels/LabelsPanel.tsx';
import { LayersPanel } from './LayersPanel.tsx';
import { MapView } from './MapView.tsx';
import { OpenDialog } from './OpenDialog.tsx';
import { OpenProgress } from './OpenProgress.tsx';
import { PixelInspector } from './PixelInspector.tsx';
import { ProjectDialog } from './ProjectDialog.tsx';
import { RecentProjects } from './RecentProjects.tsx';
import { SwipePanel } from './SwipePanel.tsx';
import { Toolbar } from './Toolbar.tsx';
import { useShortcuts } from './use-shortcuts.ts';
import { VectorLayersPanel } from './VectorLayersPanel.tsx';

export function App({ client }: { client: AppClient }) {
  useShortcuts(client);
  useEffect(() => {
    appStore.update((s) => ({ ...s, connection: client.connection }));
    return client.onConnection((connection) => appStore.update((s) => ({ ...s, connection })));
  }, [client]);
  return (
    <ClientContext.Provider value={client}>
      <div className="app">
        <Toolbar />
        <div className="body">
          <aside className="side" aria-label="Layers and inspector">
            <LayersPanel />
            <SwipePanel />
            <VectorLayersPanel />
            <LabelsPanel />
            <BandEditor />
            <PixelInspector />
          </aside>
          <div className="map-column">
            <MapView />
            <RecentProjects />
            <ErrorBanner />
            <OpenProgress />
          </div>
        </div>
        <OpenDialog />
        <ExportDialog />
        <ProjectDialog />
      </div>
    </ClientContext.Provider>
  );
}

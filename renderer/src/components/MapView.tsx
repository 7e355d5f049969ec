// The map area: hosts the OpenLayers map (owned by MapController, not React) and
// takes dropped files.
import { useEffect, useRef, useState } from 'react';
import { MapController } from '../map/map-controller.ts';
import { setSnapshotMap } from '../map/snapshot.ts';
import { installTestHook } from '../map/test-hook.ts';
import { useClient } from '../state/client-context.ts';
import { dropFiles } from '../state/drop-files.ts';
import { useApp } from '../state/use-app.ts';

export function MapView() {
  const client = useClient();
  const target = useRef<HTMLDivElement>(null);
  const [dragging, setDragging] = useState(false);
  const space = useApp((s) => s.space);

  useEffect(() => {
    if (!target.current) return;
    const controller = new MapController(target.current, client);
    setSnapshotMap(controller.map);
    // A constant per build: production bundles drop the hook and its module.
    if (import.meta.env.MODE === 'test' && !window.__skysense) installTestHook(controller);
    return () => {
      setSnapshotMap(null);
      controller.dispose();
    };
  }, [client]);

  return (
    <main
      className={`map-wrap space-${space}`}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => e.currentTarget === e.target && setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        void dropFiles(client, [...e.dataTransfer.files]);
      }}
    >
      <div ref={target} className="map" data-testid="map" aria-label="Map" tabIndex={0} />
      {space === 'pixel' && <div className="space-tag">Pixel space — not georeferenced</div>}
      {dragging && <div className="drop-hint">Drop to open</div>}
    </main>
  );
}

// The empty start: the projects saved or opened lately, newest first, one button each.
import { useEffect } from 'react';
import { useClient } from '../state/client-context.ts';
import { openProject } from '../state/project-actions.ts';
import { loadRecent, useProject } from '../state/project-store.ts';
import { useApp } from '../state/use-app.ts';
import { useVectors } from '../state/vector-layers.ts';
import './project.css';

export function RecentProjects() {
  const client = useClient();
  const connected = useApp((s) => s.connection === 'connected');
  const noRasters = useApp((s) => s.layers.length === 0 && s.openTask === null);
  const noVectors = useVectors((s) => s.layers.length === 0);
  const recent = useProject((s) => s.recent);
  const busy = useProject((s) => s.busy);
  useEffect(() => {
    if (connected) void loadRecent(client);
  }, [client, connected]);
  if (!noRasters || !noVectors || busy || recent.length === 0) return null;
  return (
    <section className="recent-projects" aria-label="Recent projects">
      <h2>Recent projects</h2>
      <ul>
        {recent.map((r) => (
          <li key={r.path}>
            <button type="button" title={r.path} onClick={() => void openProject(client, r.path)}>{r.name}</button>
            <span className="recent-path">{r.path}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

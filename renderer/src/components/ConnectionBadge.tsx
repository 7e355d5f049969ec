// Shows whether the engine is reachable; a closed socket is said plainly.
import { useApp } from '../state/use-app.ts';

const LABEL = { connecting: 'connecting…', connected: 'connected', disconnected: 'disconnected — reload to reconnect' };

export function ConnectionBadge() {
  const state = useApp((s) => s.connection);
  return (
    <span className={`conn conn-${state}`} data-testid="connection-state" role="status">
      <span className="dot" aria-hidden="true" />
      {LABEL[state]}
    </span>
  );
}

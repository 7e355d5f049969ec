// Entry point: pick the transport, then render. A failure before React is up still
// shows a message instead of a blank window.
import { createRoot } from 'react-dom/client';
import 'ol/ol.css';
import './styles.css';
import { createClient } from './client/create-client.ts';
import { App } from './components/App.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';

const root = document.getElementById('root') as HTMLElement;
try {
  const client = createClient();
  createRoot(root).render(
    <ErrorBoundary>
      <App client={client} />
    </ErrorBoundary>,
  );
} catch (err) {
  root.textContent = `SkySense could not start: ${err instanceof Error ? err.message : String(err)}`;
}

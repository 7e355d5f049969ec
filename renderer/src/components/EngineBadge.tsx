// The toolbar's "Engine: CPU" button: which execution provider models run on, in a warning
// colour when a GPU is there but unused, so a silent CPU fallback is seen without running
// anything. It opens the engine panel, which says why each other provider is not used.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../state/client-context.ts';
import { loadEngineStatus, useEngine, type EngineView } from '../state/engine-status.ts';
import { useApp } from '../state/use-app.ts';
import { EnginePanel } from './EnginePanel.tsx';

function badgeText(view: EngineView): { text: string; warning: string | null; provider: string } {
  switch (view.phase) {
    case 'idle':
    case 'loading':
      return { text: 'Engine: checking…', warning: null, provider: '' };
    case 'failed':
      return { text: 'Engine: unknown', warning: view.message, provider: '' };
    case 'ready': {
      const { status } = view;
      const used = status.providers.find((p) => p.name === status.provider);
      return { text: `Engine: ${used?.label ?? 'none'}`, warning: status.warning, provider: status.provider ?? 'none' };
    }
  }
}

export function EngineBadge() {
  const client = useClient();
  const connected = useApp((s) => s.connection === 'connected');
  const view = useEngine();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (connected) void loadEngineStatus(client);
  }, [client, connected]);

  const { text, warning, provider } = badgeText(view);
  const close = useCallback((refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  }, []);
  return (
    <>
      <button type="button" ref={button} className={`engine-badge${warning ? ' warn' : ''}`} data-testid="engine-badge"
        data-provider={provider} data-warning={warning ? 'true' : 'false'} aria-haspopup="dialog" aria-expanded={open}
        aria-controls="engine-panel" title={warning ?? 'Execution provider models run on; click for details'}
        onClick={() => setOpen((o) => !o)}>
        {warning && <span className="engine-warn-icon" aria-hidden="true">⚠</span>}
        {text}
      </button>
      {open && <EnginePanel view={view} onClose={close} anchor={button} />}
    </>
  );
}

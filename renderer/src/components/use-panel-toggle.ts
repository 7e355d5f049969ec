// A toolbar button's non-modal panel (Run task…, Train head…): open and closed by the button,
// closing gives the button its focus back, and the engine's models are asked for when it opens.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../state/client-context.ts';
import { loadEngineStatus } from '../state/engine-status.ts';

export function usePanelToggle() {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) void loadEngineStatus(client);
  }, [client, open]);
  const close = useCallback(() => {
    setOpen(false);
    button.current?.focus();
  }, []);
  const toggle = useCallback(() => setOpen((o) => !o), []);
  return { open, toggle, close, button };
}

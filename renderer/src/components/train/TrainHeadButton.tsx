// The toolbar's "Train head…" button and the Train head panel it opens (non-modal, like the
// Run panel). The training itself goes on while the panel is closed; its state lives in
// state/train-session.ts and the job in the jobs store the Run panel's Jobs list reads.
import { useCallback, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useClient } from '../../state/client-context.ts';
import { loadEngineStatus } from '../../state/engine-status.ts';
import { TrainPanel } from './TrainPanel.tsx';

export function TrainHeadButton() {
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
  return (
    <>
      <button type="button" ref={button} data-testid="train-head-button" aria-haspopup="dialog" aria-expanded={open}
        aria-controls={open ? 'train-panel' : undefined} title="Train a head on your labels over a SkySense encoder"
        onClick={() => setOpen((o) => !o)}>
        Train head…
      </button>
      {open && createPortal(<TrainPanel onClose={close} />, document.body)}
    </>
  );
}

// The toolbar's "Run task…" button and the panel it opens. It also follows the engine's
// jobs from the start (not only while the panel is open), so a job's outputs open as
// layers even after the panel was closed.
import { useCallback, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useClient } from '../../state/client-context.ts';
import { loadEngineStatus } from '../../state/engine-status.ts';
import { watchJobs } from '../../state/jobs.ts';
import { onJobEvent } from '../../state/run-jobs.ts';
import { RunPanel } from './RunPanel.tsx';

export function RunTaskButton() {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => watchJobs(client, (job) => onJobEvent(client, job)), [client]);
  useEffect(() => {
    if (open) void loadEngineStatus(client);
  }, [client, open]);
  const close = useCallback(() => {
    setOpen(false);
    button.current?.focus();
  }, []);
  return (
    <>
      <button type="button" ref={button} data-testid="run-task-button" aria-haspopup="dialog" aria-expanded={open}
        aria-controls={open ? 'run-panel' : undefined} title="Run a model task on the loaded layers"
        onClick={() => setOpen((o) => !o)}>
        Run task…
      </button>
      {/* Outside the toolbar's element: a dialog is not one of a toolbar's controls. */}
      {open && createPortal(<RunPanel onClose={close} />, document.body)}
    </>
  );
}

// The toolbar's "Run task…" button and the panel it opens. It also follows the engine's
// jobs from the start (not only while the panel is open), so a job's outputs open as
// layers even after the panel was closed.
import { useEffect } from 'react';
import { createPortal } from 'react-dom';
import { useClient } from '../../state/client-context.ts';
import { watchJobs } from '../../state/jobs.ts';
import { usePanelToggle } from '../use-panel-toggle.ts';
import { onJobEvent } from '../../state/run-jobs.ts';
import { RunPanel } from './RunPanel.tsx';

export function RunTaskButton() {
  const client = useClient();
  const { open, toggle, close, button } = usePanelToggle();
  useEffect(() => watchJobs(client, (job) => onJobEvent(client, job)), [client]);
  return (
    <>
      <button type="button" ref={button} data-testid="run-task-button" aria-haspopup="dialog" aria-expanded={open}
        aria-controls={open ? 'run-panel' : undefined} title="Run a model task on the loaded layers"
        onClick={toggle}>
        Run task…
      </button>
      {/* Outside the toolbar's element: a dialog is not one of a toolbar's controls. */}
      {open && createPortal(<RunPanel onClose={close} />, document.body)}
    </>
  );
}

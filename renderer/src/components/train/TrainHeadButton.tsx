// The toolbar's "Train head…" button and the Train head panel it opens (non-modal, like the
// Run panel). The training itself goes on while the panel is closed; its state lives in
// state/train-session.ts and the job in the jobs store the Run panel's Jobs list reads.
import { createPortal } from 'react-dom';
import { usePanelToggle } from '../use-panel-toggle.ts';
import { TrainPanel } from './TrainPanel.tsx';

export function TrainHeadButton() {
  const { open, toggle, close, button } = usePanelToggle();
  return (
    <>
      <button type="button" ref={button} data-testid="train-head-button" aria-haspopup="dialog" aria-expanded={open}
        aria-controls={open ? 'train-panel' : undefined} title="Train a head on your labels over a SkySense encoder"
        onClick={toggle}>
        Train head…
      </button>
      {open && createPortal(<TrainPanel onClose={close} />, document.body)}
    </>
  );
}

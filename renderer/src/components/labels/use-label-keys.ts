// The Labels panel's keys, window-wide while labels are open: Ctrl/Cmd+Z undoes, Ctrl/Cmd+
// Shift+Z (or Ctrl+Y) redoes, Delete removes the selected label. Not while typing in a
// field, where the keys keep their text-editing meaning.
import { useEffect } from 'react';
import { deleteSelectedLabel, redoLabels, undoLabels } from '../../state/labels-actions.ts';
import { labelsStore } from '../../state/labels-store.ts';

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

export function useLabelKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!labelsStore.get().set || typing(e.target)) return;
      const key = e.key.toLowerCase();
      const mod = (e.ctrlKey || e.metaKey) && !e.altKey;
      if (mod && key === 'z') {
        e.preventDefault();
        if (e.shiftKey) redoLabels();
        else undoLabels();
      } else if (mod && !e.shiftKey && key === 'y') {
        e.preventDefault();
        redoLabels();
      } else if ((e.key === 'Delete' || e.key === 'Backspace') && !mod && labelsStore.get().selectedId) {
        e.preventDefault();
        deleteSelectedLabel();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

// Escape closes a non-modal panel. Listened for on the window, not the panel: focus falls back
// to the page when the control it was on goes away (a Cancel button once its job ends), and
// Escape must still close the panel; a key pressed in another panel is left to that panel.
import { useEffect, type RefObject } from 'react';

export function useEscapeClose(panel: RefObject<HTMLElement | null>, onClose: () => void): void {
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const t = e.target as Node | null;
      if (e.key === 'Escape' && (t === document.body || (t && panel.current?.contains(t)))) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [panel, onClose]);
}

// Undo and redo over whole label sets: every edit (a class or a feature, an import) pushes
// the set it replaces, so Ctrl+Z brings back exactly what was there. Sets are immutable,
// so keeping them costs only the features that changed.
import type { LabelSet } from '../../../main/api.ts';

export interface History {
  set: LabelSet | null;
  undo: LabelSet[];
  redo: LabelSet[];
}

/** How many steps back are kept. */
const DEPTH = 200;

export function commitEdit<H extends History>(h: H, next: LabelSet): H {
  if (!h.set || next === h.set) return h;
  return { ...h, set: next, undo: [...h.undo, h.set].slice(-DEPTH), redo: [] };
}

export function undoEdit<H extends History>(h: H): H {
  const prev = h.undo[h.undo.length - 1];
  if (!h.set || !prev) return h;
  return { ...h, set: prev, undo: h.undo.slice(0, -1), redo: [...h.redo, h.set] };
}

export function redoEdit<H extends History>(h: H): H {
  const next = h.redo[h.redo.length - 1];
  if (!h.set || !next) return h;
  return { ...h, set: next, undo: [...h.undo, h.set], redo: h.redo.slice(0, -1) };
}

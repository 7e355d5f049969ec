// What the Labels panel and the map do to the labels store: start or load a set, apply an
// edit (kept for undo and saved), undo and redo, and the tool, class and selection. The
// class to draw and the selection follow edits that rename or remove what they named.
import type { LabelSet, LabelTarget } from '../../../main/api.ts';
import { deleteFeature } from '../labels/features.ts';
import { commitEdit, redoEdit, undoEdit } from '../labels/history.ts';
import { labelsStore, type LabelsState, type LabelTool } from './labels-store.ts';

/** The class to draw after `set` replaced `before`: the same one, its renamed self, a new class, or the first. */
function activeAfter(s: LabelsState, before: LabelSet | null, set: LabelSet | null): string | null {
  if (!set || set.classes.length === 0) return null;
  const names = set.classes.map((c) => c.name);
  const old = before?.classes.map((c) => c.name) ?? [];
  const added = names.filter((n) => !old.includes(n));
  if (added.length === 1 && names.length === old.length + 1) return added[0];
  if (s.activeClass && names.includes(s.activeClass)) return s.activeClass;
  const i = s.activeClass ? old.indexOf(s.activeClass) : -1;
  return i >= 0 && names.length === old.length ? names[i] : names[0];
}

function settle(s: LabelsState, next: LabelsState): LabelsState {
  const selected = next.selectedId && next.set?.features.some((f) => f.id === next.selectedId) ? next.selectedId : null;
  return { ...next, activeClass: activeAfter(s, s.set, next.set), selectedId: selected, edits: s.edits + 1 };
}

export function startLabels(target: LabelTarget, layerId: string, path: string): void {
  const set: LabelSet = { target, classes: [], features: [] };
  labelsStore.update((s) => ({
    ...s, set, path, layerId, undo: [], redo: [], stats: null, error: null, savedAt: null, note: null,
    tool: 'none', activeClass: null, selectedId: null, edits: s.edits + 1,
  }));
}

/** A set read from a file (a reopened project): shown as it is, not saved again. */
export function loadLabels(set: LabelSet, path: string, layerId: string | null): void {
  labelsStore.update((s) => ({
    ...s, set, path, layerId, undo: [], redo: [], stats: null, error: null, savedAt: null, note: null,
    tool: 'none', activeClass: set.classes[0]?.name ?? null, selectedId: null,
  }));
}

export function closeLabels(): void {
  labelsStore.update((s) => ({
    ...s, set: null, path: null, layerId: null, undo: [], redo: [], stats: null, error: null, savedAt: null, note: null,
    tool: 'none', activeClass: null, selectedId: null,
  }));
}

/** One edit of the set, undoable and saved. */
export function editLabels(fn: (set: LabelSet) => LabelSet): void {
  labelsStore.update((s) => {
    if (!s.set) return s;
    const next = commitEdit(s, fn(s.set));
    return next === s ? s : settle(s, next);
  });
}

export function undoLabels(): void {
  labelsStore.update((s) => {
    const next = undoEdit(s);
    return next === s ? s : settle(s, next);
  });
}

export function redoLabels(): void {
  labelsStore.update((s) => {
    const next = redoEdit(s);
    return next === s ? s : settle(s, next);
  });
}

export function setLabelTool(tool: LabelTool): void {
  labelsStore.update((s) => (s.tool === tool ? s : { ...s, tool, selectedId: tool === 'edit' ? s.selectedId : null }));
}

export function setActiveClass(name: string): void {
  labelsStore.update((s) => (s.activeClass === name ? s : { ...s, activeClass: name }));
}

export function selectLabel(id: string | null): void {
  labelsStore.update((s) => (s.selectedId === id ? s : { ...s, selectedId: id }));
}

export function setLabelsNote(note: string | null): void {
  labelsStore.update((s) => ({ ...s, note }));
}

/** Delete label (the button and the Delete key): the selected label goes, undoably. */
export function deleteSelectedLabel(): void {
  const id = labelsStore.get().selectedId;
  if (id) editLabels((set) => deleteFeature(set, id));
}

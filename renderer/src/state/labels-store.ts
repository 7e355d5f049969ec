// The Labels panel's state: the labels being drawn (as the engine stores them, in the
// target raster's CRS), where labels.save keeps them, and the latest counts. The Labels
// panel and the map's label layer edit it; the Train head panel reads it.
import type { LabelSet, LabelStatsReply } from '../../../main/api.ts';
import { Store, useStore } from './store.ts';

/** What a press on the map does: draw one kind of label, edit (select, move, drag vertices), or nothing. */
export type LabelTool = 'none' | 'polygon' | 'box' | 'rotated-box' | 'point' | 'edit';

export interface LabelsState {
  /** The labels of this window; null until the analyst starts labelling a raster. */
  set: LabelSet | null;
  /** The labels file labels.save writes on every change (null: not saved yet). */
  path: string | null;
  /** The open layer whose raster the labels belong to (its CRS is the labels' CRS). */
  layerId: string | null;
  saving: boolean;
  /** When the last save finished (ms since the epoch). */
  savedAt: number | null;
  /** The last save's or load's error, in words. */
  error: string | null;
  stats: LabelStatsReply | null;
  /** Earlier and undone states of `set`, for Ctrl+Z / Ctrl+Shift+Z. */
  undo: LabelSet[];
  redo: LabelSet[];
  tool: LabelTool;
  /** The class new labels get. */
  activeClass: string | null;
  /** The label selected with the Edit tool (Delete removes it). */
  selectedId: string | null;
  /** Counts the analyst's edits (undo and redo too): each one is saved; a set loaded from a file is not. */
  edits: number;
  /** What the engine said about the last import (fields it guessed, features it skipped). */
  note: string | null;
}

export const labelsStore = new Store<LabelsState>({
  set: null, path: null, layerId: null, saving: false, savedAt: null, error: null, stats: null, undo: [], redo: [],
  tool: 'none', activeClass: null, selectedId: null, edits: 0, note: null,
});

export function useLabels(): LabelsState {
  return useStore(labelsStore, (s) => s);
}

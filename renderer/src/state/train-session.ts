// The Train head panel's state, kept outside the panel so closing and reopening it keeps the
// settings, the job it follows, the head it saved and the applied run: a training goes on
// (and is listed in the Jobs list) while the panel is closed.
import { DEFAULT_TRAIN_FORM, type TrainForm } from './train-form.ts';
import type { TrainLabels } from './train-labels.ts';
import { Store, useStore } from './store.ts';

export interface SavedHead {
  /** The train job whose head it is. */
  jobId: string;
  path: string;
  name: string;
}

export interface TrainSession {
  form: TrainForm;
  /** A labels file loaded in the panel (used when the Labels panel has none). */
  loaded: TrainLabels | null;
  /** The train job the panel shows: the last one started here. */
  jobId: string | null;
  saved: SavedHead | null;
  /** The job Apply started with the saved head. */
  applyJobId: string | null;
}

export const trainStore = new Store<TrainSession>({ form: DEFAULT_TRAIN_FORM, loaded: null, jobId: null, saved: null, applyJobId: null });

export function useTrain(): TrainSession {
  return useStore(trainStore, (s) => s);
}

export function editTrain(patch: Partial<TrainSession>): void {
  trainStore.update((s) => ({ ...s, ...patch }));
}

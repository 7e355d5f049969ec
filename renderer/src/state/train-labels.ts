// Which labels the Train head panel trains on, and whether they can be trained on. The
// Labels panel's labels come first (useLabels); with none there, a labels file saved
// earlier can be loaded into the panel (labels.load, then labels.stats for its counts), so
// a head can be trained again without drawing anew. Training reads the saved file, so
// unsaved labels, labels not yet counted and labels with problems block the Train button.
import type { LabelSet, LabelStatsReply } from '../../../main/api.ts';
import type { AppClient } from '../client/app-client.ts';
import { errorShapeOf } from '../client/call-error.ts';
import type { LabelsState } from './labels-store.ts';

export interface TrainLabels {
  set: LabelSet | null;
  path: string | null;
  stats: LabelStatsReply | null;
  /** 'panel': the Labels panel's; 'file': loaded in the Train head panel. */
  from: 'panel' | 'file' | 'none';
}

export function trainLabelsOf(panel: LabelsState, loaded: TrainLabels | null): TrainLabels {
  if (panel.set) return { set: panel.set, path: panel.path, stats: panel.stats, from: 'panel' };
  return loaded ?? { set: null, path: null, stats: null, from: 'none' };
}

/** Why Train is disabled (each in words), or [] when the labels can be trained on. */
export function blockers(labels: TrainLabels): string[] {
  if (!labels.set) return ['No labels yet: draw them in the Labels panel, or load a labels file here.'];
  const out: string[] = [];
  if (!labels.path) out.push('The labels are not saved to a file yet: training reads the saved labels file.');
  if (!labels.stats) out.push('The labels have not been counted yet.');
  else out.push(...labels.stats.problems);
  return out;
}

/** A labels file labels.save wrote, with its counts; the error in words when it cannot be read. */
export async function loadLabelsFile(client: AppClient, path: string): Promise<{ labels: TrainLabels } | { error: string }> {
  try {
    const { path: read, set } = await client.call('labels.load', { path });
    const stats = await client.call('labels.stats', { set });
    return { labels: { set, path: read, stats, from: 'file' } };
  } catch (err) {
    return { error: errorShapeOf(err).message };
  }
}

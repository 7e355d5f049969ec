// Every edit of the labels is written at once: labels.save with the latest set (one call in
// flight, the newest set winning), whose reply brings the counts and the problems the panel
// shows. A set loaded from a file is only counted (labels.stats), not written back.
import type { LabelSet } from '../../../main/api.ts';
import type { AppClient } from '../client/app-client.ts';
import { errorShapeOf } from '../client/call-error.ts';
import { LatestQueue } from '../labels/save-queue.ts';
import { labelsStore } from './labels-store.ts';

export function attachLabelSaver(client: AppClient): () => void {
  let lastSet: LabelSet | null = labelsStore.get().set;
  let lastEdits = labelsStore.get().edits;
  let statsSeq = 0;
  let savedSet: LabelSet | null = null;

  const count = async (set: LabelSet) => {
    const seq = ++statsSeq;
    try {
      const stats = await client.call('labels.stats', { set });
      if (seq === statsSeq && labelsStore.get().set === set) labelsStore.update((s) => ({ ...s, stats }));
    } catch (err) {
      if (seq === statsSeq) labelsStore.update((s) => ({ ...s, error: `Counting the labels failed: ${errorShapeOf(err).message}` }));
    }
  };

  const queue = new LatestQueue<{ path: string; set: LabelSet }>(
    async (job) => {
      try {
        const saved = await client.call('labels.save', job);
        savedSet = job.set;
        statsSeq++;
        labelsStore.update((s) => ({ ...s, savedAt: Date.now(), error: null, ...(s.set === job.set ? { stats: saved.stats } : {}) }));
      } catch (err) {
        labelsStore.update((s) => ({ ...s, error: `Saving the labels failed: ${errorShapeOf(err).message}` }));
      }
    },
    () => {
      labelsStore.update((s) => ({ ...s, saving: false }));
      const { set } = labelsStore.get();
      // The last save counted what it wrote; only a set it did not write needs counting.
      if (set && set !== savedSet) void count(set);
    },
  );

  const follow = () => {
    const s = labelsStore.get();
    if (s.set === lastSet && s.edits === lastEdits) return;
    const edited = s.edits !== lastEdits;
    lastSet = s.set;
    lastEdits = s.edits;
    if (!s.set) return;
    if (edited && s.path) {
      if (!s.saving) labelsStore.update((x) => ({ ...x, saving: true }));
      queue.push({ path: s.path, set: s.set });
    } else if (!queue.busy) {
      void count(s.set);
    }
  };
  const off = labelsStore.subscribe(follow);
  follow();
  return off;
}

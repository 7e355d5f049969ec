/**
 * The training worker thread's entry: runs one training (train-head.ts) with the options
 * it was started with, posts feature and epoch progress to the parent, stops when the parent
 * posts "abort", and posts the report or the error. Training never runs on the thread that
 * serves the UI (Electron's main process, the host's event loop).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ApiError } from '../api.ts';
import { trainTaskHead, type TrainTaskOptions } from './train-head.ts';
import type { FromTrainer } from './train-job.ts';

const port = parentPort!;
const controller = new AbortController();
port.on('message', (m: { type: string }) => {
  if (m.type === 'abort') controller.abort();
});
const post = (m: FromTrainer) => port.postMessage(m);

trainTaskHead({
  ...(workerData as TrainTaskOptions),
  signal: controller.signal,
  progress: (p) => post({ type: 'progress', stage: 'features', done: p.done, total: p.total, message: p.etaS === null ? undefined : `ETA ${p.etaS.toFixed(0)} s`, etaS: p.etaS }),
  onEpoch: (p) => post({ type: 'progress', stage: 'training', done: p.epoch, total: p.epochs, message: `loss ${p.loss.toFixed(4)}, validation macro F1 ${p.valMacroF1.toFixed(3)} (best ${p.best.toFixed(3)}), ETA ${p.etaS.toFixed(0)} s`, etaS: p.etaS, epoch: p }),
})
  .then((report) => post({ type: 'done', report }))
  .catch((err: unknown) => {
    if (err instanceof ApiError) post({ type: 'error', code: err.code, message: err.message, file: err.file });
    else post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  });

// The Train head panel's settings as the controls hold them (strings), and the one function
// that turns them into a job.train request or says, in words, which field is wrong. Defaults
// are `skysense train`'s for a quick head: mlp, 30 epochs, a fifth of the cells to validate, seed 0.
import type { TrainJobRequest } from '../../../main/api.ts';

export interface TrainForm {
  /** The encoder's model folder ('' until one is chosen). */
  model: string;
  headType: 'linear' | 'mlp';
  epochs: string;
  valFraction: string;
  seed: string;
}

export const DEFAULT_TRAIN_FORM: TrainForm = { model: '', headType: 'mlp', epochs: '30', valFraction: '0.2', seed: '0' };

export type BuiltTrain = { ok: true; request: TrainJobRequest } | { ok: false; error: string };

const whole = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : NaN);

export function buildTrainRequest(form: TrainForm, labels: string | null): BuiltTrain {
  if (!labels) return { ok: false, error: 'the labels are not saved to a file yet' };
  if (!form.model) return { ok: false, error: 'choose an encoder' };
  const epochs = whole(form.epochs);
  if (!(epochs >= 1 && epochs <= 10000)) return { ok: false, error: 'Epochs must be a whole number from 1 to 10000' };
  const val = Number(form.valFraction);
  if (!form.valFraction.trim() || !(val > 0 && val < 1)) return { ok: false, error: 'Validation share must be between 0 and 1 (e.g. 0.2)' };
  const seed = whole(form.seed);
  if (!(seed >= 0)) return { ok: false, error: 'Seed must be a whole number, 0 or more' };
  return { ok: true, request: { labels, model: form.model, headType: form.headType, epochs, valFraction: val, seed } };
}

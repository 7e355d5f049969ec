/**
 * A request's model and head given by name (as `skysense models` lists them) made folders,
 * before its files are checked: `job.start` and `skysense run` take names wherever they take
 * folders. A Deepness .onnx model is a file, never a name.
 */
import type { JobRequest } from '../api.ts';
import { resolveModelRef } from '../model/index.ts';

export async function resolveRequestNames(r: JobRequest): Promise<JobRequest> {
  const model = r.model === undefined ? undefined : await resolveModelRef(r.model, 'encoder', 'model');
  const head = r.head === undefined ? undefined : await resolveModelRef(r.head, 'head', 'head');
  return model === r.model && head === r.head ? r : { ...r, model, head };
}

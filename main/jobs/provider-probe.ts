/**
 * The execution-provider probe of `engine.status` in a worker thread: it starts a small
 * session per provider, which would block the serving thread for as long as that takes.
 * It does not wait behind a running job (a job can take hours; the engine badge cannot).
 */
import type { ProviderReport } from '../model/index.ts';
import { inWorker } from './job-thread.ts';

export async function probeProviders(): Promise<ProviderReport[]> {
  const r = await inWorker({ kind: 'probe' });
  if (r.type !== 'probed') throw new Error('the provider probe replied with a task result');
  return r.reports;
}

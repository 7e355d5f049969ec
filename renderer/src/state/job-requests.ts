// The request each job of this window was started with: the engine's JobInfo does not carry
// it, and a project keeps it so a finished job can be listed (and rerun) after a reopen.
import type { JobRequest } from '../../../main/api.ts';

const requests = new Map<string, JobRequest>();

export function rememberRequest(id: string, request: JobRequest): void {
  requests.set(id, request);
}

export function requestOf(id: string): JobRequest | null {
  return requests.get(id) ?? null;
}

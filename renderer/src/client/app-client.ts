// What the UI holds: the contract's Client plus the transport's connection state,
// so a lost host shows as "disconnected" instead of calls that silently fail.
import type { Client, JobInfo } from '../../../main/api.ts';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface AppClient extends Client {
  readonly connection: ConnectionState;
  onConnection(cb: (state: ConnectionState) => void): () => void;
  /** A file system path for a dropped file, where the transport can know it (Electron). */
  pathForFile(file: File): string | null;
  /** Application-menu picks (Electron's File > Open…); never fires in a browser tab. */
  onMenu(cb: (action: MenuAction) => void): () => void;
  /** Every change to any engine job (the `job` messages both transports carry). */
  onJob(cb: (job: JobInfo) => void): () => void;
}

/** The listeners of `job` messages, one set per transport. */
export class JobListeners {
  private listeners = new Set<(job: JobInfo) => void>();
  emit(job: JobInfo): void {
    for (const l of [...this.listeners]) l(job);
  }
  subscribe(cb: (job: JobInfo) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
}

/** Mirrors main/electron/channels.ts MenuMessage (the renderer may not import it). */
export type MenuAction = 'open-file' | 'open-folder';

/** Tiny observable used by both transports for their connection state. */
export class ConnectionCell {
  private listeners = new Set<(s: ConnectionState) => void>();
  constructor(public state: ConnectionState) {}
  set(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const l of this.listeners) l(state);
  }
  subscribe(cb: (s: ConnectionState) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
}

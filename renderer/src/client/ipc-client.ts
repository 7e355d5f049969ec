// Electron mode: the contract over the preload's message port. Data is read through
// the skysense-data: protocol, which needs no token (it only exists inside the app).
import type { ClientMessage, ServerMessage } from '../../../main/api.ts';
import { ConnectionCell, JobListeners, type AppClient, type MenuAction } from './app-client.ts';
import { PendingCalls } from './pending-calls.ts';

/** Besides ServerMessage, the main process sends menu picks on the same channel. */
type MenuMessage = { type: 'menu'; action: MenuAction };

export interface SkysenseIpc {
  post(msg: ClientMessage): void;
  onMessage(cb: (msg: ServerMessage | MenuMessage) => void): () => void;
  dataBaseUrl: string;
  /** Optional: Electron >= 32 gives dropped files no .path; a preload may expose webUtils.getPathForFile. */
  pathForFile?: (file: File) => string;
}

export function createIpcClient(ipc: SkysenseIpc): AppClient {
  const conn = new ConnectionCell('connected');
  const calls = new PendingCalls((msg) => ipc.post(msg));
  const menuListeners = new Set<(a: MenuAction) => void>();
  const jobs = new JobListeners();
  ipc.onMessage((msg) => {
    if (msg.type === 'menu') for (const l of menuListeners) l(msg.action);
    else if (msg.type === 'job') jobs.emit(msg.job);
    else calls.receive(msg);
  });
  const base = ipc.dataBaseUrl.replace(/\/+$/, '');
  return {
    transport: 'electron',
    get connection() {
      return conn.state;
    },
    onConnection: (cb) => conn.subscribe(cb),
    call: (command, args, options) => calls.call(command, args, options),
    dataUrl: (path) => `${base}${path.startsWith('/') ? '' : '/'}${path}`,
    dataHeaders: () => ({}),
    onJob: (cb) => jobs.subscribe(cb),
    onMenu(cb) {
      menuListeners.add(cb);
      return () => menuListeners.delete(cb);
    },
    pathForFile(file) {
      const viaPreload = ipc.pathForFile?.(file);
      if (viaPreload) return viaPreload;
      const legacy = (file as File & { path?: string }).path;
      return typeof legacy === 'string' && legacy ? legacy : null;
    },
  };
}

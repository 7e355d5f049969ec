// The renderer decides its transport once, at start (interfaces.md): a preload-provided
// window.skysenseIpc means Electron, anything else is a browser tab on the host.
import type { AppClient } from './app-client.ts';
import { createIpcClient, type SkysenseIpc } from './ipc-client.ts';
import { createWsClient } from './ws-client.ts';

declare global {
  interface Window {
    skysenseIpc?: SkysenseIpc;
  }
}

export function createClient(): AppClient {
  return window.skysenseIpc ? createIpcClient(window.skysenseIpc) : createWsClient();
}

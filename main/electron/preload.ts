/**
 * The only bridge between the sandboxed page and the main process: exactly
 * `window.skysenseIpc` of docs/interfaces (post, onMessage, dataBaseUrl). No Node, no
 * ipcRenderer, no other channel reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ClientMessage, ServerMessage } from '../api.ts';
import { CALL_CHANNEL, DATA_BASE_URL, MESSAGE_CHANNEL, type MenuMessage } from './channels.ts';

contextBridge.exposeInMainWorld('skysenseIpc', {
  post(msg: ClientMessage): void {
    ipcRenderer.send(CALL_CHANNEL, msg);
  },
  onMessage(cb: (msg: ServerMessage | MenuMessage) => void): () => void {
    const listener = (_e: IpcRendererEvent, msg: ServerMessage | MenuMessage) => cb(msg);
    ipcRenderer.on(MESSAGE_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(MESSAGE_CHANNEL, listener);
    };
  },
  dataBaseUrl: DATA_BASE_URL,
});

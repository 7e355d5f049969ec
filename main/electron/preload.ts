/**
 * The only bridge between the sandboxed page and the main process: exactly
 * `window.skysenseIpc` (post, onMessage, dataBaseUrl, pathForFile). No Node, no
 * ipcRenderer, no other channel reaches the page.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
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
  /** Dropped files carry no path in a sandboxed page since Electron 32; this is the sanctioned way. */
  pathForFile(file: File): string {
    return webUtils.getPathForFile(file);
  },
});

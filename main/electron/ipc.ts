/**
 * The contract over Electron IPC: one channel in, webContents.send out, one Dispatcher
 * per page (a reload or a closed window cancels what that page started). Messages from
 * any frame but our own top-level app page are dropped; the dispatcher validates the rest.
 */
import { ipcMain, type IpcMainEvent, type WebContents } from 'electron';
import type { EngineEvents, Handlers, ServerMessage } from '../api.ts';
import { Dispatcher } from '../service/index.ts';
import { APP_ORIGIN, CALL_CHANNEL, MESSAGE_CHANNEL } from './channels.ts';

function fromOurPage(event: IpcMainEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && frame.url.startsWith(`${APP_ORIGIN}/`);
}

export function serveIpc(handlers: Handlers & EngineEvents): () => void {
  const dispatchers = new Map<number, Dispatcher>();
  const watched = new Set<number>();

  const drop = (id: number) => {
    dispatchers.get(id)?.dispose();
    dispatchers.delete(id);
  };

  // Once per WebContents: a closed window, a crashed page or a reload (a new page:
  // the old page's calls have nobody left to answer) stops what it started.
  const watch = (wc: WebContents) => {
    if (watched.has(wc.id)) return;
    const id = wc.id;
    watched.add(id);
    wc.once('destroyed', () => {
      drop(id);
      watched.delete(id);
    });
    wc.on('render-process-gone', () => drop(id));
    wc.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) drop(id);
    });
  };

  const dispatcherFor = (wc: WebContents): Dispatcher => {
    let d = dispatchers.get(wc.id);
    if (d) return d;
    d = new Dispatcher(handlers, (msg: ServerMessage) => {
      if (!wc.isDestroyed()) wc.send(MESSAGE_CHANNEL, msg);
    }, handlers);
    dispatchers.set(wc.id, d);
    watch(wc);
    return d;
  };

  const onCall = (event: IpcMainEvent, raw: unknown) => {
    if (!fromOurPage(event)) return;
    void dispatcherFor(event.sender).receive(raw);
  };
  ipcMain.on(CALL_CHANNEL, onCall);
  return () => {
    ipcMain.removeListener(CALL_CHANNEL, onCall);
    for (const d of dispatchers.values()) d.dispose();
    dispatchers.clear();
  };
}

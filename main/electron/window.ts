/** The main window: a sandboxed page that can reach nothing but the preload's bridge. */
import { BrowserWindow, shell } from 'electron';
import { APP_ORIGIN } from './channels.ts';

export function createMainWindow(preload: string, dev: boolean): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'SkySense Desktop',
    webPreferences: {
      preload,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: dev,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

/**
 * For every page the app ever creates: no navigation away, no new windows, no webviews.
 * An https link the page tries to open (map attribution, docs) goes to the user's
 * browser instead, never into a window of the app.
 */
export function lockDownContents(contents: Electron.WebContents): void {
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\/[^\s]+$/i.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

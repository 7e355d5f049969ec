/**
 * The application menu. File actions go to the focused page as a MenuMessage; the
 * renderer runs the same open flow as its own buttons (dialog.open, then layer.open).
 */
import { Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { MESSAGE_CHANNEL, type MenuAction, type MenuMessage } from './channels.ts';

function send(win: BrowserWindow | undefined, action: MenuAction): void {
  if (!win || win.isDestroyed()) return;
  const msg: MenuMessage = { type: 'menu', action };
  win.webContents.send(MESSAGE_CHANNEL, msg);
}

export function buildMenu(dev: boolean): Menu {
  const isMac = process.platform === 'darwin';
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open...', accelerator: 'CmdOrCtrl+O', click: (_i, win) => send(win as BrowserWindow | undefined, 'open-file') },
      { label: 'Open Folder...', accelerator: 'CmdOrCtrl+Shift+O', click: (_i, win) => send(win as BrowserWindow | undefined, 'open-folder') },
      { type: 'separator' },
      isMac ? { role: 'close' } : { label: 'Quit', accelerator: 'CmdOrCtrl+Q', role: 'quit' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(dev ? ([{ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }] as MenuItemConstructorOptions[]) : []),
    ],
  };
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    file,
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}

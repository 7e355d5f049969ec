/**
 * Electron main process: one instance, one window, the engine in-process behind IPC,
 * layer files behind the skysense-data: scheme.
 */
import { join } from 'node:path';
import { app, BrowserWindow, Menu, session } from 'electron';
import type { EngineEvents, Handlers } from '../api.ts';
import { contentSecurityPolicy } from '../host/index.ts';
import { createHandlers, defaultCacheDir, type Service } from '../service/index.ts';
import { DATA_SCHEME } from './channels.ts';
import { showOpenDialog, showSaveDialog } from './dialogs.ts';
import { serveIpc } from './ipc.ts';
import { buildMenu } from './menu.ts';
import { handleAppProtocol, handleDataProtocol, registerSchemes } from './protocol.ts';
import { applySessionPolicy } from './session-policy.ts';
import { createMainWindow, lockDownContents } from './window.ts';

// This file is bundled to dist/electron/main.cjs; the preload and the UI build sit beside it.
const PRELOAD = join(__dirname, 'preload.cjs');
const RENDERER_DIR = join(__dirname, '..', 'renderer');
const CSP = contentSecurityPolicy({ connect: [`${DATA_SCHEME}:`], img: [`${DATA_SCHEME}:`] });

function start(): void {
  const dev = !app.isPackaged || process.env.SKYSENSE_DEV === '1';
  // electron-builder copies models/ to resources/models (extraResources); the engine's
  // registry finds shipped models there instead of next to the (asar-packed) sources.
  if (app.isPackaged && !process.env.SKYSENSE_APP_MODELS_DIR) {
    process.env.SKYSENSE_APP_MODELS_DIR = join(process.resourcesPath, 'models');
  }
  let service: Service | null = null;
  let mainWindow: BrowserWindow | null = null;

  const openWindow = () => {
    mainWindow = createMainWindow(PRELOAD, dev);
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
  };

  registerSchemes();
  app.on('web-contents-created', (_e, contents) => lockDownContents(contents));
  app.on('second-instance', () => {
    if (!mainWindow) return openWindow();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.whenReady().then(() => {
    service = createHandlers({ cacheDir: defaultCacheDir(), transport: 'electron', dataRoots: [app.getPath('home')] });
    const handlers: Handlers & EngineEvents = {
      ...service,
      'dialog.open': async ({ folders, kind }) => showOpenDialog(folders === true, kind),
      'dialog.save': async (args) => showSaveDialog(args),
    };
    applySessionPolicy(session.defaultSession, CSP);
    handleAppProtocol(RENDERER_DIR, CSP);
    handleDataProtocol(service.layers);
    serveIpc(handlers);
    Menu.setApplicationMenu(buildMenu(dev));
    openWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow();
    });
  }).catch((err: unknown) => {
    console.error('SkySense failed to start:', err);
    app.exit(1);
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    void service?.close();
  });
}

if (app.requestSingleInstanceLock()) start();
else app.quit();

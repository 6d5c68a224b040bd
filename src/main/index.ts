import { app, BrowserWindow, ipcMain, shell } from 'electron';
import { join } from 'node:path';
import { IPC_CHANNELS } from '../shared/controlApi';
import { createControlApi } from './core/controlApi';
import { capturesDir } from './core/dataDir';
import { Inspector } from './core/inspector';

// Electron main stays thin: one window, IPC bridged to the same core the CLI uses.

let inspector: Inspector | undefined;
let startError: string | undefined;

async function startCore(): Promise<Inspector> {
  const core = await Inspector.create({
    port: Number(process.env.MCP_INSPECTOR_PORT) || undefined,
    captureDir: capturesDir(process.env.MCP_INSPECTOR_DATA_DIR ?? app.getPath('userData')),
  });
  try {
    await core.start();
  } catch (err) {
    // Port in use and the like: the window opens anyway and says what happened.
    startError = (err as Error).message;
  }
  return core;
}

function registerIpc(core: Inspector): void {
  const api = createControlApi(core, () => startError);
  ipcMain.handle(IPC_CHANNELS.getStatus, () => api.getStatus());
  ipcMain.handle(IPC_CHANNELS.listPresets, () => api.listPresets());
  ipcMain.handle(IPC_CHANNELS.applyPreset, (_event, id: unknown) => api.applyPreset(id as string));
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    title: 'MCP Handshake Inspector',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
    },
  });
  window.once('ready-to-show', () => window.show());
  // Deny by default: links open in the system browser, the window never navigates away.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:/.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  if (process.env.ELECTRON_RENDERER_URL) void window.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void window.loadFile(join(__dirname, '../renderer/index.html'));
  return window;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  app.whenReady().then(async () => {
    inspector = await startCore();
    registerIpc(inspector);
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => {
    void inspector?.stop();
  });
}

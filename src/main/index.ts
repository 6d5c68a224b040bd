import { app, BrowserWindow, dialog, Menu, shell, type MenuItemConstructorOptions } from 'electron';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ControlService } from './core/control/service';
import { applySavedToggles, savedTunnelOptions, SettingsStore } from './core/control/settings';
import { capturesDir } from './core/dataDir';
import { Inspector } from './core/inspector';
import { forwardEvents, registerIpc } from './ipc';

// Electron main stays thin: the same core object the CLI builds, one window (its size and
// place remembered), a menu, and IPC into the control service. Everything else is the core's.

const DOCS_URL = 'https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization';

let inspector: Inspector | undefined;
let control: ControlService | undefined;
let mainWindow: BrowserWindow | undefined;

const dataDir = () => process.env.MCP_INSPECTOR_DATA_DIR ?? app.getPath('userData');

async function startCore(): Promise<ControlService> {
  const settings = new SettingsStore(dataDir());
  const saved = settings.get();
  const core = await Inspector.create({
    port: Number(process.env.MCP_INSPECTOR_PORT) || saved.port,
    upstream: saved.upstream,
    interceptAs: !!saved.upstream && !!saved.interceptAs?.includes(saved.upstream),
    rules: saved.rules,
    preset: saved.presetId,
    captureDir: capturesDir(dataDir()),
    // The tunnel left running in the Tunnel screen last time (its state shows there and in the status bar).
    tunnel: savedTunnelOptions(saved),
  });
  let startError: string | undefined;
  try {
    await core.start();
    applySavedToggles(core, saved, (message) => console.warn(message));
  } catch (err) {
    // Port in use and the like: the window opens anyway and says what happened.
    startError = (err as Error).message;
  }
  inspector = core;
  return new ControlService(core, { settings, startError: startError ?? settings.loadProblem, presetId: saved.presetId, version: app.getVersion() });
}

interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized?: boolean;
}

const windowStateFile = () => join(dataDir(), 'window-state.json');

function loadWindowState(): WindowState {
  try {
    const state = JSON.parse(readFileSync(windowStateFile(), 'utf8')) as WindowState;
    if (state.width > 200 && state.height > 200) return state;
  } catch {
    // first run or a damaged file: the default size
  }
  return { width: 1280, height: 820 };
}

function saveWindowState(window: BrowserWindow): void {
  try {
    writeFileSync(windowStateFile(), JSON.stringify({ ...window.getNormalBounds(), maximized: window.isMaximized() }));
  } catch {
    // not worth interrupting a quit for
  }
}

function createWindow(service: ControlService): BrowserWindow {
  const state = loadWindowState();
  const window = new BrowserWindow({
    ...state,
    minWidth: 720,
    minHeight: 480,
    title: 'MCP Handshake Inspector',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
    },
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('close', () => saveWindowState(window));
  // Deny by default: links open in the system browser, the window never navigates away.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:/.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  forwardEvents(service, window.webContents);
  if (process.env.ELECTRON_RENDERER_URL) void window.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void window.loadFile(join(__dirname, '../renderer/index.html'));
  return window;
}

async function openCaptureFile(service: ControlService): Promise<void> {
  const picked = await dialog.showOpenDialog({ title: 'Open a capture (HAR)', filters: [{ name: 'HAR', extensions: ['har', 'json'] }], properties: ['openFile'] });
  const file = picked.filePaths[0];
  if (picked.canceled || !file) return;
  const result = await service.invoke('captures.importHar', { har: readFileSync(file, 'utf8'), name: basename(file) });
  if (!result.ok) dialog.showErrorBox('Cannot open the capture', result.error.message);
}

async function exportCapture(service: ControlService, redact: boolean): Promise<void> {
  const result = await service.invoke('captures.exportHar', { redact });
  if (!result.ok) return dialog.showErrorBox('Cannot export the capture', result.error.message);
  const exported = result.result as { fileName: string; har: string };
  const target = await dialog.showSaveDialog({ title: 'Export the capture as HAR', defaultPath: exported.fileName, filters: [{ name: 'HAR', extensions: ['har'] }] });
  if (!target.canceled && target.filePath) writeFileSync(target.filePath, exported.har);
}

function buildMenu(service: ControlService): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Capture (HAR)…', accelerator: 'CmdOrCtrl+O', click: () => void openCaptureFile(service) },
        { label: 'Export Capture as HAR (secrets redacted)…', accelerator: 'CmdOrCtrl+E', click: () => void exportCapture(service, true) },
        { label: 'Export Capture as HAR with secrets…', click: () => void exportCapture(service, false) },
        { type: 'separator' },
        // Splits "before toggle" from "after toggle": every client's next exchange begins a new run.
        { label: 'Mark Boundary Between Runs', accelerator: 'CmdOrCtrl+B', click: () => void service.invoke('boundaries.mark', {}) },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    {
      role: 'help',
      submenu: [
        { label: 'MCP Authorization (specification)', click: () => void shell.openExternal(DOCS_URL) },
        { label: 'Inspector README', click: () => void shell.openPath(join(app.getAppPath(), 'README.md')) },
        { label: 'Open the Data Folder', click: () => void shell.openPath(dataDir()) },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.whenReady().then(async () => {
    control = await startCore();
    const service = control;
    registerIpc(service, (sender) => BrowserWindow.fromWebContents(sender) === mainWindow);
    Menu.setApplicationMenu(buildMenu(service));
    mainWindow = createWindow(service);
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow(service);
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => {
    control?.close();
    void inspector?.stop();
  });
}

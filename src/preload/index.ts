import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNELS, type InspectorApi } from '../shared/controlApi';

// The renderer's only door to the core: named functions, no raw ipcRenderer.
const api: InspectorApi = {
  getStatus: () => ipcRenderer.invoke(IPC_CHANNELS.getStatus),
  listPresets: () => ipcRenderer.invoke(IPC_CHANNELS.listPresets),
  applyPreset: (id) => ipcRenderer.invoke(IPC_CHANNELS.applyPreset, id),
};

contextBridge.exposeInMainWorld('inspector', api);

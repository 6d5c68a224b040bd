import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { COMMAND_NAMES, IPC_CHANNELS, type ControlEvent, type InspectorBridge } from '../shared/controlApi';

// The renderer's only door to the core: one named function per command of the contract, all
// over one fixed channel, and a listener for event batches. No raw ipcRenderer is exposed.

const commands = Object.fromEntries(COMMAND_NAMES.map((name) => [name, (params?: unknown) => ipcRenderer.invoke(IPC_CHANNELS.command, name, params)]));

const bridge = {
  ...commands,
  onEvents(listener: (events: ControlEvent[]) => void): () => void {
    const handler = (_event: IpcRendererEvent, events: ControlEvent[]) => listener(events);
    ipcRenderer.on(IPC_CHANNELS.events, handler);
    return () => ipcRenderer.off(IPC_CHANNELS.events, handler);
  },
} as InspectorBridge;

contextBridge.exposeInMainWorld('inspector', bridge);

import { ipcMain, type WebContents } from 'electron';
import { IPC_CHANNELS } from '../shared/controlApi';
import type { ControlService } from './core/control/service';

// The one place the main process touches IPC (the preload is the other end). Every command
// goes through the same checked entry point as the HTTP transport: ControlService.invoke.

export function registerIpc(service: ControlService, trusted: (sender: WebContents) => boolean): void {
  ipcMain.handle(IPC_CHANNELS.command, (event, name: unknown, params: unknown) => {
    // Only our own window may drive the core (never a page it was tricked into loading).
    if (!trusted(event.sender)) return { ok: false, error: { code: 'failed', message: 'Not allowed from this page' } };
    return service.invoke(name, params);
  });
}

/** Forwards the service's event batches to a window until it is gone. */
export function forwardEvents(service: ControlService, contents: WebContents): void {
  const unsubscribe = service.subscribe((events) => {
    if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.events, events);
  });
  contents.once('destroyed', unsubscribe);
}

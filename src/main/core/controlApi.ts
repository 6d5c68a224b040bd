import type { InspectorApi, InspectorStatus } from '../../shared/controlApi';
import type { Inspector } from './inspector';
import { PRESETS } from './server/presets';

/** Implements the UI contract on top of an Inspector; transports (IPC, HTTP) only forward to it. */
export function createControlApi(inspector: Inspector, startError?: () => string | undefined): InspectorApi {
  const status = async (): Promise<InspectorStatus> => {
    const info = inspector.info;
    return {
      mcpUrl: info?.mcpUrl,
      legacySseUrl: info?.legacySseUrl,
      port: info?.port,
      publicOrigin: info?.publicOrigin,
      error: startError?.(),
      profile: inspector.server.profile,
    };
  };
  return {
    getStatus: status,
    listPresets: async () => [...PRESETS],
    applyPreset: async (id) => {
      if (typeof id !== 'string') throw new Error('applyPreset needs a preset id');
      inspector.server.applyPreset(id);
      return status();
    },
  };
}

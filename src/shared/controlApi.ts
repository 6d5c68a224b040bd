import type { BehaviorPreset, BehaviorProfile } from './profile';

// The contract between the UI and the core. Electron's preload exposes it as
// `window.inspector` over IPC; the headless web UI will reach the same contract over HTTP.

export interface InspectorStatus {
  /** The MCP endpoint clients connect to, or undefined while not listening. */
  mcpUrl?: string;
  legacySseUrl?: string;
  port?: number;
  publicOrigin?: string;
  /** Why the core is not listening (e.g. port in use), in words for the user. */
  error?: string;
  profile: BehaviorProfile;
}

export interface InspectorApi {
  getStatus(): Promise<InspectorStatus>;
  listPresets(): Promise<BehaviorPreset[]>;
  applyPreset(id: string): Promise<InspectorStatus>;
}

/** IPC channel names: the only ones the preload may invoke. */
export const IPC_CHANNELS = {
  getStatus: 'inspector:get-status',
  listPresets: 'inspector:list-presets',
  applyPreset: 'inspector:apply-preset',
} as const;

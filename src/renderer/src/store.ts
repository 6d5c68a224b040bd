import { create } from 'zustand';
import type { InspectorStatus } from '../../shared/controlApi';
import type { BehaviorPreset } from '../../shared/profile';

interface InspectorState {
  status?: InspectorStatus;
  presets: BehaviorPreset[];
  activePreset?: string;
  error?: string;
  load(): Promise<void>;
  applyPreset(id: string): Promise<void>;
}

const api = () => {
  if (!window.inspector) throw new Error('No connection to the inspector core: open this page from the desktop app.');
  return window.inspector;
};

export const useInspector = create<InspectorState>((set) => ({
  presets: [],
  async load() {
    try {
      const [status, presets] = await Promise.all([api().getStatus(), api().listPresets()]);
      set({ status, presets, error: status.error });
    } catch (err) {
      set({ error: (err as Error).message });
    }
  },
  async applyPreset(id) {
    try {
      set({ status: await api().applyPreset(id), activePreset: id });
    } catch (err) {
      set({ error: (err as Error).message });
    }
  },
}));

import type { InspectorBridge } from '../../shared/controlApi';

declare global {
  interface Window {
    /** Exposed by the preload in the desktop app; absent in a browser (the web UI uses HTTP). */
    inspector?: InspectorBridge;
  }
}

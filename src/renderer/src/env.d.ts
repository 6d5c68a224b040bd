import type { InspectorApi } from '../../shared/controlApi';

declare global {
  interface Window {
    /** Exposed by the preload in the desktop app; absent in a plain browser until the web transport exists. */
    inspector?: InspectorApi;
  }
}

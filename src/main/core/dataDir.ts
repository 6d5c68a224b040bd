import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the inspector keeps captures and settings: MCP_INSPECTOR_DATA_DIR when set, else the
 * platform's per-user application data folder (the same place Electron's userData points to).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MCP_INSPECTOR_DATA_DIR) return env.MCP_INSPECTOR_DATA_DIR;
  switch (process.platform) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'MCP Handshake Inspector');
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'MCP Handshake Inspector');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'mcp-handshake-inspector');
  }
}

export const capturesDir = (dataDir: string) => join(dataDir, 'captures');

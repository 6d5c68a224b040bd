import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The e2e tests and the UI bench drive the built renderer (out/renderer) in Chromium. Build it
// first when it is missing or older than its sources, so `npm test` alone works on a fresh clone.

const root = resolve(import.meta.dirname, '../..');
const SOURCES = ['src/renderer', 'src/shared', 'electron.vite.config.ts'];

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** Builds the app with electron-vite unless out/renderer is newer than every source file; returns its folder. */
export function ensureRendererBuilt(): string {
  const built = join(root, 'out/renderer/index.html');
  const sourceTime = Math.max(...SOURCES.map((p) => newest(join(root, p))));
  const dir = join(root, 'out/renderer');
  if (existsSync(built) && statSync(built).mtimeMs >= sourceTime) return dir;
  console.log('Building the renderer for the e2e tests (out/renderer is missing or older than src/)…');
  const result = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`electron-vite build failed (exit ${result.status ?? result.signal}); run \`npm run build\` to see why`);
  return dir;
}

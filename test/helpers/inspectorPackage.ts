import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

// The official MCP Inspector, installed from the npm registry at test time into
// node_modules/.cache once (as test/conformance/node22.ts fetches Node 22), not as a
// devDependency: it needs Node >= 22.19 and brings a web stack (vite, react, hono) that
// nothing else here uses. It runs on the Node 22 that node22() provides.

const run = promisify(execFile);
export const INSPECTOR_VERSION = '2.12.0';
const CACHE = resolve('node_modules/.cache/mcp-inspector');
/** 120 packages: about 45 s here with an empty npm cache, 20 s with a warm one; bounded so a stuck registry fails the test, not the run. */
export const INSPECTOR_INSTALL_TIMEOUT_MS = 300_000;

/** The Inspector's launcher (`mcp-inspector`, bin of the package), installing the package if needed. */
export async function inspectorLauncher(): Promise<string> {
  const dir = join(CACHE, INSPECTOR_VERSION);
  const launcher = join(dir, 'node_modules', '@modelcontextprotocol', 'inspector', 'clients', 'launcher', 'build', 'index.js');
  if (existsSync(launcher)) return launcher;
  // Test files run in parallel workers: each installs into its own directory, the first rename wins.
  const installing = `${dir}.partial-${randomUUID()}`;
  await mkdir(installing, { recursive: true });
  try {
    // A package.json of its own, so npm does not walk up to the project's.
    await writeFile(join(installing, 'package.json'), JSON.stringify({ name: 'mcp-inspector-under-test', private: true }));
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    // No install scripts: the CLI needs none (the keychain module has prebuilt optional packages).
    await run(npm, ['install', '--prefix', installing, `@modelcontextprotocol/inspector@${INSPECTOR_VERSION}`, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
      timeout: INSPECTOR_INSTALL_TIMEOUT_MS,
    });
    // Rename last so an interrupted install is never mistaken for a good one.
    await rename(installing, dir).catch((error: unknown) => {
      if (!existsSync(launcher)) throw error; // another worker got there first otherwise
    });
  } finally {
    await rm(installing, { recursive: true, force: true });
  }
  if (!existsSync(launcher)) throw new Error(`@modelcontextprotocol/inspector@${INSPECTOR_VERSION} installed without ${launcher}`);
  return launcher;
}

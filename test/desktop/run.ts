// `npm run test:desktop`: the Electron shell itself, the one part the rest of the suite can't run
// (it needs Electron's binary, which many machines, CI among them, can't download). Launches the
// built app through playwright-core's Electron support and checks that the window shows the
// timeline, an IPC command round-trips through the preload bridge, navigation away is refused and
// a link opens in the system browser. Where the binary is missing it says so in one line and
// exits 0 without claiming a pass; on Linux without a display it runs itself under xvfb-run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import { electronBinary } from '../../bin/desktop.js';
import { freePort } from '../helpers/ports';

const root = join(import.meta.dirname, '../..');

function skip(reason: string): never {
  console.log(`test:desktop did not run: ${reason}. Nothing was tested.`);
  process.exit(0);
}


const checks: [string, () => Promise<void>][] = [];
const check = (name: string, run: () => Promise<void>) => checks.push([name, run]);

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function main(): Promise<void> {
  const binary = electronBinary();
  if (!binary) skip("Electron's binary is not installed (npm start fetches it on a machine with network access)");
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    const xvfb = spawnSync('xvfb-run', ['--auto-servernum', process.execPath, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
    if (xvfb.error) skip('no display, and xvfb-run is not installed (apt-get install xvfb)');
    process.exit(xvfb.status ?? 1);
  }
  if (!existsSync(join(root, 'out/main/index.js'))) skip('the app is not built: run `npm run build` first');

  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-inspector-desktop-'));
  const app = await _electron.launch({
    executablePath: binary,
    args: [root],
    env: { ...process.env, MCP_INSPECTOR_DATA_DIR: dataDir, MCP_INSPECTOR_PORT: String(await freePort()) },
  });
  try {
    const page = await app.firstWindow();

    check('the window shows the timeline', async () => {
      await page.getByRole('tab', { name: 'Timeline' }).waitFor();
      await page.getByTestId('empty-state').or(page.getByTestId('row').first()).waitFor();
      assert((await page.title()).includes('MCP Handshake Inspector'), `window title: ${await page.title()}`);
    });

    check('a command round-trips over IPC through the preload bridge', async () => {
      const envelope = await page.evaluate(() => (window as unknown as { inspector: { status(): Promise<{ ok: boolean; result?: { mcpUrl?: string } }> } }).inspector.status());
      assert(envelope.ok, `status answered ${JSON.stringify(envelope)}`);
      assert(envelope.result?.mcpUrl?.startsWith('http://127.0.0.1:'), `status result: ${JSON.stringify(envelope.result)}`);
    });

    check('the window refuses to navigate away', async () => {
      const before = page.url();
      await page.evaluate(() => {
        location.href = 'https://example.com/';
      });
      // A refused navigation leaves the page as it was: the bridge still answers from it.
      await page.evaluate(() => (window as unknown as { inspector: { status(): Promise<unknown> } }).inspector.status());
      assert(page.url() === before, `the window navigated to ${page.url()}`);
    });

    check('a link opens in the system browser, not in a new window', async () => {
      // Resolves in the main process when the app hands a URL to the system browser.
      await app.evaluate(({ shell }) => {
        (globalThis as { opened?: Promise<string> }).opened = new Promise((resolve) => {
          shell.openExternal = async (url: string) => resolve(url);
        });
      });
      const windowsBefore = app.windows().length;
      await page.evaluate(() => void window.open('https://modelcontextprotocol.io/', '_blank'));
      const opened = await app.evaluate(() => (globalThis as { opened?: Promise<string> }).opened);
      assert(opened === 'https://modelcontextprotocol.io/', `shell.openExternal got ${opened}`);
      assert(app.windows().length === windowsBefore, 'a second window opened');
    });

    let failed = 0;
    for (const [name, run] of checks) {
      try {
        await run();
        console.log(`  ✓ ${name}`);
      } catch (err) {
        failed++;
        console.log(`  ✗ ${name}: ${(err as Error).message}`);
      }
    }
    console.log(failed ? `test:desktop: ${failed} of ${checks.length} checks failed` : `test:desktop: all ${checks.length} checks passed`);
    process.exitCode = failed ? 1 : 0;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

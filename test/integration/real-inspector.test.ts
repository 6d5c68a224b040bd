import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHar, type Har } from '../../src/main/core/recorder/har';
import { profileById } from '../../src/main/core/simulator/profiles';
import { node22 } from '../conformance/node22';
import { launchChromium } from '../helpers/chromium';
import { startInspector } from '../helpers/inspector';
import { INSPECTOR_INSTALL_TIMEOUT_MS, INSPECTOR_VERSION, inspectorLauncher } from '../helpers/inspectorPackage';
import { freePort } from '../helpers/ports';
import { approveInBrowser, differencesOf, initializeClientInfo, pairedSteps, settled, simulateAgainst, since, startBrowserOpener } from '../helpers/realClient';

// The MCP Inspector's profiles held against the real Inspector (issue 16 item 5). The official
// package, installed from npm into node_modules/.cache (inspectorPackage.ts), runs on Node 22
// against the front door's /mcp (the reference server, OAuth on), both ways users run it:
// - its web client (`--web`), driven by Chromium (playwright-core, Debian's /usr/bin/chromium)
//   as a user does: switch the server on, approve on the consent page; it then lists on its own;
// - its CLI (`--cli URL --transport http --method tools/list`), which opens the sign-in page with
//   `open` (MCP_AUTO_OPEN_ENABLED=true: without a TTY too); our headless opener hands the URL
//   over and the test approves as the user.
// Each capture, exported as `export --har` writes it, is compared with its profile.

let node: string;
let launcher: string;

/** Its catalogue, settings and secrets in `dir`, tokens in memory only. */
const inspectorEnv = (dir: string) => ({ HOME: dir, MCP_STORAGE_DIR: join(dir, 'storage'), MCP_INSPECTOR_SECRET_STORE: 'memory' });

const runsHere = process.platform === 'linux'; // the CLI's opener relies on xdg-open, the web client on Debian's Chromium

beforeAll(async () => {
  if (runsHere) [node, launcher] = await Promise.all([node22(), inspectorLauncher()]);
}, INSPECTOR_INSTALL_TIMEOUT_MS + 30_000);

/** The exit of a child process, and what it wrote. */
function watch(child: ChildProcess) {
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { output, exited };
}

describe.runIf(runsHere)(`MCP Inspector ${INSPECTOR_VERSION} web client, driven by Chromium, against the reference server`, () => {
  let dir: string;
  let running: Awaited<ReturnType<typeof startInspector>>;
  let har: Har;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'real-inspector-web-'));
    running = await startInspector();
    const before = new Set(running.inspector.exchanges().map((e) => e.id));
    const [clientPort, sandboxPort, appPort] = [await freePort(), await freePort(), await freePort()];
    const web = spawn(node, [launcher, '--web', '--transport', 'http', '--server-url', running.info.mcpUrl], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...inspectorEnv(dir), MCP_AUTO_OPEN_ENABLED: 'false', CLIENT_PORT: String(clientPort), MCP_SANDBOX_PORT: String(sandboxPort), MCP_APP_ORIGIN_PORT: String(appPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { output, exited } = watch(web);
    const browser = await launchChromium();
    try {
      // It prints the page's URL with its API token once it listens.
      const pageUrl = await new Promise<string>((resolve, reject) => {
        const check = () => {
          const url = /(http:\/\/127\.0\.0\.1:\d+\/?\?MCP_INSPECTOR_API_TOKEN=\w+)/.exec(output.stdout)?.[1];
          if (url) resolve(url);
        };
        web.stdout!.on('data', check);
        check();
        void exited.then((code) => reject(new Error(`the Inspector web client exited with ${code}:\n${output.stderr}`)));
      });
      const listed = running.waitForExchange((e) => e.classification.jsonRpc?.methods?.includes('tools/list') === true && e.response?.status === 200);
      const page = await browser.context.newPage();
      await page.goto(pageUrl);
      // The server's switch (a Mantine switch: its track covers the input, so the click is forced).
      await page.getByRole('switch', { name: /Connect or disconnect/ }).click({ force: true });
      await page.waitForURL((url) => url.pathname === '/authorize');
      await page.getByRole('button', { name: 'Approve' }).click();
      // The browser comes back to the page's callback (the consent page's CSP must let it).
      await page.waitForURL((url) => url.port === String(clientPort), { timeout: 20_000 });
      await listed;
    } finally {
      await browser.close();
      // Closing the app ends its session's stream; everything it sent has then ended.
      web.kill();
      await exited;
    }
    await settled(running.inspector);
    har = toHar(since(running.inspector, before));
  }, 90_000);

  afterAll(async () => {
    await running?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`is what mcp-inspector@2.12, the family's default, replays`, async () => {
    expect(profileById('mcp-inspector').id).toBe('mcp-inspector@2.12');
    expect(initializeClientInfo(har)).toEqual({ name: 'mcp-inspector', version: INSPECTOR_VERSION });
    const { result } = await simulateAgainst('mcp-inspector@2.12', running.info.mcpUrl, har, dir);
    expect(result.ok).toBe(true);
    const { comparison } = result;
    // The browser on the sign-in page is a real Chromium here, not the simulator's: its Accept
    // is Chrome's own, and its consent POST carries Origin as every form POST does. That is the
    // user's browser, not the Inspector; everything the Inspector sent shows no difference.
    const browserOnly = /^authorization request-header (accept|origin): /;
    expect(differencesOf(comparison).filter((d) => !browserOnly.test(d))).toEqual([]);
    const browserSide = differencesOf(comparison).filter((d) => browserOnly.test(d));
    expect(browserSide).toContain(`authorization request-header origin: (none) | ${running.origin}`);
    // Chrome's navigation Accept (its list changes with Chrome's version), on the page and its form POST.
    const accepts = browserSide.filter((d) => d.includes(' accept: '));
    expect(accepts).toHaveLength(2);
    for (const d of accepts) expect(d).toMatch(/^authorization request-header accept: text\/html,application\/xhtml\+xml,\*\/\*;q=0\.8 \| text\/html,application\/xhtml\+xml,.*\*\/\*;q=0\.8/);
    expect(comparison.right.registration).toBe('dcr');
    expect(comparison.right.negotiatedVersion).toBe('2025-11-25');
    const lists = pairedSteps(comparison, 'list').map((s) => s.right!.label);
    expect(lists.sort()).toEqual(['prompts/list (with token)', 'resources/list (with token)', 'resources/templates/list (with token)', 'tools/list (with token)']);
    const registration = comparison.steps.find((s) => s.stage === 'registration')!;
    expect(registration.right!.oauth).toMatchObject({ 'dcr.scope': 'mcp', 'dcr.redirect_uris': 'http://127.0.0.1:{port}/oauth/callback' });
  });

  it('is not what the Inspector 0.19 did from the page itself: Origin on every request, CORS preflights', async () => {
    const { result } = await simulateAgainst('mcp-inspector@0.19', running.info.mcpUrl, har, dir);
    const differences = differencesOf(result.comparison);
    expect(differences).toContain('initialize request-header origin: http://localhost:6274 | (none)');
    expect(differences.filter((d) => d.startsWith('other only-left') && d.includes('OPTIONS'))).not.toHaveLength(0);
  });
});

describe.runIf(runsHere)(`MCP Inspector ${INSPECTOR_VERSION} CLI against the reference server`, () => {
  let dir: string;
  let running: Awaited<ReturnType<typeof startInspector>>;
  let har: Har;
  let listed: { result?: { tools?: Array<{ name: string }> } };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'real-inspector-cli-'));
    running = await startInspector();
    const opener = await startBrowserOpener(dir);
    const before = new Set(running.inspector.exchanges().map((e) => e.id));
    const callback = `http://127.0.0.1:${await freePort()}/oauth/callback`;
    const cli = spawn(node, [launcher, '--cli', running.info.mcpUrl, '--transport', 'http', '--method', 'tools/list', '--format', 'json', '--callback-url', callback], {
      env: { ...opener.env, ...inspectorEnv(dir), MCP_AUTO_OPEN_ENABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { output, exited } = watch(cli);
    // The user's part, if the CLI asks for it; a failure there is kept for after the exit.
    const user = Promise.race([opener.opened().then(approveInBrowser), exited]).then(
      () => undefined,
      (err: Error) => err,
    );
    const code = await exited;
    const userFailed = await user;
    await opener.close();
    if (userFailed) throw userFailed;
    if (code !== 0) throw new Error(`the Inspector CLI exited with ${code}:\n${output.stderr}`);
    listed = JSON.parse(output.stdout) as typeof listed; // --format json: {"result": …}
    await settled(running.inspector);
    har = toHar(since(running.inspector, before));
  }, 60_000);

  afterAll(async () => {
    await running?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs in through the browser and lists the tools', () => {
    expect(listed.result?.tools?.map((t) => t.name)).toContain('echo');
    expect(initializeClientInfo(har)).toEqual({ name: 'inspector-cli', version: INSPECTOR_VERSION });
  });

  it('is what mcp-inspector@2.12-cli replays, step for step', async () => {
    const { result, failed } = await simulateAgainst('mcp-inspector@2.12-cli', running.info.mcpUrl, har, dir, ['--strict']);
    expect(result.ok).toBe(true);
    const { comparison } = result;
    expect(differencesOf(comparison)).toEqual([]);
    expect(failed).toBeUndefined();
    expect(comparison.left.registration).toBe('dcr');
    expect(comparison.right.negotiatedVersion).toBe('2025-11-25');
    for (const stage of ['discovery', 'registration', 'authorization', 'token', 'initialize', 'initialized', 'stream', 'jsonrpc', 'list']) expect(pairedSteps(comparison, stage).length, stage).toBeGreaterThan(0);
    const registration = comparison.steps.find((s) => s.stage === 'registration')!;
    expect(registration.right!.oauth).toMatchObject({ 'dcr.scope': 'mcp', 'dcr.redirect_uris': 'http://127.0.0.1:{port}/oauth/callback' });
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHar, type Har } from '../../src/main/core/recorder/har';
import { node22 } from '../conformance/node22';
import { startInspector } from '../helpers/inspector';
import { INSPECTOR_INSTALL_TIMEOUT_MS, INSPECTOR_VERSION, inspectorLauncher } from '../helpers/inspectorPackage';
import { approveInBrowser, differencesOf, settled, simulateAgainst, since, startBrowserOpener } from '../helpers/realClient';

// The MCP Inspector's profile held against the real Inspector (issue 16 item 5). The official
// package, installed from npm into node_modules/.cache (inspectorPackage.ts), runs in its CLI
// mode on Node 22 against the front door's /mcp (the reference server, OAuth on), as a user
// smoke-testing a server runs it: `--cli URL --transport http --method tools/list`. It signs in
// through the browser: MCP_AUTO_OPEN_ENABLED=true makes it open the URL without a TTY, our
// headless opener hands the URL over, the test approves as the user. Its capture, exported as
// `export --har` writes it, must show no difference from mcp-inspector@2.12-cli.

/** A port nothing listens on now, for the Inspector's OAuth callback listener. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe.runIf(process.platform === 'linux')(`MCP Inspector ${INSPECTOR_VERSION} (--cli), the real client, against the reference server`, () => {
  let dir: string;
  let running: Awaited<ReturnType<typeof startInspector>>;
  let har: Har;
  let listed: { result?: { tools?: Array<{ name: string }> } };

  beforeAll(async () => {
    const [node, launcher] = await Promise.all([node22(), inspectorLauncher()]);
    dir = mkdtempSync(join(tmpdir(), 'real-inspector-'));
    running = await startInspector();
    const opener = await startBrowserOpener(dir);
    const before = new Set(running.inspector.exchanges().map((e) => e.id));
    const callback = `http://127.0.0.1:${await freePort()}/oauth/callback`;
    const cli = spawn(node, [launcher, '--cli', running.info.mcpUrl, '--transport', 'http', '--method', 'tools/list', '--format', 'json', '--callback-url', callback], {
      // Its catalogue, settings and secrets in a temp dir, tokens in memory only.
      env: { ...opener.env, HOME: dir, MCP_STORAGE_DIR: join(dir, 'storage'), MCP_INSPECTOR_SECRET_STORE: 'memory', MCP_AUTO_OPEN_ENABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => cli.on('exit', resolve));
    // The user's part, if the CLI asks for it; a failure there is kept for after the exit.
    const user = Promise.race([opener.opened().then(approveInBrowser), exited]).then(
      () => undefined,
      (err: Error) => err,
    );
    const code = await exited;
    const userFailed = await user;
    await opener.close();
    if (userFailed) throw userFailed;
    if (code !== 0) throw new Error(`the Inspector CLI exited with ${code}:\n${stderr}`);
    listed = JSON.parse(stdout) as typeof listed; // --format json: {"result": …}
    await settled(running.inspector);
    har = toHar(since(running.inspector, before));
  }, INSPECTOR_INSTALL_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await running?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs in through the browser and lists the tools', () => {
    expect(listed.result?.tools?.map((t) => t.name)).toContain('echo');
    const initialize = har.log.entries.map((e) => e.request.postData?.text ?? '').find((text) => text.includes('"initialize"'));
    expect(JSON.parse(initialize!).params.clientInfo).toEqual({ name: 'inspector-cli', version: INSPECTOR_VERSION });
  });

  it('is what mcp-inspector@2.12-cli replays, step for step', async () => {
    const { result, failed } = await simulateAgainst('mcp-inspector@2.12-cli', running.info.mcpUrl, har, dir, ['--strict']);
    expect(result.ok).toBe(true);
    const { comparison } = result;
    expect(differencesOf(comparison)).toEqual([]);
    expect(failed).toBeUndefined();
    expect(comparison.left.registration).toBe('dcr');
    expect(comparison.right.negotiatedVersion).toBe('2025-11-25');
    const paired = (stage: string) => comparison.steps.filter((s) => s.stage === stage && s.left && s.right).length;
    for (const stage of ['discovery', 'registration', 'authorization', 'token', 'initialize', 'initialized', 'stream', 'jsonrpc', 'list']) expect(paired(stage), stage).toBeGreaterThan(0);
    const registration = comparison.steps.find((s) => s.stage === 'registration')!;
    expect(registration.right!.oauth).toMatchObject({ 'dcr.scope': 'mcp', 'dcr.redirect_uris': 'http://127.0.0.1:{port}/oauth/callback' });
  });

  it('is not what the browser Inspector (mcp-inspector@0.19) does: Origin, CORS preflights, its redirect URIs', async () => {
    const { result } = await simulateAgainst('mcp-inspector@0.19', running.info.mcpUrl, har, dir);
    const differences = differencesOf(result.comparison);
    expect(differences).toContain('list request-header origin: http://localhost:6274 | (none)');
    expect(differences.filter((d) => d.startsWith('other only-left') && d.includes('OPTIONS'))).not.toHaveLength(0);
    expect(differences).toContain('registration oauth-param dcr.redirect_uris: http://localhost:{port}/oauth/callback http://localhost:{port}/oauth/callback/debug | http://127.0.0.1:{port}/oauth/callback');
  });
});

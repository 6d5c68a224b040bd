import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHar, type Har } from '../../src/main/core/recorder/har';
import { profileById } from '../../src/main/core/simulator/profiles';
import type { ReplayProfile } from '../../src/shared/simulator';
import { startInspector } from '../helpers/inspector';
import { approveInBrowser, differencesOf, initializeClientInfo, pairedSteps, settled, simulateAgainst, since, startBrowserOpener } from '../helpers/realClient';

// The mcp-remote profile held against the real bridge (issue 16 item 5). mcp-remote 0.15.1 (the
// devDependency, unmodified, on this Node) runs as Claude Desktop runs it: a child process spoken
// to over stdio by an MCP client, given the front door's /mcp (the reference server, OAuth on).
// It opens the authorization URL with the `open` package; a headless opener hands that URL to
// the test, which approves as the user would (realClient.ts says why not a real Chromium: the
// browser is not the client under test, and its leg is the same few requests either way).
// Everything it sent is exported as `export --har` writes it, and `simulate --compare-with`
// must find no difference between the profile and what the bridge did.

const require = createRequire(import.meta.url);
const packageJson = require.resolve('mcp-remote/package.json');
const VERSION = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
const PROXY = join(dirname(packageJson), 'dist', 'proxy.js');

let dir: string;
let running: Awaited<ReturnType<typeof startInspector>>;
let har: Har;
let tools: string[];
let stderr = '';

/** One session of the real bridge: connect (its OAuth, the user approving), list tools, close. */
async function bridgeSession(): Promise<string[]> {
  const opener = await startBrowserOpener(dir);
  const configDir = join(dir, 'mcp-auth');
  mkdirSync(configDir);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [PROXY, running.info.mcpUrl],
    // Its token store in a temp dir (a fresh one: no stored tokens, so it signs in).
    env: { ...opener.env, HOME: dir, MCP_REMOTE_CONFIG_DIR: configDir },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // The client behind the bridge, named as the profile names it (Claude Desktop).
  const client = new Client({ name: 'claude-ai', version: '0.1.0' });
  // The user's part; a failure there is kept until the bridge has answered (or failed) too.
  const user = opener
    .opened()
    .then(approveInBrowser)
    .then(
      () => undefined,
      (err: Error) => err,
    );
  try {
    await client.connect(transport);
    const userFailed = await user;
    if (userFailed) throw userFailed;
    const listed = await client.listTools();
    return listed.tools.map((t) => t.name);
  } finally {
    await client.close();
    await opener.close();
  }
}

describe.runIf(process.platform === 'linux')(`mcp-remote ${VERSION}, the real bridge, against the reference server`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'real-mcp-remote-'));
    running = await startInspector();
    const before = new Set(running.inspector.exchanges().map((e) => e.id));
    tools = await bridgeSession().catch((err: Error) => {
      throw new Error(`mcp-remote ${VERSION} did not connect: ${err.message}\n${stderr}`);
    });
    // The bridge is gone: its streams are closed, every exchange has ended.
    await settled(running.inspector);
    har = toHar(since(running.inspector, before));
  }, 60_000);

  afterAll(async () => {
    await running?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs in through the browser, and lists the tools for the client behind it', () => {
    expect(tools).toContain('echo');
    const urls = har.log.entries.map((e) => `${e.request.method} ${new URL(e.request.url).pathname}`);
    expect(urls).toContain('POST /register');
    expect(urls).toContain('POST /token');
    // The client's own initialize went through, named as mcp-remote names it.
    expect(initializeClientInfo(har, 'via mcp-remote')).toEqual({ name: `claude-ai (via mcp-remote ${VERSION})`, version: '0.1.0' });
  });

  it('is what mcp-remote@0.15 replays, step for step', async () => {
    const profile = profileById('mcp-remote') as ReplayProfile;
    expect(profile.id).toBe('mcp-remote@0.15');
    expect(profile.auth.dcrBody.software_version).toBe(VERSION);
    const { result, failed } = await simulateAgainst('mcp-remote@0.15', running.info.mcpUrl, har, dir, ['--strict']);
    expect(result.ok).toBe(true);
    const { comparison } = result;
    expect(differencesOf(comparison)).toEqual([]);
    expect(failed).toBeUndefined();
    // What was compared: both initializes, the discovery before connecting and the SDK's, the OAuth legs.
    expect(comparison.left.registration).toBe('dcr');
    expect(comparison.right.negotiatedVersion).toBe('2025-11-25');
    const count = (stage: string) => pairedSteps(comparison, stage).length;
    expect(count('initialize')).toBe(3); // refused, the test client's, the client's
    expect(count('discovery')).toBe(4);
    expect(count('stream')).toBe(4); // two probes, two sessions' streams
    for (const stage of ['registration', 'authorization', 'token', 'initialized', 'list']) expect(count(stage)).toBeGreaterThan(0);
    const registration = comparison.steps.find((s) => s.stage === 'registration')!;
    expect(registration.right!.oauth).toMatchObject({ 'dcr.scope': 'mcp', 'dcr.application_type': 'native', 'dcr.redirect_uris': 'http://localhost:{port}/oauth/callback' });
  });

  it('is not what mcp-remote@0.1.38 did: the comparison names the drift', async () => {
    const { result } = await simulateAgainst('mcp-remote@0.1.38', running.info.mcpUrl, har, dir);
    const differences = differencesOf(result.comparison);
    expect(differences).toContain('negotiated-version : 2025-06-18 | 2025-11-25');
    expect(differences).toContain('list request-header mcp-protocol-version: (none) | 2025-11-25');
    expect(differences).toContain('registration oauth-param dcr.application_type: (none) | native');
    expect(differences.filter((d) => d.startsWith('initialize only-right'))).toHaveLength(1);
  });
});

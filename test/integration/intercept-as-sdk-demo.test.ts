import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as Client1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as Transport1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError as Unauthorized1 } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client as Client2, StreamableHTTPClientTransport as Transport2, UnauthorizedError as Unauthorized2 } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCommand, whenListening, type CliProcess } from '../helpers/cliProcess';
import { MemoryOAuthProvider } from '../helpers/oauthProvider';
import { freePort } from '../helpers/ports';
import { browse } from '../helpers/tlsAs';

// issue 17, as measured: the MCP SDK's own OAuth demo (simpleStreamableHttp --oauth --oauth-strict: MCP on
// one port, its AS on another origin, strict about `resource`) behind `serve --upstream URL
// --intercept-as`, as a user runs it. Without the flag the capture held 0 registration and 0
// token requests; with it, SDK 1.x and 2.x complete and both are recorded and found by
// exchanges.search over the control API (the Contract).

const TIMEOUT = 60_000;
const DEMO = createRequire(import.meta.url).resolve('@modelcontextprotocol/sdk/examples/server/simpleStreamableHttp.js');

let demo: CliProcess;
let served: CliProcess;
let dataDir: string;
let front: string;
let ui: URL;
let authPort: number;

/** Resolves once the process printed `text`, or rejects when it exits first. */
function printed(process: CliProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => process.stdout().includes(text) && resolve();
    process.child.stdout!.on('data', check);
    check();
    void process.exited.then((code) => reject(new Error(`exited with ${code} before printing "${text}": ${process.stderr()}`)));
  });
}

async function search(text: string): Promise<string[]> {
  const response = await fetch(`${ui.origin}/api/commands/exchanges.search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ui.searchParams.get('token')}` },
    body: JSON.stringify({ text }),
  });
  return ((await response.json()) as { result: string[] }).result;
}

beforeAll(async () => {
  const mcpPort = await freePort();
  authPort = await freePort();
  demo = runCommand(process.execPath, [DEMO, '--oauth', '--oauth-strict'], { env: { MCP_PORT: String(mcpPort), MCP_AUTH_PORT: String(authPort) } });
  await Promise.all([printed(demo, 'MCP Streamable HTTP Server listening'), printed(demo, 'OAuth Authorization Server listening')]);
  dataDir = mkdtempSync(join(tmpdir(), 'mcp-inspector-intercept-'));
  served = runCli(['serve', '--upstream', `http://127.0.0.1:${mcpPort}`, '--intercept-as', '--port', '0', '--ui-port', '0', '--fresh'], { dataDir });
  const { port } = await whenListening(served);
  front = `http://127.0.0.1:${port}`;
  ui = new URL(/Inspector UI[^\n]*\n\s+(http:\S+)/.exec(served.stdout())![1]!);
}, TIMEOUT);

afterAll(async () => {
  served?.child.kill('SIGINT');
  await served?.exited;
  demo?.child.kill('SIGINT');
  await demo?.exited;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('serve --intercept-as in front of the MCP SDK OAuth demo', { timeout: TIMEOUT }, () => {
  it('says it fronts the authorization server', () => {
    expect(served.stdout()).toContain(`Authorization servers:           fronted under ${front}/_as/<n>/ (--intercept-as)`);
  });

  it('SDK 1.x and 2.x complete; their registrations and token requests are recorded and found (Contract)', async () => {
    const mcpUrl = new URL('/mcp', front);
    const provider1 = new MemoryOAuthProvider('http://127.0.0.1:53694/callback');
    const first1 = new Transport1(mcpUrl, { authProvider: provider1 });
    await expect(new Client1({ name: 'sdk1-demo', version: '1.0.0' }).connect(first1)).rejects.toBeInstanceOf(Unauthorized1);
    expect(provider1.authorizationUrls[0]!.toString().startsWith(`${front}/_as/0/authorize?`)).toBe(true);
    const visited: string[] = [];
    const callback1 = await browse(provider1.authorizationUrls[0]!, provider1.redirectUri, '', visited);
    // The browser went to the demo's own AS (http://localhost:<auth port>), and back through the relay.
    expect(new URL(visited[1]!).origin).toBe(`http://localhost:${authPort}`);
    expect(visited[2]!.startsWith(`${front}/_as/callback/`)).toBe(true);
    await first1.finishAuth(callback1.searchParams.get('code')!);
    const client1 = new Client1({ name: 'sdk1-demo', version: '1.0.0' });
    await client1.connect(new Transport1(mcpUrl, { authProvider: provider1 }));
    expect((await client1.listTools()).tools.map((t) => t.name)).toContain('greet');
    await client1.close();

    const provider2 = new MemoryOAuthProvider('http://127.0.0.1:53695/callback');
    const first2 = new Transport2(mcpUrl, { authProvider: provider2 });
    await expect(new Client2({ name: 'sdk2-demo', version: '2.0.0' }).connect(first2)).rejects.toBeInstanceOf(Unauthorized2);
    await first2.finishAuth((await browse(provider2.authorizationUrls[0]!, provider2.redirectUri, '')).searchParams);
    const client2 = new Client2({ name: 'sdk2-demo', version: '2.0.0' });
    await client2.connect(new Transport2(mcpUrl, { authProvider: provider2 }));
    expect((await client2.listTools()).tools.map((t) => t.name)).toContain('greet');
    await client2.close();

    // Each client's registration request carries its own redirect URI (as the client sent it).
    for (const uri of [provider1.redirectUri, provider2.redirectUri]) expect((await search(uri)).length).toBeGreaterThan(0);
    const registrations = await search('"redirect_uris"');
    const tokens = await search('grant_type=authorization_code');
    expect(registrations.length).toBeGreaterThanOrEqual(2);
    expect(tokens.length).toBe(2);
  });

  // issue 17 item 5: the hosted clients' profiles through the same front door (the simulator follows
  // the browser's redirects itself: the demo AS approves at once). Not ChatGPT: it asks for the root
  // PRM, which the demo does not serve (intercept-as-cli.test.ts runs it against a server that does),
  // nor Claude.ai 2025-10, which sent no `resource`, refused by the demo's strict AS.
  it.each(['claude-ai', 'claude-code'])('the %s profile completes, its registration and token request through the front door', async (client) => {
    const response = await fetch(`${ui.origin}/api/commands/simulate.run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ui.searchParams.get('token')}` },
      body: JSON.stringify({ client, url: `${front}/mcp` }),
    });
    const { result } = (await response.json()) as { result: { ok: boolean; summary: string; runId: string; steps: Array<{ requests: Array<{ url: string }> }> } };
    expect(result.ok, result.summary).toBe(true);
    const urls = result.steps.flatMap((step) => step.requests).map((request) => request.url);
    expect(urls.some((url) => url.startsWith(`${front}/_as/0/register`))).toBe(true);
    expect(urls.some((url) => url.startsWith(`${front}/_as/0/token`))).toBe(true);
  });
});

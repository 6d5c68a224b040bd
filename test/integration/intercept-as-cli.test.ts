import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, whenListening, type CliProcess } from '../helpers/cliProcess';
import { makeTestCertificates, reserveServer, serveProtectedMcp, startHttpsAs, type RunningHttpsAs, type RunningProtectedMcp } from '../helpers/tlsAs';

// `serve --upstream URL --intercept-as` as a user runs it, in front of an MCP server whose AS is on
// another HTTPS origin (the SDK's demo AS with a test CA, helpers/tlsAs.ts). The CA is trusted
// the way Node is told about a corporate root: NODE_EXTRA_CA_CERTS, no flag. The hosted clients'
// profiles (Claude.ai, ChatGPT, Claude Code), run by the simulator of the same process, complete
// through the front door, and their registrations and token requests are recorded (issue 17 item 5).

const TIMEOUT = 60_000;
let as: RunningHttpsAs;
let mcp: RunningProtectedMcp;
let served: CliProcess;
let dataDir: string;
let front: string;
let ui: URL;
/** Profiles that completed so far (each sends one authorization_code grant). */
let completed = 0;

async function command<T>(name: string, params: unknown): Promise<T> {
  const response = await fetch(`${ui.origin}/api/commands/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ui.searchParams.get('token')}` },
    body: JSON.stringify(params),
  });
  const body = (await response.json()) as { result: T; error?: { message: string } };
  if (!response.ok) throw new Error(`${name} answered ${response.status}: ${body.error?.message}`);
  return body.result;
}

beforeAll(async () => {
  const certs = await makeTestCertificates();
  const { server, mcpUrl } = await reserveServer();
  as = await startHttpsAs(certs, mcpUrl, { iss: true });
  mcp = serveProtectedMcp(server, mcpUrl, as, { rootPrm: true });
  dataDir = mkdtempSync(join(tmpdir(), 'mcp-inspector-intercept-cli-'));
  const caFile = join(dataDir, 'test-ca.pem');
  writeFileSync(caFile, certs.caPem);
  served = runCli(['serve', '--upstream', mcp.origin, '--intercept-as', '--port', '0', '--ui-port', '0', '--fresh'], { dataDir, env: { NODE_EXTRA_CA_CERTS: caFile } });
  front = `http://127.0.0.1:${(await whenListening(served)).port}`;
  ui = new URL(/Inspector UI[^\n]*\n\s+(http:\S+)/.exec(served.stdout())![1]!);
}, TIMEOUT);

afterAll(async () => {
  served?.child.kill('SIGINT');
  await served?.exited;
  await mcp?.close();
  await as?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('serve --intercept-as with an HTTPS authorization server (NODE_EXTRA_CA_CERTS)', { timeout: TIMEOUT }, () => {
  it.each(['claude-ai', 'chatgpt', 'claude-code'])('the %s profile completes through the front door, every AS leg recorded', async (client) => {
    const result = await command<{ ok: boolean; summary: string; runId: string; steps: Array<{ requests: Array<{ method: string; url: string; status?: number }> }> }>('simulate.run', { client, url: `${front}/mcp` });
    expect(result.ok, result.summary).toBe(true);
    const requests = result.steps.flatMap((step) => step.requests);
    const at = (path: string) => requests.find((r) => r.url.startsWith(`${front}${path}`));
    expect(at('/_as/0/register')?.status).toBe(201);
    expect(at('/_as/0/authorize')?.status).toBe(302);
    expect(at('/_as/callback/')?.status).toBe(302);
    expect(at('/_as/0/token')?.status).toBe(200);
    // The browser's visit to the AS itself went straight there (no TLS interception).
    expect(requests.some((r) => r.url.startsWith(`${as.issuer}authorize?`))).toBe(true);
    // Found in the capture as every exchange is: the token request by its grant type.
    completed++;
    const found = await command<string[]>('exchanges.search', { text: 'grant_type=authorization_code' });
    expect(found.length).toBe(completed);
  });
});

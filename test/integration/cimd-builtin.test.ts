import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../src/shared/simulator';
import { CaptureStore } from '../../src/main/core/recorder/captureStore';
import { builtInClientMetadataDocuments, CIMD_SOURCE_HEADER } from '../../src/main/core/server/oauth/builtInClientMetadata';
import { parseClientMetadata } from '../../src/main/core/server/oauth/registration';
import { goOffline } from '../helpers/offline';
import { startReferenceServer, type RunningServer } from '../helpers/server';
import { runCli as runCliProcess, whenListening, type CliProcess } from '../helpers/cliProcess';

// The Client ID Metadata Documents of the built-in client profiles (claude.ai, claude-code,
// vscode.dev) are resolved from the profiles when their URL can't be fetched, in whichever
// process runs the simulation; any other URL still fails with the fetch's reason.

const CLAUDE_AI = 'https://claude.ai/oauth/mcp-oauth-client-metadata';
const CLAUDE_CODE = 'https://claude.ai/oauth/claude-code-client-metadata';
const VSCODE = 'https://vscode.dev/oauth/client-metadata.json';
const CHATGPT = 'https://chatgpt.com/oauth/mcp-handshake-inspector/client.json';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

function authorizeUrl(origin: string, clientId: string, redirectUri: string): string {
  const params = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: CHALLENGE, code_challenge_method: 'S256', state: 's' });
  return `${origin}/authorize?${params}`;
}

describe('the built-in catalogue', () => {
  it('holds the CIMD documents of the built-in profiles, each valid as a fetched one', () => {
    const catalogue = builtInClientMetadataDocuments();
    expect([...catalogue.keys()].sort()).toEqual([CLAUDE_CODE, CLAUDE_AI, VSCODE, CHATGPT].sort());
    for (const [url, document] of catalogue) {
      expect(document.client_id).toBe(url);
      // ChatGPT's document names private_key_jwt (test/integration/private-key-jwt.test.ts); the others are public clients.
      expect(parseClientMetadata({ token_endpoint_auth_method: 'none', ...document }).token_endpoint_auth_method).toBe(url === CHATGPT ? 'private_key_jwt' : 'none');
      expect(JSON.stringify(document)).not.toMatch(/\{(redirect_uri|port|id)\}/);
    }
    expect(catalogue.get(CLAUDE_AI)).toMatchObject({ client_name: 'Claude', redirect_uris: ['https://claude.ai/api/mcp/auth_callback'] });
    // Port-less loopback redirect URIs: any port the client picks per run matches them.
    expect(catalogue.get(CLAUDE_CODE)).toMatchObject({ client_name: 'Claude Code', redirect_uris: ['http://localhost/callback', 'http://127.0.0.1/callback'] });
  });
});

describe('the authorization server and a CIMD URL it cannot fetch', () => {
  let running: RunningServer | undefined;
  let online: (() => void) | undefined;
  beforeEach(() => {
    online = goOffline();
  });
  afterEach(async () => {
    online?.();
    await running?.close();
    running = undefined;
  });

  it("uses a built-in profile's document and says so in the header and on the consent page", async () => {
    running = await startReferenceServer();
    const page = await fetch(authorizeUrl(running.origin, CLAUDE_CODE, 'http://localhost:50123/callback'), { redirect: 'manual' });
    const html = await page.text();
    expect(page.status, html).toBe(200);
    // The real URL was tried first: the fetch's own failure is the reason given.
    expect(page.headers.get(CIMD_SOURCE_HEADER)).toBe(`built-in (could not fetch ${CLAUDE_CODE}: getaddrinfo ENOTFOUND claude.ai)`);
    expect(html).toContain('Claude Code');
    expect(html).toContain(`client metadata document, built-in copy (could not fetch ${CLAUDE_CODE}: getaddrinfo ENOTFOUND claude.ai)`);
    // Cached: the next authorize says it again without fetching.
    const again = await fetch(authorizeUrl(running.origin, CLAUDE_CODE, 'http://127.0.0.1:50124/callback'), { redirect: 'manual' });
    expect(again.headers.get(CIMD_SOURCE_HEADER)).toContain('built-in');
  });

  it('the error page says the document was the built-in copy when the request is refused', async () => {
    running = await startReferenceServer();
    const page = await fetch(authorizeUrl(running.origin, CLAUDE_AI, 'https://evil.example/cb'), { redirect: 'manual' });
    const html = await page.text();
    expect(page.status).toBe(400);
    expect(page.headers.get(CIMD_SOURCE_HEADER)).toContain('built-in');
    expect(html).toContain('is not one the client registered');
    expect(html).toContain(`The client metadata document is the built-in copy (could not fetch ${CLAUDE_AI}: getaddrinfo ENOTFOUND claude.ai).`);
  });

  it("a URL that is no built-in profile's still fails with the fetch's reason", async () => {
    running = await startReferenceServer();
    const clientId = 'https://client.example.invalid/oauth/metadata.json';
    const page = await fetch(authorizeUrl(running.origin, clientId, 'http://127.0.0.1:50125/callback'), { redirect: 'manual' });
    const html = await page.text();
    expect(page.status).toBe(400);
    expect(page.headers.get(CIMD_SOURCE_HEADER)).toBeNull();
    expect(html).toContain(`Could not fetch the client metadata document ${clientId}: getaddrinfo ENOTFOUND client.example.invalid`);
    expect(html).not.toContain('built-in');
  });

  it('with CIMD off, a built-in URL is refused as any other', async () => {
    running = await startReferenceServer({ profile: { clientIdMetadataDocuments: 'off' } });
    const page = await fetch(authorizeUrl(running.origin, CLAUDE_AI, 'https://claude.ai/api/mcp/auth_callback'), { redirect: 'manual' });
    expect(page.status).toBe(400);
    expect(page.headers.get(CIMD_SOURCE_HEADER)).toBeNull();
    expect(await page.text()).toContain('Client ID Metadata Documents are off');
  });
});

// `serve` and `simulate` as two processes, the README's first example: the serve process has
// no network (test/helpers/offlineFetch.ts), so claude.ai and vscode.dev can't be fetched.

// Each process start compiles with tsx: on a loaded 2-core machine that takes seconds.
const CLI_TEST_TIMEOUT = 300_000;
const dataDir = mkdtempSync(join(tmpdir(), 'mcp-inspector-cimd-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

type Child = CliProcess;

const runCli = (args: string[], preload: string[] = []): Child => runCliProcess(args, { dataDir, preload });
const listening = (served: Child) => whenListening(served, { capture: true }) as Promise<{ port: number; captureId: string }>;

describe('CLI simulate against a separate serve, offline', { timeout: CLI_TEST_TIMEOUT }, () => {
  let served: Child | undefined;
  afterEach(() => {
    served?.child.kill('SIGKILL');
    served = undefined;
  });

  it('claude-ai, claude-ai@2026-09, claude-code@2.1, vscode@2026-04 and chatgpt connect with the built-in documents', async () => {
    served = runCli(['serve', '--port', '0', '--no-ui', '--data-dir', dataDir], ['./test/helpers/offlineFetch.ts']);
    const { port, captureId } = await listening(served);
    const expected: Record<string, string> = { 'claude-ai': CLAUDE_AI, 'claude-ai@2026-09': CLAUDE_AI, 'claude-code@2.1': CLAUDE_CODE, 'vscode@2026-04': VSCODE, chatgpt: CHATGPT };
    const runs: Record<string, string> = {};
    for (const client of Object.keys(expected)) {
      const run = runCli(['simulate', '--client', client, '--url', `http://127.0.0.1:${port}/mcp`, '--json']);
      const code = await run.exited;
      expect(code, `${client}: ${run.stdout()}\n${run.stderr()}`).toBe(0);
      const result = JSON.parse(run.stdout()) as SimulationResult;
      expect(result.ok).toBe(true);
      expect(result.steps.find((s) => s.step === 'oauth.register')?.title).toBe('Client ID Metadata Document (CIMD)');
      runs[client] = result.runId;
    }

    // The recorded authorize answers say where each client's document came from.
    served.child.kill('SIGINT');
    expect(await served.exited).toBe(0);
    served = undefined;
    const exchanges = await new CaptureStore(join(dataDir, 'captures')).open(captureId);
    for (const [client, url] of Object.entries(expected)) {
      const authorize = exchanges.find((e) => e.simulationRun === runs[client] && e.classification.label === 'authorize');
      expect(authorize, client).toBeDefined();
      expect(authorize!.response?.headers[CIMD_SOURCE_HEADER.toLowerCase()], client).toMatch(new RegExp(`^built-in \\(could not fetch ${url.replaceAll('.', '\\.')}: getaddrinfo ENOTFOUND`));
    }
    // ChatGPT's document says private_key_jwt: its token request carried a client assertion the other process verified.
    const token = exchanges.find((e) => e.simulationRun === runs.chatgpt && e.classification.phase === 'token')!;
    expect(token.response?.status).toBe(200);
    expect(new URLSearchParams(token.request.body!.data).get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  });
});

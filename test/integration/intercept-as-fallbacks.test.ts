import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { rootCertificates } from 'node:tls';
import { Client as Client1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as Transport1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError as Unauthorized1 } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationFull } from '@modelcontextprotocol/sdk/shared/auth.js';
import { Client as Client2, StreamableHTTPClientTransport as Transport2, UnauthorizedError as Unauthorized2 } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { closeNow } from '../../src/main/core/streamingServer';
import { startInspector } from '../helpers/inspector';
import { MemoryOAuthProvider } from '../helpers/oauthProvider';
import { browse, makeTestCertificates, reserveServer, serveProtectedMcp, startHttpsAs, type TestCertificates } from '../helpers/tlsAs';

// issue 17's fallbacks: where --intercept-as cannot put its callback relay in the client's place
// (a client pre-registered at the AS, a Client ID Metadata Document the AS fetches itself), the
// browser goes from the AS straight to the client. The flow still completes for a client that
// does not check `iss` (SDK 1.x); the front door says which leg it cannot see, and why, on the
// recorded authorization request and as a lint finding; SDK 2.x, which checks `iss`, refuses.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startUpstreamWithHttpsAs(certs: TestCertificates, options: { cimd?: boolean } = {}) {
  const { server, mcpUrl } = await reserveServer();
  const as = await startHttpsAs(certs, mcpUrl, { iss: true, ...options });
  cleanups.push(as.close);
  const mcp = serveProtectedMcp(server, mcpUrl, as);
  cleanups.push(mcp.close);
  const running = await startInspector({ upstream: mcp.origin, interceptAs: true, interceptAsCa: certs.caPem });
  cleanups.push(running.close);
  return { as, mcp, running };
}

/** Registers a client at the AS itself, as an administrator pre-registers one. */
function preRegister(registrationEndpoint: string, redirectUri: string, caPem: string): Promise<OAuthClientInformationFull> {
  const body = JSON.stringify({ client_name: 'pre-registered', redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none' });
  return new Promise((resolve, reject) => {
    const req = httpsRequest(registrationEndpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, ca: [...rootCertificates, caPem] }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OAuthClientInformationFull));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The SDK 1.x flow through the front door; returns the browser's path and the tool's answer. */
async function sdk1Flow(mcpUrl: URL, provider: MemoryOAuthProvider, caPem: string) {
  const first = new Transport1(mcpUrl, { authProvider: provider });
  await expect(new Client1({ name: 'sdk1-fallback', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(Unauthorized1);
  const visited: string[] = [];
  const callback = await browse(provider.authorizationUrls[0]!, provider.redirectUri, caPem, visited);
  await first.finishAuth(callback.searchParams.get('code')!);
  const client = new Client1({ name: 'sdk1-fallback', version: '1.0.0' });
  await client.connect(new Transport1(mcpUrl, { authProvider: provider }));
  const result = await client.callTool({ name: 'whoami', arguments: { greeting: 'hello' } });
  await client.close();
  return { visited, callback, result };
}

describe('--intercept-as where the callback cannot be relayed', () => {
  it('a pre-registered client: SDK 1.x completes, the blind leg is noted and linted, SDK 2.x refuses the real iss', async () => {
    const certs = await makeTestCertificates();
    const { as, mcp, running } = await startUpstreamWithHttpsAs(certs);
    const redirectUri = 'http://127.0.0.1:53692/callback';
    const registered = await preRegister(as.metadata.registration_endpoint!, redirectUri, certs.caPem);
    const provider = new MemoryOAuthProvider(redirectUri);
    provider.client = registered;
    const { visited, callback, result } = await sdk1Flow(new URL('/mcp', running.origin), provider, certs.caPem);
    expect(result.content).toEqual([{ type: 'text', text: `hello, ${registered.client_id}` }]);
    // Front door → the AS → the client directly: no relay, the real issuer in iss.
    expect(visited.map((url) => new URL(url).origin)).toEqual([running.origin, new URL(as.issuer).origin]);
    expect(callback.searchParams.get('iss')).toBe(as.issuer);

    const authorize = await running.waitForExchange((e) => e.classification.phase === 'authorization');
    const note = authorize.appliedRules.find((r) => r.ruleId === 'as-intercept-limit');
    expect(note?.explanation).toContain(`redirect_uri ${redirectUri} was not registered through the front door`);
    expect(note?.explanation).toContain(`its iss stays ${as.issuer}`);
    const token = await running.waitForExchange((e) => e.classification.phase === 'token');
    expect(token.response?.status).toBe(200);
    const finding = running.inspector.findingsFor(authorize.id).find((f) => f.ruleId === 'as-intercept-blind-leg')!;
    // What the front door can't do is said as it is, not as a change the user asked for.
    expect(finding.causedBy).toBeUndefined();
    expect(finding.message).not.toContain('You asked for this');
    expect(mcp.mcpUrl).toBe(new URL(visited[1]!).searchParams.get('resource')); // the AS still got the upstream's resource

    // SDK 2.x compares iss with the issuer it discovered (the front door's): the stated limit.
    const provider2 = new MemoryOAuthProvider(redirectUri);
    provider2.client = registered;
    const first = new Transport2(new URL('/mcp', running.origin), { authProvider: provider2 });
    await expect(new Client2({ name: 'sdk2-fallback', version: '2.0.0' }).connect(first)).rejects.toBeInstanceOf(Unauthorized2);
    const callback2 = await browse(provider2.authorizationUrls[0]!, redirectUri, certs.caPem);
    await expect(first.finishAuth(callback2.searchParams)).rejects.toThrow(/Issuer mismatch in authorization response/);
  });

  it('a Client ID Metadata Document client: the AS fetches the document itself; SDK 1.x completes, the leg is noted and linted', async () => {
    const certs = await makeTestCertificates();
    const redirectUri = 'http://127.0.0.1:53693/callback';
    // The client's own document, on its own HTTPS origin.
    const documents = createHttpsServer({ key: certs.keyPem, cert: certs.certPem }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ client_id: clientId, client_name: 'cimd client', redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none' }));
    });
    await new Promise<void>((resolve) => documents.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => closeNow(documents));
    const clientId = `https://localhost:${(documents.address() as AddressInfo).port}/client.json`;
    const { running } = await startUpstreamWithHttpsAs(certs, { cimd: true });
    const provider = Object.assign(new MemoryOAuthProvider(redirectUri), { clientMetadataUrl: clientId });
    const { visited, result } = await sdk1Flow(new URL('/mcp', running.origin), provider, certs.caPem);
    expect(result.content).toEqual([{ type: 'text', text: `hello, ${clientId}` }]);
    expect(visited).toHaveLength(2); // no relay on the way back

    // No registration passed the front door: the client used its document's URL as client_id.
    expect(running.ended.some((e) => e.classification.phase === 'registration')).toBe(false);
    const authorize = await running.waitForExchange((e) => e.classification.phase === 'authorization');
    expect(authorize.appliedRules.find((r) => r.ruleId === 'as-intercept-limit')?.explanation).toContain(`client_id ${clientId} is a Client ID Metadata Document`);
    expect(running.inspector.findingsFor(authorize.id).map((f) => f.ruleId)).toContain('as-intercept-blind-leg');
  });
});

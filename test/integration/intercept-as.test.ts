import { Client as Client1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as Transport1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError as Unauthorized1 } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client as Client2, StreamableHTTPClientTransport as Transport2, UnauthorizedError as Unauthorized2 } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/shared/exchange';
import { browserGaps } from '../../src/main/core/recorder/browserGap';
import { startControl } from '../helpers/control';
import { startInspector } from '../helpers/inspector';
import { MemoryOAuthProvider } from '../helpers/oauthProvider';
import { browse, makeTestCertificates, reserveServer, serveProtectedMcp, startHttpsAs, type RunningHttpsAs, type RunningProtectedMcp, type TestCertificates } from '../helpers/tlsAs';

// issue 17's Contract: `--intercept-as` with the authorization server on another origin, over
// HTTPS with a test CA (the MCP SDK's demo AS, strict about `resource`, answering with RFC 9207's
// `iss`). The SDK 1.x and 2.x clients complete through the front door; the registration, the
// authorization request, the callback and the token request pass it, are recorded, classified
// and found by exchanges.search; the AS saw its own Host and SNI name, and the upstream accepts
// the token only because the AS received the upstream's own resource URL.

let certs: TestCertificates;
let as: RunningHttpsAs;
let mcp: RunningProtectedMcp;
let control: Awaited<ReturnType<typeof startControl>>;

beforeAll(async () => {
  certs = await makeTestCertificates();
  const { server, mcpUrl } = await reserveServer();
  as = await startHttpsAs(certs, mcpUrl, { iss: true });
  mcp = serveProtectedMcp(server, mcpUrl, as);
  control = await startControl({ upstream: mcp.origin, interceptAs: true, interceptAsCa: certs.caPem });
});

afterAll(async () => {
  await control?.close();
  await mcp?.close();
  await as?.close();
});

/** The exchanges the inspector recorded since `from`, once each has ended. */
function recordedSince(from: number): Exchange[] {
  return control.inspector.exchanges().slice(from);
}

describe('serve --intercept-as, an HTTPS authorization server on another origin', () => {
  it('SDK 1.x: completes through the front door, every AS leg recorded and found (Contract)', async () => {
    const before = control.inspector.exchanges().length;
    const url = new URL('/mcp', control.proxyOrigin);
    const redirectUri = 'http://127.0.0.1:53690/callback';
    const provider = new MemoryOAuthProvider(redirectUri);
    const first = new Transport1(url, { authProvider: provider });
    await expect(new Client1({ name: 'sdk1-intercept', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(Unauthorized1);

    // The client was sent to the front door's authorize endpoint, not the AS's.
    const authorizationUrl = provider.authorizationUrls[0]!;
    expect(authorizationUrl.toString().startsWith(`${control.proxyOrigin}/_as/0/authorize?`)).toBe(true);
    expect(authorizationUrl.searchParams.get('resource')).toBe(`${control.proxyOrigin}/mcp`);
    // It registered its own redirect URI and reads it back (the AS holds the relay instead).
    expect(provider.client?.redirect_uris).toEqual([redirectUri]);

    const visited: string[] = [];
    const callback = await browse(authorizationUrl, redirectUri, certs.caPem, visited);
    // The browser: front door (authorize, recorded) → the AS itself over HTTPS → the relay → the client.
    expect(visited[0]!.startsWith(`${control.proxyOrigin}/_as/0/authorize`)).toBe(true);
    expect(visited[1]!.startsWith(`${as.issuer}authorize?`)).toBe(true);
    expect(new URL(visited[1]!).searchParams.get('resource')).toBe(mcp.mcpUrl); // the upstream's face
    expect(new URL(visited[1]!).searchParams.get('redirect_uri')).toBe(`${control.proxyOrigin}/_as/callback/0`);
    expect(visited[2]!.startsWith(`${control.proxyOrigin}/_as/callback/0?`)).toBe(true);
    expect(callback.searchParams.get('iss')).toBe(`${control.proxyOrigin}/_as/0/`); // the issuer the client saw
    await first.finishAuth(callback.searchParams.get('code')!);

    const client = new Client1({ name: 'sdk1-intercept', version: '1.0.0' });
    await client.connect(new Transport1(url, { authProvider: provider }));
    const result = await client.callTool({ name: 'whoami', arguments: { greeting: 'hello' } });
    expect(result.content).toEqual([{ type: 'text', text: `hello, ${provider.client!.client_id}` }]);
    await client.close();

    // The AS saw its own name: Host and SNI (no X-Forwarded-* of ours).
    const register = as.seen.find((r) => r.method === 'POST' && r.path === '/register')!;
    expect(register.host).toBe(new URL(as.issuer).host);
    expect(register.servername).toBe('localhost');

    const recorded = recordedSince(before);
    const phases = recorded.map((e) => `${e.classification.phase} ${e.request.method} ${e.request.url.split('?')[0]}`);
    expect(phases).toEqual(
      expect.arrayContaining([
        'discovery GET /.well-known/oauth-protected-resource/mcp',
        'discovery GET /.well-known/oauth-authorization-server/_as/0',
        'registration POST /_as/0/register',
        'authorization GET /_as/0/authorize',
        'token POST /_as/0/token',
      ]),
    );
    const token = recorded.find((e) => e.classification.phase === 'token')!;
    expect(token.response?.status).toBe(200);
    expect(token.appliedRules.some((r) => r.ruleId === 'as-intercept' && r.explanation.includes(`resource ${control.proxyOrigin}/mcp → ${mcp.mcpUrl}`))).toBe(true);
    const authorize = recorded.find((e) => e.classification.phase === 'authorization')!;
    expect(authorize.response?.status).toBe(302);
    expect(authorize.response?.headers.location).toBe(visited[1]);
    const relayed = recorded.find((e) => e.request.url.startsWith('/_as/callback/0'))!;
    expect(relayed.response?.headers.location).toBe(callback.toString());

    // The upstream's challenge names the PRM on the front door (WWW-Authenticate rewritten like any URL header).
    const challenge = recorded.find((e) => e.response?.status === 401)!;
    expect(challenge.response?.headers['www-authenticate']).toContain(`resource_metadata="${control.proxyOrigin}/.well-known/oauth-protected-resource/mcp"`);
    // One connection, one story: the AS legs join the MCP requests' connection and run.
    expect(new Set(recorded.map((e) => `${e.connectionId} ${e.runId}`)).size).toBe(1);
    // The browser's time at the AS is the gap between the recorded authorize and its relayed callback.
    expect(browserGaps(recorded)).toEqual([expect.objectContaining({ host: new URL(as.issuer).host, authorizeId: authorize.id, callbackId: relayed.id })]);

    // Contract: exchanges.search finds the DCR body's redirect_uris and the token body's grant_type.
    const byRedirect = await control.api<string[]>('exchanges.search', { text: '"redirect_uris"' });
    const registration = recorded.find((e) => e.classification.phase === 'registration')!;
    expect(byRedirect.result).toContain(registration.id);
    const byGrant = await control.api<string[]>('exchanges.search', { text: 'grant_type=authorization_code' });
    expect(byGrant.result).toContain(token.id);
  });

  it('SDK 2.x: checks the metadata issuer and the authorization response iss (RFC 9207), and completes', async () => {
    const before = control.inspector.exchanges().length;
    const url = new URL('/mcp', control.proxyOrigin);
    const redirectUri = 'http://127.0.0.1:53691/callback';
    const provider = new MemoryOAuthProvider(redirectUri);
    const first = new Transport2(url, { authProvider: provider });
    await expect(new Client2({ name: 'sdk2-intercept', version: '2.0.0' }).connect(first)).rejects.toBeInstanceOf(Unauthorized2);
    const callback = await browse(provider.authorizationUrls[0]!, redirectUri, certs.caPem);
    // The whole callback query: the SDK compares iss with the issuer of the metadata it read.
    await first.finishAuth(callback.searchParams);
    const client = new Client2({ name: 'sdk2-intercept', version: '2.0.0' });
    await client.connect(new Transport2(url, { authProvider: provider }));
    const result = await client.callTool({ name: 'whoami', arguments: { greeting: 'hi' } });
    expect(result.content).toEqual([{ type: 'text', text: `hi, ${provider.client!.client_id}` }]);
    await client.close();

    const recorded = recordedSince(before);
    expect(recorded.filter((e) => e.classification.phase === 'registration' && e.response?.status === 201)).toHaveLength(1);
    expect(recorded.filter((e) => e.classification.phase === 'token' && e.response?.status === 200)).toHaveLength(1);
    // A second client's redirect URI gets its own relay.
    const registration = recorded.find((e) => e.classification.phase === 'registration')!;
    expect(registration.appliedRules.find((r) => r.ruleId === 'as-intercept')?.explanation).toContain(`${redirectUri} → ${control.proxyOrigin}/_as/callback/1`);
  });

  it('checks the AS certificate: without the test CA the leg fails with a 502 that says how to trust it', async () => {
    const untrusting = await startInspector({ upstream: mcp.origin, interceptAs: true });
    try {
      // The PRM still maps the AS (read from the upstream over http)…
      const prm = (await (await fetch(`${untrusting.origin}/.well-known/oauth-protected-resource/mcp`)).json()) as { authorization_servers: string[] };
      expect(prm.authorization_servers).toEqual([`${untrusting.origin}/_as/0/`]);
      // …but the AS itself is not trusted: no answer from it reaches the client.
      const response = await fetch(`${untrusting.origin}/.well-known/oauth-authorization-server/_as/0`);
      expect(response.status).toBe(502);
      const { message } = (await response.json()) as { message: string };
      expect(message).toContain(`Forwarding to ${new URL(as.issuer).origin} failed`);
      expect(message).toContain('--intercept-as-ca <file> or NODE_EXTRA_CA_CERTS');
    } finally {
      await untrusting.close();
    }
  });

  it('reads the PRM at start: a client that skips it gets the upstream’s AS metadata copy rewritten all the same', async () => {
    const fresh = await startInspector({ upstream: mcp.origin, interceptAs: true, interceptAsCa: certs.caPem });
    try {
      // The 2025-03-26 way: AS metadata from the MCP origin, no PRM asked for first.
      const metadata = (await (await fetch(`${fresh.origin}/.well-known/oauth-authorization-server`)).json()) as Record<string, string>;
      expect(metadata.issuer).toBe(`${fresh.origin}/_as/0/`);
      expect(metadata.token_endpoint).toBe(`${fresh.origin}/_as/0/token`);
      expect(metadata.registration_endpoint).toBe(`${fresh.origin}/_as/0/register`);
    } finally {
      await fresh.close();
    }
  });

  it('upstream.set switches it over the control API and remembers it per upstream', async () => {
    const other = await startControl({ interceptAsCa: certs.caPem });
    try {
      const on = await other.api<{ upstream: { url: string; interceptAs?: boolean } }>('upstream.set', { upstream: mcp.origin, interceptAs: true });
      expect(on.result?.upstream).toMatchObject({ url: `${mcp.origin}/`, interceptAs: true });
      const prm = (await (await fetch(`${other.proxyOrigin}/.well-known/oauth-protected-resource/mcp`)).json()) as { authorization_servers: string[] };
      expect(prm.authorization_servers).toEqual([`${other.proxyOrigin}/_as/0/`]);
      // Back to the built-in server (no AS to front), then to the same upstream: the choice comes back.
      expect((await other.api<{ upstream: { interceptAs?: boolean } }>('upstream.set', { upstream: null })).result?.upstream.interceptAs).toBe(false);
      expect((await other.api<{ upstream: { interceptAs?: boolean } }>('upstream.set', { upstream: mcp.origin })).result?.upstream.interceptAs).toBe(true);
      expect((await other.api<{ interceptAs?: string[] }>('settings.get')).result?.interceptAs).toEqual([`${mcp.origin}/`]);
      const off = await other.api<{ upstream: { interceptAs?: boolean } }>('upstream.set', { upstream: mcp.origin, interceptAs: false });
      expect(off.result?.upstream.interceptAs).toBe(false);
      expect((await other.api<{ interceptAs?: string[] }>('settings.get')).result?.interceptAs).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('answers an index it never gave out with a 404 that says so', async () => {
    const response = await fetch(`${control.proxyOrigin}/_as/7/token`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error_description: string }).error_description).toContain('No authorization server is known as /_as/7');
  });
});

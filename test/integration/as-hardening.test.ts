import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccessTokenFormat, BehaviorProfile } from '../../src/shared/profile';
import { CIMD_TIMEOUT_MS, fetchClientIdMetadataDocumentText } from '../../src/main/core/server/oauth/cimdFetch';
import { startReferenceServer, type RunningServer } from '../helpers/server';
import { authorizeFor, authorizeRaw, authorizeUrl, exchange, expectOAuthError, registerPublicClient, REDIRECT_URI, reply, tokenRequest, type Reply } from '../helpers/oauthWire';

// Hardening of the reference authorization server (issue 13, item 6), each attacked over real
// sockets on 127.0.0.1: access tokens die with a replayed code or a reused refresh token,
// CIMD fetches only public addresses unless allowed, scopes stay within scopes_supported,
// fragments in redirect_uri are refused, and oversized bodies get an RFC 6749-shaped 413.


let running: RunningServer | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await running?.close();
  running = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start(profile: Partial<BehaviorProfile> = {}, options: { allowPrivateCimd?: boolean } = {}): Promise<RunningServer> {
  running = await startReferenceServer({ profile, ...options });
  return running;
}

function expectErrorPage(r: Reply, message: RegExp): void {
  expect(r.status, r.text).toBe(400);
  expect(r.headers.get('content-type')).toMatch(/^text\/html/);
  expect(r.headers.get('location')).toBeNull();
  expect(r.text).toMatch(message);
}

const refresh = (origin: string, clientId: string, refreshToken: string) =>
  tokenRequest(origin, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });

async function callMcp(url: string, accessToken: string): Promise<Reply> {
  return reply(
    await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'as-hardening', version: '1' } } }),
    }),
  );
}

function expectRevoked(r: Reply): void {
  expectOAuthError(r, 401, 'invalid_token');
  expect(r.headers.get('www-authenticate')).toContain('error="invalid_token"');
  expect(r.json.error_description).toMatch(/revoked/);
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

// ---- 1. revocation of access tokens ------------------------------------------------------------

describe('access tokens are revoked with their family', () => {
  for (const format of ['jwt', 'opaque', 'jwe-like'] as AccessTokenFormat[]) {
    it(`${format}: replaying the authorization code revokes the access token issued from it`, async () => {
      const { origin, mcpUrl } = await start({ accessTokenFormat: format });
      const clientId = await registerPublicClient(origin);
      const { callback, verifier } = await authorizeFor(origin, clientId);
      const code = callback.searchParams.get('code')!;
      const first = await exchange(origin, clientId, code, verifier);
      expect(first.status, first.text).toBe(200);
      const tokenA: string = first.json.access_token;
      expect((await callMcp(mcpUrl, tokenA)).status).toBe(200);
      // The userinfo path (how encrypted tokens are checked) works before the replay.
      const userinfo = await fetch(`${origin}/userinfo`, { headers: { Authorization: `Bearer ${tokenA}` } });
      expect(userinfo.status).toBe(200);

      expectOAuthError(await exchange(origin, clientId, code, verifier), 400, 'invalid_grant');
      expectRevoked(await callMcp(mcpUrl, tokenA));
      const after = await reply(await fetch(`${origin}/userinfo`, { headers: { Authorization: `Bearer ${tokenA}` } }));
      expectOAuthError(after, 401, 'invalid_token');
      expectOAuthError(await refresh(origin, clientId, first.json.refresh_token), 400, 'invalid_grant');
    });

    it(`${format}: reusing a rotated-out refresh token revokes every access token of the family`, async () => {
      const { origin, mcpUrl } = await start({ accessTokenFormat: format });
      const clientId = await registerPublicClient(origin);
      const { callback, verifier } = await authorizeFor(origin, clientId);
      const first = await exchange(origin, clientId, callback.searchParams.get('code')!, verifier);
      expect(first.status, first.text).toBe(200);
      const rotated = await refresh(origin, clientId, first.json.refresh_token);
      expect(rotated.status, rotated.text).toBe(200);
      const tokenA: string = first.json.access_token;
      const tokenB: string = rotated.json.access_token;
      expect((await callMcp(mcpUrl, tokenB)).status).toBe(200);

      expectOAuthError(await refresh(origin, clientId, first.json.refresh_token), 400, 'invalid_grant');
      for (const token of [tokenA, tokenB]) {
        expectRevoked(await callMcp(mcpUrl, token));
        expectOAuthError(await reply(await fetch(`${origin}/userinfo`, { headers: { Authorization: `Bearer ${token}` } })), 401, 'invalid_token');
      }
      expectOAuthError(await refresh(origin, clientId, rotated.json.refresh_token), 400, 'invalid_grant');
    });
  }

  it('another family of the same client is untouched', async () => {
    const { origin, mcpUrl } = await start();
    const clientId = await registerPublicClient(origin);
    const one = await authorizeFor(origin, clientId);
    const two = await authorizeFor(origin, clientId);
    const a = await exchange(origin, clientId, one.callback.searchParams.get('code')!, one.verifier);
    const b = await exchange(origin, clientId, two.callback.searchParams.get('code')!, two.verifier);
    expect([a.status, b.status]).toEqual([200, 200]);
    expectOAuthError(await exchange(origin, clientId, one.callback.searchParams.get('code')!, one.verifier), 400, 'invalid_grant');
    expectRevoked(await callMcp(mcpUrl, a.json.access_token));
    expect((await callMcp(mcpUrl, b.json.access_token)).status).toBe(200);
  });
});

// ---- 4. fragments in redirect_uri --------------------------------------------------------------

describe('/authorize refuses a redirect_uri with a fragment', () => {
  it('for a loopback DCR client (whose port is otherwise ignored), without redirecting anywhere', async () => {
    const { origin } = await start();
    const clientId = await registerPublicClient(origin);
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, clientId, { redirect_uri: `${REDIRECT_URI}#frag` })), /fragment/);
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, clientId, { redirect_uri: `http://127.0.0.1:40000/callback#` })), /fragment/);
    expect((await authorizeRaw(authorizeUrl(origin, clientId))).status).toBe(200);
  });

  it('for an https client and a client metadata document client', async () => {
    const { origin, server } = await start();
    const clientId = await registerPublicClient(origin, { redirect_uris: ['https://client.example/cb'] });
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, clientId, { redirect_uri: 'https://client.example/cb#x' })), /fragment/);
    const cimd = 'https://client.example/oauth/client.json';
    server.authorizationServer.rememberClientMetadataDocument(cimd, { client_id: cimd, redirect_uris: ['https://client.example/cb'] });
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, cimd, { redirect_uri: 'https://client.example/cb#x' })), /fragment/);
    expect((await authorizeRaw(authorizeUrl(origin, cimd, { redirect_uri: 'https://client.example/cb' }))).status).toBe(200);
  });
});

// ---- 5. oversized bodies -----------------------------------------------------------------------

describe('bodies over 64 KiB get an RFC 6749-shaped 413', () => {
  const big = 'x'.repeat(70 * 1024);

  it('/token', async () => {
    const { origin } = await start();
    const r = await reply(await fetch(`${origin}/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `grant_type=authorization_code&code=${big}` }));
    expectOAuthError(r, 413, 'invalid_request');
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('/register', async () => {
    const { origin } = await start();
    const r = await reply(await fetch(`${origin}/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ redirect_uris: [REDIRECT_URI], client_name: big }) }));
    expectOAuthError(r, 413, 'invalid_request');
  });

  it('the consent POST', async () => {
    const { origin } = await start();
    const r = await reply(await fetch(`${origin}/authorize`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `transaction=${big}&decision=approve` }));
    expectOAuthError(r, 413, 'invalid_request');
  });

  it('a body without Content-Length (chunked) is refused the same way', async () => {
    const { origin } = await start();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 70; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
        controller.close();
      },
    });
    const r = await reply(
      await fetch(`${origin}/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body, duplex: 'half' } as RequestInit),
    );
    expectOAuthError(r, 413, 'invalid_request');
  });
});

// ---- 3. scopes within scopes_supported -----------------------------------------------------------

describe('granted scopes stay within scopes_supported', () => {
  async function tokensFor(origin: string, scope: string): Promise<Reply> {
    const clientId = await registerPublicClient(origin);
    const { callback, verifier } = await authorizeFor(origin, clientId, { scope });
    expect(callback.searchParams.get('error'), callback.href).toBeNull();
    const r = await exchange(origin, clientId, callback.searchParams.get('code')!, verifier);
    expect(r.status, r.text).toBe(200);
    return r;
  }

  it('scope=admin is not granted: the defaults are, and the token response and the JWT say so', async () => {
    const { origin } = await start();
    const metadata = await (await fetch(`${origin}/.well-known/oauth-authorization-server`)).json();
    expect(metadata.scopes_supported).toEqual(['mcp']);
    const r = await tokensFor(origin, 'admin');
    expect(r.json.scope).toBe('mcp');
    expect(claimsOf(r.json.access_token).scope).toBe('mcp');
  });

  it('a supported scope asked for with an unsupported one is granted alone', async () => {
    const { origin } = await start({ scopes: ['mcp', 'tools:read'] });
    const r = await tokensFor(origin, 'admin tools:read');
    expect(r.json.scope).toBe('tools:read');
    expect(claimsOf(r.json.access_token).scope).toBe('tools:read');
  });

  it('the consent page shows only what will be granted', async () => {
    const { origin } = await start();
    const clientId = await registerPublicClient(origin);
    const page = await authorizeRaw(authorizeUrl(origin, clientId, { scope: 'mcp admin' }));
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('admin');
  });

  it("a client's registered scope outside scopes_supported is not granted either", async () => {
    const { origin } = await start();
    const clientId = await registerPublicClient(origin, { scope: 'admin' });
    const { callback, verifier } = await authorizeFor(origin, clientId, { scope: undefined });
    const r = await exchange(origin, clientId, callback.searchParams.get('code')!, verifier);
    expect(r.status, r.text).toBe(200);
    expect(claimsOf(r.json.access_token).scope).toBe('mcp');
  });

  it("scopeGrant 'grant-any' reproduces a lenient AS: admin ends up in the JWT", async () => {
    const { origin } = await start({ scopeGrant: 'grant-any' });
    const r = await tokensFor(origin, 'mcp admin');
    expect(r.json.scope).toBe('mcp admin');
    expect(claimsOf(r.json.access_token).scope).toBe('mcp admin');
  });
});

// ---- 2. CIMD: public addresses only, unless --allow-private-cimd ---------------------------------

/** A plain http host on 127.0.0.1 for client metadata documents; records every path asked for. */
async function serveCimd(handler: (origin: string, req: IncomingMessage, res: ServerResponse) => void): Promise<{ origin: string; requests: string[] }> {
  const requests: string[] = [];
  let origin = '';
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(origin, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(() => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }));
  return { origin, requests };
}

const documentFor = (clientId: string) => ({ client_id: clientId, client_name: 'Private CIMD client', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'] });

function sendDocument(res: ServerResponse, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}

/** A TCP listener that only counts connections: proof that a refused URL was never contacted. */
async function countingListener(): Promise<{ port: number; connections: () => number }> {
  let count = 0;
  const server = createTcpServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, connections: () => count };
}

describe('Client ID Metadata Documents are fetched only from public addresses', () => {
  it('an https client_id on 127.0.0.1 is refused without contacting it, with the reason on the error page', async () => {
    const { origin } = await start();
    const target = await countingListener();
    const clientId = `https://127.0.0.1:${target.port}/client.json`;
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, clientId)), /127\.0\.0\.1 is a loopback address.*--allow-private-cimd/);
    expect(target.connections()).toBe(0);
  });

  it('a host name is judged by what it resolves to: localhost is refused after DNS resolution', async () => {
    const { origin } = await start();
    const target = await countingListener();
    const clientId = `https://localhost:${target.port}/client.json`;
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, clientId)), /localhost \((127\.0\.0\.1|::1)\) is a loopback address/);
    expect(target.connections()).toBe(0);
  });

  it('IPv6 literals: loopback and IPv4-mapped loopback are refused', async () => {
    const { origin } = await start();
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, 'https://[::1]:1/client.json')), /::1 is a loopback address/);
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, 'https://[::ffff:7f00:1]:1/client.json')), /is a loopback address/);
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, 'https://[fd00::1]:1/client.json')), /fd00::1 is a unique-local address/);
  });

  it('with allowPrivateCimd (--allow-private-cimd) the same host on 127.0.0.1 is fetched, over http too, and its client gets tokens', async () => {
    const { origin, mcpUrl } = await start({}, { allowPrivateCimd: true });
    const host = await serveCimd((hostOrigin, _req, res) => sendDocument(res, documentFor(`${hostOrigin}/client.json`)));
    const clientId = `${host.origin}/client.json`;
    const page = await authorizeRaw(authorizeUrl(origin, clientId));
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain('Private CIMD client');
    const { callback, verifier } = await authorizeFor(origin, clientId);
    const r = await exchange(origin, clientId, callback.searchParams.get('code')!, verifier);
    expect(r.status, r.text).toBe(200);
    expect((await callMcp(mcpUrl, r.json.access_token)).status).toBe(200);
  });

  it('without the flag, the same http host on 127.0.0.1 is refused and never asked', async () => {
    const { origin } = await start();
    const host = await serveCimd((hostOrigin, _req, res) => sendDocument(res, documentFor(`${hostOrigin}/client.json`)));
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, `${host.origin}/client.json`)), /must be served over https/);
    expect(host.requests).toEqual([]);
  });

  it('a redirect to a private or link-local address is not followed', async () => {
    // on-allow-loopback lets the first hop reach the loopback test host; the redirect target is judged on its own.
    const { origin } = await start({ clientIdMetadataDocuments: 'on-allow-loopback' });
    for (const [target, reason] of [
      ['https://10.0.0.1/client.json', /10\.0\.0\.1 is a private address/],
      ['https://169.254.169.254/latest/meta-data', /169\.254\.169\.254 is a link-local address/],
      ['https://[fe80::1]/client.json', /fe80::1 is a link-local address/],
    ] as const) {
      const host = await serveCimd((_origin, _req, res) => res.writeHead(302, { Location: target }).end());
      expectErrorPage(await authorizeRaw(authorizeUrl(origin, `${host.origin}/client.json`)), reason);
      expect(host.requests).toEqual(['/client.json']);
    }
  });

  it('a redirect among allowed hosts is followed, and a document over 64 KiB is refused', async () => {
    const { origin } = await start({}, { allowPrivateCimd: true });
    const host = await serveCimd((hostOrigin, req, res) => {
      if (req.url === '/client.json') return void res.writeHead(301, { Location: '/moved.json' }).end();
      sendDocument(res, documentFor(`${hostOrigin}/client.json`));
    });
    expect((await authorizeRaw(authorizeUrl(origin, `${host.origin}/client.json`))).status).toBe(200);
    expect(host.requests).toEqual(['/client.json', '/moved.json']);

    const big = await serveCimd((hostOrigin, _req, res) => sendDocument(res, { ...documentFor(`${hostOrigin}/client.json`), padding: 'x'.repeat(70 * 1024) }));
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, `${big.origin}/client.json`)), /larger than 65536 bytes/);
    const chunked = await serveCimd((_origin, _req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      for (let i = 0; i < 70; i++) res.write('x'.repeat(1024));
      res.end();
    });
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, `${chunked.origin}/client.json`)), /larger than 65536 bytes/);
  });
});

describe('fetchClientIdMetadataDocumentText limits', () => {
  it('a host that accepts the connection but never answers is given up on at the deadline', async () => {
    const held: ServerResponse[] = [];
    const host = await serveCimd((_origin, _req, res) => void held.push(res));
    const started = Date.now();
    await expect(fetchClientIdMetadataDocumentText(`${host.origin}/client.json`, { mode: 'on', allowPrivateAddresses: true, timeoutMs: 300 })).rejects.toThrow(/did not answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(CIMD_TIMEOUT_MS);
    expect(host.requests).toEqual(['/client.json']);
  });

  it('more than three redirects are not followed', async () => {
    const host = await serveCimd((_origin, req, res) => void res.writeHead(302, { Location: `${req.url}x` }).end());
    await expect(fetchClientIdMetadataDocumentText(`${host.origin}/r`, { mode: 'on', allowPrivateAddresses: true })).rejects.toThrow(/redirected more than 3 times/);
    expect(host.requests).toEqual(['/r', '/rx', '/rxx', '/rxxx']);
  });
});

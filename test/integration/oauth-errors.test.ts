import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BehaviorProfile } from '../../src/shared/profile';
import { completeAuthorization, startReferenceServer, type RunningServer } from '../helpers/server';
import { authorizeRaw, authorizeUrl, expectOAuthError, pkce, REDIRECT_URI, reply, type Reply } from '../helpers/oauthWire';

// Every rejection of the reference authorization server and of the MCP endpoint, with raw
// fetch over real sockets on 127.0.0.1: the RFC 6749 §5.2 / RFC 6750 §3.1 error code, the
// status, `Cache-Control: no-store`, and for the authorization endpoint the choice between
// redirecting with an error and showing an error page (RFC 6749 §4.1.2.1). Each refusal is
// paired with the request that succeeds, so a test cannot pass because everything fails.
//
// Expiry tests move the clock with `vi.setSystemTime` without fake timers: vitest then only
// swaps `globalThis.Date` (the server and jose read Date.now()), while timers and sockets stay
// real. No test waits on wall-clock time.

const ACCEPT_BOTH = 'application/json, text/event-stream';

let running: RunningServer | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.useRealTimers();
  await running?.close();
  running = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start(profile: Partial<BehaviorProfile> = {}): Promise<RunningServer> {
  running = await startReferenceServer({ profile });
  return running;
}

// ---- helpers ----------------------------------------------------------------------------------

async function registerRaw(origin: string, metadata: Record<string, unknown>): Promise<Reply> {
  return reply(await fetch(`${origin}/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(metadata) }));
}

interface Client {
  client_id: string;
  client_secret?: string;
}

async function registerClient(origin: string, metadata: Record<string, unknown> = {}): Promise<Client> {
  const r = await registerRaw(origin, {
    client_name: 'oauth-errors test',
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'none',
    ...metadata,
  });
  expect(r.status, r.text).toBe(201);
  return r.json;
}

const registerPublicClient = (origin: string, metadata: Record<string, unknown> = {}) => registerClient(origin, metadata);
const registerConfidentialClient = (origin: string, method: 'client_secret_basic' | 'client_secret_post') =>
  registerClient(origin, { token_endpoint_auth_method: method });

/** The error redirect of the authorization endpoint: 302 to the client with error, state and iss. */
function expectErrorRedirect(r: Reply, origin: string, error: string, redirectUri = REDIRECT_URI): URL {
  expect(r.status, r.text).toBe(302);
  const location = new URL(r.headers.get('location')!);
  expect(location.href.split('?')[0]).toBe(redirectUri);
  expect(location.searchParams.get('error')).toBe(error);
  expect(location.searchParams.get('state')).toBe('state-123');
  expect(location.searchParams.get('iss')).toBe(origin);
  expect(location.searchParams.get('code')).toBeNull();
  return location;
}

/** The authorization endpoint's own error page: 400 HTML, no redirect anywhere. */
function expectErrorPage(r: Reply, message: RegExp): void {
  expect(r.status, r.text).toBe(400);
  expect(r.headers.get('content-type')).toMatch(/^text\/html/);
  expect(r.headers.get('location')).toBeNull();
  expect(r.text).toMatch(message);
}

interface ObtainedCode {
  code: string;
  verifier: string;
  redirectUri: string;
}

/** Authorizes with PKCE, approves the consent page and returns the code from the callback. */
async function obtainCode(origin: string, clientId: string, options: { redirectUri?: string; resource?: string } = {}): Promise<ObtainedCode> {
  const { verifier, challenge } = pkce();
  const redirectUri = options.redirectUri ?? REDIRECT_URI;
  const url = authorizeUrl(origin, clientId, { code_challenge: challenge, redirect_uri: redirectUri, resource: options.resource ?? `${origin}/mcp` });
  const callback = await completeAuthorization(url);
  expect(callback.searchParams.get('error'), callback.href).toBeNull();
  expect(callback.href.split('?')[0]).toBe(redirectUri);
  return { code: callback.searchParams.get('code')!, verifier, redirectUri };
}

async function tokenRequest(origin: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> {
  return reply(
    await fetch(`${origin}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    }),
  );
}

function exchangeCode(origin: string, clientId: string, obtained: ObtainedCode, overrides: Record<string, string> = {}): Promise<Reply> {
  return tokenRequest(origin, {
    grant_type: 'authorization_code',
    client_id: clientId,
    code: obtained.code,
    code_verifier: obtained.verifier,
    redirect_uri: obtained.redirectUri,
    ...overrides,
  });
}

const refresh = (origin: string, clientId: string, refreshToken: string) =>
  tokenRequest(origin, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });

/** DCR, consent and code exchange: a public client's tokens for `resource`. */
async function obtainTokens(origin: string, resource = `${origin}/mcp`): Promise<{ client: Client; access_token: string; refresh_token: string }> {
  const client = await registerPublicClient(origin);
  const r = await exchangeCode(origin, client.client_id, await obtainCode(origin, client.client_id, { resource }));
  expect(r.status, r.text).toBe(200);
  return { client, ...r.json };
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** POST initialize to the MCP endpoint with a bearer token. */
async function callMcp(url: string, accessToken: string): Promise<Reply> {
  return reply(
    await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: ACCEPT_BOTH, Authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'oauth-errors', version: '1' } } }),
    }),
  );
}

/** RFC 6750 §3.1: 401, invalid_token in the challenge, and where to find the resource metadata. */
function expectInvalidToken(r: Reply, mcpUrl: string, description: RegExp): void {
  expectOAuthError(r, 401, 'invalid_token');
  const challenge = r.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(/^Bearer /);
  expect(challenge).toContain('error="invalid_token"');
  expect(challenge).toContain(`resource_metadata="${new URL(mcpUrl).origin}/.well-known/oauth-protected-resource/mcp"`);
  expect(r.json.error_description).toMatch(description);
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

/** Moves Date (only Date) to one second past `epochMs`; see the note at the top of the file. */
function travelPast(epochMs: number): void {
  vi.setSystemTime(epochMs + 1_000);
}

// ---- token endpoint: authorization_code --------------------------------------------------------

describe('token endpoint: authorization code grant', () => {
  it('a replayed code is invalid_grant, and the refresh token issued from its first use is revoked', async () => {
    const { origin } = await start();
    const client = await registerPublicClient(origin);
    const obtained = await obtainCode(origin, client.client_id);
    const first = await exchangeCode(origin, client.client_id, obtained);
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const refreshToken: string = first.json.refresh_token;
    expect(refreshToken).toBeTruthy();

    const replay = await exchangeCode(origin, client.client_id, obtained);
    expectOAuthError(replay, 400, 'invalid_grant');
    expect(replay.json.error_description).toMatch(/already used/);
    expectOAuthError(await refresh(origin, client.client_id, refreshToken), 400, 'invalid_grant');
  });

  it('the refresh token of an unreplayed code keeps working (control for the test above)', async () => {
    const { origin } = await start();
    const { client, refresh_token } = await obtainTokens(origin);
    const r = await refresh(origin, client.client_id, refresh_token);
    expect(r.status, r.text).toBe(200);
  });

  it('a wrong code_verifier is invalid_grant', async () => {
    const { origin } = await start();
    const client = await registerPublicClient(origin);
    const obtained = await obtainCode(origin, client.client_id);
    const r = await exchangeCode(origin, client.client_id, obtained, { code_verifier: pkce().verifier });
    expectOAuthError(r, 400, 'invalid_grant');
    expect(r.json.error_description).toMatch(/code_verifier/);
  });

  it('a missing code_verifier is invalid_request', async () => {
    const { origin } = await start();
    const client = await registerPublicClient(origin);
    const obtained = await obtainCode(origin, client.client_id);
    const r = await tokenRequest(origin, { grant_type: 'authorization_code', client_id: client.client_id, code: obtained.code, redirect_uri: REDIRECT_URI });
    expectOAuthError(r, 400, 'invalid_request');
  });

  it('a redirect_uri different from the authorization request is invalid_grant', async () => {
    const { origin } = await start();
    const client = await registerPublicClient(origin, { redirect_uris: [REDIRECT_URI, 'https://app.example/cb'] });
    const obtained = await obtainCode(origin, client.client_id);
    const r = await exchangeCode(origin, client.client_id, obtained, { redirect_uri: 'https://app.example/cb' });
    expectOAuthError(r, 400, 'invalid_grant');
    expect(r.json.error_description).toMatch(/redirect_uri/);
  });

  it('a code presented by another client is invalid_grant', async () => {
    const { origin } = await start();
    const client = await registerPublicClient(origin);
    const other = await registerPublicClient(origin);
    const obtained = await obtainCode(origin, client.client_id);
    expectOAuthError(await exchangeCode(origin, other.client_id, obtained), 400, 'invalid_grant');
  });

  it('an expired code is invalid_grant (authorizationCodeLifetimeSeconds: 1)', async () => {
    const { origin } = await start({ authorizationCodeLifetimeSeconds: 1 });
    const client = await registerPublicClient(origin);
    // Control: a fresh code with the same 1 s lifetime is exchanged.
    expect((await exchangeCode(origin, client.client_id, await obtainCode(origin, client.client_id))).status).toBe(200);

    const obtained = await obtainCode(origin, client.client_id);
    // The code was issued before obtainCode returned; 1 s after "now" it is past its lifetime
    // (and still well within the default 60 s, so this checks that the profile is honoured).
    travelPast(Date.now() + 1_000);
    const r = await exchangeCode(origin, client.client_id, obtained);
    expectOAuthError(r, 400, 'invalid_grant');
    expect(r.json.error_description).toMatch(/expired/);
  });
});

// ---- token endpoint: refresh_token -------------------------------------------------------------

describe('token endpoint: refresh token rotation', () => {
  it('reusing a rotated refresh token is invalid_grant and revokes the family: the newest one fails too', async () => {
    const { origin } = await start();
    const { client, refresh_token: first } = await obtainTokens(origin);
    const rotated = await refresh(origin, client.client_id, first);
    expect(rotated.status, rotated.text).toBe(200);
    const second: string = rotated.json.refresh_token;
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);

    const reuse = await refresh(origin, client.client_id, first);
    expectOAuthError(reuse, 400, 'invalid_grant');
    expect(reuse.json.error_description).toMatch(/reuse/);
    expectOAuthError(await refresh(origin, client.client_id, second), 400, 'invalid_grant');
  });

  it('a refresh token presented by another client is invalid_grant and stays usable by its owner', async () => {
    const { origin } = await start();
    const { client, refresh_token } = await obtainTokens(origin);
    const other = await registerPublicClient(origin);
    expectOAuthError(await refresh(origin, other.client_id, refresh_token), 400, 'invalid_grant');
    expect((await refresh(origin, client.client_id, refresh_token)).status).toBe(200);
  });

  it('an unknown refresh token is invalid_grant', async () => {
    const { origin } = await start();
    const client = await registerPublicClient(origin);
    expectOAuthError(await refresh(origin, client.client_id, 'not-a-refresh-token'), 400, 'invalid_grant');
  });
});

// ---- token endpoint: client authentication and grant types -------------------------------------

describe('token endpoint: client authentication', () => {
  it('an unknown client_id in the body is 401 invalid_client without a Basic challenge', async () => {
    const { origin } = await start();
    const r = await tokenRequest(origin, { grant_type: 'authorization_code', client_id: 'mcp-client-nobody', code: 'x', code_verifier: 'y', redirect_uri: REDIRECT_URI });
    expectOAuthError(r, 401, 'invalid_client');
    expect(r.headers.get('www-authenticate')).toBeNull();
  });

  it('an unknown client in Basic auth is 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const { origin } = await start();
    const r = await tokenRequest(origin, { grant_type: 'refresh_token', refresh_token: 'x' }, { Authorization: basic('mcp-client-nobody', 'secret') });
    expectOAuthError(r, 401, 'invalid_client');
    expect(r.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('a wrong secret is 401 invalid_client (Basic: with a Basic challenge); the right one is accepted', async () => {
    const { origin } = await start();
    const client = await registerConfidentialClient(origin, 'client_secret_basic');
    const obtained = await obtainCode(origin, client.client_id);
    const form = { grant_type: 'authorization_code', code: obtained.code, code_verifier: obtained.verifier, redirect_uri: REDIRECT_URI };

    const wrongBasic = await tokenRequest(origin, form, { Authorization: basic(client.client_id, `${client.client_secret}x`) });
    expectOAuthError(wrongBasic, 401, 'invalid_client');
    expect(wrongBasic.headers.get('www-authenticate')).toMatch(/^Basic /);
    const wrongPost = await tokenRequest(origin, { ...form, client_id: client.client_id, client_secret: 'wrong' });
    expectOAuthError(wrongPost, 401, 'invalid_client');
    expect(wrongPost.headers.get('www-authenticate')).toBeNull();
    const missing = await tokenRequest(origin, { ...form, client_id: client.client_id });
    expectOAuthError(missing, 401, 'invalid_client');

    const right = await tokenRequest(origin, form, { Authorization: basic(client.client_id, client.client_secret!) });
    expect(right.status, right.text).toBe(200);
  });

  it('a public client that sends a secret is 401 invalid_client', async () => {
    const { origin } = await start();
    const client = await registerPublicClient(origin);
    const r = await tokenRequest(origin, { grant_type: 'refresh_token', refresh_token: 'x', client_id: client.client_id, client_secret: 'made-up' });
    expectOAuthError(r, 401, 'invalid_client');
  });

  it('a malformed Basic header is 401 invalid_client, not a server error', async () => {
    const { origin } = await start();
    // Bad percent-encoding (decodeURIComponent throws) and no colon at all.
    for (const credentials of ['%zz:%zz', 'no-colon-here']) {
      const r = await tokenRequest(origin, { grant_type: 'refresh_token', refresh_token: 'x' }, { Authorization: `Basic ${Buffer.from(credentials).toString('base64')}` });
      expectOAuthError(r, 401, 'invalid_client');
      expect(r.headers.get('www-authenticate')).toMatch(/^Basic /);
    }
  });

  it('an unsupported grant_type is 400 unsupported_grant_type; a missing one is invalid_request', async () => {
    const { origin } = await start();
    const client = await registerPublicClient(origin);
    for (const grantType of ['password', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code']) {
      expectOAuthError(await tokenRequest(origin, { grant_type: grantType, client_id: client.client_id }), 400, 'unsupported_grant_type');
    }
    expectOAuthError(await tokenRequest(origin, { client_id: client.client_id }), 400, 'invalid_request');
  });
});

// ---- authorization endpoint ---------------------------------------------------------------------

describe('authorization endpoint', () => {
  it('the control request (all parameters right) shows the consent page', async () => {
    const { origin } = await start();
    const client = await registerPublicClient(origin);
    const r = await authorizeRaw(authorizeUrl(origin, client.client_id));
    expect(r.status).toBe(200);
    expect(r.text).toContain('name="transaction"');
  });

  it('missing PKCE redirects back with error=invalid_request', async () => {
    const { origin } = await start();
    const client = await registerPublicClient(origin);
    const r = await authorizeRaw(authorizeUrl(origin, client.client_id, { code_challenge: undefined, code_challenge_method: undefined }));
    expect(expectErrorRedirect(r, origin, 'invalid_request').searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('code_challenge_method=plain redirects back with error=invalid_request', async () => {
    const { origin } = await start();
    const client = await registerPublicClient(origin);
    const r = await authorizeRaw(authorizeUrl(origin, client.client_id, { code_challenge: pkce().verifier, code_challenge_method: 'plain' }));
    expect(expectErrorRedirect(r, origin, 'invalid_request').searchParams.get('error_description')).toMatch(/S256/);
  });

  it('response_type other than code redirects back with error=unsupported_response_type', async () => {
    const { origin } = await start();
    const client = await registerPublicClient(origin);
    expectErrorRedirect(await authorizeRaw(authorizeUrl(origin, client.client_id, { response_type: 'token' })), origin, 'unsupported_response_type');
  });

  it('a resource naming a foreign URL redirects back with error=invalid_target', async () => {
    const { origin } = await start();
    const client = await registerPublicClient(origin);
    const r = await authorizeRaw(authorizeUrl(origin, client.client_id, { resource: 'https://other.example/mcp' }));
    expectErrorRedirect(r, origin, 'invalid_target');
  });

  it('an unregistered redirect_uri gets a 400 HTML page, never a redirect', async () => {
    const { origin } = await start();
    const client = await registerPublicClient(origin);
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, client.client_id, { redirect_uri: 'https://evil.example/cb' })), /not one the client registered/);
    // A loopback redirect URI with another path is not the registered one either.
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, client.client_id, { redirect_uri: 'http://127.0.0.1:53682/other' })), /not one the client registered/);
  });

  it('an unknown client_id gets a 400 HTML page', async () => {
    const { origin } = await start();
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, 'mcp-client-nobody')), /Unknown client_id/);
  });

  it('a loopback redirect on another port is accepted (RFC 8252 §7.3) and the code goes to that port', async () => {
    const { origin } = await start();
    const client = await registerPublicClient(origin, { redirect_uris: ['http://localhost:33418/callback'] });
    const obtained = await obtainCode(origin, client.client_id, { redirectUri: 'http://localhost:54321/callback' });
    const r = await exchangeCode(origin, client.client_id, obtained);
    expect(r.status, r.text).toBe(200);
  });
});

// ---- dynamic client registration --------------------------------------------------------------

describe('dynamic client registration', () => {
  it('plain http to a non-loopback host is 400 invalid_redirect_uri', async () => {
    const { origin } = await start();
    expectOAuthError(await registerRaw(origin, { redirect_uris: ['http://evil.example/cb'], token_endpoint_auth_method: 'none' }), 400, 'invalid_redirect_uri');
  });

  it("accepts the real clients' redirect URIs, and delivers codes to each of them", async () => {
    const { origin } = await start();
    const redirectUris = [
      'https://claude.ai/api/mcp/auth_callback',
      'cursor://anysphere.cursor-mcp/oauth/callback',
      'http://localhost:33418/callback',
      'http://127.0.0.1/',
    ];
    const r = await registerRaw(origin, { redirect_uris: redirectUris, token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] });
    expect(r.status, r.text).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.json.redirect_uris).toEqual(redirectUris);
    for (const redirectUri of redirectUris) {
      const obtained = await obtainCode(origin, r.json.client_id, { redirectUri });
      expect((await exchangeCode(origin, r.json.client_id, obtained)).status).toBe(200);
    }
  });

  it('when disabled by the profile, /register answers a JSON error, never HTML', async () => {
    const { origin } = await start({ dynamicClientRegistration: false });
    const r = await registerRaw(origin, { redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' });
    expectOAuthError(r, 404, 'invalid_request');
    expect(r.json.error_description).toMatch(/disabled/);
    const metadata = await (await fetch(`${origin}/.well-known/oauth-authorization-server`)).json();
    expect(metadata.registration_endpoint).toBeUndefined();
  });
});

// ---- MCP endpoint (resource server) -----------------------------------------------------------

describe('MCP endpoint bearer checks', () => {
  it('a JWT with a flipped signature character is 401 invalid_token with resource_metadata', async () => {
    const { origin, mcpUrl } = await start();
    const { access_token } = await obtainTokens(origin);
    expect((await callMcp(mcpUrl, access_token)).status).toBe(200);

    const [header, payload, signature] = access_token.split('.');
    // A middle character carries 6 full bits (the last one may only carry padding bits).
    const i = Math.floor(signature!.length / 2);
    const flipped = signature!.slice(0, i) + (signature![i] === 'A' ? 'B' : 'A') + signature!.slice(i + 1);
    expectInvalidToken(await callMcp(mcpUrl, `${header}.${payload}.${flipped}`), mcpUrl, /signature/);
  });

  it('a token for /sse is refused on /mcp with 401 invalid_token, and accepted on /sse', async () => {
    const { origin, mcpUrl } = await start();
    const { access_token } = await obtainTokens(origin, `${origin}/sse`);
    expect(claimsOf(access_token).aud).toBe(`${origin}/sse`);
    expectInvalidToken(await callMcp(mcpUrl, access_token), mcpUrl, /aud/);

    const controller = new AbortController();
    const stream = await fetch(`${origin}/sse`, { headers: { Accept: 'text/event-stream', Authorization: `Bearer ${access_token}` }, signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    controller.abort();
  });

  it('an expired access token is 401 invalid_token (accessTokenLifetimeSeconds: 1)', async () => {
    const { origin, mcpUrl } = await start({ accessTokenLifetimeSeconds: 1 });
    const { access_token } = await obtainTokens(origin);
    expect((await callMcp(mcpUrl, access_token)).status).toBe(200);
    const { exp } = claimsOf(access_token);
    expect(exp - claimsOf(access_token).iat).toBe(1);
    travelPast(exp * 1000);
    expectInvalidToken(await callMcp(mcpUrl, access_token), mcpUrl, /exp/);
  });

  it('no token at all is 401 with resource_metadata but without an error code (RFC 6750 §3.1)', async () => {
    const { mcpUrl } = await start();
    const r = await reply(await fetch(mcpUrl, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: ACCEPT_BOTH }, body: '{}' }));
    expect(r.status).toBe(401);
    const challenge = r.headers.get('www-authenticate')!;
    expect(challenge).toContain('resource_metadata=');
    expect(challenge).not.toContain('error=');
  });
});

// ---- Client ID Metadata Documents -------------------------------------------------------------

interface MetadataHost {
  origin: string;
  clientId: string;
  /** Paths the reference server fetched from this host. */
  requests: string[];
}

/** A tiny client-metadata host on 127.0.0.1 serving `document(origin)` at /client.json. */
async function serveClientMetadata(document: (origin: string) => Record<string, unknown>): Promise<MetadataHost> {
  const requests: string[] = [];
  let origin = '';
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url !== '/client.json') {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.stringify(document(origin));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { origin, clientId: `${origin}/client.json`, requests };
}

describe('Client ID Metadata Documents', () => {
  it("with 'on-allow-loopback', a URL client_id is fetched, shown on the consent page, and gets tokens without a secret", async () => {
    const { origin, mcpUrl } = await start({ clientIdMetadataDocuments: 'on-allow-loopback' });
    const host = await serveClientMetadata((hostOrigin) => ({
      client_id: `${hostOrigin}/client.json`,
      client_name: 'CIMD test client',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
    }));

    const page = await authorizeRaw(authorizeUrl(origin, host.clientId));
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain('CIMD test client');
    expect(page.text).toContain(`${host.clientId} (client metadata document)`);
    expect(host.requests).toContain('/client.json');

    const obtained = await obtainCode(origin, host.clientId);
    const r = await exchangeCode(origin, host.clientId, obtained);
    expect(r.status, r.text).toBe(200);
    expect(claimsOf(r.json.access_token).client_id).toBe(host.clientId);
    expect((await callMcp(mcpUrl, r.json.access_token)).status).toBe(200);
    expect((await refresh(origin, host.clientId, r.json.refresh_token)).status).toBe(200);
  });

  it('a document whose client_id differs from its URL gets the error page', async () => {
    const { origin } = await start({ clientIdMetadataDocuments: 'on-allow-loopback' });
    const host = await serveClientMetadata((hostOrigin) => ({ client_id: `${hostOrigin}/other.json`, redirect_uris: [REDIRECT_URI] }));
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, host.clientId)), /client_id does not equal its URL/);
    expect(host.requests).toEqual(['/client.json']);
  });

  it("with the default 'on' (https only), an http URL client_id is refused without fetching it", async () => {
    const { origin } = await start();
    const host = await serveClientMetadata((hostOrigin) => ({ client_id: `${hostOrigin}/client.json`, redirect_uris: [REDIRECT_URI] }));
    expectErrorPage(await authorizeRaw(authorizeUrl(origin, host.clientId)), /must be served over https/);
    expect(host.requests).toEqual([]);
    // Nor can it be used at the token endpoint.
    expectOAuthError(await refresh(origin, host.clientId, 'x'), 401, 'invalid_client');
  });
});

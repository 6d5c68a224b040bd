import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { BehaviorProfile } from '../../src/shared/profile';
import { PRESETS, UnknownPresetError } from '../../src/main/core/server/presets';
import { InvalidProfileError, SPEC_PROFILE } from '../../src/main/core/server/profile';
import { completeAuthorization, startReferenceServer, type RunningServer } from '../helpers/server';

// Each BehaviorProfile option, observed on the wire with raw fetch against a reference server
// on a random 127.0.0.1 port: the option's value changes exactly the status, header or body
// it is named after. Tests not about authorization run with `tokenRequired: 'none'`.

const ACCEPT_BOTH = 'application/json, text/event-stream';
const OPEN: Partial<BehaviorProfile> = { tokenRequired: 'none' };
const REDIRECT_URI = 'http://127.0.0.1:53682/callback';

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(profile: Partial<BehaviorProfile> = {}, preset?: string): Promise<RunningServer> {
  running = await startReferenceServer({ preset, profile });
  return running;
}

// ---- wire helpers -----------------------------------------------------------------------------

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The JSON body, or the data of each SSE event for text/event-stream. */
  json: any;
}

let nextId = 1;
const request = (method: string, params?: Record<string, unknown>) => ({ jsonrpc: '2.0', id: nextId++, method, ...(params ? { params } : {}) });
const notification = (method: string) => ({ jsonrpc: '2.0', method });

function sseData(text: string): unknown[] {
  return text
    .split('\n\n')
    .map((frame) => frame.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n'))
    .filter(Boolean)
    .map((data) => JSON.parse(data));
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const json = type.startsWith('application/json') ? JSON.parse(text) : type.startsWith('text/event-stream') ? sseData(text) : undefined;
  return { status: res.status, headers: res.headers, text, json };
}

/** POSTs one JSON-RPC body (object, array or raw string) to the MCP endpoint. */
async function rpc(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: ACCEPT_BOTH, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return reply(res);
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return reply(await fetch(url, { headers }));
}

async function initialize(url: string, headers: Record<string, string> = {}, protocolVersion = '2025-11-25'): Promise<Reply> {
  return rpc(url, request('initialize', { protocolVersion, capabilities: {}, clientInfo: { name: 'profile-wire', version: '1.0.0' } }), headers);
}

/** initialize + notifications/initialized; returns the headers later requests need. */
async function openSession(url: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const init = await initialize(url, extra);
  expect(init.status).toBe(200);
  const id = init.headers.get('mcp-session-id');
  const headers: Record<string, string> = { ...extra, 'MCP-Protocol-Version': init.json.result.protocolVersion, ...(id ? { 'Mcp-Session-Id': id } : {}) };
  expect((await rpc(url, notification('notifications/initialized'), headers)).status).toBeLessThan(300);
  return headers;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const decodeSegment = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));

/** DCR of a public client (raw RFC 7591 POST). */
async function registerClient(r: RunningServer): Promise<string> {
  const res = await fetch(`${r.origin}/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      client_name: 'profile-wire',
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { client_id: string }).client_id;
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizationUrl(r: RunningServer, clientId: string, challenge: string): URL {
  const url = new URL(`${r.origin}/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: 'mcp',
    resource: r.mcpUrl,
    state: 'state-1',
  }).toString();
  return url;
}

/** The whole authorization code flow by raw HTTP: register → authorize (consent) → token. */
async function obtainToken(r: RunningServer): Promise<{ access_token: string; expires_in: number; refresh_token?: string }> {
  const clientId = await registerClient(r);
  const { verifier, challenge } = pkce();
  const callback = await completeAuthorization(authorizationUrl(r, clientId, challenge));
  const code = callback.searchParams.get('code');
  expect(code).toBeTruthy();
  const res = await fetch(`${r.origin}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: code!, code_verifier: verifier, redirect_uri: REDIRECT_URI, client_id: clientId, resource: r.mcpUrl }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; expires_in: number };
}

/** Reads a streaming body until `done(accumulated)` holds; returns what was read. Waits on data, never on a timer. */
async function readUntil(res: Response, done: (text: string) => boolean): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
    if (done(text)) {
      await reader.cancel();
      break;
    }
  }
  return text;
}

// ---- notificationStatus -----------------------------------------------------------------------

describe('notificationStatus', () => {
  it.each([202, 204, 200] as const)('answers notifications/initialized with %i and an empty body', async (status) => {
    const r = await start({ ...OPEN, notificationStatus: status });
    const init = await initialize(r.mcpUrl);
    const sessionId = init.headers.get('mcp-session-id')!;
    const answer = await rpc(r.mcpUrl, notification('notifications/initialized'), { 'Mcp-Session-Id': sessionId });
    expect(answer.status).toBe(status);
    expect(answer.text).toBe('');
    expect(answer.headers.get('content-type')).toBeNull();
  });
});

// ---- getStream --------------------------------------------------------------------------------

describe('getStream', () => {
  it("'sse' opens a text/event-stream and sends `: ping` comments at pingIntervalMs", async () => {
    const r = await start({ ...OPEN, getStream: 'sse', pingIntervalMs: 20 });
    const headers = await openSession(r.mcpUrl);
    const res = await fetch(r.mcpUrl, { headers: { ...headers, Accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const text = await readUntil(res, (t) => t.includes('\n\n'));
    expect(text).toMatch(/^: ping /);
  });

  it("'sse' stream ends when the session is DELETEd", async () => {
    const r = await start({ ...OPEN, getStream: 'sse', pingIntervalMs: 0 });
    const headers = await openSession(r.mcpUrl);
    const stream = await fetch(r.mcpUrl, { headers: { ...headers, Accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    const ended = stream.text();
    const del = await fetch(r.mcpUrl, { method: 'DELETE', headers });
    expect(del.status).toBe(200);
    await expect(ended).resolves.toBe('');
  });

  it.each([
    ['getStream 405', { getStream: 405 }],
    ['getStream 405 + sessionId omit', { getStream: 405, sessionId: 'omit' }],
    ["era 'stateless'", { era: 'stateless' }],
  ] as Array<[string, Partial<BehaviorProfile>]>)('%s: GET gets 405 whose Allow lists only methods the endpoint accepts', async (_name, patch) => {
    const r = await start({ ...OPEN, ...patch });
    const headers = patch.era === 'stateless' ? {} : await openSession(r.mcpUrl);
    const res = await get(r.mcpUrl, { ...headers, Accept: 'text/event-stream' });
    expect(res.status).toBe(405);
    expect(res.json.error.code).toBe(-32000);
    const allow = res.headers.get('allow')!.split(/,\s*/);
    expect(allow).toContain('POST');
    expect(allow).not.toContain('GET');
    for (const method of allow.filter((m) => m !== 'POST')) {
      expect((await fetch(r.mcpUrl, { method, headers })).status, `${method} is in Allow`).not.toBe(405);
    }
  });

  it.each([501, 404] as const)('%i refuses the GET with that status and a JSON-RPC error body', async (status) => {
    const r = await start({ ...OPEN, getStream: status });
    const headers = await openSession(r.mcpUrl);
    const res = await get(r.mcpUrl, { ...headers, Accept: 'text/event-stream' });
    expect(res.status).toBe(status);
    expect(res.headers.get('allow')).toBeNull();
    expect(res.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
  });
});

// ---- sessionId ----------------------------------------------------------------------------------

describe('sessionId', () => {
  it("'issue' returns Mcp-Session-Id and then enforces it: missing → 400, unknown → 404, DELETE ends it", async () => {
    const r = await start({ ...OPEN, sessionId: 'issue' });
    const init = await initialize(r.mcpUrl);
    const sessionId = init.headers.get('mcp-session-id');
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.server.sessions.get(sessionId!)).toBeDefined();

    const ok = await rpc(r.mcpUrl, request('tools/list'), { 'Mcp-Session-Id': sessionId! });
    expect(ok.status).toBe(200);
    expect(ok.json.result.tools.length).toBeGreaterThan(0);

    const missing = await rpc(r.mcpUrl, request('tools/list'));
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe(-32000);

    const unknown = await rpc(r.mcpUrl, request('tools/list'), { 'Mcp-Session-Id': '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(404);

    const del = await fetch(r.mcpUrl, { method: 'DELETE', headers: { 'Mcp-Session-Id': sessionId! } });
    expect(del.status).toBe(200);
    const after = await rpc(r.mcpUrl, request('tools/list'), { 'Mcp-Session-Id': sessionId! });
    expect(after.status).toBe(404);
    expect(after.json.error.code).toBe(-32001);
  });

  it("'omit' issues no header and serves requests without one; DELETE is 405", async () => {
    const r = await start({ ...OPEN, sessionId: 'omit' });
    const init = await initialize(r.mcpUrl);
    expect(init.status).toBe(200);
    expect(init.headers.get('mcp-session-id')).toBeNull();
    expect(r.server.sessions.size).toBe(0);
    expect((await rpc(r.mcpUrl, notification('notifications/initialized'))).status).toBe(202);
    const list = await rpc(r.mcpUrl, request('tools/list'));
    expect(list.status).toBe(200);
    expect(list.json.result.tools.map((t: { name: string }) => t.name)).toContain('echo');
    const del = await fetch(r.mcpUrl, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('POST');
  });
});

// ---- tokenRequired and the 401 challenge --------------------------------------------------------

describe('tokenRequired', () => {
  it("'all' refuses initialize without a token: 401 with resource_metadata and scope", async () => {
    const r = await start({ tokenRequired: 'all' });
    const res = await initialize(r.mcpUrl);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${r.origin}/.well-known/oauth-protected-resource/mcp", scope="mcp"`);
    expect(res.json).toMatchObject({ error: 'invalid_token' });
    // …and the token obtained through OAuth lets the very same request through.
    const { access_token } = await obtainToken(r);
    expect((await initialize(r.mcpUrl, bearer(access_token))).status).toBe(200);
  });

  it("'none' serves initialize and tools/list without any Authorization header", async () => {
    const r = await start({ tokenRequired: 'none' });
    const headers = await openSession(r.mcpUrl);
    const list = await rpc(r.mcpUrl, request('tools/list'), headers);
    expect(list.status).toBe(200);
    expect(list.headers.get('www-authenticate')).toBeNull();
  });

  it("'all-but-handshake' lets initialize, notifications/initialized and DELETE through, and 401s tools/list", async () => {
    const r = await start({ tokenRequired: 'all-but-handshake' });
    const init = await initialize(r.mcpUrl);
    expect(init.status).toBe(200);
    const sessionId = init.headers.get('mcp-session-id')!;
    const headers = { 'Mcp-Session-Id': sessionId };
    expect((await rpc(r.mcpUrl, notification('notifications/initialized'), headers)).status).toBe(202);
    const list = await rpc(r.mcpUrl, request('tools/list'), headers);
    expect(list.status).toBe(401);
    expect(list.headers.get('www-authenticate')).toContain('resource_metadata=');
    // A batch that mixes the handshake with anything else needs the token too.
    const mixed = await rpc(r.mcpUrl, [notification('notifications/initialized'), request('tools/list')], headers);
    expect(mixed.status).toBe(401);
    const { access_token } = await obtainToken(r);
    expect((await rpc(r.mcpUrl, request('tools/list'), { ...headers, ...bearer(access_token) })).status).toBe(200);
    expect((await fetch(r.mcpUrl, { method: 'DELETE', headers })).status).toBe(200);
  });

  it.each([
    [{ challengeResourceMetadata: false }, 'Bearer scope="mcp"'],
    [{ challengeScope: false }, 'Bearer resource_metadata="<origin>/.well-known/oauth-protected-resource/mcp"'],
    [{ challengeResourceMetadata: false, challengeScope: false }, 'Bearer'],
    [{ protectedResourceMetadata: 'root' }, 'Bearer resource_metadata="<origin>/.well-known/oauth-protected-resource", scope="mcp"'],
    [{ protectedResourceMetadata: 'none' }, 'Bearer scope="mcp"'],
    [{ scopes: ['mcp', 'tools:read'] }, 'Bearer resource_metadata="<origin>/.well-known/oauth-protected-resource/mcp", scope="mcp tools:read"'],
  ] as Array<[Partial<BehaviorProfile>, string]>)('%o changes the challenge to %s', async (patch, expected) => {
    const r = await start({ tokenRequired: 'all', ...patch });
    const res = await initialize(r.mcpUrl);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(expected.replace('<origin>', r.origin));
  });
});

// ---- metadata locations and flavours ------------------------------------------------------------

const PRM_ROOT = '/.well-known/oauth-protected-resource';
const PRM_SUFFIXED = '/.well-known/oauth-protected-resource/mcp';
const AS_ROOT = '/.well-known/oauth-authorization-server';
const AS_SUFFIXED = '/.well-known/oauth-authorization-server/mcp';
const OIDC_ROOT = '/.well-known/openid-configuration';
const OIDC_SUFFIXED = '/.well-known/openid-configuration/mcp';
const OIDC_APPENDED = '/mcp/.well-known/openid-configuration';
const AS_PATHS = [AS_ROOT, AS_SUFFIXED, OIDC_ROOT, OIDC_SUFFIXED, OIDC_APPENDED];

async function statuses(r: RunningServer, paths: string[]): Promise<Record<string, number>> {
  const entries = await Promise.all(paths.map(async (path) => [path, (await fetch(`${r.origin}${path}`)).status] as const));
  return Object.fromEntries(entries);
}

const served = (paths: string[], ok: string[]) => Object.fromEntries(paths.map((p) => [p, ok.includes(p) ? 200 : 404]));

describe('metadata documents', () => {
  it.each([
    ['both', [PRM_ROOT, PRM_SUFFIXED]],
    ['root', [PRM_ROOT]],
    ['path-suffixed', [PRM_SUFFIXED]],
    ['none', []],
  ] as const)('protectedResourceMetadata %s serves exactly %o', async (location, ok) => {
    const r = await start({ ...OPEN, protectedResourceMetadata: location });
    expect(await statuses(r, [PRM_ROOT, PRM_SUFFIXED])).toEqual(served([PRM_ROOT, PRM_SUFFIXED], [...ok]));
    if (ok.length) {
      const doc = await get(`${r.origin}${ok[0]}`);
      expect(doc.json).toMatchObject({ resource: r.mcpUrl, authorization_servers: [r.origin], scopes_supported: ['mcp'] });
    }
  });

  it.each([
    ['both', AS_PATHS],
    ['root', [AS_ROOT, OIDC_ROOT]],
    ['path-suffixed', [AS_SUFFIXED, OIDC_SUFFIXED, OIDC_APPENDED]],
    ['none', []],
  ] as const)('authServerMetadataLocation %s serves exactly %o', async (location, ok) => {
    const r = await start({ ...OPEN, authServerMetadataLocation: location, authServerMetadata: 'both' });
    expect(await statuses(r, AS_PATHS)).toEqual(served(AS_PATHS, [...ok]));
  });

  it.each([
    ['both', AS_PATHS],
    ['rfc8414', [AS_ROOT, AS_SUFFIXED]],
    ['openid', [OIDC_ROOT, OIDC_SUFFIXED, OIDC_APPENDED]],
    ['none', []],
  ] as const)('authServerMetadata %s serves exactly %o', async (flavor, ok) => {
    const r = await start({ ...OPEN, authServerMetadataLocation: 'both', authServerMetadata: flavor });
    expect(await statuses(r, AS_PATHS)).toEqual(served(AS_PATHS, [...ok]));
  });

  it('the OpenID flavour adds the OIDC Discovery fields, RFC 8414 does not', async () => {
    const r = await start({ ...OPEN });
    const rfc = (await get(`${r.origin}${AS_ROOT}`)).json;
    const oidc = (await get(`${r.origin}${OIDC_ROOT}`)).json;
    for (const doc of [rfc, oidc]) {
      expect(doc).toMatchObject({ issuer: r.origin, token_endpoint: `${r.origin}/token`, code_challenge_methods_supported: ['S256'] });
    }
    expect(rfc.subject_types_supported).toBeUndefined();
    expect(oidc.subject_types_supported).toEqual(['public']);
    expect(oidc.id_token_signing_alg_values_supported).toEqual(['ES256']);
  });

  it('dynamicClientRegistration false drops registration_endpoint and /register answers a JSON error', async () => {
    const r = await start({ ...OPEN, dynamicClientRegistration: true });
    expect((await get(`${r.origin}${AS_ROOT}`)).json.registration_endpoint).toBe(`${r.origin}/register`);
    r.server.updateProfile({ dynamicClientRegistration: false });
    expect((await get(`${r.origin}${AS_ROOT}`)).json).not.toHaveProperty('registration_endpoint');
    expect((await get(`${r.origin}${OIDC_ROOT}`)).json).not.toHaveProperty('registration_endpoint');
    const res = await fetch(`${r.origin}/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' }),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/registration/i) });
  });

  it("clientIdMetadataDocuments 'off' drops client_id_metadata_document_supported", async () => {
    const r = await start({ ...OPEN, clientIdMetadataDocuments: 'on' });
    expect((await get(`${r.origin}${AS_ROOT}`)).json.client_id_metadata_document_supported).toBe(true);
    r.server.updateProfile({ clientIdMetadataDocuments: 'off' });
    expect((await get(`${r.origin}${AS_ROOT}`)).json).not.toHaveProperty('client_id_metadata_document_supported');
  });
});

// ---- access tokens ------------------------------------------------------------------------------

describe('accessTokenFormat and tokenValidation', () => {
  it("'jwt' issues a three-segment ES256 JWT whose kid is in the JWKS, and it works on /mcp", async () => {
    const r = await start({ accessTokenFormat: 'jwt', consent: 'auto' });
    const { access_token } = await obtainToken(r);
    const segments = access_token.split('.');
    expect(segments).toHaveLength(3);
    const header = decodeSegment(segments[0]!);
    const jwks = (await get(`${r.origin}/jwks.json`)).json;
    expect(header).toMatchObject({ alg: 'ES256', kid: jwks.keys[0].kid });
    expect(decodeSegment(segments[1]!)).toMatchObject({ aud: r.mcpUrl, iss: r.origin, scope: 'mcp' });
    expect((await initialize(r.mcpUrl, bearer(access_token))).status).toBe(200);
  });

  it("'opaque' issues a token without dots, and it works on /mcp", async () => {
    const r = await start({ accessTokenFormat: 'opaque', consent: 'auto' });
    const { access_token } = await obtainToken(r);
    expect(access_token).not.toContain('.');
    expect(access_token.length).toBeGreaterThanOrEqual(20);
    expect((await initialize(r.mcpUrl, bearer(access_token))).status).toBe(200);
  });

  it("'jwe-like' issues a five-segment token with alg dir and no kid, accepted by-format and refused by jwks-only", async () => {
    const r = await start({ accessTokenFormat: 'jwe-like', tokenValidation: 'by-format', consent: 'auto' });
    const { access_token } = await obtainToken(r);
    const segments = access_token.split('.');
    expect(segments).toHaveLength(5);
    const header = decodeSegment(segments[0]!);
    expect(header.alg).toBe('dir');
    expect(header).not.toHaveProperty('kid');
    expect((await initialize(r.mcpUrl, bearer(access_token))).status).toBe(200);

    r.server.updateProfile({ tokenValidation: 'jwks-only' });
    const refused = await initialize(r.mcpUrl, bearer(access_token));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(refused.json.error_description).toMatch(/kid/);
  });

  it("'jwks-only' still accepts a signed JWT", async () => {
    const r = await start({ accessTokenFormat: 'jwt', tokenValidation: 'jwks-only', consent: 'auto' });
    const { access_token } = await obtainToken(r);
    expect((await initialize(r.mcpUrl, bearer(access_token))).status).toBe(200);
  });

  it('accessTokenLifetimeSeconds is the expires_in of the token response and the JWT lifetime', async () => {
    const r = await start({ accessTokenLifetimeSeconds: 1234, consent: 'auto' });
    const token = await obtainToken(r);
    expect(token.expires_in).toBe(1234);
    const claims = decodeSegment(token.access_token.split('.')[1]!);
    expect(claims.exp - claims.iat).toBe(1234);
  });
});

// ---- consent ------------------------------------------------------------------------------------

describe('consent', () => {
  it("'manual' shows the HTML consent page, 'auto' redirects with a code at once", async () => {
    const r = await start({ consent: 'manual' });
    const clientId = await registerClient(r);
    const { challenge } = pkce();
    const page = await fetch(authorizationUrl(r, clientId, challenge), { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/<form method="post"[\s\S]*name="transaction"/);

    r.server.updateProfile({ consent: 'auto' });
    const redirected = await fetch(authorizationUrl(r, clientId, challenge), { redirect: 'manual' });
    expect(redirected.status).toBe(302);
    const location = new URL(redirected.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('code')).toBeTruthy();
    expect(location.searchParams.get('state')).toBe('state-1');
    expect(location.searchParams.get('iss')).toBe(r.origin);
  });
});

// ---- protocolVersion ----------------------------------------------------------------------------

describe('protocolVersion', () => {
  it.each([
    ['negotiate', '2025-06-18', '2025-06-18'],
    ['negotiate', '2024-11-05', '2024-11-05'],
    ['negotiate', '2025-11-25', '2025-11-25'],
    ['negotiate', '1999-01-01', '2025-11-25'],
    ['2025-06-18', '2025-11-25', '2025-06-18'],
    ['2025-06-18', '2024-11-05', '2025-06-18'],
    ['2025-06-18', '1999-01-01', '2025-06-18'],
  ] as const)('%s: initialize asking %s is answered %s', async (setting, requested, answered) => {
    const r = await start({ ...OPEN, protocolVersion: setting });
    const res = await initialize(r.mcpUrl, {}, requested);
    expect(res.status).toBe(200);
    expect(res.json.result.protocolVersion).toBe(answered);
  });
});

// ---- postResponse and acceptCheck ---------------------------------------------------------------

describe('postResponse', () => {
  it("'sse' answers requests with text/event-stream carrying the JSON-RPC response (session id in the headers)", async () => {
    const r = await start({ ...OPEN, postResponse: 'sse' });
    const init = await initialize(r.mcpUrl);
    expect(init.headers.get('content-type')).toBe('text/event-stream');
    expect(init.headers.get('mcp-session-id')).toBeTruthy();
    expect(init.json).toHaveLength(1);
    expect(init.json[0].result.serverInfo.name).toBe('mcp-handshake-inspector-reference');

    const call = request('tools/call', { name: 'echo', arguments: { message: 'over sse' } });
    const res = await rpc(r.mcpUrl, call, { 'Mcp-Session-Id': init.headers.get('mcp-session-id')! });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.json).toEqual([{ jsonrpc: '2.0', id: call.id, result: { content: [{ type: 'text', text: 'over sse' }] } }]);
  });

  it("'json' answers the same request with one application/json body; 'sse' falls back to JSON for Accept: application/json", async () => {
    const r = await start({ ...OPEN, postResponse: 'json', sessionId: 'omit' });
    const json = await rpc(r.mcpUrl, request('tools/list'));
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(json.json.result.tools).toBeDefined();
    r.server.updateProfile({ postResponse: 'sse' });
    const jsonOnly = await rpc(r.mcpUrl, request('tools/list'), { Accept: 'application/json' });
    expect(jsonOnly.headers.get('content-type')).toBe('application/json');
    const sse = await rpc(r.mcpUrl, request('tools/list'));
    expect(sse.headers.get('content-type')).toBe('text/event-stream');
  });
});

describe('acceptCheck', () => {
  it("'strict' needs both types: Accept: application/json alone → 406", async () => {
    const r = await start({ ...OPEN, acceptCheck: 'strict', sessionId: 'omit' });
    const refused = await rpc(r.mcpUrl, request('tools/list'), { Accept: 'application/json' });
    expect(refused.status).toBe(406);
    expect(refused.json.error.code).toBe(-32000);
    expect((await rpc(r.mcpUrl, request('tools/list'), { Accept: '*/*' })).status).toBe(406);
    expect((await rpc(r.mcpUrl, request('tools/list'), { Accept: ACCEPT_BOTH })).status).toBe(200);
  });

  it.each(['*/*', 'application/json', 'text/event-stream', 'application/*'])("'lenient' accepts Accept: %s", async (accept) => {
    const r = await start({ ...OPEN, acceptCheck: 'lenient', sessionId: 'omit' });
    expect((await rpc(r.mcpUrl, request('tools/list'), { Accept: accept })).status).toBe(200);
  });

  it("'lenient' still refuses Accept: text/html with 406", async () => {
    const r = await start({ ...OPEN, acceptCheck: 'lenient', sessionId: 'omit' });
    const res = await rpc(r.mcpUrl, request('tools/list'), { Accept: 'text/html' });
    expect(res.status).toBe(406);
    expect(res.json.error.message).toMatch(/Not Acceptable/);
  });
});

// ---- latency, body cap --------------------------------------------------------------------------

describe('latencyMs and maxBodyBytes', () => {
  it('latencyMs delays every answer by at least that long', async () => {
    const latency = 200;
    const r = await start({ ...OPEN, latencyMs: latency });
    const started = performance.now();
    const res = await initialize(r.mcpUrl);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    // Lower bound only; 1 ms of slack for timer granularity (timers may fire up to 1 ms early).
    expect(elapsed).toBeGreaterThanOrEqual(latency - 1);
  });

  it('maxBodyBytes answers 413 above the cap and serves bodies below it', async () => {
    const r = await start({ ...OPEN, sessionId: 'omit', maxBodyBytes: 1024 });
    const echo = (size: number) => request('tools/call', { name: 'echo', arguments: { message: 'x'.repeat(size) } });
    const small = await rpc(r.mcpUrl, echo(800));
    expect(small.status).toBe(200);
    const big = await rpc(r.mcpUrl, echo(1100));
    expect(big.status).toBe(413);
    expect(big.json).toMatchObject({ id: null, error: { code: -32600 } });
  });
});

// ---- era ----------------------------------------------------------------------------------------

describe('era', () => {
  const discover = () => ({
    jsonrpc: '2.0',
    id: nextId++,
    method: 'server/discover',
    params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } },
  });
  const modernHeaders = { 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'server/discover' };

  it("'auto' serves both initialize and server/discover on /mcp", async () => {
    const r = await start({ ...OPEN, era: 'auto' });
    expect((await initialize(r.mcpUrl)).json.result.protocolVersion).toBe('2025-11-25');
    const res = await rpc(r.mcpUrl, discover(), modernHeaders);
    expect(res.status).toBe(200);
    expect(res.json.result.supportedVersions).toEqual(['2026-07-28']);
  });

  it("'session' treats a 2026-07-28 request as a session-era one (400, no session)", async () => {
    const r = await start({ ...OPEN, era: 'session' });
    const res = await rpc(r.mcpUrl, discover(), modernHeaders);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe(-32000);
    expect((await initialize(r.mcpUrl)).status).toBe(200);
  });

  it("'stateless' refuses initialize with -32022 and serves server/discover", async () => {
    const r = await start({ ...OPEN, era: 'stateless' });
    const res = await initialize(r.mcpUrl);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: -32022, data: { supported: ['2026-07-28'] } });
    expect((await rpc(r.mcpUrl, discover(), modernHeaders)).status).toBe(200);
  });
});

// ---- presets and runtime changes ----------------------------------------------------------------

describe('presets', () => {
  it('every preset applies on top of the spec profile without error', async () => {
    const r = await start();
    expect(PRESETS.length).toBeGreaterThan(0);
    for (const preset of PRESETS) {
      const profile = r.server.applyPreset(preset.id);
      expect(profile, preset.id).toEqual({ ...SPEC_PROFILE, ...preset.profile });
      expect(r.server.profile).toBe(profile);
    }
    expect(() => r.server.applyPreset('no-such-preset')).toThrow(UnknownPresetError);
  });

  it('reference-001-before-fixes: its own jwe-like token is refused on initialize; without auth it answers 204 and 501', async () => {
    const r = await start({}, 'reference-001-before-fixes');
    const { access_token } = await obtainToken(r); // consent stays manual: the form is submitted
    expect(access_token.split('.')).toHaveLength(5);
    const refused = await initialize(r.mcpUrl, bearer(access_token));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain(`resource_metadata="${r.origin}/.well-known/oauth-protected-resource"`);

    r.server.updateProfile({ tokenRequired: 'none' });
    const init = await initialize(r.mcpUrl);
    expect(init.json.result.protocolVersion).toBe('2025-06-18');
    const headers = { 'Mcp-Session-Id': init.headers.get('mcp-session-id')! };
    const initialized = await rpc(r.mcpUrl, notification('notifications/initialized'), headers);
    expect(initialized.status).toBe(204);
    expect(initialized.text).toBe('');
    expect((await get(r.mcpUrl, { ...headers, Accept: 'text/event-stream' })).status).toBe(501);
  });
});

describe('runtime profile changes', () => {
  it('updateProfile between two requests changes the answer; an invalid patch throws and changes nothing', async () => {
    const r = await start({ ...OPEN, notificationStatus: 202 });
    const headers = { 'Mcp-Session-Id': (await initialize(r.mcpUrl)).headers.get('mcp-session-id')! };
    expect((await rpc(r.mcpUrl, notification('notifications/initialized'), headers)).status).toBe(202);

    r.server.updateProfile({ notificationStatus: 200 });
    expect((await rpc(r.mcpUrl, notification('notifications/initialized'), headers)).status).toBe(200);

    expect(() => r.server.updateProfile({ notificationStatus: 418 })).toThrow(InvalidProfileError);
    expect(() => r.server.updateProfile({ notificationStatus: 418 })).toThrow(/notificationStatus/);
    expect(() => r.server.updateProfile({ getStream: 'sse', latencyMs: -5 })).toThrow(/latencyMs/);
    expect(() => r.server.updateProfile({ tokenRequiredd: 'none' })).toThrow(/tokenRequiredd/);
    expect(r.server.profile.notificationStatus).toBe(200);
    expect((await rpc(r.mcpUrl, notification('notifications/initialized'), headers)).status).toBe(200);
  });
});

import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeHeaderValue } from '../../src/shared/mcpHeaders';
import type { BehaviorProfile } from '../../src/shared/profile';
import { startReferenceServer, type RunningServer } from '../helpers/server';

// The 2026-07-28 ("stateless") era on the same /mcp endpoint, spoken by raw fetch: every
// request carries the `_meta` envelope plus MCP-Protocol-Version / Mcp-Method / Mcp-Name
// headers, there is no initialize and no Mcp-Session-Id, and errors use the new codes
// (-32020 header mismatch, -32022 unsupported version) with HTTP 400.

const MODERN = '2026-07-28';
const META_VERSION = 'io.modelcontextprotocol/protocolVersion';
const META_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
const META_CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
const META_SERVER_INFO = 'io.modelcontextprotocol/serverInfo';
/** Which body field Mcp-Name mirrors, per method. */
const NAME_SOURCE: Record<string, string> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(profile: Partial<BehaviorProfile> = {}): Promise<RunningServer> {
  running = await startReferenceServer({ profile: { tokenRequired: 'none', ...profile } });
  return running;
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

async function post(body: unknown, headers: Record<string, string>): Promise<Reply> {
  const res = await fetch(running!.mcpUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').startsWith('application/json') ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, text, json };
}

let nextId = 1;

interface ModernOptions {
  /** Replaces (or, with undefined, removes) keys of the `_meta` envelope. */
  meta?: Record<string, unknown>;
  /** Replaces (or, with undefined, removes) the derived request headers. */
  headers?: Record<string, string | undefined>;
}

/** The envelope a 2026-07-28 client puts in every request's `params._meta`. */
function envelope(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    [META_VERSION]: MODERN,
    [META_CAPABILITIES]: {},
    [META_CLIENT_INFO]: { name: 'stateless-era-test', version: '1.0.0' },
    ...overrides,
  };
  for (const [key, value] of Object.entries(meta)) if (value === undefined) delete meta[key];
  return meta;
}

/** Builds a 2026-07-28 request the way the 2.x client does (body + derived headers), with optional tampering. */
function modernRequest(method: string, params: Record<string, unknown> = {}, options: ModernOptions = {}) {
  const body = { jsonrpc: '2.0', id: nextId++, method, params: { ...params, _meta: envelope(options.meta) } };
  const source = NAME_SOURCE[method];
  const headers: Record<string, string | undefined> = {
    'MCP-Protocol-Version': MODERN,
    'Mcp-Method': method,
    ...(source ? { 'Mcp-Name': String(params[source]) } : {}),
    ...options.headers,
  };
  const sent = Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return { body, headers: sent };
}

async function modern(method: string, params: Record<string, unknown> = {}, options: ModernOptions = {}): Promise<Reply & { id: number }> {
  const { body, headers } = modernRequest(method, params, options);
  return { ...(await post(body, headers)), id: body.id };
}

const base64Sentinel = (value: string) => `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;

function expectError(res: Reply, status: number, code: number): void {
  expect(res.status).toBe(status);
  expect(res.json.jsonrpc).toBe('2.0');
  expect(res.json.error.code).toBe(code);
  expect(res.json.result).toBeUndefined();
}

// ---- server/discover ----------------------------------------------------------------------------

describe('server/discover', () => {
  it('answers the full DiscoverResult with cache hints and serverInfo in _meta, and no session', async () => {
    await start();
    const res = await modern('server/discover');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('mcp-session-id')).toBeNull();
    expect(res.json).toMatchObject({ jsonrpc: '2.0', id: res.id });
    const result = res.json.result;
    expect(result.supportedVersions).toEqual([MODERN]);
    expect(result.capabilities).toMatchObject({ tools: expect.any(Object), resources: expect.any(Object), prompts: expect.any(Object) });
    expect(result.resultType).toBe('complete');
    expect(result.ttlMs).toBe(0);
    expect(result.cacheScope).toBe('private');
    expect(result._meta[META_SERVER_INFO]).toMatchObject({ name: 'mcp-handshake-inspector-reference', version: expect.any(String) });
    expect(result).not.toHaveProperty('serverInfo');
    expect(running!.server.sessions.size).toBe(0);
  });

  it('without a token (tokenRequired all) is a 401 with the challenge, which a 2.x client treats as auth, not fallback', async () => {
    await start({ tokenRequired: 'all' });
    const res = await modern('server/discover');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${running!.origin}/.well-known/oauth-protected-resource/mcp", scope="mcp"`);
  });

  it('tools/list carries resultType and cache hints too', async () => {
    await start();
    const res = await modern('tools/list');
    expect(res.status).toBe(200);
    expect(res.json.result).toMatchObject({ resultType: 'complete', ttlMs: 0, cacheScope: 'private' });
    expect(res.json.result.tools.map((t: { name: string }) => t.name)).toContain('echo');
  });
});

// ---- Mcp-Name / Mcp-Method / MCP-Protocol-Version ----------------------------------------------

describe('standard request headers', () => {
  const echo = { name: 'echo', arguments: { message: 'stateless hello' } };

  it('tools/call with a matching Mcp-Name → 200 with the result and resultType', async () => {
    await start();
    const res = await modern('tools/call', echo);
    expect(res.status).toBe(200);
    expect(res.headers.get('mcp-session-id')).toBeNull();
    expect(res.json.result).toMatchObject({ content: [{ type: 'text', text: 'stateless hello' }], resultType: 'complete' });
    expect(res.json.result._meta[META_SERVER_INFO].name).toBe('mcp-handshake-inspector-reference');
    expect(res.json.result).not.toHaveProperty('ttlMs'); // tools/call results are not cacheable
  });

  it('Mcp-Name that differs from params.name → 400 -32020', async () => {
    await start();
    const res = await modern('tools/call', echo, { headers: { 'Mcp-Name': 'add' } });
    expectError(res, 400, -32020);
    expect(res.json.id).toBe(res.id);
    expect(res.json.error.data).toMatchObject({ value: 'add', expected: 'echo' });
  });

  it('Mcp-Name missing → 400 -32020', async () => {
    await start();
    expectError(await modern('tools/call', echo, { headers: { 'Mcp-Name': undefined } }), 400, -32020);
  });

  it('Mcp-Name in the base64 sentinel form is decoded before comparing', async () => {
    await start();
    const res = await modern('tools/call', echo, { headers: { 'Mcp-Name': base64Sentinel('echo') } });
    expect(res.status).toBe(200);
    expect(res.json.result.content[0].text).toBe('stateless hello');
    // A non-ASCII uri can only travel encoded; the decoded value is compared with params.uri.
    const uri = 'inspector://people/Zoë Ünïcode';
    const read = await modern('resources/read', { uri }, { headers: { 'Mcp-Name': base64Sentinel(uri) } });
    expect(read.status).toBe(200);
    expect(read.json.error.code).toBe(-32602); // not on the list: in-band, after the header check passed
    // …and a sentinel that decodes to something else is still a mismatch.
    expectError(await modern('tools/call', echo, { headers: { 'Mcp-Name': base64Sentinel('add') } }), 400, -32020);
  });

  it('Mcp-Name mirrors params.uri for resources/read and params.name for prompts/get', async () => {
    await start();
    const read = await modern('resources/read', { uri: 'inspector://docs/handshake' });
    expect(read.status).toBe(200);
    expect(read.json.result.contents[0].text).toContain('handshake');
    expectError(await modern('resources/read', { uri: 'inspector://docs/handshake' }, { headers: { 'Mcp-Name': 'handshake' } }), 400, -32020);
    const prompt = await modern('prompts/get', { name: 'explain_step', arguments: { step: 'discovery' } });
    expect(prompt.status).toBe(200);
    expectError(await modern('prompts/get', { name: 'explain_step', arguments: { step: 'x' } }, { headers: { 'Mcp-Name': 'other' } }), 400, -32020);
  });

  it('Mcp-Method that differs from the body method → 400 -32020; missing → 400 -32020', async () => {
    await start();
    expectError(await modern('tools/list', {}, { headers: { 'Mcp-Method': 'prompts/list' } }), 400, -32020);
    expectError(await modern('tools/list', {}, { headers: { 'Mcp-Method': undefined } }), 400, -32020);
  });

  it('MCP-Protocol-Version missing, or different from _meta → 400 -32020', async () => {
    await start();
    expectError(await modern('tools/list', {}, { headers: { 'MCP-Protocol-Version': undefined } }), 400, -32020);
    expectError(await modern('tools/list', {}, { headers: { 'MCP-Protocol-Version': '2025-11-25' } }), 400, -32020);
  });
});

describe('header defects (issue 13)', () => {
  it('a body version the server does not support, under a header that names another → 400 -32020 (headers are checked before the version)', async () => {
    await start();
    const res = await modern('server/discover', {}, { meta: { [META_VERSION]: 'v999.0.0' } });
    expectError(res, 400, -32020);
    expect(res.json.error.data).toMatchObject({ header: 'MCP-Protocol-Version', value: MODERN, expected: 'v999.0.0' });
  });

  it('Mcp-Method naming another method → 400 -32020 even when the body version is unsupported too', async () => {
    await start();
    const res = await modern('tools/list', {}, { meta: { [META_VERSION]: '2099-01-01' }, headers: { 'MCP-Protocol-Version': '2099-01-01', 'Mcp-Method': 'prompts/list' } });
    expectError(res, 400, -32020);
    expect(res.json.error.data).toMatchObject({ header: 'Mcp-Method', value: 'prompts/list', expected: 'tools/list' });
  });

  it('header values with surrounding whitespace are accepted, sent byte for byte over a raw socket', async () => {
    await start();
    const { body, headers } = modernRequest('tools/call', { name: 'echo', arguments: { message: 'hi' } });
    const payload = JSON.stringify(body);
    const { port } = new URL(running!.mcpUrl);
    const lines = [
      'POST /mcp HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Content-Type: application/json',
      'Accept: application/json, text/event-stream',
      `MCP-Protocol-Version: \t${headers['MCP-Protocol-Version']}  `,
      `Mcp-Method:   ${headers['Mcp-Method']}\t`,
      `Mcp-Name:  ${headers['Mcp-Name']} `,
      `Content-Length: ${Buffer.byteLength(payload)}`,
      'Connection: close',
    ];
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(`${lines.join('\r\n')}\r\n\r\n${payload}`));
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
    });
    expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    const json = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
    expect(json.result.content).toEqual([{ type: 'text', text: 'hi' }]);
  });

  it('decodeHeaderValue trims optional whitespace around plain and base64-sentinel values (RFC 9110 section 5.5)', () => {
    expect(decodeHeaderValue(' \ttools/call \t')).toBe('tools/call');
    expect(decodeHeaderValue(`  ${base64Sentinel('héllo')} `)).toBe('héllo');
    expect(decodeHeaderValue('a b')).toBe('a b');
  });
});

// ---- the envelope -------------------------------------------------------------------------------

describe('_meta envelope', () => {
  it("an unsupported _meta protocolVersion → 400 -32022 with data.supported and data.requested", async () => {
    await start();
    const res = await modern('server/discover', {}, { meta: { [META_VERSION]: '2099-01-01' }, headers: { 'MCP-Protocol-Version': '2099-01-01' } });
    expectError(res, 400, -32022);
    expect(res.json.error.data).toEqual({ supported: [MODERN], requested: '2099-01-01' });
  });

  it('missing clientCapabilities → 400 -32602', async () => {
    await start();
    const res = await modern('tools/list', {}, { meta: { [META_CAPABILITIES]: undefined } });
    expectError(res, 400, -32602);
    expect(res.json.error.message).toContain(META_CAPABILITIES);
  });

  it('a 2026-07-28 header on a request without the envelope → 400 -32602', async () => {
    await start();
    const res = await post({ jsonrpc: '2.0', id: nextId++, method: 'tools/list' }, { 'MCP-Protocol-Version': MODERN, 'Mcp-Method': 'tools/list' });
    expectError(res, 400, -32602);
  });
});

// ---- methods ------------------------------------------------------------------------------------

describe('methods of the stateless era', () => {
  it.each(['no/such/method', 'ping', 'logging/setLevel', 'initialize'])('%s → 404 -32601', async (method) => {
    await start();
    const res = await modern(method);
    expectError(res, 404, -32601);
    expect(res.json.id).toBe(res.id);
  });

  it('resources/read of an unknown uri → 200 with -32602 in-band (not -32002)', async () => {
    await start();
    const res = await modern('resources/read', { uri: 'inspector://nowhere' });
    expectError(res, 200, -32602);
  });

  it('a notification with the 2026-07-28 header → 202, no body', async () => {
    await start();
    const res = await post({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } }, { 'MCP-Protocol-Version': MODERN, 'Mcp-Method': 'notifications/progress' });
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
  });

  it('a batch → 400', async () => {
    await start();
    const a = modernRequest('tools/list');
    const b = modernRequest('prompts/list');
    const res = await post([a.body, b.body], a.headers);
    expectError(res, 400, -32600);
  });
});

// ---- era pins -----------------------------------------------------------------------------------

describe("profile era", () => {
  it("'stateless': initialize → 400 -32022 naming the supported versions; GET /mcp → 405; modern requests work", async () => {
    await start({ era: 'stateless' });
    const init = await post(
      { jsonrpc: '2.0', id: nextId++, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'legacy', version: '1' } } },
      {},
    );
    expectError(init, 400, -32022);
    expect(init.json.error.data).toMatchObject({ supported: [MODERN], requested: '2025-11-25' });
    expect(init.headers.get('mcp-session-id')).toBeNull();

    const getStream = await fetch(running!.mcpUrl, { headers: { Accept: 'text/event-stream' } });
    expect(getStream.status).toBe(405);
    expect(getStream.headers.get('allow')).toBe('POST');
    expect((await fetch(running!.mcpUrl, { method: 'DELETE' })).status).toBe(405);

    expect((await modern('tools/list')).status).toBe(200);
  });

  it("'session': a 2026-07-28 request is taken as session era → 400 (no Mcp-Session-Id), the 2.x client's cue to fall back", async () => {
    await start({ era: 'session' });
    const res = await modern('server/discover');
    expectError(res, 400, -32000);
    expect(res.json.error.message).toMatch(/Mcp-Session-Id/);
    // The fallback the 2.x client then performs works on the same endpoint.
    const init = await post(
      { jsonrpc: '2.0', id: nextId++, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'fallback', version: '1' } } },
      {},
    );
    expect(init.status).toBe(200);
    expect(init.headers.get('mcp-session-id')).toBeTruthy();
  });

  it("'auto': the same endpoint serves a modern request statelessly and initialize with a session", async () => {
    await start({ era: 'auto' });
    const discover = await modern('server/discover');
    expect(discover.status).toBe(200);
    expect(discover.headers.get('mcp-session-id')).toBeNull();
    const init = await post(
      { jsonrpc: '2.0', id: nextId++, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'legacy', version: '1' } } },
      {},
    );
    expect(init.headers.get('mcp-session-id')).toBeTruthy();
    // initialize that claims the modern header is contradictory.
    const mixed = await post(
      { jsonrpc: '2.0', id: nextId++, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } },
      { 'MCP-Protocol-Version': MODERN },
    );
    expectError(mixed, 400, -32020);
  });
});

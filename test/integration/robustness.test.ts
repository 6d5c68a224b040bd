import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { BehaviorProfile } from '../../src/shared/profile';
import { startReferenceServer, type RunningServer } from '../helpers/server';

// Malformed, oversized and abandoned requests against the reference server over real sockets.
// Each is answered with a clean status and body, and the same server then serves a good
// request: nothing crashes, nothing is left half-broken.

const ACCEPT_BOTH = 'application/json, text/event-stream';
const CAP = 1024;

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(profile: Partial<BehaviorProfile> = {}): Promise<RunningServer> {
  running = await startReferenceServer({ profile: { tokenRequired: 'none', maxBodyBytes: CAP, ...profile } });
  return running;
}

// ---- wire helpers -----------------------------------------------------------------------------

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

let nextId = 1;
const request = (method: string, params?: Record<string, unknown>) => ({ jsonrpc: '2.0', id: nextId++, method, ...(params ? { params } : {}) });

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').startsWith('application/json') ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, text, json };
}

/** POSTs a body (object → JSON, string/Buffer → as is) to a path of the server. */
async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const res = await fetch(`${running!.origin}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: ACCEPT_BOTH, ...headers },
    body: raw as BodyInit,
  });
  return reply(res);
}

/** A session-era session; returns the headers its requests carry. */
async function initializeSession(): Promise<Record<string, string>> {
  const init = await post('/mcp', request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'robustness', version: '1' } }));
  expect(init.status).toBe(200);
  const headers = { 'Mcp-Session-Id': init.headers.get('mcp-session-id')!, 'MCP-Protocol-Version': '2025-11-25' };
  expect((await post('/mcp', { jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).status).toBe(202);
  return headers;
}

/** The server still serves: a fresh session lists its tools and calls one. */
async function expectStillServing(): Promise<void> {
  const headers = await initializeSession();
  const call = request('tools/call', { name: 'add', arguments: { a: 1, b: 2 } });
  const res = await post('/mcp', call, headers);
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ id: call.id, result: { structuredContent: { sum: 3 } } });
}

const httpServerOf = (r: RunningServer): Server => (r.server as unknown as { httpServer: Server }).httpServer;

/** A raw node:http request to the server, without keep-alive pooling; errors after the answer are expected. */
function rawRequest(method: string, path: string, headers: Record<string, string>) {
  const req = httpRequest(`${running!.origin}${path}`, { method, headers, agent: false });
  const errors: Error[] = [];
  req.on('error', (err) => errors.push(err));
  const response = once(req, 'response').then(([res]) => res as IncomingMessage);
  response.catch(() => undefined); // a test that destroys the request never awaits its response
  return { req, response, errors };
}

async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// ---- malformed JSON-RPC -------------------------------------------------------------------------

describe('malformed bodies', () => {
  it('invalid JSON → 400 with -32700 and id null', async () => {
    await start();
    const res = await post('/mcp', '{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
    await expectStillServing();
  });

  it.each([
    ['an object that is not JSON-RPC', { foo: 1 }],
    ['an empty batch', []],
    ['jsonrpc 1.0', { jsonrpc: '1.0', id: 1, method: 'tools/list' }],
    ['a request with id null', { jsonrpc: '2.0', id: null, method: 'tools/list' }],
    ['a non-string method', { jsonrpc: '2.0', id: 1, method: 42 }],
    ['array params', { jsonrpc: '2.0', id: 1, method: 'tools/list', params: [1] }],
    ['a bare string', '"hello"'],
    ['a batch with one bad member', [{ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { foo: 1 }]],
  ])('%s → 400 with -32600', async (_name, body) => {
    await start();
    const res = await post('/mcp', typeof body === 'string' ? body : JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    await expectStillServing();
  });

  it('bytes that are not UTF-8 → 400 with -32700, whether garbage or inside a JSON string', async () => {
    await start();
    const garbage = Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0x80, 0xc3, 0x28]);
    const first = await post('/mcp', garbage);
    expect(first.status).toBe(400);
    expect(first.json.error.code).toBe(-32700);

    const headers = await initializeSession();
    const valid = Buffer.from(JSON.stringify(request('tools/call', { name: 'echo', arguments: { message: 'AB' } })));
    const bad = Buffer.from(valid.toString('latin1').replace('AB', 'A\u00ffB'), 'latin1'); // a lone 0xFF byte
    expect(bad.includes(0xff)).toBe(true);
    const second = await post('/mcp', bad, headers);
    expect(second.status).toBe(400);
    expect(second.json.error.code).toBe(-32700);
    await expectStillServing();
  });

  it.each([
    ['a string', 'oops'],
    ['a number', 5],
    ['null', null],
    ['an array', ['io.modelcontextprotocol/protocolVersion']],
  ])('params._meta that is %s is not a server error', async (_name, meta) => {
    await start();
    const headers = await initializeSession();
    const res = await post('/mcp', request('tools/list', { _meta: meta }), headers);
    expect(res.status).toBeLessThan(500);
    expect(res.json.error?.code ?? 0).not.toBe(-32603);
    await expectStillServing();
  });

  it('unknown method in the session era → HTTP 200 with -32601 in-band', async () => {
    await start();
    const headers = await initializeSession();
    const call = request('no/such/method');
    const res = await post('/mcp', call, headers);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: call.id, error: { code: -32601 } });
    await expectStillServing();
  });

  it('tools/call of an unknown tool → -32602; resources/read of an unknown uri → -32002 (session era)', async () => {
    await start();
    const headers = await initializeSession();
    const tool = await post('/mcp', request('tools/call', { name: 'no_such_tool', arguments: {} }), headers);
    expect(tool.status).toBe(200);
    expect(tool.json.error).toMatchObject({ code: -32602, message: expect.stringContaining('no_such_tool') });
    const resource = await post('/mcp', request('resources/read', { uri: 'inspector://nowhere' }), headers);
    expect(resource.status).toBe(200);
    expect(resource.json.error).toMatchObject({ code: -32002, message: expect.stringContaining('inspector://nowhere') });
    await expectStillServing();
  });
});

// ---- HTTP-level problems ------------------------------------------------------------------------

describe('HTTP-level problems', () => {
  it.each([
    ['text/plain', { 'Content-Type': 'text/plain' }],
    ['form-encoded', { 'Content-Type': 'application/x-www-form-urlencoded' }],
  ])('Content-Type %s → 415', async (_name, headers) => {
    await start();
    const res = await post('/mcp', request('tools/list'), headers);
    expect(res.status).toBe(415);
    expect(res.json.error.code).toBe(-32000);
    await expectStillServing();
  });

  it('Content-Type application/json with a charset parameter is accepted', async () => {
    await start();
    const res = await post('/mcp', request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } }), {
      'Content-Type': 'application/json; charset=utf-8',
    });
    expect(res.status).toBe(200);
  });

  it('a body over the cap with Content-Length → 413 before it is read', async () => {
    await start();
    const res = await post('/mcp', JSON.stringify(request('tools/call', { name: 'echo', arguments: { message: 'x'.repeat(CAP) } })));
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ id: null, error: { code: -32600 } });
    await expectStillServing();
  });

  it('a chunked body over the cap (no Content-Length) → 413 as soon as the cap is crossed, before the body ends', async () => {
    await start();
    const { req, response } = rawRequest('POST', '/mcp', { 'Content-Type': 'application/json', Accept: ACCEPT_BOTH, 'Transfer-Encoding': 'chunked' });
    req.write(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"`);
    req.write('y'.repeat(CAP / 2));
    req.write('y'.repeat(CAP / 2)); // the body is now past the cap; it is never ended
    const res = await response;
    expect(res.statusCode).toBe(413);
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expect(JSON.parse(await readAll(res))).toMatchObject({ error: { code: -32600 } });
    req.destroy();
    await expectStillServing();
  });

  it('a client that aborts mid-body does not crash the server', async () => {
    await start();
    const server = httpServerOf(running!);
    // Resolves when the server has received part of the body, and when its request closed.
    const received = new Promise<IncomingMessage>((resolve) => server.once('request', (req: IncomingMessage) => req.once('data', () => resolve(req))));
    const { req } = rawRequest('POST', '/mcp', { 'Content-Type': 'application/json', Accept: ACCEPT_BOTH, 'Content-Length': '500' });
    req.write('{"jsonrpc":"2.0","id":1,');
    const serverSide = await received;
    const closed = new Promise((resolve) => serverSide.once('close', resolve));
    req.destroy();
    await closed;
    await expectStillServing();
  });

  it('a client that drops its GET stream can open a new one for the same session', async () => {
    await start({ pingIntervalMs: 0 });
    const headers = await initializeSession();
    const server = httpServerOf(running!);
    const serverClosed = new Promise<void>((resolve) => server.once('request', (_req, res) => res.once('close', () => resolve())));
    const first = rawRequest('GET', '/mcp', { ...headers, Accept: 'text/event-stream' });
    first.req.end();
    expect((await first.response).statusCode).toBe(200);
    first.req.destroy();
    await serverClosed;
    const second = await fetch(running!.mcpUrl, { headers: { ...headers, Accept: 'text/event-stream' } });
    expect(second.status).toBe(200);
    await second.body!.cancel();
  });

  it('a second GET stream while one is open → 409', async () => {
    await start({ pingIntervalMs: 0 });
    const headers = await initializeSession();
    const first = await fetch(running!.mcpUrl, { headers: { ...headers, Accept: 'text/event-stream' } });
    expect(first.status).toBe(200);
    const second = await reply(await fetch(running!.mcpUrl, { headers: { ...headers, Accept: 'text/event-stream' } }));
    expect(second.status).toBe(409);
    await first.body!.cancel();
  });

  it('unknown path → 404 JSON', async () => {
    await start();
    const res = await reply(await fetch(`${running!.origin}/no/such/path`));
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: 'not_found' });
    await expectStillServing();
  });

  it('OPTIONS preflight → 204 with CORS headers, even when tokens are required', async () => {
    await start({ tokenRequired: 'all' });
    const res = await fetch(running!.mcpUrl, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:6274', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, mcp-session-id' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase();
    for (const header of ['authorization', 'content-type', 'mcp-session-id', 'mcp-protocol-version']) expect(allowed).toContain(header);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Mcp-Session-Id/);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/WWW-Authenticate/);
  });

  it.each(['/', '/mcp'])('HEAD %s → 200 with MCP-Protocol-Version and no body, without a token', async (path) => {
    await start({ tokenRequired: 'all' });
    const res = await fetch(`${running!.origin}${path}`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('mcp-protocol-version')).toBe('2025-11-25');
    expect(await res.text()).toBe('');
  });

  it('legacy /messages with an unknown sessionId → 404 JSON; without one → 400', async () => {
    await start();
    const unknown = await post('/messages?sessionId=does-not-exist', request('tools/list'));
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: { code: -32001 } });
    const missing = await post('/messages', request('tools/list'));
    expect(missing.status).toBe(400);
    await expectStillServing();
  });

  it('unsupported HTTP method on /mcp → 405 with Allow', async () => {
    await start();
    const res = await reply(await fetch(running!.mcpUrl, { method: 'PUT', body: '{}' }));
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('POST');
    await expectStillServing();
  });
});

// ---- batches ------------------------------------------------------------------------------------

describe('batches (session era)', () => {
  it('two requests in an array → an array of two responses, in order', async () => {
    await start();
    const headers = await initializeSession();
    const a = request('tools/call', { name: 'echo', arguments: { message: 'first' } });
    const b = request('tools/call', { name: 'add', arguments: { a: 20, b: 22 } });
    const res = await post('/mcp', [a, b], headers);
    expect(res.status).toBe(200);
    expect(res.json).toHaveLength(2);
    expect(res.json[0]).toMatchObject({ id: a.id, result: { content: [{ type: 'text', text: 'first' }] } });
    expect(res.json[1]).toMatchObject({ id: b.id, result: { structuredContent: { sum: 42 } } });
  });

  it('a batch with initialize and other messages → 400', async () => {
    await start();
    const init = request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } });
    const res = await post('/mcp', [init, request('tools/list')]);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ id: init.id, error: { code: -32600 } });
    expect(res.headers.get('mcp-session-id')).toBeNull();
    expect(running!.server.sessions.size).toBe(0);
    await expectStillServing();
  });
});

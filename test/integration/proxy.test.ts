import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { createServer as createHttpServer, request } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ReferenceServer } from '../../src/main/core/server';
import { startInspector } from '../helpers/inspector';
import { MemoryOAuthProvider } from '../helpers/oauthProvider';
import { completeAuthorization, startReferenceServer, type RunningServer } from '../helpers/server';

// The front door with real peers: the MCP SDK client in front, the reference server (or a
// misbehaving one) behind, everything on 127.0.0.1.

async function sdkHandshake(mcpUrl: string) {
  const url = new URL(mcpUrl);
  const provider = new MemoryOAuthProvider();
  const first = new StreamableHTTPClientTransport(url, { authProvider: provider });
  try {
    await new Client({ name: 'proxy-test', version: '1.0.0' }).connect(first);
    throw new Error('expected the first connect to need authorization');
  } catch (err) {
    if (!(err instanceof UnauthorizedError)) throw err;
  }
  const callback = await completeAuthorization(provider.authorizationUrls[0]!);
  await first.finishAuth(callback.searchParams.get('code')!);
  const client = new Client({ name: 'proxy-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
  return client;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });

describe('front door', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('carries the SDK client through the whole OAuth handshake and records every phase in order', async () => {
    const running = await startInspector();
    cleanups.push(running.close);
    const client = await sdkHandshake(running.info.mcpUrl);
    const result = await client.callTool({ name: 'echo', arguments: { message: 'via proxy' } });
    expect(result.content).toEqual([{ type: 'text', text: 'via proxy' }]);
    await client.close();

    const phases = running.ended.map((e) => e.classification.phase);
    const firstOf = (phase: string) => phases.indexOf(phase as never);
    expect(firstOf('jsonrpc')).toBeLessThan(firstOf('discovery'));
    expect(firstOf('discovery')).toBeLessThan(firstOf('registration'));
    expect(firstOf('registration')).toBeLessThan(firstOf('authorization'));
    expect(firstOf('authorization')).toBeLessThan(firstOf('token'));
    const labels = running.ended.map((e) => e.classification.label);
    expect(labels).toContain('Protected Resource Metadata (path-suffixed)');
    expect(labels).toContain('token: authorization_code');
    expect(labels).toContain('tools/call echo');
    const firstInitialize = running.ended.find((e) => e.classification.jsonRpc?.methods[0] === 'initialize')!;
    expect(firstInitialize.response?.status).toBe(401);
    expect(firstInitialize.classification.jsonRpc?.clientInfo?.name).toBe('proxy-test');
    expect(firstInitialize.client.label).toBe('proxy-test 1.0.0');
    const call = running.ended.find((e) => e.classification.label === 'tools/call echo')!;
    expect(call.classification.jsonRpcResponse?.kind).toBe('response');
    expect(call.correlations).toEqual([{ rpcId: expect.anything(), method: 'tools/call', requestExchangeId: call.id }]);
    // One client, one connection: discovery, registration, consent, token and MCP calls.
    const connections = new Set(running.ended.map((e) => running.inspector.connectionOf(e)));
    expect(connections.size).toBe(1);
  });

  it('pairs responses that arrive on the legacy /sse stream with the POSTs that asked, per connection', async () => {
    const running = await startInspector({ profile: { tokenRequired: 'none' } });
    cleanups.push(running.close);
    const clients = await Promise.all(
      ['a', 'b'].map(async (name) => {
        const client = new Client({ name: `legacy-${name}`, version: '1.0.0' });
        await client.connect(new SSEClientTransport(new URL(`${running.origin}/sse`), { requestInit: { headers: { 'user-agent': `legacy-${name}` } }, eventSourceInit: { fetch: (url, init) => fetch(url, { ...init, headers: { ...init?.headers, 'user-agent': `legacy-${name}` } }) } }));
        await client.listTools();
        return client;
      }),
    );
    for (const client of clients) await client.close();
    const streams = await Promise.all(['legacy-a', 'legacy-b'].map((ua) => running.waitForExchange((e) => e.classification.stream === 'legacy-sse' && e.request.headers['user-agent'] === ua)));
    for (const stream of streams) {
      const paired = stream.correlations ?? [];
      expect(paired.map((c) => c.method)).toEqual(['initialize', 'tools/list']);
      for (const correlation of paired) {
        const post = running.ended.find((e) => e.id === correlation.requestExchangeId)!;
        expect(post.request.headers['user-agent']).toBe(stream.request.headers['user-agent']);
        expect(stream.sseEvents.find((e) => e.index === correlation.sseEventIndex)?.data).toContain('"result"');
        expect(running.inspector.connectionOf(post)).toBe(running.inspector.connectionOf(stream));
      }
    }
    expect(running.inspector.connectionOf(streams[0]!)).not.toBe(running.inspector.connectionOf(streams[1]!));
  });

  it('rewrites an upstream that names its own origin, so the SDK client accepts its metadata', async () => {
    // The upstream believes it lives at http://localhost:<port>: its PRM `resource` says so.
    const upstream = await startReferenceServer();
    upstream.server.publicUrl = `http://localhost:${new URL(upstream.origin).port}`;
    cleanups.push(upstream.close);

    const upstreamUrl = upstream.server.publicUrl; // the developer gives the URL their server knows itself by
    const rewriting = await startInspector({ upstream: upstreamUrl });
    cleanups.push(rewriting.close);
    const client = await sdkHandshake(rewriting.info.mcpUrl);
    await client.close();
    const prm = rewriting.ended.find((e) => e.classification.discovery === 'protected-resource-suffixed')!;
    expect(prm.response?.body?.data).toContain(`"resource":"${rewriting.origin}/mcp"`);
    expect(prm.upstreamResponse?.body?.data).toContain(`"resource":"${upstream.server.publicUrl}/mcp"`);

    const plain = await startInspector({ upstream: upstreamUrl, rewriteOrigins: false });
    cleanups.push(plain.close);
    await expect(sdkHandshake(plain.info.mcpUrl)).rejects.toThrow(/does not match/);
  });

  it('forwards a GET stream event by event and records each SSE event', async () => {
    const running = await startInspector({ profile: { tokenRequired: 'none', pingIntervalMs: 15 } });
    cleanups.push(running.close);
    const init = await post(running.info.mcpUrl, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18' } });
    const sessionId = init.headers.get('mcp-session-id')!;
    const controller = new AbortController();
    const stream = await fetch(running.info.mcpUrl, { headers: { accept: 'text/event-stream', 'mcp-session-id': sessionId }, signal: controller.signal });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const reader = stream.body!.getReader();
    let text = '';
    while ((text.match(/: ping/g) ?? []).length < 3) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const exchange = await running.waitForExchange((e) => e.classification.stream === 'get-stream');
    expect(exchange.state).toBe('aborted');
    expect(exchange.sseEvents.filter((e) => e.kind === 'comment' && e.comment?.startsWith('ping')).length).toBeGreaterThanOrEqual(3);
  });

  it('applies a rule: notifications answered 204 instead of 202, the original kept', async () => {
    const running = await startInspector({
      profile: { tokenRequired: 'none' },
      rules: [{ id: 'n204', description: 'Notifications answered 204', enabled: true, match: [{ type: 'jsonrpc-method', methods: ['notifications/initialized'] }], steps: [{ type: 'set-status', status: 204 }] }],
    });
    cleanups.push(running.close);
    const init = await post(running.info.mcpUrl, { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} });
    const response = await post(running.info.mcpUrl, { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': init.headers.get('mcp-session-id')! });
    expect(response.status).toBe(204);
    const exchange = await running.waitForExchange((e) => e.classification.label === 'notifications/initialized');
    expect(exchange.response?.status).toBe(204);
    expect(exchange.upstreamResponse?.status).toBe(202);
    expect(exchange.appliedRules[0]?.explanation).toBe('Notifications answered 204: change the status to 204');
  });

  it('answers 502 with a reason when the upstream is down, and recovers when it is back', async () => {
    const upstream = await startReferenceServer({ profile: { tokenRequired: 'none' } });
    const port = Number(new URL(upstream.origin).port);
    await upstream.close();
    const running = await startInspector({ upstream: `http://127.0.0.1:${port}` });
    cleanups.push(running.close);
    const refused = await post(running.info.mcpUrl, { jsonrpc: '2.0', id: 1, method: 'ping' });
    expect(refused.status).toBe(502);
    expect((await refused.json()).message).toMatch(/refused the connection/);
    const failed = await running.waitForExchange((e) => e.state === 'failed');
    expect(failed.error?.kind).toBe('upstream-refused');

    const server = await ReferenceServer.create({ profile: { tokenRequired: 'none' } });
    await server.listen(port);
    cleanups.push(() => server.close());
    const ok = await post(running.info.mcpUrl, { jsonrpc: '2.0', id: 2, method: 'initialize', params: {} });
    expect(ok.status).toBe(200);
  });

  it('answers 502 for malformed HTTP from the upstream and keeps serving', async () => {
    const garbage: TcpServer = createTcpServer((socket) => socket.end('NOT HTTP AT ALL\r\n\r\n'));
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => void garbage.close());
    const running = await startInspector({ upstream: `http://127.0.0.1:${(garbage.address() as { port: number }).port}` });
    cleanups.push(running.close);
    const response = await post(running.info.mcpUrl, { jsonrpc: '2.0', id: 1, method: 'ping' });
    expect(response.status).toBe(502);
    const exchange = await running.waitForExchange((e) => e.state === 'failed');
    expect(exchange.error?.kind).toBe('upstream-malformed');
  });

  it('cuts the client stream and records the failure when the upstream dies mid-stream', async () => {
    let kill: (() => void) | undefined;
    const dying = createHttpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      kill = () => res.socket?.destroy();
    });
    await new Promise<void>((resolve) => dying.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => void dying.close());
    const running = await startInspector({ upstream: `http://127.0.0.1:${(dying.address() as { port: number }).port}` });
    cleanups.push(running.close);
    const response = await fetch(`${running.origin}/events`, { headers: { accept: 'text/event-stream' } });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: one\n\n');
    kill!();
    // The client's stream ends (cut, as the upstream's was) instead of hanging.
    await reader.read().then(
      (r) => expect(r.done).toBe(true),
      (err: Error) => expect(err.message).toMatch(/terminated|aborted|closed/i),
    );
    const exchange = await running.waitForExchange((e) => e.request.url === '/events');
    expect(exchange.state).toBe('failed');
    expect(exchange.error?.kind).toBe('upstream-reset');
    expect(exchange.sseEvents[0]?.data).toBe('one');
  });

  it('keeps only --body-cap bytes of a body and says it was truncated', async () => {
    const running = await startInspector({ profile: { tokenRequired: 'none' }, bodyCap: 16 });
    cleanups.push(running.close);
    await post(running.info.mcpUrl, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18' } });
    const exchange = await running.waitForExchange((e) => e.request.method === 'POST');
    expect(exchange.response?.body).toMatchObject({ truncated: true, data: expect.stringMatching(/^.{16}$/s) });
    expect(exchange.response!.body!.size).toBeGreaterThan(16);
  });

  it('records malformed JSON-RPC and non-UTF-8 bodies as they came, and serves the next request', async () => {
    const running = await startInspector({ profile: { tokenRequired: 'none' } });
    cleanups.push(running.close);
    const bad = await fetch(running.info.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc": "2.0", "id": 1, "method": ' });
    expect(bad.status).toBe(400);
    const binary = await fetch(running.info.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array([0xff, 0xfe, 0x00, 0x7b]) });
    expect(binary.status).toBe(400);
    const [parseError, notUtf8] = await Promise.all([
      running.waitForExchange((e) => e.request.body?.data.startsWith('{"jsonrpc": "2.0"') ?? false),
      running.waitForExchange((e) => e.request.body?.encoding === 'base64'),
    ]);
    expect(parseError.classification.jsonRpcResponse?.errors?.[0]?.code).toBe(-32700);
    expect(Buffer.from(notUtf8.request.body!.data, 'base64')).toEqual(Buffer.from([0xff, 0xfe, 0x00, 0x7b]));
    const next = await post(running.info.mcpUrl, { jsonrpc: '2.0', id: 2, method: 'initialize', params: {} });
    expect(next.status).toBe(200);
  });

  it('streams a 50 MB request body through, keeps 1 MiB of it, and serves the next request', async () => {
    const running = await startInspector({ profile: { tokenRequired: 'none' } });
    cleanups.push(running.close);
    const size = 50 * 1024 * 1024;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${running.origin}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': size } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i < 50; i++) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
    const exchange = await running.waitForExchange((e) => e.response?.status === 413);
    expect(exchange.request.body?.size).toBe(size);
    expect(exchange.request.body?.truncated).toBe(true);
    const next = await post(running.info.mcpUrl, { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} });
    expect(next.status).toBe(200);
  });
});

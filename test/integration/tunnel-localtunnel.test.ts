import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import localtunnel from 'localtunnel';
import { afterEach, describe, expect, it } from 'vitest';
import type { TunnelOptions } from '../../src/main/core/tunnel';
import type { TunnelStatus } from '../../src/shared/tunnel';
import { CaptureStore } from '../../src/main/core/recorder/captureStore';
import { startInspector } from '../helpers/inspector';
import { FakeLocaltunnelServer, localhostResolveIPv4, tunnelFetch } from '../helpers/localtunnelServer';
import { MemoryOAuthProvider } from '../helpers/oauthProvider';
import { completeAuthorization } from '../helpers/server';
import { stateHistory, tunnelNote, tunnelState } from '../helpers/tunnel';
import { freePort } from '../helpers/ports';

// The real `localtunnel` client, driven by our provider, against a localtunnel-protocol server
// on 127.0.0.1 (test/helpers/localtunnelServer.ts). Public URLs are http://<id>.localhost:<port>,
// reached with a fetch that resolves *.localhost to 127.0.0.1.

type Running = Awaited<ReturnType<typeof startInspector>>;

describe('localtunnel through the inspector', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function tunnelServer(options: ConstructorParameters<typeof FakeLocaltunnelServer>[0] = {}): Promise<FakeLocaltunnelServer> {
    const server = await new FakeLocaltunnelServer(options).listen();
    cleanups.push(() => server.close());
    return server;
  }

  async function inspectorWithTunnel(tunnel: Partial<TunnelOptions>, options: Parameters<typeof startInspector>[0] = {}): Promise<Running> {
    const running = await startInspector({
      ...options,
      tunnel: {
        provider: 'localtunnel',
        fetch: tunnelFetch,
        resolveIPv4: localhostResolveIPv4,
        backoff: { initialMs: 20, maxMs: 100 },
        openTimeoutMs: 5000,
        sseSelfTest: { events: 4, intervalMs: 100 },
        ...tunnel,
      },
    });
    cleanups.push(() => running.close());
    return running;
  }

  it('comes up, names the public URL in all metadata, and the MCP SDK client completes OAuth and a tool call through it', async () => {
    const server = await tunnelServer();
    const { inspector, ended } = await inspectorWithTunnel({ host: server.origin });
    const up = await tunnelState(inspector, 'up');
    const publicUrl = up.publicUrl!;
    expect(publicUrl).toMatch(/^http:\/\/tunnel-\d+-[a-z0-9]+\.localhost:\d+$/);
    expect(up.mcpUrl).toBe(`${publicUrl}/mcp`);
    expect(up.pasteHint).toBe(`${publicUrl}/mcp → Claude.ai → Settings → Connectors → Add custom connector`);
    expect(up.maxConnections).toBe(10);
    expect(inspector.info?.mcpUrl).toBe(`${publicUrl}/mcp`);
    expect(stateHistory(inspector)).toEqual(['connecting', 'up']);

    // Issuer, resource, endpoints and resource_metadata follow the tunnel.
    const challenge = await tunnelFetch(`${publicUrl}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }) });
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('www-authenticate')).toContain(`resource_metadata="${publicUrl}/.well-known/oauth-protected-resource/mcp"`);
    const prm = (await (await tunnelFetch(`${publicUrl}/.well-known/oauth-protected-resource/mcp`)).json()) as { resource: string; authorization_servers: string[] };
    expect(prm.resource).toBe(`${publicUrl}/mcp`);
    const as = (await (await tunnelFetch(`${publicUrl}/.well-known/oauth-authorization-server`)).json()) as Record<string, string>;
    expect(as.issuer).toBe(publicUrl);
    expect(as.token_endpoint).toBe(`${publicUrl}/token`);

    // The unmodified SDK client: discovery → DCR → consent form → token → initialize → tools/call.
    const provider = new MemoryOAuthProvider();
    const url = new URL(up.mcpUrl!);
    const transport = () => new StreamableHTTPClientTransport(url, { authProvider: provider, fetch: tunnelFetch });
    const first = transport();
    await expect(new Client({ name: 'tunnel-test', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    const callback = await completeAuthorization(provider.authorizationUrls[0]!, 'approve', tunnelFetch);
    await first.finishAuth(callback.searchParams.get('code')!);
    const client = new Client({ name: 'tunnel-test', version: '1.0.0' });
    await client.connect(transport());
    const echoed = await client.callTool({ name: 'echo', arguments: { message: 'through the tunnel' } });
    expect(echoed.content).toEqual([{ type: 'text', text: 'through the tunnel' }]);
    await client.close();
    const claims = JSON.parse(Buffer.from(provider.savedTokens!.access_token.split('.')[1]!, 'base64url').toString());
    expect(claims.aud).toBe(`${publicUrl}/mcp`);

    // What the client did was recorded as it arrived through the tunnel (public Host kept).
    const toolCall = ended.find((e) => e.classification.jsonRpc?.methods.includes('tools/call'));
    expect(toolCall?.request.headers.host).toBe(new URL(publicUrl).host);
    expect(toolCall?.simulated).toBeUndefined();

    // The checks ran through the public URL: every client got through, SSE streamed.
    const reachability = await tunnelNote(inspector, 'reachability');
    expect(reachability.text).toContain('reachable');
    const report = inspector.tunnelStatus.reachability!;
    expect(report.verdict).toBe('reachable');
    expect(report.probes.map((p) => [p.as, p.outcome, p.arrived])).toEqual([
      ['browser', 'ok', true],
      ['python-httpx', 'ok', true],
      ['claude-user', 'ok', true],
    ]);
    // Loopback is what a test tunnel resolves to, and exactly what a hosted connector can't reach.
    expect(report.dns.outcome).toBe('private-ipv4-only');
    await tunnelNote(inspector, 'sse-self-test');
    const sse = inspector.tunnelStatus.sseSelfTest!;
    expect(sse).toMatchObject({ verdict: 'streams', eventsSent: 4, eventsReceived: 4 });
    expect(sse.maxGapMs).toBeGreaterThanOrEqual(50);
    // Our probes are in the timeline, marked as the inspector's own.
    expect(ended.filter((e) => e.simulated).map((e) => e.request.headers['user-agent'])).toEqual(expect.arrayContaining(['python-httpx/0.27.0', 'Claude-User']));
  });

  it('passes an SSE stream with pings through the tunnel', async () => {
    const server = await tunnelServer();
    const { inspector, waitForExchange } = await inspectorWithTunnel({ host: server.origin, checks: false }, { profile: { tokenRequired: 'none', pingIntervalMs: 40 } });
    const { publicUrl } = await tunnelState(inspector, 'up');
    const stream = await tunnelFetch(`${publicUrl}/sse`, { headers: { accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.getReader();
    let text = '';
    while ((text.match(/: ping/g) ?? []).length < 3) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended early: ${text}`);
      text += Buffer.from(value).toString('utf8');
    }
    expect(text).toMatch(/event: endpoint\ndata: \/messages\?sessionId=/);
    await reader.cancel();
    const recorded = await waitForExchange((e) => e.request.url === '/sse');
    expect(recorded.sseEvents.some((e) => e.event === 'endpoint')).toBe(true);
  });

  it('re-registers the same subdomain after the tunnel server restarts: reconnecting → up, no capture lost', async () => {
    const server = await tunnelServer();
    const dir = await mkdtemp(join(tmpdir(), 'tunnel-capture-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const { inspector, info, waitForExchange } = await inspectorWithTunnel({ host: server.origin, checks: false }, { captureDir: dir });
    const up = await tunnelState(inspector, 'up');
    const name = new URL(up.publicUrl!).hostname.split('.')[0]!;
    const prm = `${up.publicUrl}/.well-known/oauth-protected-resource/mcp`;
    for (let i = 0; i < 3; i++) expect((await tunnelFetch(`${prm}?before=${i}`)).status).toBe(200);

    const states: string[] = [];
    inspector.subscribe((event) => event.type === 'tunnel:state' && states.push(event.status.state));
    await server.restart();
    const reconnecting = await tunnelState(inspector, 'reconnecting');
    expect(reconnecting.reason).toMatch(/the tunnel server dropped the tunnel: connection refused/);
    expect(reconnecting.failure).toBe('dropped');
    // Metadata keeps naming the public URL while it is away: the same one comes back.
    expect(inspector.publicUrl).toBe(up.publicUrl);
    const again = await tunnelState(inspector, 'up');
    expect(again.publicUrl).toBe(up.publicUrl);
    // (One event when the wait begins and one when the attempt does.)
    expect(states.filter((state, i) => state !== states[i - 1])).toEqual(['reconnecting', 'up']);
    // A random name the first time; that same name asked for after the restart.
    expect(server.registrations).toEqual(['/?new', `/${name}`]);
    expect(inspector.tunnelStatus.notes.some((n) => n.kind === 'url-changed')).toBe(false);

    for (let i = 0; i < 3; i++) expect((await tunnelFetch(`${prm}?after=${i}`)).status).toBe(200);
    await waitForExchange((e) => e.request.url.endsWith('after=2'));
    await inspector.stop();
    const captured = await new CaptureStore(dir).open(info.captureId!);
    expect(captured.map((e) => e.request.url.split('?')[1])).toEqual(['before=0', 'before=1', 'before=2', 'after=0', 'after=1', 'after=2']);
  });

  it('once up, never gives up: with its tunnel server gone for far more attempts than the old give-up, it keeps retrying with capped backoff and is back soon after the server returns', async () => {
    const server = await tunnelServer();
    // The production state machine on a compressed clock: ms backoff. The first-connection
    // limits (2 attempts) don't apply to a tunnel that has been up.
    const maxMs = 40;
    const { inspector } = await inspectorWithTunnel({ host: server.origin, checks: false, backoff: { initialMs: 5, maxMs }, maxAttempts: 2 });
    const up = await tunnelState(inspector, 'up');
    const name = new URL(up.publicUrl!).hostname.split('.')[0]!;
    const prm = `${up.publicUrl}/.well-known/oauth-protected-resource/mcp`;
    const port = server.port;
    const seen: Array<TunnelStatus & { at: number }> = [];
    inspector.subscribe((e) => e.type === 'tunnel:state' && seen.push({ ...e.status, at: Date.now() }));

    await server.close();
    const down = await tunnelState(inspector, 'reconnecting');
    expect(down.lastUpAt).toBe(up.lastUpAt);
    // The old supervisor gave up for good after 8 failed attempts (about 100 s at 1 s doubling to 30 s).
    const long = await tunnelState(inspector, 'reconnecting', (s) => s.attempt >= 30 && s.nextAttemptAt !== undefined);
    expect(long.reason).toMatch(/^The tunnel server http:\/\/localhost:\d+ could not be reached \(ECONNREFUSED\)$/);
    expect(long.publicUrl).toBe(up.publicUrl); // still named in metadata: the same one comes back
    expect(inspector.publicUrl).toBe(up.publicUrl);
    expect(seen.map((s) => s.state)).not.toContain('failed');
    // Capped: no wait longer than maxMs (+20 % jitter), and each wait is announced with its time.
    const waits = seen.filter((s) => s.nextAttemptAt !== undefined).map((s) => s.nextAttemptAt! - s.at);
    expect(waits.length).toBeGreaterThanOrEqual(30);
    expect(Math.max(...waits)).toBeLessThanOrEqual(maxMs * 1.2 + 1);
    // Said once each: "down", then the reason the attempts fail; not once per attempt.
    expect(inspector.tunnelStatus.notes.filter((n) => n.state === 'reconnecting').map((n) => n.text.replace(/; next attempt in .*$/, ''))).toEqual([
      expect.stringMatching(/^reconnecting: Tunnel down: /),
      `reconnecting: ${long.reason}`,
    ]);

    // The server returns on the same port: the same name is asked for and answers at once.
    await server.listen(port);
    const returned = Date.now();
    const back = await tunnelState(inspector, 'up', (s) => s.since >= returned);
    expect(back.since - returned).toBeLessThan(maxMs * 1.2 + 2000);
    expect(back.publicUrl).toBe(up.publicUrl);
    expect(server.registrations.at(-1)).toBe(`/${name}`);
    expect((await tunnelFetch(prm)).status).toBe(200);
  });

  it('retry() tries at once instead of waiting for the next attempt', async () => {
    const server = await tunnelServer();
    // A minute between attempts: only retry() can bring it back within the test.
    const { inspector } = await inspectorWithTunnel({ host: server.origin, checks: false, backoff: { initialMs: 60_000, maxMs: 60_000 } });
    await tunnelState(inspector, 'up');
    expect(await inspector.retryTunnel()).toBe('up');
    await server.restart();
    const waiting = await tunnelState(inspector, 'reconnecting', (s) => s.nextAttemptAt !== undefined);
    expect(waiting.nextAttemptAt! - waiting.since).toBeGreaterThanOrEqual(48_000);
    expect(await inspector.retryTunnel()).toBe('now');
    await tunnelState(inspector, 'up');
  });

  it('shows when requests queue behind max_conn_count busy tunnel connections', async () => {
    const server = await tunnelServer({ maxConnCount: 2 });
    const { inspector } = await inspectorWithTunnel({ host: server.origin, checks: false }, { profile: { tokenRequired: 'none' } });
    const up = await tunnelState(inspector, 'up');
    expect(up.maxConnections).toBe(2);
    const tunnel = server.tunnels.get(new URL(up.publicUrl!).hostname.split('.')[0]!)!;
    await server.connections(tunnel.id, 2);

    // Two long-lived SSE streams hold both connections.
    const streams = await Promise.all([0, 1].map(() => tunnelFetch(`${up.publicUrl}/sse`, { headers: { accept: 'text/event-stream' } })));
    const saturated = await tunnelNote(inspector, 'queue', (n) => n.level === 'warn');
    expect(saturated.text).toBe('All 2 tunnel connections are busy: further requests wait at the tunnel server until one ends (each open SSE stream holds one)');
    expect(inspector.tunnelStatus).toMatchObject({ saturated: true, inFlight: 2 });

    // A third request waits at the tunnel server until a stream ends.
    const queued = once(tunnel, 'queued');
    const third = tunnelFetch(`${up.publicUrl}/.well-known/oauth-protected-resource/mcp`);
    await queued;
    await streams[0]!.body!.cancel();
    expect((await third).status).toBe(200);
    await tunnelNote(inspector, 'queue', (n) => n.level === 'info');
    await streams[1]!.body!.cancel();
  });

  it('tells browsers meet the reminder page, with the tunnel password, while server-side clients get through', async () => {
    const server = await tunnelServer({ interstitial: true });
    const { inspector } = await inspectorWithTunnel({ host: server.origin, localtunnel: { passwordUrl: `${server.origin}/mytunnelpassword` }, env: { PATH: '' } });
    await tunnelState(inspector, 'up');
    const note = await tunnelNote(inspector, 'interstitial');
    const status = inspector.tunnelStatus;
    expect(status.reachability?.verdict).toBe('reachable-with-interstitial');
    expect(status.reachability?.probes.find((p) => p.as === 'browser')).toMatchObject({ outcome: 'interstitial', status: 401, arrived: false });
    expect(status.reachability?.probes.filter((p) => p.as !== 'browser').map((p) => p.outcome)).toEqual(['ok', 'ok']);
    expect(status.interstitial).toMatchObject({ provider: 'localtunnel', password: '127.0.0.1', passwordUrl: `${server.origin}/mytunnelpassword` });
    expect(note.text).toContain(`enter the tunnel password: this machine's public IP address (127.0.0.1), shown at ${server.origin}/mytunnelpassword`);
    // The SSE self-test sends the bypass header, so it is not stopped by the page.
    await tunnelNote(inspector, 'sse-self-test');
    expect(inspector.tunnelStatus.sseSelfTest?.verdict).toBe('streams');
  });

  it('warns when no request arrives after the tunnel came up, and clears when one does', async () => {
    const server = await tunnelServer();
    const { inspector, waitForExchange } = await inspectorWithTunnel({ host: server.origin, checks: false, idleWarningMs: 100 });
    const up = await tunnelState(inspector, 'up');
    const note = await tunnelNote(inspector, 'idle');
    expect(note.level).toBe('warn');
    expect(inspector.tunnelStatus.idle?.causes).toContain(`the connector URL must be exactly ${up.mcpUrl}`);
    await tunnelFetch(`${up.publicUrl}/.well-known/oauth-protected-resource/mcp`, { headers: { 'user-agent': 'python-httpx/0.27.0' } });
    await waitForExchange((e) => e.request.url.startsWith('/.well-known/'));
    expect(inspector.tunnelStatus.idle).toBeUndefined();
  });

  it('still works with axios overridden to 1.x: the unmodified localtunnel() opens a tunnel', async () => {
    const lt = createRequire(createRequire(import.meta.url).resolve('localtunnel'));
    expect(lt('axios/package.json').version).toMatch(/^1\./);
    const server = await tunnelServer();
    const local = createServer((_req, res) => res.end('hello from the local server'));
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => local.close(resolve)));
    const tunnel = await localtunnel({ port: (local.address() as AddressInfo).port, host: server.origin, subdomain: 'plain-client' });
    cleanups.push(async () => tunnel.close());
    expect(tunnel.url).toBe(`http://plain-client.localhost:${server.port}`);
    expect(await (await tunnelFetch(tunnel.url)).text()).toBe('hello from the local server');
  });
});

describe('localtunnel failure modes', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function run(tunnel: Partial<TunnelOptions>): Promise<Running> {
    const running = await startInspector({
      tunnel: { provider: 'localtunnel', checks: false, backoff: { initialMs: 10, maxMs: 20 }, maxAttempts: 3, openTimeoutMs: 2000, ...tunnel },
    });
    cleanups.push(() => running.close());
    return running;
  }

  it('server refuses with 5xx: connecting with backoff (never "reconnecting"), then failed with the reason; the local server keeps working', async () => {
    const server = await new FakeLocaltunnelServer({ refuseWith: 503 }).listen();
    cleanups.push(() => server.close());
    const { inspector, origin } = await run({ host: server.origin });
    const failed = await tunnelState(inspector, 'failed');
    expect(failed.reason).toBe(`The tunnel server ${server.origin} refused the tunnel with 503: refused by the test (503) (not up after 3 attempts; retry when it is fixed). The local server keeps working.`);
    expect(failed.failure).toBe('refused');
    // The same refusal three times is said once.
    expect(stateHistory(inspector)).toEqual(['connecting', 'connecting', 'failed']);
    expect(inspector.tunnelStatus.notes.filter((n) => n.kind === 'state').map((n) => n.text)[1]).toMatch(/^connecting: The tunnel server .* refused the tunnel with 503: refused by the test \(503\); next attempt in \d+ ms$/);
    expect(server.registrations).toHaveLength(3);
    expect(inspector.publicUrl).toBeUndefined();
    expect((await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).status).toBe(200);
  });

  it('invalid subdomain (403): failed at once, no retry', async () => {
    const server = await new FakeLocaltunnelServer().listen();
    cleanups.push(() => server.close());
    const { inspector } = await run({ host: server.origin, subdomain: 'Bad_Name' });
    const failed = await tunnelState(inspector, 'failed');
    expect(failed.reason).toContain('refused the tunnel with 403: Invalid subdomain');
    expect(failed.attempt).toBe(1);
    expect(server.registrations).toEqual(['/Bad_Name']);
  });

  it('subdomain taken: up under the name the server gave, and says so', async () => {
    const server = await new FakeLocaltunnelServer().listen();
    cleanups.push(() => server.close());
    const first = await run({ host: server.origin, subdomain: 'taken-name' });
    await tunnelState(first.inspector, 'up');
    const second = await run({ host: server.origin, subdomain: 'taken-name' });
    const up = await tunnelState(second.inspector, 'up');
    expect(up.publicUrl).not.toContain('taken-name');
    const note = second.inspector.tunnelStatus.notes.find((n) => n.kind === 'provider' && n.text.startsWith('The subdomain'));
    expect(note?.text).toBe(`The subdomain "taken-name" is taken on ${server.origin}; the server gave "${new URL(up.publicUrl!).hostname.split('.')[0]}" instead`);
  });

  it('unreachable tunnel server on the first connection: says why at once, retries, and is failed within the first-connection window', async () => {
    const port = await freePort();
    const { inspector } = await run({ provider: 'none' });
    const states: TunnelStatus[] = [];
    inspector.subscribe((e) => e.type === 'tunnel:state' && states.push(e.status));
    await inspector.openTunnel({ provider: 'localtunnel', host: `http://127.0.0.1:${port}`, checks: false, backoff: { initialMs: 10, maxMs: 20 }, firstConnectMs: 300 });
    const waiting = await tunnelState(inspector, 'connecting', (s) => s.nextAttemptAt !== undefined);
    expect(waiting.reason).toBe(`The tunnel server http://127.0.0.1:${port} could not be reached (ECONNREFUSED)`);
    expect(waiting.failure).toBe('unreachable');
    const failed = await tunnelState(inspector, 'failed');
    expect(failed.reason).toContain(`The tunnel server http://127.0.0.1:${port} could not be reached (ECONNREFUSED) (not up after ${failed.attempt} attempts; retry when it is fixed)`);
    expect(failed.failure).toBe('unreachable');
    expect(failed.attempt).toBeGreaterThan(1);
    // Never up, so never "reconnecting"; and no attempt was planned past the window.
    expect(states.map((s) => s.state)).not.toContain('reconnecting');
    const started = states[0]!.since;
    for (const s of states) if (s.nextAttemptAt) expect(s.nextAttemptAt - started).toBeLessThan(300);
  });

  it('a tunnel server that never answers on the first connection: the attempt is cut at the first-connection window, not at the open timeout', async () => {
    const hanging: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => {
      hanging.close(resolve);
      hanging.closeAllConnections();
    }));
    // An open timeout longer than the test's own: only the window can end this attempt.
    const { inspector } = await run({ host: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`, localtunnel: { requestTimeoutMs: 60_000 }, openTimeoutMs: 60_000, firstConnectMs: 300, maxAttempts: undefined });
    const failed = await tunnelState(inspector, 'failed');
    expect(failed.reason).toMatch(/gave no tunnel within \d+ ms \(not up after 1 attempt; retry when it is fixed\)/);
    expect(failed.failure).toBe('timeout');
  });

  it('a server that never answers: the registration times out and is really cancelled', async () => {
    const hanging: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => {
      hanging.close(resolve);
      hanging.closeAllConnections();
    }));
    let requests = 0;
    const aborted: Array<Promise<unknown>> = [];
    hanging.on('request', (req) => {
      requests++;
      aborted.push(once(req.socket, 'close'));
    });
    const { inspector } = await run({ host: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`, openTimeoutMs: 150, maxAttempts: 2 });
    const failed = await tunnelState(inspector, 'failed');
    expect(failed.reason).toContain('gave no tunnel within 150 ms');
    expect(failed.failure).toBe('timeout');
    expect(requests).toBe(2);
    // Each abandoned request's connection was closed by the client: nothing keeps retrying.
    await Promise.all(aborted);
  });

  it('local HTTPS without certificates is refused before the client could crash the process', async () => {
    const server = await new FakeLocaltunnelServer().listen();
    cleanups.push(() => server.close());
    const { inspector } = await run({ host: server.origin, localtunnel: { localHttps: {} } });
    const failed = await tunnelState(inspector, 'failed');
    expect(failed.failure).toBe('invalid-option');
    expect(failed.reason).toContain('needs allowInvalidCert, or both a cert and a key file');
    expect(server.registrations).toEqual([]);
  });
});


import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { BehaviorProfile } from '../../src/shared/profile';
import { startInspector } from '../helpers/inspector';
import { tunnelState } from '../helpers/tunnel';
import { startReferenceServer } from '../helpers/server';

// DNS-rebinding protection of the reference server (the spec's Streamable HTTP security
// warning, the MCP SDKs' allowedHosts), over real sockets: the Host and Origin a client sends
// are set by hand, as a rebinding page or a tunnel would present them.

const PUBLIC_URL = 'https://calm-fox-12.loca.lt';
const PUBLIC_HOST = 'calm-fox-12.loca.lt';
const NO_AUTH: Partial<BehaviorProfile> = { tokenRequired: 'none' };
const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'host-guard-test', version: '1.0.0' } } });

interface Answer {
  status: number;
  body: unknown;
}

/** POST initialize to `origin` with these headers (Host included), read to the end. */
function initialize(origin: string, headers: Record<string, string> = {}, path = '/mcp'): Promise<Answer> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(INITIALIZE), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: kept as text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(INITIALIZE);
  });
}

/** The TypeScript SDK's 403: a JSON-RPC error without an id. */
const refused = (message: string): Answer => ({ status: 403, body: { jsonrpc: '2.0', error: { code: -32000, message }, id: null } });

describe('Host and Origin protection of the reference server', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function server(profile: Partial<BehaviorProfile>, publicUrl?: string) {
    const running = await startReferenceServer({ profile: { ...NO_AUTH, ...profile }, publicUrl });
    cleanups.push(running.close);
    return running;
  }

  it('accepts loopback names with any port and the public URL’s host; refuses any other Host with the SDK’s 403', async () => {
    const { origin } = await server({}, PUBLIC_URL);
    const port = new URL(origin).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'localhost', `localhost:1`, PUBLIC_HOST, `${PUBLIC_HOST}:443`]) {
      expect((await initialize(origin, { host })).status, host).toBe(200);
    }
    expect(await initialize(origin, { host: `evil.example:${port}` })).toEqual(refused('Invalid Host: evil.example'));
    expect(await initialize(origin, { host: 'localhost.evil.example' })).toEqual(refused('Invalid Host: localhost.evil.example'));
    // Every path, as the SDK's middleware guards the whole app: discovery and OAuth too.
    expect((await initialize(origin, { host: 'evil.example' }, '/token')).status).toBe(403);
    // What a proxy says the client used must be ours as well.
    expect(await initialize(origin, { 'x-forwarded-host': 'evil.example' })).toEqual(refused('Invalid Host: evil.example'));
    expect((await initialize(origin, { 'x-forwarded-host': PUBLIC_HOST })).status).toBe(200);
  });

  it('accepts no Origin and loopback or public Origins; refuses a forged Origin', async () => {
    const { origin } = await server({}, PUBLIC_URL);
    for (const allowed of ['http://localhost:6274', 'http://127.0.0.1:7420', PUBLIC_URL]) {
      expect((await initialize(origin, { origin: allowed })).status, allowed).toBe(200);
    }
    expect(await initialize(origin, { origin: 'http://evil.example' })).toEqual(refused('Invalid Origin header: http://evil.example'));
    expect(await initialize(origin, { origin: 'null' })).toEqual(refused('Invalid Origin header: null'));
  });

  it('without --public-url only loopback names pass', async () => {
    const { origin } = await server({});
    expect(await initialize(origin, { host: PUBLIC_HOST })).toEqual(refused(`Invalid Host: ${PUBLIC_HOST}`));
  });

  it('hostValidation off: a server without protection answers a forged Host and Origin', async () => {
    const { origin } = await server({ hostValidation: 'off' });
    expect((await initialize(origin, { host: 'evil.example' })).status).toBe(200);
    expect((await initialize(origin, { origin: 'http://evil.example' })).status).toBe(200);
  });

  it('hostValidation reject-tunnel-host: the public host is refused as an SDK server left at localhost refuses it', async () => {
    const { origin } = await server({ hostValidation: 'reject-tunnel-host' }, PUBLIC_URL);
    expect((await initialize(origin)).status).toBe(200);
    expect(await initialize(origin, { host: PUBLIC_HOST })).toEqual(refused(`Invalid Host: ${PUBLIC_HOST}`));
    expect(await initialize(origin, { origin: PUBLIC_URL })).toEqual(refused(`Invalid Origin header: ${PUBLIC_URL}`));
  });
});

describe('Host protection behind the front door', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function inspector(options: Parameters<typeof startInspector>[0]) {
    const running = await startInspector({ profile: NO_AUTH, ...options });
    cleanups.push(running.close);
    return running;
  }

  it('the built-in server sees the client’s Host: loopback and public hosts pass, a forged one is refused', async () => {
    const running = await inspector({ publicUrl: PUBLIC_URL });
    expect((await initialize(running.origin)).status).toBe(200);
    expect((await initialize(running.origin, { host: PUBLIC_HOST })).status).toBe(200);
    expect(await initialize(running.origin, { host: 'evil.example' })).toEqual(refused('Invalid Host: evil.example'));
  });

  it('with --rewrite-host the built-in server still judges the client’s Host, through X-Forwarded-Host', async () => {
    const running = await inspector({ publicUrl: PUBLIC_URL, rewriteHost: true });
    expect((await initialize(running.origin, { host: PUBLIC_HOST })).status).toBe(200);
    expect(await initialize(running.origin, { host: 'evil.example' })).toEqual(refused('Invalid Host: evil.example'));
  });

  it('with --rewrite-host in front of another server, the front door checks Host and Origin in its place', async () => {
    // The developer's server (here an unprotected one) sees only its own Host once --rewrite-host
    // rewrites it: it could not tell a forged Host or Origin any more.
    const upstream = await startReferenceServer({ profile: { ...NO_AUTH, hostValidation: 'off' } });
    cleanups.push(upstream.close);
    const running = await inspector({ upstream: upstream.origin, rewriteHost: true, publicUrl: PUBLIC_URL });
    expect((await initialize(running.origin)).status).toBe(200);
    expect((await initialize(running.origin, { host: PUBLIC_HOST })).status).toBe(200);
    expect(await initialize(running.origin, { host: 'evil.example' })).toEqual(refused('Invalid Host: evil.example'));
    expect(await initialize(running.origin, { origin: 'http://evil.example' })).toEqual(refused('Invalid Origin header: http://evil.example'));
    const exchange = await running.waitForExchange((e) => e.request.headers.host === 'evil.example');
    expect(exchange.appliedRules).toEqual([expect.objectContaining({ ruleId: 'front-door-host-check' })]);
    // Without --rewrite-host the upstream sees the client's Host and judges it itself: the front door does not.
    const plain = await inspector({ upstream: upstream.origin });
    expect((await initialize(plain.origin, { host: 'evil.example' })).status).toBe(200);
  });

  it('the tunnel’s host passes while the tunnel is up, besides the configured public URL', async () => {
    const running = await inspector({ publicUrl: PUBLIC_URL });
    // A tunnel's URL replaces the configured one while it is up (a manual tunnel: no provider to run, no checks to wait for).
    await running.inspector.openTunnel({ provider: 'manual', publicUrl: 'https://brave-owl-7.trycloudflare.com', checks: false });
    await tunnelState(running.inspector, 'up');
    expect((await initialize(running.origin, { host: 'brave-owl-7.trycloudflare.com' })).status).toBe(200);
    expect((await initialize(running.origin, { host: PUBLIC_HOST })).status).toBe(200);
    await running.inspector.closeTunnel();
    expect(running.inspector.publicUrl).toBe(PUBLIC_URL);
    expect((await initialize(running.origin, { host: 'brave-owl-7.trycloudflare.com' })).status).toBe(403);
  });

  it('the toggle off: a forged Host is answered; back to the default: refused again', async () => {
    const running = await inspector({});
    running.inspector.setToggle('host-validation', 'unprotected');
    expect((await initialize(running.origin, { host: 'evil.example' })).status).toBe(200);
    running.inspector.setToggle('host-validation', 'off');
    expect((await initialize(running.origin, { host: 'evil.example' })).status).toBe(403);
  });

  it('the toggle "reject the tunnel’s Host": the public Host gets 403 and lint’s host-rejected fires on it, named as the toggle', async () => {
    const running = await inspector({ publicUrl: PUBLIC_URL });
    running.inspector.setToggle('host-validation', 'reject-tunnel-host');
    expect((await initialize(running.origin)).status).toBe(200);
    expect(await initialize(running.origin, { host: PUBLIC_HOST })).toEqual(refused(`Invalid Host: ${PUBLIC_HOST}`));
    const exchange = await running.waitForExchange((e) => e.request.headers.host === PUBLIC_HOST);
    expect(exchange.response?.status).toBe(403);
    expect(exchange.appliedRules).toEqual([expect.objectContaining({ ruleId: 'reject-tunnel-host', byServer: true, setStatus: 403 })]);
    const finding = running.inspector.findingsFor(exchange.id).find((f) => f.ruleId === 'host-rejected');
    expect(finding, JSON.stringify(running.inspector.findingsFor(exchange.id), null, 1)).toBeDefined();
    expect(finding!.message).toContain(`Invalid Host: ${PUBLIC_HOST}`);
    expect(finding!.causedBy).toMatchObject({ kind: 'toggle', id: 'host-validation' });
  });

  it('"a server without protection" is the built-in server’s alone: asked of another upstream it is refused', async () => {
    const upstream = await startReferenceServer({ profile: NO_AUTH });
    cleanups.push(upstream.close);
    const running = await inspector({ upstream: upstream.origin });
    expect(() => running.inspector.setToggle('host-validation', 'unprotected')).toThrow(/built-in reference server only/);
    expect(running.inspector.toggles['host-validation']).toBeUndefined();
    // Chosen with the built-in server, it goes back to off when the upstream changes.
    await running.inspector.setUpstream(undefined);
    running.inspector.setToggle('host-validation', 'unprotected');
    await running.inspector.setUpstream(upstream.origin);
    expect(running.inspector.toggles['host-validation']).toBeUndefined();
    expect(running.inspector.profile.hostValidation).toBe('allowed-hosts');
  });
});

import { lookup, type LookupAddress } from 'node:dns';
import { createServer, request } from 'node:http';
import { Agent, fetch as undiciFetch } from 'undici';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startInspector } from '../helpers/inspector';
import { alive, installFakeCloudflared } from '../helpers/fakeCloudflared';
import { localhostResolveIPv4, tunnelFetch } from '../helpers/localtunnelServer';
import { stateHistory, tunnelNote, tunnelState } from '../helpers/tunnel';
import { freePort } from '../helpers/ports';

// cloudflared, ngrok and manual tunnels: each provider's way up and its failure modes, through
// the same supervisor and the same inspector events as localtunnel.

describe('tunnel providers', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function inspector(options: Parameters<typeof startInspector>[0] = {}) {
    const running = await startInspector(options);
    cleanups.push(() => running.close());
    return running;
  }

  describe('cloudflared', () => {
    it('spawns cloudflared, reads the trycloudflare URL from its log, re-spawns it when it exits, and stops it with the app', async () => {
      const fake = await installFakeCloudflared();
      cleanups.push(fake.remove);
      const { inspector: app, origin, info } = await inspector({ tunnel: { provider: 'cloudflared', env: fake.env, checks: false, backoff: { initialMs: 10 } } });
      const up = await tunnelState(app, 'up');
      expect(up.publicUrl).toBe('https://fake-words-run-1.trycloudflare.com');
      expect(up.pasteHint).toBe('https://fake-words-run-1.trycloudflare.com/mcp → Claude.ai → Settings → Connectors → Add custom connector');
      const [first] = await fake.runs();
      expect(first!.args).toBe(`tunnel --no-autoupdate --url http://127.0.0.1:${info.port}`);
      // Metadata names the tunnel at once.
      const prm = (await (await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).json()) as { resource: string };
      expect(prm.resource).toBe('https://fake-words-run-1.trycloudflare.com/mcp');

      // cloudflared dies: reconnecting, a new process, a new URL, and the user is told to update the connector.
      process.kill(first!.pid, 'SIGTERM');
      const reconnecting = await tunnelState(app, 'reconnecting');
      expect(reconnecting.reason).toMatch(/^Tunnel down: cloudflared exited \(SIGTERM\)/);
      const again = await tunnelState(app, 'up');
      expect(again.publicUrl).toBe('https://fake-words-run-2.trycloudflare.com');
      const changed = await tunnelNote(app, 'url-changed');
      expect(changed.text).toContain('update the connector in Claude.ai (Settings → Connectors) to https://fake-words-run-2.trycloudflare.com/mcp');

      const second = (await fake.runs())[1]!;
      expect(alive(second.pid)).toBe(true);
      await app.stop();
      expect(alive(second.pid)).toBe(false);
      expect(app.tunnelStatus.state).toBe('off');
    });

    it('says what to install when cloudflared is not on PATH', async () => {
      const { inspector: app, origin } = await inspector({ tunnel: { provider: 'cloudflared', env: { PATH: '/nonexistent' }, checks: false } });
      const failed = await tunnelState(app, 'failed');
      expect(failed.failure).toBe('not-installed');
      expect(failed.reason).toContain('cloudflared is not on PATH. Install it (macOS: brew install cloudflared');
      expect(stateHistory(app)).toEqual(['connecting', 'failed']);
      // The local server is untouched.
      expect((await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).status).toBe(200);
    });

    it('retries when cloudflared cannot get a quick tunnel, then fails with its own words', async () => {
      const fake = await installFakeCloudflared('fail');
      cleanups.push(fake.remove);
      const { inspector: app } = await inspector({ tunnel: { provider: 'cloudflared', env: fake.env, checks: false, backoff: { initialMs: 10, maxMs: 20 }, maxAttempts: 2 } });
      const failed = await tunnelState(app, 'failed');
      expect(failed.failure).toBe('exited');
      expect(failed.reason).toContain('cloudflared exited (code 1)');
      expect(failed.reason).toContain('failed to request quick Tunnel');
      expect(await fake.runs()).toHaveLength(2);
    });
  });

  describe('ngrok', () => {
    it('asks for an auth token when none is configured', async () => {
      const { inspector: app } = await inspector({ tunnel: { provider: 'ngrok', env: {}, checks: false } });
      const failed = await tunnelState(app, 'failed');
      expect(failed.failure).toBe('not-configured');
      expect(failed.reason).toContain('ngrok needs an auth token. Set NGROK_AUTHTOKEN (or pass --ngrok-authtoken <token>)');
      expect(failed.attempt).toBe(1);
    });

    it('has its official SDK installed from the npm registry', async () => {
      const sdk = await import('@ngrok/ngrok');
      expect(typeof sdk.forward).toBe('function');
    });
  });

  describe('manual', () => {
    it("checks the developer's own public URL: requests that reach the inspector are a success", async () => {
      const { inspector: app, info } = await inspector();
      const publicUrl = `http://my-proxy.localhost:${info.port}`;
      // Events wide enough apart that a loaded machine's stalls don't look like buffering.
      await app.openTunnel({ provider: 'manual', publicUrl, fetch: tunnelFetch, resolveIPv4: localhostResolveIPv4, sseSelfTest: { events: 4, intervalMs: 250 } });
      const up = await tunnelState(app, 'up');
      expect(up.publicUrl).toBe(publicUrl);
      expect(app.publicUrl).toBe(publicUrl);
      await tunnelNote(app, 'sse-self-test');
      expect(app.tunnelStatus.reachability?.verdict).toBe('reachable');
      expect(app.tunnelStatus.sseSelfTest?.verdict).toBe('streams');
      await app.closeTunnel();
      expect(app.tunnelStatus.state).toBe('off');
      expect(app.publicUrl).toBeUndefined();
    });

    it('is unreachable, not up, when the public URL answers but never reaches the inspector', async () => {
      const elsewhere = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
      await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise((resolve) => elsewhere.close(resolve)));
      const publicUrl = `http://wrong-port.localhost:${(elsewhere.address() as AddressInfo).port}`;
      const { inspector: app } = await inspector({ tunnel: { provider: 'manual', publicUrl, fetch: tunnelFetch, resolveIPv4: localhostResolveIPv4 } });
      const unreachable = await tunnelState(app, 'unreachable');
      expect(unreachable.reason).toBe(`${publicUrl} did not reach the inspector when requested from this machine: all three got an answer (200, 200, 200) from something other than the inspector`);
      expect(unreachable.failure).toBe('unreachable');
      expect(unreachable.pasteHint).toBeUndefined();
      const report = app.tunnelStatus.reachability!;
      expect(report.verdict).toBe('blocked');
      expect(report.probes.every((p) => p.outcome === 'unexpected' && !p.arrived)).toBe(true);
      expect(report.advice).toContain('A server-side client (Claude-User) got an answer that never came from the inspector: the public URL forwards somewhere else');
      expect(stateHistory(app)).toEqual(['connecting', 'unreachable']);
    });

    it('checks an unreachable URL again with backoff, saying each finding once, and is up once it forwards here', async () => {
      const { inspector: app, info } = await inspector();
      const port = await freePort();
      const publicUrl = `http://my-proxy.localhost:${port}`;
      await app.openTunnel({ provider: 'manual', publicUrl, fetch: tunnelFetch, resolveIPv4: localhostResolveIPv4, backoff: { initialMs: 10, maxMs: 30 }, sseSelfTest: { events: 2, intervalMs: 50 } });
      const unreachable = await tunnelState(app, 'unreachable', (s) => s.attempt >= 3 && s.nextAttemptAt !== undefined);
      expect(unreachable.reason).toBe(`${publicUrl} did not reach the inspector when requested from this machine: all three got no answer (connection refused: ECONNREFUSED)`);
      // Metadata names the URL the user gave meanwhile: a client may reach it where our check can't.
      expect(app.publicUrl).toBe(publicUrl);
      // Three checks, one line each for the state and for the finding.
      const notes = app.tunnelStatus.notes;
      expect(notes.filter((n) => n.state === 'unreachable')).toHaveLength(1);
      const reachability = notes.filter((n) => n.kind === 'reachability');
      expect(reachability).toHaveLength(1);
      expect(reachability[0]!.text).toBe(
        `Reachability of ${publicUrl}: not reachable. Requested it from this machine as a browser, as python-httpx and as Claude-User (Claude.ai's discovery and MCP requests): all three got no answer (connection refused: ECONNREFUSED). DNS: my-proxy.localhost is in DNS with non-public addresses only (127.0.0.1): hosted connectors on the internet can't reach it. Check that the URL is right, that its name resolves on the internet and that it forwards to this inspector's port. Hosted connectors such as Claude.ai need a name in public DNS with a public IPv4 address (A record), served over https on port 443.`,
      );

      // The user's reverse proxy starts forwarding to the inspector.
      const forwarder = createServer((req, res) => {
        const upstream = request({ host: '127.0.0.1', port: info.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(res);
        });
        req.pipe(upstream);
      });
      await new Promise<void>((resolve) => forwarder.listen(port, '127.0.0.1', resolve));
      cleanups.push(() => new Promise((resolve) => {
        forwarder.close(resolve);
        forwarder.closeAllConnections();
      }));
      const up = await tunnelState(app, 'up');
      expect(up.reason).toBe(`Up at ${publicUrl}`);
      expect(up.reachability?.verdict).toBe('reachable');
      expect(up.pasteHint).toBe(`${publicUrl}/mcp → Claude.ai → Settings → Connectors → Add custom connector`);
      await tunnelNote(app, 'sse-self-test');
      // The reachability check that found it is not made twice.
      expect(app.tunnelStatus.notes.filter((n) => n.kind === 'reachability')).toHaveLength(2);
    });

    it('is up once a real client’s request arrives through the URL, even though the check from this machine never got through', async () => {
      // A name only the client's resolver knows (.invalid resolves nowhere else, RFC 6761):
      // like a public URL this machine can't reach itself (no hairpin NAT) while the internet can.
      const clientFetch = fetchResolving('hairpin.invalid');
      const { inspector: app, info } = await inspector();
      const publicUrl = `http://hairpin.invalid:${info.port}`;
      await app.openTunnel({ provider: 'manual', publicUrl, resolveIPv4: localhostResolveIPv4, backoff: { initialMs: 60_000, maxMs: 60_000 }, sseSelfTest: { events: 2, intervalMs: 50 } });
      const unreachable = await tunnelState(app, 'unreachable', (s) => s.nextAttemptAt !== undefined);
      expect(unreachable.reason).toContain('all three got no answer (the name was not found: ENOTFOUND)');
      // A minute until the next check: only the request itself can end the wait.
      const res = await clientFetch(`${publicUrl}/.well-known/oauth-protected-resource/mcp`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { resource: string }).resource).toBe(`${publicUrl}/mcp`);
      const up = await tunnelState(app, 'up');
      expect(up.reason).toBe(`Up at ${publicUrl}: a request arrived through it (the check from this machine did not get through, which happens behind NAT)`);
      expect(up.pasteHint).toBe(`${publicUrl}/mcp → Claude.ai → Settings → Connectors → Add custom connector`);
    });

    it('needs a URL', async () => {
      const { inspector: app } = await inspector({ tunnel: { provider: 'manual' } });
      const failed = await tunnelState(app, 'failed');
      expect(failed).toMatchObject({ failure: 'invalid-option', reason: 'A manual tunnel needs its public URL (--public-url https://…). The local server keeps working.' });
    });
  });
});

/** Node's fetch, except that `name` resolves to 127.0.0.1 (for this client only). */
function fetchResolving(name: string): typeof fetch {
  const dispatcher = new Agent({
    connect: {
      lookup(hostname: string, options: { all?: boolean }, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) {
        if (hostname !== name) return lookup(hostname, options as never, callback as never);
        if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
        else callback(null, '127.0.0.1', 4);
      },
    },
  });
  return ((url: string, init?: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher } as never)) as unknown as typeof fetch;
}


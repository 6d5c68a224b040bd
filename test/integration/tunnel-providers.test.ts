import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startInspector } from '../helpers/inspector';
import { alive, installFakeCloudflared } from '../helpers/fakeCloudflared';
import { localhostResolveIPv4, tunnelFetch } from '../helpers/localtunnelServer';
import { stateHistory, tunnelNote, tunnelState } from '../helpers/tunnel';

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
      expect(stateHistory(app)).toEqual(['starting', 'failed']);
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

    it('says when the public URL answers but never reaches the inspector', async () => {
      const elsewhere = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
      await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise((resolve) => elsewhere.close(resolve)));
      const { inspector: app } = await inspector({
        tunnel: { provider: 'manual', publicUrl: `http://wrong-port.localhost:${(elsewhere.address() as AddressInfo).port}`, fetch: tunnelFetch, resolveIPv4: localhostResolveIPv4 },
      });
      await tunnelNote(app, 'reachability');
      const report = app.tunnelStatus.reachability!;
      expect(report.verdict).toBe('blocked');
      expect(report.probes.every((p) => p.outcome === 'unexpected' && !p.arrived)).toBe(true);
      expect(report.advice).toContain('A server-side client (Claude-User) got an answer that never came from the inspector: the public URL forwards somewhere else');
    });

    it('needs a URL', async () => {
      const { inspector: app } = await inspector({ tunnel: { provider: 'manual' } });
      const failed = await tunnelState(app, 'failed');
      expect(failed).toMatchObject({ failure: 'invalid-option', reason: 'A manual tunnel needs its public URL (--public-url https://…). The local server keeps working.' });
    });
  });
});

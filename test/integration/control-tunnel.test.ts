import { afterEach, describe, expect, it } from 'vitest';
import type { ControlEvent, InspectorStatus } from '../../src/shared/controlApi';
import type { TunnelStatus } from '../../src/shared/tunnel';
import { SettingsStore } from '../../src/main/core/control/settings';
import { startControl } from '../helpers/control';
import { FakeLocaltunnelServer, localhostResolveIPv4, tunnelFetch } from '../helpers/localtunnelServer';

// The Tunnel screen's commands over the HTTP control API, driving the real `localtunnel`
// client against the localtunnel-protocol server on 127.0.0.1: what the UI sees is the event
// stream, so every expectation waits on a status event, never on time.

type Control = Awaited<ReturnType<typeof startControl>>;

const IDLE_MS = 400;

/** The tunnel of a status event that passes `test`. */
function tunnelEvent(stream: ReturnType<Control['events']>, test: (t: TunnelStatus | undefined) => boolean): Promise<TunnelStatus | undefined> {
  return stream.until((e) => e.type === 'status' && test(e.status.tunnel)).then((e) => (e as Extract<ControlEvent, { type: 'status' }>).status.tunnel);
}

describe('tunnel commands over the control API', () => {
  const cleanups: Array<() => Promise<unknown> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(serverOptions: ConstructorParameters<typeof FakeLocaltunnelServer>[0] = {}) {
    const server = await new FakeLocaltunnelServer(serverOptions).listen();
    cleanups.push(() => server.close());
    const control = await startControl({
      // Tunnel names are *.localhost: the checks need the fetch and DNS that resolve them here.
      tunnelTuning: { fetch: tunnelFetch, resolveIPv4: localhostResolveIPv4, backoff: { initialMs: 20, maxMs: 100 }, openTimeoutMs: 5000, sseSelfTest: { events: 4, intervalMs: 100 }, idleWarningMs: IDLE_MS },
    });
    cleanups.push(() => control.close());
    const stream = control.events();
    cleanups.push(() => stream.close());
    await stream.opened;
    return { server, control, stream };
  }

  it('opens localtunnel, streams its state and notes live, re-arms the idle warning, rechecks, closes and retries', async () => {
    const { server, control, stream } = await setUp();
    const opened = await control.api<InspectorStatus>('tunnel.open', { provider: 'localtunnel', host: server.origin, subdomain: 'ui-tunnel' });
    expect(opened.ok).toBe(true);
    expect(opened.result!.tunnel?.provider).toBe('localtunnel');

    const publicUrl = `http://ui-tunnel.localhost:${server.port}`;
    const up = await tunnelEvent(stream, (t) => t?.state === 'up');
    expect(up).toMatchObject({ publicUrl, mcpUrl: `${publicUrl}/mcp`, pasteHint: `${publicUrl}/mcp → Claude.ai → Settings → Connectors → Add custom connector` });

    // The checks through the public URL arrive as notes after `up`, without another state change.
    const checked = (await tunnelEvent(stream, (t) => t?.state === 'up' && !!t.sseSelfTest))!;
    expect(checked.reachability?.verdict).toBe('reachable');
    expect(checked.reachability?.probes.map((p) => [p.as, p.outcome])).toEqual([
      ['browser', 'ok'],
      ['python-httpx', 'ok'],
      ['claude-user', 'ok'],
    ]);
    // (How evenly the events arrive is judged in tunnel-providers; on a loaded machine timers bunch up.)
    expect(checked.sseSelfTest?.eventsReceived).toBe(4);
    expect(checked.notes.map((n) => n.kind)).toEqual(expect.arrayContaining(['state', 'reachability', 'sse-self-test']));

    // The chosen tunnel is saved for the next start.
    expect(new SettingsStore(control.dataDir).get().tunnel).toEqual({ provider: 'localtunnel', host: server.origin, subdomain: 'ui-tunnel', open: true });

    // Nothing but our own checks came through: the idle warning fires with its causes.
    const idle = (await tunnelEvent(stream, (t) => !!t?.idle))!;
    expect(idle.idle!.causes).toContain(`the connector URL must be exactly ${publicUrl}/mcp`);
    expect(idle.notes.at(-1)).toMatchObject({ kind: 'idle', level: 'warn' });

    // "I added the connector": the warning goes away and comes back when still nothing arrives.
    const rearmed = await control.api<TunnelStatus>('tunnel.expectRequest');
    expect(rearmed.result!.idle).toBeUndefined();
    expect(rearmed.result!.notes.at(-1)?.text).toContain(`Waiting for the connector's first request through ${publicUrl}`);
    const again = (await tunnelEvent(stream, (t) => !!t?.idle && t.idle.since > idle.idle!.since))!;
    expect(again.idle!.waitedMs).toBe(IDLE_MS);

    const rechecked = await control.api<TunnelStatus>('tunnel.recheck');
    expect(rechecked.result!.reachability!.checkedAt).toBeGreaterThan(checked.reachability!.checkedAt);
    expect(rechecked.result!.notes.filter((n) => n.kind === 'reachability')).toHaveLength(2);

    const closed = await control.api<InspectorStatus>('tunnel.close');
    expect(closed.result!.tunnel).toBeUndefined();
    await stream.until((e) => e.type === 'status' && !e.status.tunnel);
    const off = await control.api<TunnelStatus>('tunnel.status');
    expect(off.result!.state).toBe('off');
    expect(off.result!.notes.at(-1)?.text).toBe('off: Tunnel closed');
    expect(new SettingsStore(control.dataDir).get().tunnel?.open).toBe(false);
    expect((await control.api('tunnel.recheck')).error?.message).toContain('The tunnel is off');

    // Retry opens a tunnel again with the same options: the same subdomain is asked for (this
    // server still holds the old name, so it hands out another one, as localtunnel.me does).
    const retried = await control.api<InspectorStatus>('tunnel.retry');
    expect(retried.ok).toBe(true);
    const backUp = await tunnelEvent(stream, (t) => t?.state === 'up' && t.since > up!.since);
    expect(server.registrations).toEqual(['/ui-tunnel', '/ui-tunnel']);
    expect(backUp?.mcpUrl).toBe(`${backUp?.publicUrl}/mcp`);
  });

  it('shows a refused tunnel as failed with the server’s reason, and refuses checks until it is up', async () => {
    const { server, control, stream } = await setUp({ refuseWith: 403 });
    await control.api('tunnel.open', { provider: 'localtunnel', host: server.origin });
    const failed = (await tunnelEvent(stream, (t) => t?.state === 'failed'))!;
    expect(failed.failure).toBe('refused');
    expect(failed.reason).toContain(`The tunnel server ${server.origin} refused the tunnel with 403: refused by the test (403)`);
    expect(failed.reason).toContain('The local server keeps working.');
    const recheck = await control.api('tunnel.recheck');
    expect(recheck.ok).toBe(false);
    expect(recheck.error?.message).toBe('The tunnel is failed: the public URL can be checked once it is up');
    const expect_ = await control.api('tunnel.expectRequest');
    expect(expect_.error?.message).toContain('requests can only be watched for while it is up');
  });

  it('never saves an auth token, and has nothing to retry before a tunnel was opened', async () => {
    const { control, stream } = await setUp();
    const retry = await control.api('tunnel.retry');
    expect(retry.error?.message).toBe('No tunnel was opened in this run: choose a provider and start one');
    // A manual "tunnel" pointing at the front door itself: no network needed.
    await control.api('tunnel.open', { provider: 'manual', publicUrl: control.proxyOrigin, authtoken: 'secret-token-123' });
    await tunnelEvent(stream, (t) => t?.state === 'up');
    expect(new SettingsStore(control.dataDir).get().tunnel).toEqual({ provider: 'manual', publicUrl: control.proxyOrigin, open: true });
    expect(JSON.stringify(new SettingsStore(control.dataDir).get())).not.toContain('secret-token-123');
  });
});

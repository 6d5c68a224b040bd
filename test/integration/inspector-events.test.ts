import { afterEach, describe, expect, it } from 'vitest';
import type { ControlEvent, InspectorStatus } from '../../src/shared/controlApi';
import type { InspectorEvent } from '../../src/shared/inspectorEvents';
import { startControl } from '../helpers/control';
import { startInspector } from '../helpers/inspector';
import { authorizeFor, exchange, registerPublicClient } from '../helpers/oauthWire';
import { tunnelState } from '../helpers/tunnel';

// The inspector's one event stream (Inspector.subscribe): what the capture writer, the control
// API and the CLI hear instead of reaching into the recorder, lint and tunnel. Real clients over
// real sockets; each test asserts the order the events came in.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Resolves with the first event (from now on) that passes `test`. */
function next<T extends InspectorEvent>(events: InspectorEvent[], subscribe: (l: (e: InspectorEvent) => void) => () => void, test: (e: InspectorEvent) => e is T): Promise<T> {
  const found = events.find(test);
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const stop = subscribe((event) => {
      if (!test(event)) return;
      stop();
      resolve(event);
    });
  });
}

const idOf = (event: InspectorEvent): string | undefined => (event.type === 'exchange:update' ? event.id : event.type === 'exchange:start' || event.type === 'exchange:end' ? event.exchange.id : undefined);

describe('Inspector.subscribe', () => {
  it('one subscriber hears the tunnel, a handshake’s exchanges start to end with the merge it makes, lint findings after their exchange, behaviour changes, boundaries and clears, in order', async () => {
    const running = await startInspector({ preset: 'spec', profile: { consent: 'auto' } });
    cleanups.push(running.close);
    const { inspector } = running;
    const events: InspectorEvent[] = [];
    const subscribe = (listener: (e: InspectorEvent) => void) => inspector.subscribe(listener);
    subscribe((event) => events.push(event));

    // The tunnel: a manual one (no provider process, no checks) comes up and goes off again.
    await inspector.openTunnel({ provider: 'manual', publicUrl: 'https://events-test.example', checks: false });
    await tunnelState(inspector, 'up');
    await inspector.closeTunnel();
    const tunnelStates = events.flatMap((e) => (e.type === 'tunnel:state' ? [e.status.state] : []));
    expect(tunnelStates).toEqual(['connecting', 'up', 'off']);
    expect(events.some((e) => e.type === 'tunnel:note')).toBe(true);

    // A handshake on the wire: the 401, discovery, DCR, authorize, token, then MCP with the token.
    const tunnelDone = events.length;
    const { origin } = running;
    const initialize = (headers: Record<string, string> = {}) =>
      fetch(`${origin}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'events-test', version: '1' } } }),
      });
    expect((await initialize()).status).toBe(401);
    expect((await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).status).toBe(200);
    const clientId = await registerPublicClient(origin);
    const { callback, verifier } = await authorizeFor(origin, clientId);
    const token = (await exchange(origin, clientId, callback.searchParams.get('code')!, verifier)).json.access_token as string;
    expect((await initialize({ authorization: `Bearer ${token}` })).status).toBe(200);
    const ids = new Set(events.slice(tunnelDone).flatMap((e) => (e.type === 'exchange:start' ? [e.exchange.id] : [])));
    await Promise.all([...ids].map((id) => running.waitForExchange((e) => e.id === id)));
    expect(ids.size).toBeGreaterThanOrEqual(6);

    // Every exchange: one start, its updates, one end, in that order, after the tunnel's events.
    for (const id of ids) {
      const mine = events.map((e, i) => [e, i] as const).filter(([e]) => idOf(e) === id);
      expect(mine[0]![0].type, id).toBe('exchange:start');
      expect(mine.at(-1)![0].type, id).toBe('exchange:end');
      expect(mine.filter(([e]) => e.type === 'exchange:start' || e.type === 'exchange:end')).toHaveLength(2);
      expect(mine[0]![1]).toBeGreaterThanOrEqual(tunnelDone);
    }
    // The registration's client_id tied the client's earlier attempt to its registration as it
    // happened: the merge comes while the registration is under way, into a connection the
    // attempt's exchanges were already in.
    const registration = inspector.exchanges().find((e) => e.request.url === '/register')!;
    const merges = events.flatMap((e, i) => (e.type === 'connection:merged' ? [[e, i] as const] : []));
    expect(merges.map(([m]) => m.kind)).toContain('connection');
    const [merge, mergedAt] = merges.find(([m]) => m.kind === 'connection')!;
    const startOf = (id: string) => events.findIndex((e) => e.type === 'exchange:start' && e.exchange.id === id);
    const endOf = (id: string) => events.findIndex((e) => e.type === 'exchange:end' && e.exchange.id === id);
    expect(mergedAt).toBeGreaterThan(startOf(registration.id));
    expect(mergedAt).toBeLessThan(endOf(registration.id));
    expect(events.slice(0, mergedAt).some((e) => e.type === 'exchange:update' && e.patch?.connectionId === merge.into)).toBe(true);
    expect(inspector.connectionOf(registration)).toBe(inspector.connectionRoot(merge.into));

    // A lint finding comes after the end of the exchange it is about.
    inspector.setToggle('invalid-client-status', '400');
    expect(events.at(-1)).toEqual({ type: 'behavior:changed', what: 'toggles' });
    const response = await fetch(`${running.origin}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'from-a-deleted-client', client_id: 'deleted-client' }).toString(),
    });
    expect(response.status).toBe(400);
    const finding = await next(events, subscribe, (e): e is Extract<InspectorEvent, { type: 'lint:finding' }> => e.type === 'lint:finding' && e.finding.ruleId === 'invalid-client-400');
    const findingAt = events.indexOf(finding);
    const endAt = events.findIndex((e) => e.type === 'exchange:end' && e.exchange.id === finding.finding.exchangeId);
    expect(endAt).toBeGreaterThanOrEqual(0);
    expect(endAt).toBeLessThan(findingAt);

    // A boundary the user marks, and a clear, are events too.
    const boundary = inspector.markBoundary('after toggle');
    inspector.clearExchanges();
    expect(events.slice(-2)).toEqual([{ type: 'boundary:marked', boundary }, { type: 'exchanges:cleared' }]);
  });

  it('a subscriber that throws neither breaks the exchange nor keeps the others from hearing it', async () => {
    const running = await startInspector({ preset: 'spec' });
    cleanups.push(running.close);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    cleanups.push(async () => void process.off('warning', onWarning));
    running.inspector.subscribe(() => {
      throw new Error('a broken subscriber');
    });
    const heard: string[] = [];
    const stop = running.inspector.subscribe((event) => heard.push(event.type));
    const response = await fetch(`${running.origin}/.well-known/oauth-protected-resource/mcp`);
    expect(response.status).toBe(200);
    await running.waitForExchange((e) => e.request.url === '/.well-known/oauth-protected-resource/mcp');
    expect(heard[0]).toBe('exchange:start');
    expect(heard).toContain('exchange:end');
    expect(warnings.some((w) => w.includes('a broken subscriber'))).toBe(true);
    // Unsubscribed: nothing more.
    stop();
    const count = heard.length;
    running.inspector.clearExchanges();
    expect(heard).toHaveLength(count);
  });
});

describe('the control API hears the inspector’s stream, not its own handlers', () => {
  it('a toggle set on the inspector directly (not through a command) reaches the UI as a status event', async () => {
    const control = await startControl();
    cleanups.push(control.close);
    const stream = control.events();
    cleanups.push(async () => stream.close());
    await stream.opened;
    control.inspector.setToggle('notification-status', '204');
    const event = await stream.until((e) => e.type === 'status' && e.status.toggles['notification-status'] === '204');
    expect((event as Extract<ControlEvent, { type: 'status' }>).status).toMatchObject<Partial<InspectorStatus>>({ toggles: { 'notification-status': '204' } });
    // A clear from anywhere: the rows go, and the status says so.
    control.inspector.clearExchanges();
    await stream.until((e) => e.type === 'cleared');
  });

  it('a marked boundary reaches the UI once, from the stream', async () => {
    const control = await startControl();
    cleanups.push(control.close);
    const stream = control.events();
    cleanups.push(async () => stream.close());
    await stream.opened;
    const marked = await control.api<{ id: string }>('boundaries.mark', { label: 'before toggle' });
    expect(marked.ok).toBe(true);
    await stream.until((e) => e.type === 'boundary' && e.boundary.id === marked.result!.id);
    // The next batch carries whatever comes next, never the boundary again.
    control.inspector.clearExchanges();
    await stream.until((e) => e.type === 'cleared');
    expect(stream.seen.filter((e) => e.type === 'boundary')).toHaveLength(1);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../src/shared/controlApi';
import { matchesQuery, parseQuery } from '../../src/renderer/src/lib/filters';
import { startControl } from '../helpers/control';
import { startReferenceServer } from '../helpers/server';

// "204 (was 202)" and `status:changed` for every exchange a toggle changed, whether the toggle
// acted as rules in the front door (your own server) or as the built-in server's profile (then
// nothing in the front door acts, and the row still says which toggle changed it and from what).

const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'status-changed', version: '1.0.0' } } };
const changed = parseQuery('status:changed');
const ctx = { resolveConnection: (id: string) => id };

describe.each(['built-in', 'rules'] as const)('rows a toggle changed (%s upstream)', (mode) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('name the toggle, say what the status was, and are found by status:changed', async () => {
    let upstream: string | undefined;
    if (mode === 'rules') {
      const server = await startReferenceServer({ profile: { tokenRequired: 'none' } });
      cleanups.push(server.close);
      upstream = server.origin;
    }
    const control = await startControl({ ...(upstream ? { upstream } : { profile: { tokenRequired: 'none', consent: 'auto' } }) });
    cleanups.push(control.close);
    const events = control.events();
    cleanups.push(async () => events.close());
    await events.opened;
    expect((await control.api('toggles.set', { toggleId: 'notification-status', optionId: '204' })).ok).toBe(true);
    expect((await control.api('toggles.set', { toggleId: 'get-stream', optionId: '501' })).ok).toBe(true);

    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${control.proxyOrigin}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });
    const init = await post(INITIALIZE);
    await init.text();
    const session = { 'mcp-session-id': init.headers.get('mcp-session-id')!, 'mcp-protocol-version': '2025-06-18' };
    const notification = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session);
    expect(notification.status).toBe(204);
    const get = await fetch(`${control.proxyOrigin}/mcp`, { headers: { accept: 'text/event-stream', ...session } });
    await get.text();
    expect(get.status).toBe(501);

    const done = (test: (row: ExchangeSummary) => boolean) => events.exchange((row) => row.state !== 'pending' && row.state !== 'streaming' && test(row));
    const notified = await done((row) => row.rpcMethods[0] === 'notifications/initialized');
    expect(notified.status).toBe(204);
    expect(notified.statusChange).toEqual({ by: 'notifications → 204', was: 202 });
    expect(notified.changedBy).toEqual(['notifications → 204']);
    expect(matchesQuery(notified, changed, ctx)).toBe(true);

    const refused = await done((row) => row.method === 'GET' && row.url === '/mcp');
    expect(refused.status).toBe(501);
    expect(refused.statusChange).toEqual({ by: 'GET /mcp → 501' }); // the stream it replaced never existed: no "was"
    expect(refused.outcome).toBe('failed');
    expect(matchesQuery(refused, changed, ctx)).toBe(true);

    const initialized = await done((row) => row.rpcMethods[0] === 'initialize');
    expect(initialized.changedBy).toBeUndefined();
    expect(initialized.statusChange).toBeUndefined();
    expect(matchesQuery(initialized, changed, ctx)).toBe(false);

    // The list a page loads says the same as the live events.
    const listed = (await control.api<ExchangeSummary[]>('exchanges.list', {})).result!;
    expect(listed.filter((row) => matchesQuery(row, changed, ctx)).map((row) => row.id).sort()).toEqual([notified.id, refused.id].sort());
  });
});

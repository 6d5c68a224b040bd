import { once } from 'node:events';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { exchangeOutcome } from '../../src/shared/outcome';
import { startInspector } from '../helpers/inspector';
import { modernRequest } from '../helpers/listenWire';
import { startReferenceServer, type RunningServer } from '../helpers/server';

// subscriptions/listen (2026-07-28) with the MCP SDK 2.x client (@modelcontextprotocol/client),
// unmodified: through the front door to the reference server's conformance preset, the stream
// opens with the acknowledgement, carries a tool-list change made by another request, is
// recorded as a listen stream the client closed, and lint finds nothing; straight to the
// server, a shutdown ends the subscription gracefully.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function connect(mcpUrl: string): Promise<Client> {
  const client = new Client({ name: 'listen-test', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl)));
  cleanups.push(() => client.close());
  return client;
}

/** Resolves with the next notification of `method` the client receives. */
function nextNotification(client: Client, method: 'notifications/tools/list_changed' | 'notifications/prompts/list_changed'): Promise<unknown> {
  return new Promise((resolve) => client.setNotificationHandler(method, resolve));
}

describe('subscriptions/listen with the MCP SDK 2.x client', () => {
  it('forgets a subscription once the client closes its stream', async () => {
    const server = await startReferenceServer({ preset: 'conformance' });
    cleanups.push(server.close);
    const client = await connect(server.mcpUrl);
    const subscription = await client.listen({ toolsListChanged: true });
    expect(server.server.subscriptions.size).toBe(1);
    const ended = once(server.server.subscriptions, 'ended');
    await subscription.close();
    expect(await ended).toEqual([expect.stringMatching(/^listen:/)]);
    expect(server.server.subscriptions.size).toBe(0);
  });

  it('acknowledges, delivers a list change, is recorded as a listen stream closed by the client, and lints clean', async () => {
    const running = await startInspector({ preset: 'conformance' });
    cleanups.push(running.close);
    const started = new Set<string>();
    running.inspector.subscribe((event) => event.type === 'exchange:start' && started.add(event.exchange.id));
    const client = await connect(`${running.origin}/mcp`);
    expect(client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true }, prompts: { listChanged: true } });

    // Resource updates are not offered (no resource changes), so the acknowledgement leaves them out.
    const subscription = await client.listen({ toolsListChanged: true, resourceSubscriptions: ['test://static-text'] });
    expect(subscription.honoredFilter).toEqual({ toolsListChanged: true });

    const changed = nextNotification(client, 'notifications/tools/list_changed');
    const before = (await client.listTools()).tools.map((t) => t.name);
    expect(before).not.toContain('test_dynamic_tool');
    await client.callTool({ name: 'test_trigger_tool_change', arguments: {} });
    await changed;
    expect((await client.listTools(undefined, { cacheMode: 'bypass' })).tools.map((t) => t.name)).toContain('test_dynamic_tool');

    await subscription.close();
    expect(await subscription.closed).toBe('local');

    const listen = await running.waitForExchange((e) => e.classification.stream === 'listen');
    expect(listen.classification).toMatchObject({ phase: 'jsonrpc', label: 'subscriptions/listen stream (tools, 1 resource)' });
    expect(exchangeOutcome(listen).outcome).toBe('closed-by-client');
    const methods = listen.sseEvents.filter((e) => e.kind === 'event').map((e) => (JSON.parse(e.data!) as { method?: string }).method);
    expect(methods).toEqual(['notifications/subscriptions/acknowledged', 'notifications/tools/list_changed']);

    // Everything that started (the cancel notification the client sends on close too) has ended: lint is silent.
    await Promise.all([...started].map((id) => running.waitForExchange((e) => e.id === id)));
    expect(running.inspector.findings()).toEqual([]);
  });

  it('ends open subscriptions gracefully when the server shuts down', async () => {
    const server: RunningServer = await startReferenceServer({ preset: 'conformance' });
    const client = await connect(server.mcpUrl);
    const subscription = await client.listen({ promptsListChanged: true });
    expect(server.server.subscriptions.size).toBe(1);
    await server.close();
    expect(await subscription.closed).toBe('graceful');
    expect(server.server.subscriptions.size).toBe(0);
  });

  it('refuses a malformed filter with -32602 and a client that does not accept SSE with 406', async () => {
    const server = await startReferenceServer({ preset: 'conformance' });
    cleanups.push(server.close);
    const badFilter = await fetch(server.mcpUrl, modernRequest('listen:bad', 'subscriptions/listen', { notifications: { toolsListChanged: 'yes' } }));
    expect(await badFilter.json()).toMatchObject({ id: 'listen:bad', error: { code: -32602, message: expect.stringContaining('params.notifications') } });
    const jsonOnly = modernRequest('listen:json', 'subscriptions/listen', { notifications: { toolsListChanged: true } });
    const refused = await fetch(server.mcpUrl, { ...jsonOnly, headers: { ...(jsonOnly.headers as Record<string, string>), accept: 'application/json' } });
    expect(refused.status).toBe(406);
    expect(await refused.json()).toMatchObject({ id: 'listen:json', error: { message: expect.stringContaining('SSE stream') } });
    expect(server.server.subscriptions.size).toBe(0);
  });
});

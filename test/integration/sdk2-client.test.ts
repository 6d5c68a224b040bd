import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryOAuthProvider } from '../helpers/oauthProvider';
import { completeAuthorization, startReferenceServer, type RunningServer } from '../helpers/server';

// The MCP TypeScript SDK 2.x client (@modelcontextprotocol/client), unmodified. In its `auto`
// negotiation mode it probes with server/discover and speaks the stateless 2026-07-28
// protocol; in its default mode it runs the 2025-11-25 initialize handshake.

type Negotiation = ConstructorParameters<typeof Client>[1];

async function connectWithOAuth(mcpUrl: string, options: Negotiation): Promise<{ client: Client; provider: MemoryOAuthProvider }> {
  const url = new URL(mcpUrl);
  const provider = new MemoryOAuthProvider('http://127.0.0.1:53683/callback');
  const first = new StreamableHTTPClientTransport(url, { authProvider: provider });
  await expect(new Client({ name: 'sdk2-test', version: '2.0.0' }, options).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  const callback = await completeAuthorization(provider.authorizationUrls[0]!);
  // finishAuth with the whole callback query checks `iss` (RFC 9207), which we send.
  await first.finishAuth(callback.searchParams);
  const client = new Client({ name: 'sdk2-test', version: '2.0.0' }, options);
  await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
  return { client, provider };
}

describe('MCP SDK 2.x client', () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('negotiates the stateless 2026-07-28 era through server/discover, with OAuth', async () => {
    running = await startReferenceServer();
    const { client } = await connectWithOAuth(running.mcpUrl, { versionNegotiation: { mode: 'auto' } });
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    // No session was created: the stateless era keeps none.
    expect(running.server.sessions.size).toBe(0);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('best_person');
    const result = await client.callTool({ name: 'best_person', arguments: { startsWith: 'ada' } });
    expect(result.content).toEqual([{ type: 'text', text: 'The best person is Ada Lovelace.' }]);
    const read = await client.readResource({ uri: 'inspector://docs/handshake' });
    expect(JSON.stringify(read.contents)).toContain('The remote MCP handshake');
    const prompt = await client.getPrompt({ name: 'explain_step', arguments: { step: 'initialize' } });
    expect(prompt.messages).toHaveLength(1);
    await client.close();
  });

  it('speaks the 2025-11-25 session era in its default (legacy) mode', async () => {
    running = await startReferenceServer();
    const { client } = await connectWithOAuth(running.mcpUrl, undefined);
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
    expect(running.server.sessions.size).toBe(1);
    const sum = await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
    expect(sum.structuredContent).toEqual({ sum: 3 });
    await client.close();
  });

  it('falls back from server/discover to initialize when the server is pinned to the session era', async () => {
    running = await startReferenceServer({ preset: 'spec-2025-11-25' });
    const { client } = await connectWithOAuth(running.mcpUrl, { versionNegotiation: { mode: 'auto' } });
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
    const { tools } = await client.listTools();
    expect(tools.length).toBe(6);
    await client.close();
  });

  it('connects to a stateless-only server when pinned to 2026-07-28', async () => {
    running = await startReferenceServer({ preset: 'spec-2026-07-28' });
    const { client } = await connectWithOAuth(running.mcpUrl, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const echoed = await client.callTool({ name: 'echo', arguments: { message: 'héllo ✓' } });
    expect(echoed.content).toEqual([{ type: 'text', text: 'héllo ✓' }]);
    await client.close();
  });
});

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryOAuthProvider } from '../helpers/oauthProvider';
import { completeAuthorization, startReferenceServer, type RunningServer } from '../helpers/server';

// The MCP TypeScript SDK 1.x client, unmodified, against the reference server over real
// sockets: discovery → DCR → authorize (the consent form is submitted) → token → initialize
// → tools/list → tools/call.

type Transport = StreamableHTTPClientTransport | SSEClientTransport;

async function connectWithOAuth(url: URL, provider: MemoryOAuthProvider, makeTransport: () => Transport): Promise<Client> {
  const first = makeTransport();
  await expect(new Client({ name: 'sdk1-test', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  expect(provider.authorizationUrls).toHaveLength(1);
  const callback = await completeAuthorization(provider.authorizationUrls[0]!);
  expect(callback.searchParams.get('error')).toBeNull();
  await first.finishAuth(callback.searchParams.get('code')!);
  const client = new Client({ name: 'sdk1-test', version: '1.0.0' });
  await client.connect(makeTransport());
  return client;
}

describe('MCP SDK 1.x client', () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('completes the whole OAuth handshake over Streamable HTTP and calls tools', async () => {
    running = await startReferenceServer();
    const provider = new MemoryOAuthProvider();
    const url = new URL(running.mcpUrl);
    const client = await connectWithOAuth(url, provider, () => new StreamableHTTPClientTransport(url, { authProvider: provider }));

    // DCR happened and the token is a JWT bound to the MCP endpoint.
    expect(provider.client?.client_id).toMatch(/^mcp-client-/);
    const [, payload] = provider.savedTokens!.access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect(claims.aud).toBe(running.mcpUrl);
    expect(provider.savedTokens!.refresh_token).toBeTruthy();

    expect(client.getServerVersion()?.name).toBe('mcp-handshake-inspector-reference');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['echo', 'add', 'best_person', 'slow_count', 'fail', 'regional_echo']);
    const echoed = await client.callTool({ name: 'echo', arguments: { message: 'hello through OAuth' } });
    expect(echoed.content).toEqual([{ type: 'text', text: 'hello through OAuth' }]);
    const sum = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
    expect(sum.structuredContent).toEqual({ sum: 42 });
    const failed = await client.callTool({ name: 'fail', arguments: { reason: 'upstream down' } });
    expect(failed.isError).toBe(true);

    // Resources, templates, prompts and completion work for the same authorised session.
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain('inspector://images/pixel.png');
    const pixel = await client.readResource({ uri: 'inspector://images/pixel.png' });
    expect(pixel.contents[0]).toMatchObject({ mimeType: 'image/png', blob: expect.any(String) });
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates[0]?.uriTemplate).toBe('inspector://people/{name}');
    const prompt = await client.getPrompt({ name: 'explain_step', arguments: { step: 'token exchange' } });
    expect(JSON.stringify(prompt.messages)).toContain('token exchange');
    const completion = await client.complete({ ref: { type: 'ref/prompt', name: 'explain_step' }, argument: { name: 'step', value: 'to' } });
    expect(completion.completion.values).toContain('token exchange');
    await client.setLoggingLevel('info');
    await client.ping();
    await client.close();
  });

  it('receives progress notifications from the slow tool on an SSE response stream', async () => {
    running = await startReferenceServer({ profile: { postResponse: 'sse', consent: 'auto' } });
    const provider = new MemoryOAuthProvider();
    const url = new URL(running.mcpUrl);
    const client = await connectWithOAuth(url, provider, () => new StreamableHTTPClientTransport(url, { authProvider: provider }));
    const progress: number[] = [];
    const result = await client.callTool({ name: 'slow_count', arguments: { steps: 3, delayMs: 10 } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(progress).toEqual([1, 2, 3]);
    expect(result.content).toEqual([{ type: 'text', text: 'Counted to 3.' }]);
    await client.close();
  });

  it('connects with the legacy HTTP+SSE client on /sse, with OAuth', async () => {
    running = await startReferenceServer();
    const provider = new MemoryOAuthProvider();
    const url = new URL(`${running.origin}/sse`);
    const client = await connectWithOAuth(url, provider, () => new SSEClientTransport(url, { authProvider: provider }));
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThan(0);
    const result = await client.callTool({ name: 'best_person', arguments: { startsWith: 'gr' } });
    expect(result.content).toEqual([{ type: 'text', text: 'The best person is Grace Hopper.' }]);
    await client.close();
  });
});

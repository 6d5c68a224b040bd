import { request as httpRequest } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { PRESETS, presetById } from '../../src/main/core/server/presets';
import { SPEC_PROFILE } from '../../src/main/core/server/profile';
import { startReferenceServer, type RunningServer } from '../helpers/server';

// The `conformance` preset (`serve --profile conformance`): the official suite's fixture
// catalogue next to our own, no auth, resource subscriptions, sampling and elicitation on the
// POST's stream, DNS-rebinding protection. Spoken to by the MCP SDK client over real sockets.

let running: RunningServer | undefined;
const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  await running?.close();
  running = undefined;
});

async function connect(r: RunningServer, capabilities: Record<string, unknown> = {}): Promise<Client> {
  const client = new Client({ name: 'conformance-preset-test', version: '1.0.0' }, { capabilities });
  await client.connect(new StreamableHTTPClientTransport(new URL(r.mcpUrl)));
  clients.push(client);
  return client;
}

/** A raw request with a chosen Host / Origin (fetch cannot set Host). */
function rawPost(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }));
  });
}

describe('the conformance preset', () => {
  it('is a public preset without auth that adds the fixture catalogue; the default spec profile keeps OAuth and our own catalogue only', () => {
    expect(PRESETS.map((p) => p.id)).toContain('conformance');
    expect(presetById('conformance').profile).toMatchObject({ tokenRequired: 'none', catalogue: 'own+conformance', postResponse: 'sse' });
    expect(presetById('conformance').profile.hostValidation ?? SPEC_PROFILE.hostValidation).toBe('allowed-hosts');
    expect(presetById('spec').profile).toEqual({});
    expect(SPEC_PROFILE).toMatchObject({ tokenRequired: 'all', catalogue: 'own', hostValidation: 'allowed-hosts' });
  });

  it('serves the fixture tools, resources and prompts next to our own', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const client = await connect(running);
    expect(client.getServerCapabilities()?.resources).toMatchObject({ subscribe: true });

    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toEqual(expect.arrayContaining(['echo', 'add', 'test_simple_text', 'test_image_content', 'test_tool_with_progress', 'test_sampling', 'json_schema_2020_12_tool']));
    expect(await client.callTool({ name: 'test_simple_text', arguments: {} })).toEqual({ content: [{ type: 'text', text: 'This is a simple text response for testing.' }] });
    expect(await client.callTool({ name: 'echo', arguments: { message: 'ours too' } })).toEqual({ content: [{ type: 'text', text: 'ours too' }] });
    const image = await client.callTool({ name: 'test_image_content', arguments: {} });
    expect(image.content).toEqual([{ type: 'image', data: expect.any(String), mimeType: 'image/png' }]);
    expect(await client.callTool({ name: 'test_error_handling', arguments: {} })).toMatchObject({ isError: true });
    const listed = (await client.listTools()).tools.find((t) => t.name === 'json_schema_2020_12_tool')!;
    expect(listed.inputSchema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', $defs: { address: { $anchor: 'addressDef' } }, additionalProperties: false });

    expect((await client.readResource({ uri: 'test://static-text' })).contents).toEqual([{ uri: 'test://static-text', mimeType: 'text/plain', text: 'This is the content of the static text resource.' }]);
    expect((await client.readResource({ uri: 'test://template/123/data' })).contents[0]).toMatchObject({ text: JSON.stringify({ id: '123', templateTest: true, data: 'Data for ID: 123' }) });
    expect((await client.readResource({ uri: 'inspector://docs/handshake' })).contents[0]).toMatchObject({ mimeType: 'text/markdown' });
    expect(await client.subscribeResource({ uri: 'test://watched-resource' })).toEqual({});
    expect(await client.unsubscribeResource({ uri: 'test://watched-resource' })).toEqual({});

    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['explain_step', 'test_simple_prompt', 'test_prompt_with_arguments']));
    const prompt = await client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'hello', arg2: 'world' } });
    expect(prompt.messages).toEqual([{ role: 'user', content: { type: 'text', text: "Prompt with arguments: arg1='hello', arg2='world'" } }]);
  });

  it('streams progress and log messages of a fixture call before its result', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const client = await connect(running);
    const progress: number[] = [];
    await client.callTool({ name: 'test_tool_with_progress', arguments: {} }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(progress).toEqual([0, 50, 100]);
    const logs: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params.data));
    await client.callTool({ name: 'test_tool_with_logging', arguments: {} });
    expect(logs).toEqual(['Tool execution started', 'Tool processing data', 'Tool execution completed']);
  });

  it('asks the client for sampling and elicitation on the call stream and uses the answers', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const client = await connect(running, { sampling: {}, elicitation: {} });
    const sampled: unknown[] = [];
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      sampled.push(request.params.messages);
      return { role: 'assistant', content: { type: 'text', text: 'a sampled answer' }, model: 'test-model', stopReason: 'endTurn' };
    });
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { username: 'ada', email: 'ada@example.com' } }));

    expect(await client.callTool({ name: 'test_sampling', arguments: { prompt: 'Say hi' } })).toEqual({ content: [{ type: 'text', text: 'LLM response: a sampled answer' }] });
    expect(sampled).toEqual([[{ role: 'user', content: { type: 'text', text: 'Say hi' } }]]);
    const elicited = await client.callTool({ name: 'test_elicitation', arguments: { message: 'Who are you?' } });
    expect(elicited.content).toEqual([{ type: 'text', text: 'User response: action=accept, content={"username":"ada","email":"ada@example.com"}' }]);
  });

  it('refuses sampling to a client that did not declare it, in-band (-32602)', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const client = await connect(running);
    await expect(client.callTool({ name: 'test_sampling', arguments: { prompt: 'x' } })).rejects.toThrow(/did not declare the "sampling" capability/);
  });

  it('answers 403 to a foreign Host or Origin (DNS rebinding) and serves localhost', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const port = new URL(running.mcpUrl).port;
    expect(await rawPost(running.mcpUrl, { Host: 'evil.example.com', Origin: 'http://evil.example.com' })).toBe(403);
    expect(await rawPost(running.mcpUrl, { Host: `localhost:${port}`, Origin: 'http://evil.example.com' })).toBe(403);
    expect(await rawPost(running.mcpUrl, { Host: `localhost:${port}`, Origin: `http://localhost:${port}` })).toBe(200);
    expect(await rawPost(running.mcpUrl, { Host: `127.0.0.1:${port}` })).toBe(200);
  });
});

/** A 2026-07-28 tools/call by raw fetch: the `_meta` envelope and its mirrored headers. */
async function modernToolCall(url: string, name: string, meta: Record<string, unknown> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call', 'Mcp-Name': name },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name, arguments: {}, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {}, ...meta } },
    }),
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe('the conformance preset in the 2026-07-28 era', () => {
  it('test_missing_capability without a declared sampling capability → 400 -32021 naming it, before any stream opens', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const res = await modernToolCall(running.mcpUrl, 'test_missing_capability');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ id: 7, error: { code: -32021, data: { requiredCapabilities: { sampling: {} } } } });
  });

  it('test_logging_tool logs only when the request asked for a log level', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const silent = await modernToolCall(running.mcpUrl, 'test_logging_tool');
    expect(silent.status).toBe(200);
    expect(silent.text).not.toContain('notifications/message');
    expect(silent.text).toContain('Logging tool executed');
    const asked = await modernToolCall(running.mcpUrl, 'test_logging_tool', { 'io.modelcontextprotocol/logLevel': 'info' });
    expect(asked.contentType).toContain('text/event-stream');
    expect(asked.text.indexOf('notifications/message')).toBeGreaterThan(-1);
    expect(asked.text.indexOf('notifications/message')).toBeLessThan(asked.text.indexOf('Logging tool executed'));
  });
});

describe('without the preset', () => {
  it('our own catalogue only: no fixtures, no subscriptions; the same Host protection', async () => {
    running = await startReferenceServer({ profile: { tokenRequired: 'none' } });
    const client = await connect(running);
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toContain('echo');
    expect(tools).not.toContain('test_simple_text');
    expect(client.getServerCapabilities()?.resources).toMatchObject({ subscribe: false });
    await expect(client.callTool({ name: 'test_simple_text', arguments: {} })).rejects.toThrow(/not found/);
    await expect(client.request({ method: 'resources/subscribe', params: { uri: 'test://watched-resource' } }, (await import('@modelcontextprotocol/sdk/types.js')).EmptyResultSchema)).rejects.toThrow(/-32601|Method not found/);
    expect(await rawPost(running.mcpUrl, { Host: 'tunnel.example.com' })).toBe(403);
  });
});

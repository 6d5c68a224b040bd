import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeHeaderValue } from '../../src/shared/mcpHeaders';
import { startInspector } from '../helpers/inspector';
import { startReferenceServer, type RunningServer } from '../helpers/server';

// SEP-2243 request metadata headers on the wire. The MCP SDK 2.x client (@modelcontextprotocol/
// client, unmodified) speaking 2026-07-28 through the front door mirrors regional_echo's
// x-mcp-header arguments into Mcp-Param-* (Base64 for a non-ASCII value), the reference server
// checks them, and lint finds nothing. Raw requests show what the server refuses.

const META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };

describe('Mcp-Param-* through the front door, MCP SDK 2.x client', () => {
  let running: Awaited<ReturnType<typeof startInspector>> | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('mirrors x-mcp-header arguments, the server accepts them, and lint is silent', async () => {
    const r = (running = await startInspector({ preset: 'no-auth' }));
    const started = new Set<string>();
    r.inspector.subscribe((event) => event.type === 'exchange:start' && started.add(event.exchange.id));

    const client = new Client({ name: 'routing-headers-test', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', r.origin)));
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const listed = (await client.listTools()).tools.find((t) => t.name === 'regional_echo');
    expect(listed?.inputSchema.properties).toMatchObject({ region: { 'x-mcp-header': 'Region' }, priority: { 'x-mcp-header': 'Priority' } });
    const result = await client.callTool({ name: 'regional_echo', arguments: { region: 'Zürich', priority: 2, message: 'grüezi' } });
    expect(result.content).toEqual([{ type: 'text', text: '[Zürich] (priority 2) grüezi' }]);
    expect((await client.getPrompt({ name: 'explain_step', arguments: { step: 'Mcp-Name' } })).messages).toHaveLength(1);
    expect(JSON.stringify((await client.readResource({ uri: 'inspector://docs/handshake' })).contents)).toContain('handshake');
    await client.close();
    await Promise.all([...started].map((id) => r.waitForExchange((e) => e.id === id)));

    // The call as recorded: the headers the client derived from its body.
    const call = r.ended.find((e) => e.classification.jsonRpc?.methods.includes('tools/call'))!;
    expect(call.response?.status).toBe(200);
    expect(call.request.headers).toMatchObject({
      'mcp-method': 'tools/call',
      'mcp-name': 'regional_echo',
      'mcp-param-region': encodeHeaderValue('Zürich'),
      'mcp-param-priority': '2',
      'mcp-protocol-version': '2026-07-28',
    });
    expect(r.ended.find((e) => e.classification.jsonRpc?.methods.includes('resources/read'))!.request.headers['mcp-name']).toBe('inspector://docs/handshake');
    expect(r.inspector.findings()).toEqual([]);
  });
});

describe('the suite\'s test_custom_headers fixture (--profile conformance), MCP SDK 2.x client', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('takes every encoding case of the suite\'s http-custom-headers scenario, and a null argument without its header', async () => {
    server = await startReferenceServer({ preset: 'conformance' });
    const client = new Client({ name: 'routing-headers-test', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl)));
    await client.listTools();
    const args = { region: 'us-west1', priority: 42, verbose: false, debug: true, empty_val: '', method_val: 'test-method', float_val: 3.14159, non_ascii_val: 'Hello, 世界', whitespace_val: ' padded ', leading_space_val: ' us-west1', trailing_space_val: 'us-west1 ', internal_space_val: 'us west 1', control_char_val: 'line1\nline2', crlf_val: 'line1\r\nline2', tab_val: '\tindented', query: 'SELECT * FROM users' };
    const all = await client.callTool({ name: 'test_custom_headers', arguments: args });
    expect(all.isError).toBeFalsy();
    expect((all.content as Array<{ text: string }>)[0]!.text).toContain(JSON.stringify(args));
    const withNull = await client.callTool({ name: 'test_custom_headers_null', arguments: { region: 'us-east1', priority: 1, verbose: null, query: 'SELECT 1' } });
    expect(withNull.isError).toBeFalsy();
    await client.close();
  });
});

describe('Mcp-Param-* validation of the reference server (default profile catalogue)', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function call(args: Record<string, unknown>, headers: Record<string, string>) {
    const response = await fetch(server!.mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'regional_echo', ...headers },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'regional_echo', arguments: args, _meta: META } }),
    });
    return { status: response.status, json: (await response.json()) as { result?: { content: Array<{ text: string }> }; error?: { code: number; message: string; data?: unknown } } };
  }

  it('accepts headers that say what the body says: Base64 decoded, integers compared as numbers, an absent argument without its header', async () => {
    server = await startReferenceServer({ preset: 'no-auth' });
    const ok = await call({ region: 'São Paulo', priority: 3, message: 'hi' }, { 'mcp-param-region': encodeHeaderValue('São Paulo'), 'mcp-param-priority': '3.0' });
    expect(ok.status).toBe(200);
    expect(ok.json.result!.content[0]!.text).toBe('[São Paulo] (priority 3) hi');
    expect((await call({ region: 'eu', message: 'hi' }, { 'MCP-PARAM-REGION': ' eu ' })).status).toBe(200);
  });

  it.each([
    ['an omitted header for an argument in the body', { region: 'eu', message: 'hi' }, {}, 'the required Mcp-Param-Region header is absent'],
    ['a value that differs', { region: 'eu', message: 'hi' }, { 'mcp-param-region': 'us' }, "Mcp-Param-Region header value 'us' does not match body value 'eu'"],
    ['Base64 with bad padding', { region: 'Hello', message: 'hi' }, { 'mcp-param-region': '=?base64?SGVsbG8?=' }, 'is malformed'],
    ['a number that differs', { region: 'eu', priority: 2, message: 'hi' }, { 'mcp-param-region': 'eu', 'mcp-param-priority': '3' }, "Mcp-Param-Priority header value '3' does not match body value '2'"],
    ['a header with no argument to mirror', { region: 'eu', message: 'hi' }, { 'mcp-param-region': 'eu', 'mcp-param-priority': '1' }, 'has no value in the body'],
  ])('refuses %s with 400 and -32020', async (_what, args, headers, message) => {
    server = await startReferenceServer({ preset: 'no-auth' });
    const refused = await call(args, headers);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ code: -32020 });
    expect(refused.json.error!.message).toContain(message);
  });
});

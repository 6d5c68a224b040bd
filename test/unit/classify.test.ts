import { describe, expect, it } from 'vitest';
import { classifyRequest, classifyResponse, summarizeJsonRpc } from '../../src/main/core/recorder/classify';
import type { Classification, DiscoveryKind } from '../../src/shared/exchange';

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };
const post = (url: string, body: unknown, headers: Record<string, string> = JSON_HEADERS) =>
  classifyRequest('POST', url, headers, typeof body === 'string' ? body : JSON.stringify(body));
const rpc = (method: string, id?: string | number, params?: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  ...(id !== undefined ? { id } : {}),
  method,
  ...(params ? { params } : {}),
});

describe('classifyRequest: discovery', () => {
  it.each<[string, DiscoveryKind, string]>([
    ['/.well-known/oauth-protected-resource', 'protected-resource-root', 'Protected Resource Metadata (root)'],
    ['/.well-known/oauth-protected-resource/mcp', 'protected-resource-suffixed', 'Protected Resource Metadata (path-suffixed)'],
    ['/.well-known/oauth-protected-resource/sse', 'protected-resource-suffixed', 'Protected Resource Metadata (path-suffixed)'],
    ['/.well-known/oauth-authorization-server', 'authorization-server-root', 'AS metadata, RFC 8414 (root)'],
    ['/.well-known/oauth-authorization-server/mcp', 'authorization-server-suffixed', 'AS metadata, RFC 8414 (path-suffixed)'],
    ['/.well-known/openid-configuration', 'openid-configuration-root', 'OpenID configuration (root)'],
    ['/.well-known/openid-configuration/mcp', 'openid-configuration-suffixed', 'OpenID configuration (path-suffixed)'],
    ['/mcp/.well-known/openid-configuration', 'openid-configuration-appended', 'OpenID configuration (path-appended)'],
    ['/tenant/a/.well-known/openid-configuration', 'openid-configuration-appended', 'OpenID configuration (path-appended)'],
    ['/.well-known/jwks.json', 'jwks', 'JWKS'],
    ['/jwks', 'jwks', 'JWKS'],
    ['/oauth/jwks.json', 'jwks', 'JWKS'],
  ])('GET %s is %s', (url, discovery, label) => {
    expect(classifyRequest('GET', url, {})).toEqual({ phase: 'discovery', label, discovery });
  });

  it('ignores the query and a trailing slash', () => {
    expect(classifyRequest('GET', '/.well-known/oauth-protected-resource/?x=1', {}).discovery).toBe('protected-resource-root');
    expect(classifyRequest('GET', '/.well-known/oauth-authorization-server/mcp/', {}).discovery).toBe('authorization-server-suffixed');
  });

  it('names an unknown well-known document', () => {
    expect(classifyRequest('GET', '/.well-known/security.txt', {})).toEqual({ phase: 'discovery', label: 'well-known security.txt', discovery: 'other-well-known' });
  });

  it('counts a HEAD on a well-known URL as discovery, a HEAD elsewhere as a probe', () => {
    expect(classifyRequest('HEAD', '/.well-known/oauth-authorization-server', {}).discovery).toBe('authorization-server-root');
    expect(classifyRequest('HEAD', '/', { 'mcp-protocol-version': '2025-06-18' })).toEqual({ phase: 'other', label: 'probe (HEAD /)' });
    expect(classifyRequest('HEAD', '/mcp', {})).toEqual({ phase: 'other', label: 'probe (HEAD /mcp)' });
  });

  it('does not call a POST to a well-known URL discovery', () => {
    expect(classifyRequest('POST', '/.well-known/oauth-protected-resource', {}).phase).not.toBe('discovery');
  });

  it('says when a JSON POST body does not parse, and stays quiet about an empty one', () => {
    expect(post('/mcp', '{"jsonrpc":"2.0", "id": 1, "method": ').label).toBe('POST /mcp: body is not valid JSON');
    expect(post('/mcp', '').label).toBe('POST /mcp');
    // Cut at the recording cap: not the client's fault.
    expect(classifyRequest('POST', '/mcp', JSON_HEADERS, '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"a":"xxxx', true).label).toBe(
      'POST /mcp: body over the recording cap, not classified',
    );
  });

  it('names PAR, RFC 7592 client management, and a Streamable HTTP stream served at /sse', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(classifyRequest('POST', '/oauth2/par', form, 'response_type=code&client_id=c').label).toBe('pushed authorization request (PAR)');
    expect(classifyRequest('GET', '/oauth2/auth?client_id=c&request_uri=urn:x', {}).phase).toBe('authorization');
    expect(classifyRequest('DELETE', '/register/abc', {})).toMatchObject({ phase: 'registration', label: 'client deletion (RFC 7592)' });
    expect(classifyRequest('GET', '/sse', { accept: 'text/event-stream', 'mcp-session-id': 's' })).toMatchObject({ stream: 'get-stream' });
    expect(classifyRequest('GET', '/sse', { accept: 'text/event-stream' })).toMatchObject({ stream: 'legacy-sse' });
  });

  it('reads the path of an absolute-form target', () => {
    expect(classifyRequest('GET', 'http://127.0.0.1:7420/.well-known/oauth-protected-resource/mcp?x=1', {})).toMatchObject({ phase: 'discovery', discovery: 'protected-resource-suffixed' });
  });

  it('marks userinfo', () => {
    expect(classifyRequest('GET', '/userinfo', { authorization: 'Bearer x' })).toEqual({ phase: 'other', label: 'userinfo', discovery: 'userinfo' });
  });
});

describe('classifyRequest: registration, authorization, token', () => {
  const dcrBody = { client_name: 'claudeai', redirect_uris: ['https://claude.ai/api/mcp/auth_callback'], token_endpoint_auth_method: 'none' };

  it('recognises DCR at /register, with or without a JSON body', () => {
    const expected = { phase: 'registration', label: 'dynamic client registration' };
    expect(post('/register', dcrBody)).toEqual(expected);
    expect(post('/oauth/register', { client_name: 'no redirect uris' })).toEqual(expected);
    expect(post('/register', 'client_name=x', FORM_HEADERS)).toEqual(expected);
  });

  it('recognises DCR elsewhere by a JSON body with redirect_uris', () => {
    expect(post('/oauth/clients', dcrBody)).toEqual({ phase: 'registration', label: 'dynamic client registration' });
    expect(post('/oauth/clients', { client_name: 'x' }).phase).toBe('other');
  });

  it('recognises the authorize redirect, also at another path when the query says so', () => {
    expect(classifyRequest('GET', '/authorize?response_type=code&client_id=c1&code_challenge=x&code_challenge_method=S256', {})).toEqual({ phase: 'authorization', label: 'authorize' });
    expect(classifyRequest('GET', '/oauth2/v1/auth?response_type=code&client_id=c1', {})).toEqual({ phase: 'authorization', label: 'authorize' });
    expect(classifyRequest('GET', '/oauth2/v1/auth?client_id=c1', {}).phase).toBe('other');
  });

  it('recognises the consent form POST to /authorize', () => {
    expect(post('/authorize', 'request_id=r1&decision=approve', FORM_HEADERS)).toEqual({ phase: 'authorization', label: 'authorize: consent decision' });
  });

  it.each([
    'authorization_code',
    'refresh_token',
    'client_credentials',
    'urn:ietf:params:oauth:grant-type:device_code',
    'urn:ietf:params:oauth:grant-type:token-exchange',
  ])('recognises a token request with grant_type %s', (grantType) => {
    const body = new URLSearchParams({ grant_type: grantType, client_id: 'c1' }).toString();
    expect(post('/token', body, { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' })).toEqual({ phase: 'token', label: `token: ${grantType}`, grantType });
  });

  it('recognises a token request by its grant_type wherever it is sent', () => {
    expect(post('/oauth/v2/token-endpoint', 'grant_type=refresh_token&refresh_token=r', FORM_HEADERS).phase).toBe('token');
  });
});

describe('classifyRequest: JSON-RPC', () => {
  it('summarises an initialize request with its params', () => {
    const c = post('/mcp', rpc('initialize', 0, { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'Anthropic/ClaudeAI', version: '1.0.0' } }));
    expect(c).toEqual({
      phase: 'jsonrpc',
      label: 'initialize',
      jsonRpc: { kind: 'request', methods: ['initialize'], ids: [0], protocolVersion: '2025-11-25', clientInfo: { name: 'Anthropic/ClaudeAI', version: '1.0.0' } },
    });
  });

  it('reads protocol version and client from the 2026-07-28 _meta envelope on any request', () => {
    const c = post('/mcp', rpc('tools/list', 'a1', { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 'claude-code', version: '2.1.300' } } }));
    expect(c.jsonRpc).toEqual({ kind: 'request', methods: ['tools/list'], ids: ['a1'], protocolVersion: '2026-07-28', clientInfo: { name: 'claude-code', version: '2.1.300' } });
  });

  it('names the target of tools/call, prompts/get and resources/read', () => {
    expect(post('/mcp', rpc('tools/call', 3, { name: 'echo', arguments: { message: 'hi' } }))).toMatchObject({ label: 'tools/call echo', jsonRpc: { target: 'echo' } });
    expect(post('/mcp', rpc('prompts/get', 4, { name: 'greet' })).label).toBe('prompts/get greet');
    expect(post('/mcp', rpc('resources/read', 5, { uri: 'file:///a.txt' }))).toMatchObject({ label: 'resources/read file:///a.txt', jsonRpc: { target: 'file:///a.txt' } });
    expect(post('/mcp', rpc('tools/list', 6, { name: 'not-a-target' })).jsonRpc?.target).toBeUndefined();
  });

  it('names the task of tasks/get, tasks/update and tasks/cancel, so a task\'s polls read as one story', () => {
    const taskId = '786512e2-9e0d-44bd-8f29-789f320fe840';
    expect(post('/mcp', rpc('tasks/get', 7, { taskId }))).toMatchObject({ label: `tasks/get ${taskId}`, jsonRpc: { target: taskId } });
    expect(post('/mcp', rpc('tasks/update', 8, { taskId, inputResponses: {} })).label).toBe(`tasks/update ${taskId}`);
    expect(post('/mcp', rpc('tasks/cancel', 9, { taskId })).label).toBe(`tasks/cancel ${taskId}`);
    expect(post('/mcp', rpc('tasks/list', 10, {})).label).toBe('tasks/list');
  });

  it('notes the task a CreateTaskResult created, and only there', () => {
    const call = post('/mcp', rpc('tools/call', 3, { name: 'slow_compute', arguments: { seconds: 5 } }));
    const created = { jsonrpc: '2.0', id: 3, result: { resultType: 'task', taskId: 't-1', status: 'working', createdAt: '2026-07-28T10:00:00Z', lastUpdatedAt: '2026-07-28T10:00:00Z', ttlMs: 60000 } };
    expect(classifyResponse(call, 200, JSON_HEADERS, JSON.stringify(created)).jsonRpcResponse).toMatchObject({ kind: 'response', ids: [3], taskId: 't-1' });
    const polled = { jsonrpc: '2.0', id: 4, result: { resultType: 'complete', taskId: 't-1', status: 'working' } };
    expect(classifyResponse(call, 200, JSON_HEADERS, JSON.stringify(polled)).jsonRpcResponse?.taskId).toBeUndefined();
  });

  it('tells a notification from a request', () => {
    expect(post('/mcp', rpc('notifications/initialized'))).toEqual({
      phase: 'jsonrpc',
      label: 'notifications/initialized',
      jsonRpc: { kind: 'notification', methods: ['notifications/initialized'], ids: [] },
    });
  });

  it('summarises a response and an error the client sends back', () => {
    expect(post('/mcp', { jsonrpc: '2.0', id: 'srv-1', result: { roots: [] } })).toEqual({
      phase: 'jsonrpc',
      label: 'response to srv-1',
      jsonRpc: { kind: 'response', methods: [], ids: ['srv-1'] },
    });
    expect(post('/mcp', { jsonrpc: '2.0', id: 9, error: { code: -32601, message: 'Method not found' } })).toEqual({
      phase: 'jsonrpc',
      label: 'error to 9',
      jsonRpc: { kind: 'error', methods: [], ids: [9], errors: [{ id: 9, code: -32601, message: 'Method not found' }] },
    });
  });

  it('summarises a batch', () => {
    const c = post('/mcp', [rpc('tools/list', 1), rpc('notifications/initialized'), rpc('tools/call', 'x', { name: 'add' })]);
    expect(c.label).toBe('batch: tools/list, notifications/initialized, tools/call');
    expect(c.jsonRpc).toEqual({ kind: 'batch', methods: ['tools/list', 'notifications/initialized', 'tools/call'], ids: [1, 'x'], target: 'add' });
  });

  it('calls a one-element array a batch (servers answer it, or reject it, as one)', () => {
    expect(post('/mcp', [rpc('ping', 1)]).jsonRpc?.kind).toBe('batch');
  });

  it('does not take JSON that is not JSON-RPC 2.0 for JSON-RPC', () => {
    expect(post('/mcp', { jsonrpc: '1.0', id: 1, method: 'ping' }).phase).toBe('other');
    expect(post('/mcp', [rpc('ping', 1), { foo: 1 }]).phase).toBe('other');
    expect(post('/mcp', []).phase).toBe('other');
    expect(post('/mcp', '{not json').phase).toBe('other');
    expect(post('/mcp', rpc('ping', 1), { 'content-type': 'text/plain' }).phase).toBe('other');
  });
});

describe('classifyRequest: streams and session end', () => {
  it('tells a GET stream from the legacy /sse stream', () => {
    expect(classifyRequest('GET', '/mcp', { accept: 'text/event-stream' })).toEqual({ phase: 'sse-stream', label: 'GET stream', stream: 'get-stream' });
    expect(classifyRequest('GET', '/sse', { accept: 'text/event-stream' })).toEqual({ phase: 'sse-stream', label: 'legacy SSE stream', stream: 'legacy-sse' });
    expect(classifyRequest('GET', '/mcp', { accept: 'application/json' })).toEqual({ phase: 'other', label: 'GET /mcp' });
  });

  it('reads a header given as an array', () => {
    expect(classifyRequest('GET', '/mcp', { accept: ['text/event-stream'] }).stream).toBe('get-stream');
  });

  it('marks DELETE as the end of a session', () => {
    expect(classifyRequest('DELETE', '/mcp', { 'mcp-session-id': 's1' })).toEqual({ phase: 'session-end', label: 'end session (DELETE)' });
  });
});

describe('summarizeJsonRpc', () => {
  it('returns undefined for anything that is not JSON-RPC', () => {
    for (const value of [undefined, null, 1, 'x', {}, [], [1], [{ jsonrpc: '2.0', id: 1, result: {} }, null], { jsonrpc: 2, id: 1, method: 'ping' }]) {
      expect(summarizeJsonRpc(value)).toBeUndefined();
    }
  });

  it('keeps string and number ids as they are', () => {
    expect(summarizeJsonRpc([rpc('a', 1), rpc('b', '1')])?.ids).toEqual([1, '1']);
  });

  it('records a batch of responses with its errors', () => {
    const summary = summarizeJsonRpc([
      { jsonrpc: '2.0', id: 1, result: {} },
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } },
    ]);
    expect(summary).toEqual({ kind: 'batch', methods: [], ids: [1], errors: [{ id: null, code: -32700, message: 'Parse error' }] });
  });
});

describe('classifyResponse', () => {
  const request = post('/mcp', rpc('tools/call', 7, { name: 'echo' }));

  it('marks a POST answered with text/event-stream as a post-response stream, and reads the JSON-RPC in its events', () => {
    const body = ': ping\n\nevent: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}\n\nid: 2\nevent: message\ndata: {"jsonrpc":"2.0","id":7,"result":{"content":[]}}\n\n';
    const c = classifyResponse(request, 200, { 'content-type': 'text/event-stream' }, body);
    expect(c.stream).toBe('post-response');
    expect(c.jsonRpcResponse).toEqual({ kind: 'response', methods: [], ids: [7] });
    expect(c.jsonRpc).toEqual(request.jsonRpc);
  });

  it('collects every response of a batch answered over SSE', () => {
    const batch = post('/mcp', [rpc('tools/list', 1), rpc('prompts/list', 2)]);
    const body = 'data: {"jsonrpc":"2.0","id":1,"result":{"tools":[]}}\n\ndata: {"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"no prompts"}}\n\n';
    expect(classifyResponse(batch, 200, { 'content-type': 'text/event-stream' }, body).jsonRpcResponse).toEqual({
      kind: 'batch',
      methods: [],
      ids: [1, 2],
      errors: [{ id: 2, code: -32601, message: 'no prompts' }],
    });
  });

  it('finds no response in a stream of only server requests and notifications', () => {
    const body = 'data: {"jsonrpc":"2.0","id":"s1","method":"sampling/createMessage","params":{}}\n\ndata: not json\n\n';
    expect(classifyResponse(request, 200, { 'content-type': 'text/event-stream' }, body).jsonRpcResponse).toBeUndefined();
  });

  it('marks the stream as soon as the headers are known, before the body', () => {
    expect(classifyResponse(request, 200, { 'content-type': 'text/event-stream; charset=utf-8' })).toMatchObject({ stream: 'post-response' });
  });

  it('does not call a GET stream a post-response', () => {
    const get = classifyRequest('GET', '/mcp', { accept: 'text/event-stream' });
    expect(classifyResponse(get, 200, { 'content-type': 'text/event-stream' }).stream).toBe('get-stream');
  });

  it('pulls the JSON-RPC response out of a JSON body', () => {
    const c = classifyResponse(request, 200, { 'content-type': 'application/json' }, '{"jsonrpc":"2.0","id":7,"error":{"code":-32602,"message":"bad"}}');
    expect(c.jsonRpcResponse).toEqual({ kind: 'error', methods: [], ids: [7], errors: [{ id: 7, code: -32602, message: 'bad' }] });
    expect(c.stream).toBeUndefined();
  });

  it('leaves the classification alone for a non-JSON-RPC body', () => {
    const c = classifyResponse(request, 200, { 'content-type': 'application/json' }, '{"detail":"Not Found"}');
    expect(c).toEqual(request);
  });

  it('labels a JSON-RPC request answered 401 as unauthorised, without changing the input', () => {
    const before: Classification = structuredClone(request);
    const c = classifyResponse(request, 401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer resource_metadata="x"' }, '{"error":"invalid_token"}');
    expect(c.label).toBe('tools/call echo (unauthorised)');
    expect(request).toEqual(before);
    // Classified again when the body has arrived: still one mark.
    expect(classifyResponse(c, 401, { 'content-type': 'application/json' }, '{"error":"invalid_token"}').label).toBe('tools/call echo (unauthorised)');
    expect(classifyResponse(classifyRequest('GET', '/.well-known/jwks.json', {}), 401, {}).label).toBe('JWKS');
  });
});

describe('subscriptions/listen (2026-07-28)', () => {
  const listen = (notifications: unknown) => post('/mcp', rpc('subscriptions/listen', 'listen:1', { _meta: {}, notifications }));

  it('labels the request as a listen stream, with what it asked for', () => {
    const c = listen({ toolsListChanged: true, promptsListChanged: true, resourceSubscriptions: ['file:///a', 'file:///b'] });
    expect(c).toMatchObject({ phase: 'jsonrpc', label: 'subscriptions/listen stream (tools, prompts, 2 resources)', stream: 'listen' });
    expect(c.jsonRpc?.methods).toEqual(['subscriptions/listen']);
    expect(listen({}).label).toBe('subscriptions/listen stream (nothing)');
    expect(listen({ toolsListChanged: 'yes' }).label).toBe('subscriptions/listen stream (no valid filter)');
  });

  it('keeps the listen kind once the SSE answer starts, and reads the graceful-close result from its events', () => {
    const request = listen({ toolsListChanged: true });
    expect(classifyResponse(request, 200, { 'content-type': 'text/event-stream' }).stream).toBe('listen');
    const body =
      'data: {"jsonrpc":"2.0","method":"notifications/subscriptions/acknowledged","params":{"_meta":{"io.modelcontextprotocol/subscriptionId":"listen:1"},"notifications":{"toolsListChanged":true}}}\n\n' +
      'data: {"jsonrpc":"2.0","id":"listen:1","result":{"resultType":"complete","_meta":{"io.modelcontextprotocol/subscriptionId":"listen:1"}}}\n\n';
    const ended = classifyResponse(request, 200, { 'content-type': 'text/event-stream' }, body);
    expect(ended).toMatchObject({ stream: 'listen', jsonRpcResponse: { kind: 'response', ids: ['listen:1'] } });
  });
});

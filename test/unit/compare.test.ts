import { describe, expect, it } from 'vitest';
import type { Exchange, HttpHeaders } from '../../src/shared/exchange';
import { alignStage, compareConnections, stepOf } from '../../src/main/core/compare/compare';
import { renderComparison } from '../../src/main/core/compare/render';
import { lintExchanges } from '../../src/main/core/lint/engine';
import { classifyRequest, classifyResponse } from '../../src/main/core/recorder/classify';
import { recognizeClient } from '../../src/main/core/recorder/clients';

// Compare's alignment on hand-made exchanges (the integration tests compare recorded ones).

let clock = 0;
function exchange(method: string, url: string, status: number, options: { headers?: HttpHeaders; body?: unknown; responseHeaders?: HttpHeaders; responseBody?: unknown } = {}): Exchange {
  const headers: HttpHeaders = { host: 'mcp.example', 'user-agent': 'test-client/1', ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers };
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const responseBody = options.responseBody === undefined ? undefined : JSON.stringify(options.responseBody);
  const responseHeaders = { 'content-type': 'application/json', ...options.responseHeaders };
  const classification = classifyResponse(classifyRequest(method, url, headers, body), status, responseHeaders, responseBody);
  clock += 10;
  return {
    id: `x${clock}`,
    startedAt: clock,
    timings: { end: 5 },
    state: 'complete',
    client: recognizeClient(headers['user-agent'] as string, undefined, '127.0.0.1'),
    request: { method, url, httpVersion: '1.1', headers, ...(body ? { body: { size: body.length, encoding: 'utf8', data: body, truncated: false } } : {}) },
    response: { status, headers: responseHeaders, ...(responseBody ? { body: { size: responseBody.length, encoding: 'utf8', data: responseBody, truncated: false } } : {}) },
    sseEvents: [],
    classification,
    appliedRules: [],
  };
}

const rpc = (method: string, id?: number) => ({ jsonrpc: '2.0', method, ...(id !== undefined ? { id } : {}), ...(method === 'initialize' ? { params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } } } : {}) });
const initResult = { jsonrpc: '2.0', id: 1, result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 's', version: '1' } } };
const SESSION = { 'mcp-session-id': 's1' };

describe('alignStage', () => {
  it('pairs equal keys in order, whatever order the other side has them in', () => {
    expect(alignStage(['tools/list', 'prompts/list', 'resources/list'], ['resources/list', 'tools/list', 'prompts/list'])).toEqual([
      [0, 1],
      [1, 2],
      [2, 0],
    ]);
  });

  it('pairs what is left by position, then leaves the rest one-sided', () => {
    expect(alignStage(['a', 'b', 'c'], ['x', 'a'])).toEqual([
      [0, 1],
      [1, 0],
      [2, undefined],
    ]);
    expect(alignStage(['a'], ['a', 'a', 'b'])).toEqual([
      [0, 0],
      [undefined, 1],
      [undefined, 2],
    ]);
  });

  it('handles empty sides', () => {
    expect(alignStage([], ['x'])).toEqual([[undefined, 0]]);
    expect(alignStage(['x'], [])).toEqual([[0, undefined]]);
    expect(alignStage([], [])).toEqual([]);
  });
});

describe('stepOf', () => {
  it('names the stage from the protocol: discovery kind, grant type, JSON-RPC method, token presence', () => {
    expect(stepOf(exchange('GET', '/.well-known/oauth-protected-resource/mcp', 200))).toMatchObject({ stage: 'discovery', key: 'discovery:protected-resource-suffixed' });
    expect(stepOf(exchange('POST', '/mcp', 200, { body: rpc('tools/list', 2), headers: { authorization: 'Bearer t' } }))).toMatchObject({ stage: 'list', key: 'rpc:tools/list (with token)' });
    expect(stepOf(exchange('POST', '/mcp', 202, { body: rpc('notifications/initialized') }))).toMatchObject({ stage: 'initialized' });
    expect(stepOf(exchange('HEAD', '/', 200))).toMatchObject({ stage: 'probe' });
  });
});

describe('compareConnections', () => {
  // Claude.ai-like: probe, PRM (root 404, then path 200), initialize, initialized, GET 405, parallel lists.
  const left = [
    exchange('HEAD', '/', 200),
    exchange('GET', '/.well-known/oauth-protected-resource', 404),
    exchange('GET', '/.well-known/oauth-protected-resource/mcp', 200, { responseBody: { resource: 'http://mcp.example/mcp', authorization_servers: ['http://mcp.example'] } }),
    exchange('POST', '/mcp', 200, { body: rpc('initialize', 1), responseHeaders: SESSION, responseBody: initResult }),
    exchange('POST', '/mcp', 202, { body: rpc('notifications/initialized'), headers: SESSION }),
    exchange('POST', '/mcp', 200, { body: rpc('prompts/list', 4), headers: SESSION, responseBody: { jsonrpc: '2.0', id: 4, result: { prompts: [] } } }),
    exchange('POST', '/mcp', 200, { body: rpc('tools/list', 2), headers: SESSION, responseBody: { jsonrpc: '2.0', id: 2, result: { tools: [] } } }),
  ];
  // Another client against a server that answers notifications 204, with no probe, PRM at the path only, lists in another order.
  const right = [
    exchange('GET', '/.well-known/oauth-protected-resource/mcp', 200, { responseBody: { resource: 'http://mcp.example/mcp', authorization_servers: ['http://mcp.example'] } }),
    exchange('POST', '/mcp', 200, { body: rpc('initialize', 1), responseHeaders: SESSION, responseBody: initResult }),
    exchange('POST', '/mcp', 204, { body: rpc('notifications/initialized'), headers: SESSION }),
    exchange('POST', '/mcp', 200, { body: rpc('tools/list', 2), headers: SESSION, responseBody: { jsonrpc: '2.0', id: 2, result: { tools: [] } } }),
    exchange('POST', '/mcp', 200, { body: rpc('prompts/list', 4), headers: SESSION, responseBody: { jsonrpc: '2.0', id: 4, result: { prompts: [] } } }),
  ];
  const comparison = compareConnections({ source: 'left', exchanges: left }, { source: 'right', exchanges: right });
  const rows = comparison.steps.map((s) => `${s.stage}: ${s.left?.label ?? '—'} | ${s.right?.label ?? '—'}`);

  it('aligns by stage, whatever order the parallel calls came in', () => {
    expect(rows).toEqual([
      'probe: probe (HEAD /) | —',
      'discovery: Protected Resource Metadata (root) | —',
      'discovery: Protected Resource Metadata (path-suffixed) | Protected Resource Metadata (path-suffixed)',
      'initialize: initialize | initialize',
      'initialized: notifications/initialized | notifications/initialized',
      'list: prompts/list | prompts/list',
      'list: tools/list | tools/list',
    ]);
    expect(comparison.steps.find((s) => s.stage === 'list')!.right!.position).toBe(5);
  });

  it('names the differences: status and the lint finding it causes', () => {
    const initialized = comparison.steps.find((s) => s.stage === 'initialized')!;
    expect(initialized.differences).toEqual([
      { kind: 'status', left: '202', right: '204' },
      { kind: 'lint', name: 'notification-not-202', right: 'notification-not-202' },
    ]);
    expect(comparison.steps.find((s) => s.stage === 'initialize')!.differences).toEqual([]);
    expect(comparison.right.lint.byRule['notification-not-202']).toBe(1);
    expect(comparison.left.lint.errors).toBe(0);
    expect(comparison.right.lint.errors).toBe(1);
  });

  it('pairs one-sided steps of one stage as a different request', () => {
    const a = [exchange('GET', '/.well-known/oauth-authorization-server', 200, { responseBody: { issuer: 'x', code_challenge_methods_supported: ['S256'], registration_endpoint: 'r' } })];
    const b = [exchange('GET', '/.well-known/openid-configuration', 200, { responseBody: { issuer: 'x', code_challenge_methods_supported: ['S256'], registration_endpoint: 'r' } })];
    const { steps } = compareConnections({ source: 'a', exchanges: a }, { source: 'b', exchanges: b });
    expect(steps).toHaveLength(1);
    expect(steps[0]!.differences).toContainEqual({ kind: 'path', left: '/.well-known/oauth-authorization-server', right: '/.well-known/openid-configuration' });
  });

  it('renders side by side with what differs', () => {
    const text = renderComparison(comparison);
    expect(text).toContain('≠ initialized');
    expect(text).toContain('status: 202 | 204');
    expect(text).toContain('lint notification-not-202 on the right only');
    expect(text).toMatch(/≠ probe .*HEAD \/ → 200.*—/);
    // The hand-made lists ran one after the other, in opposite orders: that is an order difference.
    expect(text).toContain('≠ order of prompts/list: #6, before tools/list | #5, after tools/list');
    expect(text).toContain(`${comparison.differingSteps} of ${comparison.steps.length} steps differ, and 1 difference of the whole.`);
  });

  it('sees no order between requests in flight together', () => {
    const overlapping = (list: Exchange[]) => list.map((e) => (e.classification.jsonRpc?.methods[0]?.endsWith('/list') ? { ...e, timings: { end: 100 } } : e));
    const { differences } = compareConnections({ source: 'left', exchanges: overlapping(left) }, { source: 'right', exchanges: overlapping(right) });
    expect(differences).toEqual([]);
  });

  it('names the order, negotiated version and registration path of the whole', () => {
    expect(comparison.differences).toEqual([{ kind: 'order', name: 'prompts/list', left: '#6, before tools/list', right: '#5, after tools/list' }]);
    expect(comparison.left).toMatchObject({ negotiatedVersion: '2025-06-18', registration: 'none' });
    const cimd = exchange('GET', `/authorize?response_type=code&client_id=${encodeURIComponent('https://client.example/meta.json')}&code_challenge=x&code_challenge_method=S256&scope=mcp&redirect_uri=${encodeURIComponent('http://127.0.0.1:4711/cb')}`, 302);
    const dcr = exchange('POST', '/register', 201, { body: { client_name: 'c', redirect_uris: ['http://127.0.0.1:9999/cb'], token_endpoint_auth_method: 'none' } });
    const { differences, steps } = compareConnections({ source: 'a', exchanges: [dcr] }, { source: 'b', exchanges: [cimd] });
    expect(differences).toContainEqual({ kind: 'registration', left: 'dcr', right: 'cimd' });
    expect(steps.find((s) => s.stage === 'authorization')!.right!.oauth).toEqual({
      'authorize.response_type': 'code',
      'authorize.code_challenge_method': 'S256',
      'authorize.scope': 'mcp',
      'authorize.state': '(absent)',
      'authorize.code_challenge': '(present)',
      'authorize.redirect_uri': 'http://127.0.0.1:{port}/cb',
    });
    expect(steps.find((s) => s.stage === 'registration')!.left!.oauth).toMatchObject({ 'dcr.fields': 'client_name, redirect_uris, token_endpoint_auth_method', 'dcr.redirect_uris': 'http://127.0.0.1:{port}/cb' });
  });
});

describe('lintExchanges', () => {
  it('judges a connection-scope rule again when later context arrives', () => {
    // initialize without a token answered 200 first; only the PRM fetched afterwards makes the case.
    const init = exchange('POST', '/mcp', 200, { body: rpc('initialize', 1), responseHeaders: SESSION, responseBody: initResult });
    const prm = exchange('GET', '/.well-known/oauth-protected-resource/mcp', 200, { responseBody: { resource: 'http://mcp.example/mcp', authorization_servers: ['http://mcp.example'] } });
    const report = lintExchanges([prm, init]);
    expect(report.findings).toMatchObject([{ ruleId: 'lazy-auth-initialize', exchangeId: init.id, relatedExchangeIds: [prm.id] }]);
    expect(report.connections).toHaveLength(1);
    expect(report.connections[0]).toMatchObject({ exchanges: 2, warnings: 1, byRule: { 'lazy-auth-initialize': 1 } });
  });

  it('keeps connections apart: a PRM fetched by another client does not make the case', () => {
    const init = exchange('POST', '/mcp', 200, { body: rpc('initialize', 1), responseHeaders: SESSION, responseBody: initResult });
    const prm = exchange('GET', '/.well-known/oauth-protected-resource/mcp', 200, { headers: { 'user-agent': 'someone-else/2' }, responseBody: { resource: 'http://mcp.example/mcp', authorization_servers: ['http://mcp.example'] } });
    expect(lintExchanges([init, prm]).findings).toEqual([]);
  });
});

// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../src/shared/controlApi';
import type { Exchange, SseEvent } from '../../src/shared/exchange';
import { checkResource, decodeState } from '../../src/renderer/src/lib/oauthParams';
import { interpretSse } from '../../src/renderer/src/lib/sseEvents';
import { notificationLinks } from '../../src/renderer/src/lib/rpcLinks';
import { row } from './fixtures';
import { containerPerTest, mountApp, settle, waitFor } from './harness';

// The detail pane's views for OAuth and MCP, in happy-dom against a fake core: parameter
// tables, JSON bodies first, the SSE event table, notifications linked to their request, and
// the paired JSON-RPC response.

const T0 = 1_700_000_000_000;
const MCP = 'http://127.0.0.1:7420/mcp';
const b64url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const body = (data: string) => ({ size: data.length, encoding: 'utf8' as const, data, truncated: false });
const json = (value: unknown) => body(JSON.stringify(value));

function exchange(overrides: Partial<Exchange> & Pick<Exchange, 'id'>): Exchange {
  return {
    startedAt: T0,
    timings: { requestEnd: 1, upstreamHeaders: 2, firstByte: 3, end: 4 },
    state: 'complete',
    client: { family: 'mcp-sdk', label: 'MCP SDK' },
    request: { method: 'POST', url: '/mcp', httpVersion: '1.1', headers: { host: '127.0.0.1:7420' } },
    sseEvents: [],
    classification: { phase: 'jsonrpc', label: 'tools/list' },
    appliedRules: [],
    ...overrides,
  };
}

function summaryOf(e: Exchange, extra: Partial<ExchangeSummary> = {}): ExchangeSummary {
  return row({
    id: e.id,
    startedAt: e.startedAt,
    method: e.request.method,
    url: e.request.url,
    phase: e.classification.phase,
    label: e.classification.label,
    rpcMethods: e.classification.jsonRpc?.methods ?? [],
    status: e.response?.status,
    state: e.state,
    sseEventCount: e.sseEvents.length,
    connectionId: 'session:s1',
    ...extra,
  });
}


describe('detail views in a DOM', () => {
  const { dom: current, $, $$ } = containerPerTest();

  /** Mounts the app with these exchanges in the timeline and opens `open`. */
  async function mountWith(exchanges: Exchange[], open: string, extras: Record<string, Partial<ExchangeSummary>> = {}) {
    const byId = new Map(exchanges.map((e) => [e.id, e]));
    const rows = exchanges.map((e) => summaryOf(e, extras[e.id]));
    const app = await mountApp(current().root, {
      'exchanges.list': () => rows,
      'exchanges.get': (params) => byId.get((params as { id: string }).id) ?? null,
    });
    await act(async () => app.store.getState().select(open));
    await waitFor(() => $('[data-testid=detail] .tab-body'), 'the detail pane');
    return { ...app, byId, rows };
  }
  const detailTab = (name: string) => $$('[data-testid=detail] [role=tab]').find((t) => t.textContent!.startsWith(name));
  const clickTab = async (name: string) => {
    const tab = await waitFor(() => detailTab(name), `the ${name} tab`);
    await act(async () => tab.click());
  };
  const paramRow = (name: string, scope: ParentNode = current().container) => scope.querySelector<HTMLElement>(`[data-testid=param-row][data-name="${name}"]`);

  it('shows the authorize request as a decoded parameter table with what each is for, state decoded and resource checked', async () => {
    const state = b64url(JSON.stringify({ returnTo: '/chat/42', nonce: 'n-1' }));
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: 'client-123',
      redirect_uri: 'http://127.0.0.1:53682/callback',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      state,
      resource: MCP,
      scope: 'mcp offline',
    });
    const authorize = exchange({
      id: 'authz',
      request: { method: 'GET', url: `/authorize?${query}`, httpVersion: '1.1', headers: { host: '127.0.0.1:7420' } },
      response: { status: 302, headers: { location: `http://127.0.0.1:53682/callback?code=code-abc&state=${state}&iss=${encodeURIComponent('http://127.0.0.1:7420')}` } },
      classification: { phase: 'authorization', label: 'authorize' },
    });
    await mountWith([authorize], 'authz');
    await waitFor(() => $('[data-testid=param-table]'), 'the parameter table');
    const table = $('[data-testid=param-table][data-source=query]')!;
    expect($$('[data-testid=param-table][data-source=query] [data-testid=param-row]').map((r) => r.dataset.name)).toEqual([
      'response_type',
      'client_id',
      'redirect_uri',
      'code_challenge',
      'code_challenge_method',
      'state',
      'resource',
      'scope',
    ]);
    // Decoded, not percent-encoded; each with its purpose and a public spec link.
    expect(paramRow('redirect_uri', table)!.textContent).toContain('http://127.0.0.1:53682/callback');
    expect(paramRow('redirect_uri', table)!.textContent).not.toContain('%3A');
    expect(paramRow('scope', table)!.textContent).toContain('mcp offline');
    expect(paramRow('code_challenge', table)!.querySelector('a')!.getAttribute('href')).toBe('https://www.rfc-editor.org/rfc/rfc7636#section-4.2');
    expect(paramRow('code_challenge', table)!.textContent).toContain('PKCE');
    expect(paramRow('resource', table)!.querySelector('a')!.getAttribute('href')).toBe('https://www.rfc-editor.org/rfc/rfc8707#section-2');
    for (const link of table.querySelectorAll('a')) expect(link.getAttribute('href')).toMatch(/^https:\/\//);
    // state: base64url JSON, decoded.
    const decoded = paramRow('state', table)!.querySelector('[data-testid=state-decoded]')!;
    expect(decoded.textContent).toContain('"returnTo"');
    expect(decoded.textContent).toContain('"/chat/42"');
    // resource: the MCP endpoint this inspector serves.
    const check = paramRow('resource', table)!.querySelector<HTMLElement>('[data-testid=resource-check]')!;
    expect(check.dataset.verdict).toBe('match');
    expect(check.textContent).toContain(MCP);

    // The redirect back: its query, with code and iss explained.
    await clickTab('Response');
    const redirect = await waitFor(() => $('[data-testid=param-table][data-source=redirect-query]'), 'the redirect table');
    expect([...redirect.querySelectorAll<HTMLElement>('[data-testid=param-row]')].map((r) => r.dataset.name)).toEqual(['code', 'state', 'iss']);
    expect(paramRow('iss', redirect)!.querySelector('a')!.getAttribute('href')).toBe('https://www.rfc-editor.org/rfc/rfc9207#section-2');
    expect(paramRow('iss', redirect)!.textContent).toContain('http://127.0.0.1:7420');
    expect(paramRow('state', redirect)!.querySelector('[data-testid=state-decoded]')!.textContent).toContain('"nonce"');
    expect(paramRow('state', redirect)!.querySelector<HTMLElement>('[data-testid=state-echo]')!.dataset.same).toBe('true');
  });

  it('shows an error redirect in the fragment, and a resource that names another server', async () => {
    const authorize = exchange({
      id: 'authz-bad',
      request: { method: 'GET', url: `/authorize?client_id=c&resource=${encodeURIComponent('https://other.example/mcp')}&code_challenge_method=plain`, httpVersion: '1.1', headers: { host: '127.0.0.1:7420' } },
      response: { status: 302, headers: { location: 'http://127.0.0.1:1/cb#error=access_denied&error_description=The+user+said+no' } },
      classification: { phase: 'authorization', label: 'authorize' },
    });
    await mountWith([authorize], 'authz-bad');
    const check = await waitFor(() => $('[data-testid=resource-check]'), 'the resource check');
    expect(check.dataset.verdict).toBe('mismatch');
    expect(paramRow('code_challenge_method')!.textContent).toContain('not S256');
    await clickTab('Response');
    const fragment = await waitFor(() => $('[data-testid=param-table][data-source=redirect-fragment]'), 'the fragment table');
    expect(paramRow('error_description', fragment)!.textContent).toContain('The user said no');
  });

  it('puts a token answer’s JSON first, with its headers folded and counted, and the token form explained', async () => {
    const token = exchange({
      id: 'token',
      request: {
        method: 'POST',
        url: '/token',
        httpVersion: '1.1',
        headers: { host: '127.0.0.1:7420', 'content-type': 'application/x-www-form-urlencoded' },
        body: body(`grant_type=authorization_code&code=abc&code_verifier=${'v'.repeat(43)}&redirect_uri=${encodeURIComponent('http://127.0.0.1:1/cb')}&resource=${encodeURIComponent(MCP)}`),
      },
      response: {
        status: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'access-control-allow-origin': '*', 'access-control-expose-headers': 'www-authenticate' },
        body: json({ access_token: 'opaque-token', token_type: 'Bearer', expires_in: 3600, refresh_token: 'r-1' }),
      },
      classification: { phase: 'token', label: 'token: authorization_code', grantType: 'authorization_code' },
    });
    await mountWith([token], 'token');
    const form = await waitFor(() => $('[data-testid=param-table][data-source=form]'), 'the token form table');
    expect(paramRow('code_verifier', form)!.querySelector('a')!.getAttribute('href')).toBe('https://www.rfc-editor.org/rfc/rfc7636#section-4.5');
    expect(paramRow('grant_type', form)!.textContent).toContain('authorization_code');
    expect(paramRow('resource', form)!.querySelector<HTMLElement>('[data-testid=resource-check]')!.dataset.verdict).toBe('match');

    await clickTab('Response');
    const view = await waitFor(() => $('[data-testid=body-first]'), 'the body-first view');
    const bodyTree = view.querySelector('.body-view')!;
    const folded = view.querySelector<HTMLDetailsElement>('[data-testid=folded-headers]')!;
    // The body precedes the headers, which start closed and say how many there are.
    expect(bodyTree.compareDocumentPosition(folded) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(folded.open).toBe(false);
    expect(folded.querySelector('summary')!.textContent).toBe('Headers (4)');
    expect(bodyTree.textContent).toContain('"token_type"');
    await act(async () => folded.querySelector('summary')!.click());
    expect(folded.open).toBe(true);
    expect(folded.textContent).toContain('access-control-allow-origin');
    // The answer's fields, explained too.
    expect(paramRow('expires_in', $('[data-testid=param-table][data-source=json]')!)!.textContent).toContain('Seconds until the access token expires');
  });

  it('opens capabilities and clientInfo/serverInfo of initialize, and only of initialize', async () => {
    const initialize = exchange({
      id: 'init',
      request: {
        method: 'POST',
        url: '/mcp',
        httpVersion: '1.1',
        headers: { host: '127.0.0.1:7420', 'content-type': 'application/json' },
        body: json({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: { roots: { listChanged: true } }, clientInfo: { name: 'detail-client', version: '9.9' } } }),
      },
      response: {
        status: 200,
        headers: { 'content-type': 'application/json', 'mcp-session-id': 's1' },
        body: json({ jsonrpc: '2.0', id: 0, result: { protocolVersion: '2025-06-18', capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'reference-server', version: '1.2.3' } } }),
      },
      classification: { phase: 'jsonrpc', label: 'initialize', jsonRpc: { kind: 'request', methods: ['initialize'], ids: [0] } },
    });
    const call = exchange({
      id: 'call',
      request: { method: 'POST', url: '/mcp', httpVersion: '1.1', headers: { 'content-type': 'application/json' }, body: json({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { deep: { secret: 'hidden-leaf' } } } }) },
      classification: { phase: 'jsonrpc', label: 'tools/call', jsonRpc: { kind: 'request', methods: ['tools/call'], ids: [1] } },
    });
    const app = await mountWith([initialize, call], 'init');
    const request = await waitFor(() => $('[data-testid=body-first]'), 'the request body');
    // Depth 3 and 4: shown without a click.
    expect(request.textContent).toContain('"listChanged"');
    expect(request.textContent).toContain('"detail-client"');
    await clickTab('Response');
    await waitFor(() => $('[data-testid=body-first]')?.textContent?.includes('"reference-server"'), 'serverInfo open');
    expect($('[data-testid=body-first]')!.textContent).toContain('"listChanged"');
    // Another method keeps the usual two levels.
    await act(async () => app.store.getState().select('call'));
    await clickTab('Request');
    await waitFor(() => $('[data-testid=body-first]')?.textContent?.includes('"arguments"'), 'the tools/call body');
    expect($('[data-testid=body-first]')!.textContent).not.toContain('hidden-leaf');
  });

  it('shows SSE events as a table with types, JSON-RPC and summaries; a click opens the JSON; pings hide; new events arrive live', async () => {
    const events: SseEvent[] = [
      { index: 0, at: 5, kind: 'comment', comment: 'ping 2025-01-01T00:00:00Z' },
      { index: 1, at: 8, kind: 'event', id: '1', data: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', logger: 'reference-server', data: 'hello' } }) },
      { index: 2, at: 10, kind: 'event', data: '' },
      { index: 3, at: 12, kind: 'event', id: '2', event: 'message', data: JSON.stringify({ jsonrpc: '2.0', id: 'srv-1', method: 'ping' }) },
      { index: 4, at: 20, kind: 'event', id: '3', data: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' }) },
    ];
    const stream = exchange({
      id: 'stream',
      state: 'streaming',
      timings: { requestEnd: 1, upstreamHeaders: 2, firstByte: 3 },
      request: { method: 'GET', url: '/mcp', httpVersion: '1.1', headers: { accept: 'text/event-stream' } },
      response: { status: 200, headers: { 'content-type': 'text/event-stream' } },
      sseEvents: events,
      classification: { phase: 'sse-stream', label: 'GET stream', stream: 'get-stream' },
    });
    const app = await mountWith([stream], 'stream');
    await clickTab('SSE');
    const table = await waitFor(() => $('[data-testid=sse-table]'), 'the SSE table');
    const rows = () => $$('[data-testid=sse-row]');
    expect(rows().map((r) => r.dataset.ping)).toEqual(['true', 'false', 'true', 'true', 'false']);
    const cells = (r: HTMLElement) => [...r.querySelectorAll('td')].map((td) => td.textContent);
    expect(cells(rows()[0]!)[2]).toBe('comment');
    expect(cells(rows()[0]!)[3]).toBe('ping');
    expect(cells(rows()[1]!).slice(2)).toEqual(['message', 'notifications/message', '[info] reference-server: hello']);
    expect(cells(rows()[3]!)[3]).toBe('ping #srv-1');
    expect(cells(rows()[4]!)[3]).toBe('notifications/tools/list_changed');

    // A click shows the event as a JSON tree under its row.
    await act(async () => rows()[1]!.click());
    const detail = $('[data-testid=sse-event-detail]')!;
    expect(detail.querySelector('.json-node')).not.toBeNull();
    expect(detail.textContent).toContain('"logger"');

    // Hide pings: only the two real messages stay.
    await act(async () => $('[data-testid=hide-pings]')!.click());
    expect(rows().map((r) => r.dataset.index)).toEqual(['1', '4']);
    expect(table.parentElement!.textContent).toContain('3 pings hidden');

    // The stream grows: a new row revision, a refetch, one more row; the open row stays open.
    stream.sseEvents = [...events, { index: 5, at: 40, kind: 'event', id: '4', data: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'demo://x' } }) }];
    await act(async () => app.push([{ type: 'exchange', exchange: summaryOf(stream, { revision: 10_000, sseEventCount: 6 }) }]));
    await waitFor(() => rows().length === 3, 'the new event');
    expect(rows()[2]!.textContent).toContain('notifications/resources/updated');
    expect($('[data-testid=sse-table]')).toBe(table); // same table: no flicker through "Loading…"
    expect($('[data-testid=sse-event-detail]')!.textContent).toContain('"logger"');
  });

  it('draws the newest 500 events of a long stream, and all of them on request', async () => {
    const stream = exchange({
      id: 'long',
      request: { method: 'GET', url: '/mcp', httpVersion: '1.1', headers: {} },
      response: { status: 200, headers: { 'content-type': 'text/event-stream' } },
      sseEvents: Array.from({ length: 620 }, (_, index): SseEvent => ({ index, at: index, kind: 'comment', comment: 'ping' })),
      classification: { phase: 'sse-stream', label: 'GET stream' },
    });
    await mountWith([stream], 'long');
    await clickTab('SSE');
    await waitFor(() => $('[data-testid=sse-table]'), 'the SSE table');
    expect($$('[data-testid=sse-row]')).toHaveLength(500);
    expect($$('[data-testid=sse-row]')[0]!.dataset.index).toBe('120');
    const all = $$('button').find((b) => b.textContent === 'Show all')!;
    await act(async () => all.click());
    expect($$('[data-testid=sse-row]')).toHaveLength(620);
  });

  it('links progress on the GET stream to its tools/call and back, both ways, across exchanges', async () => {
    const call = exchange({
      id: 'call-3',
      startedAt: T0 + 100,
      request: {
        method: 'POST',
        url: '/mcp',
        httpVersion: '1.1',
        headers: { 'content-type': 'application/json' },
        body: json({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'slow_count', arguments: { steps: 2 }, _meta: { progressToken: 3 } } }),
      },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: json({ jsonrpc: '2.0', id: 3, result: { content: [{ type: 'text', text: 'Counted to 2.' }] } }) },
      classification: { phase: 'jsonrpc', label: 'tools/call slow_count', jsonRpc: { kind: 'request', methods: ['tools/call'], ids: [3], target: 'slow_count' }, jsonRpcResponse: { kind: 'response', methods: [], ids: [3] } },
      correlations: [{ rpcId: 3, method: 'tools/call', requestExchangeId: 'call-3' }],
    });
    const progress = (index: number, step: number, at: number): SseEvent => ({
      index,
      at,
      kind: 'event',
      id: String(index),
      data: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 3, progress: step, total: 2, message: `Step ${step} of 2` } }),
    });
    const stream = exchange({
      id: 'get-stream',
      startedAt: T0,
      state: 'streaming',
      timings: { requestEnd: 1, upstreamHeaders: 2, firstByte: 3 },
      request: { method: 'GET', url: '/mcp', httpVersion: '1.1', headers: { accept: 'text/event-stream' } },
      response: { status: 200, headers: { 'content-type': 'text/event-stream' } },
      sseEvents: [{ index: 0, at: 50, kind: 'comment', comment: 'ping' }, progress(1, 1, 150), progress(2, 2, 250)],
      classification: { phase: 'sse-stream', label: 'GET stream', stream: 'get-stream' },
    });
    const app = await mountWith([stream, call], 'get-stream');
    await clickTab('SSE');
    const related = await waitFor(() => $('[data-testid=sse-row][data-index="1"] [data-testid=sse-related-inline]'), 'the belongs-to link');
    expect(related.textContent).toBe('→ tools/call #3');
    expect(related.title).toBe('belongs to tools/call #3 (by progressToken)');
    expect($('[data-testid=sse-row][data-index="0"] [data-testid=sse-related-inline]')).toBeNull(); // a ping belongs to nothing
    // Opened, the event says it in full, naming the other exchange.
    await act(async () => $('[data-testid=sse-row][data-index="2"]')!.click());
    expect($('[data-testid=sse-event-detail] [data-testid=sse-related]')!.textContent).toContain('belongs to tools/call #3 (by progressToken) in POST /mcp · tools/call slow_count');

    // One click: the tools/call opens on its JSON-RPC tab.
    await act(async () => related.querySelector<HTMLElement>('[data-testid=open-link]')!.click());
    expect(app.store.getState().selectedId).toBe('call-3');
    const list = await waitFor(() => $('[data-testid=rpc-notifications]'), 'the notifications of the request');
    expect($('[data-testid=detail] [role=tab][aria-selected=true]')!.textContent).toBe('JSON-RPC');
    const items = [...list.querySelectorAll<HTMLElement>('[data-testid=rpc-notification]')];
    expect(items.map((i) => i.textContent)).toEqual([expect.stringContaining('progress 1/2 — Step 1 of 2'), expect.stringContaining('progress 2/2 — Step 2 of 2')]);
    expect(items[0]!.textContent).toContain('SSE event 1 of GET /mcp');

    // And back: the stream opens on its SSE tab with that event open.
    await act(async () => items[1]!.querySelector<HTMLElement>('[data-testid=open-link]')!.click());
    expect(app.store.getState().selectedId).toBe('get-stream');
    await waitFor(() => $('[data-testid=sse-row][data-index="2"][aria-selected=true]'), 'the focused event');
    expect($('[data-testid=sse-event-detail]')!.textContent).toContain('"progressToken"');
  });

  it('shows the paired response itself: in the same exchange, and on another stream with a link there', async () => {
    const call = exchange({
      id: 'call-json',
      request: { method: 'POST', url: '/mcp', httpVersion: '1.1', headers: { 'content-type': 'application/json' }, body: json({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { message: 'hi' } } }) },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: json({ jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'echo: hi' }] } }) },
      classification: { phase: 'jsonrpc', label: 'tools/call echo', jsonRpc: { kind: 'request', methods: ['tools/call'], ids: [7] }, jsonRpcResponse: { kind: 'response', methods: [], ids: [7] } },
      correlations: [{ rpcId: 7, method: 'tools/call', requestExchangeId: 'call-json' }],
    });
    // Legacy HTTP+SSE: the POST gets 202, its answer travels on the /sse stream.
    const legacyPost = exchange({
      id: 'legacy-post',
      startedAt: T0 + 500,
      request: { method: 'POST', url: '/messages?sessionId=abc', httpVersion: '1.1', headers: { 'content-type': 'application/json' }, body: json({ jsonrpc: '2.0', id: 8, method: 'tools/list' }) },
      response: { status: 202, headers: {} },
      classification: { phase: 'jsonrpc', label: 'tools/list', jsonRpc: { kind: 'request', methods: ['tools/list'], ids: [8] } },
    });
    const legacyStream = exchange({
      id: 'legacy-sse',
      startedAt: T0,
      state: 'streaming',
      request: { method: 'GET', url: '/sse', httpVersion: '1.1', headers: { accept: 'text/event-stream' } },
      response: { status: 200, headers: { 'content-type': 'text/event-stream' } },
      sseEvents: [
        { index: 0, at: 1, kind: 'event', event: 'endpoint', data: '/messages?sessionId=abc' },
        { index: 1, at: 600, kind: 'event', event: 'message', data: JSON.stringify({ jsonrpc: '2.0', id: 8, error: { code: -32603, message: 'boom' } }) },
      ],
      classification: { phase: 'sse-stream', label: 'legacy SSE', stream: 'legacy-sse' },
      correlations: [{ rpcId: 8, method: 'tools/list', requestExchangeId: 'legacy-post', sseEventIndex: 1 }],
    });
    const app = await mountWith([call, legacyStream, legacyPost], 'call-json');
    await clickTab('JSON-RPC');
    const paired = await waitFor(() => $('[data-testid=paired-response]'), 'the paired response');
    expect(paired.textContent).toContain('tools/call #7 → result');
    expect(paired.textContent).toContain('result: "echo: hi"');
    expect(paired.textContent).toContain('this exchange’s response body');
    expect(paired.querySelector('.json-node')!.textContent).toContain('"content"');
    expect(current().container.textContent).not.toContain('as the response body: response');

    await act(async () => app.store.getState().select('legacy-post'));
    const elsewhere = await waitFor(() => $('[data-testid=paired-response]')?.textContent?.includes('boom') && $('[data-testid=paired-response]'), 'the answer from the stream');
    expect(elsewhere.textContent).toContain('tools/list #8 → error');
    expect(elsewhere.textContent).toContain('error -32603: boom');
    expect(elsewhere.textContent).toContain('SSE event 1 of GET /sse');
    await act(async () => elsewhere.querySelector<HTMLElement>('[data-testid=open-link]')!.click());
    expect(app.store.getState().selectedId).toBe('legacy-sse');
    const answer = await waitFor(() => $('[data-testid=sse-row][data-index="1"][aria-selected=true]'), 'the answer event, open');
    expect(answer.nextElementSibling!.textContent).toContain('answers tools/list #8');

    // The stream's JSON-RPC tab shows the request it answers.
    await clickTab('JSON-RPC');
    const answered = await waitFor(() => $('[data-testid=answered-request]'), 'the answered request');
    expect(answered.textContent).toContain('answers tools/list #8');
    expect(answered.textContent).toContain('POST /messages');
  });
});

describe('detail view helpers', () => {
  it('decodes a state that carries data (base64url JSON, a JWT) and leaves a random one alone', () => {
    expect(decodeState(b64url('{"a":1}'))).toEqual({ kind: 'json', value: { a: 1 } });
    const jwt = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url('{"return":"/x"}')}.sig`;
    expect(decodeState(jwt)).toMatchObject({ kind: 'jwt', value: { return: '/x' } });
    expect(decodeState('kq3Jd9fLx0aBcD-_12')).toBeUndefined();
  });

  it('checks resource against the MCP endpoint: exact, trailing slash, parent, other', () => {
    expect(checkResource(MCP, [MCP])?.verdict).toBe('match');
    expect(checkResource(`${MCP}/`, [MCP])?.verdict).toBe('trailing-slash');
    expect(checkResource('http://127.0.0.1:7420', [MCP])?.verdict).toBe('parent');
    expect(checkResource('https://elsewhere.example/mcp', [MCP])?.verdict).toBe('mismatch');
    expect(checkResource(MCP, [])).toBeUndefined();
  });

  it('tells pings from messages: comments, empty keep-alives, ping requests; a priming event is not a ping', () => {
    expect(interpretSse({ index: 0, at: 0, kind: 'comment', comment: '' }).ping).toBe(true);
    expect(interpretSse({ index: 0, at: 0, kind: 'event', data: '' }).ping).toBe(true);
    expect(interpretSse({ index: 0, at: 0, kind: 'event', id: '9', data: '' }).ping).toBe(false);
    expect(interpretSse({ index: 0, at: 0, kind: 'event', data: '{"jsonrpc":"2.0","id":1,"method":"ping"}' }).ping).toBe(true);
    expect(interpretSse({ index: 0, at: 0, kind: 'event', data: '{"jsonrpc":"2.0","id":1,"result":{}}' }).rpcLabel).toBe('#1 result');
  });

  it('links a client’s notifications/cancelled to the request it cancels', () => {
    const call = exchange({ id: 'c', request: { method: 'POST', url: '/mcp', httpVersion: '1.1', headers: {}, body: json({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'slow_count' } }) } });
    const cancel = exchange({ id: 'x', startedAt: T0 + 10, request: { method: 'POST', url: '/mcp', httpVersion: '1.1', headers: {}, body: json({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 5, reason: 'user' } }) } });
    const links = notificationLinks([call, cancel]);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ how: 'requestId', request: { place: { exchangeId: 'c' } }, notification: { place: { exchangeId: 'x' } } });
  });
});

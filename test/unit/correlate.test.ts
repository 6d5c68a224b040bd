import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bodyRecord } from '../../src/main/core/wire/body';
import { summarizeJsonRpc } from '../../src/main/core/recorder/classify';
import { exchange } from '../helpers/exchangeFactory';
import { ConnectionGroups, connectionKeys, identityKeys, RpcCorrelator } from '../../src/main/core/recorder/correlate';
import { Recorder } from '../../src/main/core/recorder/recorder';
import type { SseEvent } from '../../src/shared/exchange';

const rpc = (id: string | number, method = 'tools/list') => ({ jsonrpc: '2.0', id, method });
const result = (id: string | number) => ({ jsonrpc: '2.0', id, result: {} });
const sse = (index: number): SseEvent => ({ index, at: 0, kind: 'event', event: 'message' });
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('ConnectionGroups', () => {
  it('names a group by its oldest key, whatever order keys are joined in', () => {
    const groups = new ConnectionGroups();
    expect(groups.join(['a'])).toBe('a');
    expect(groups.join(['b', 'c'])).toBe('b');
    expect(groups.join(['c', 'a'])).toBe('a');
    for (const key of ['a', 'b', 'c']) expect(groups.connectionOf(key)).toBe('a');
  });

  it('merges two grown groups under the older root', () => {
    const groups = new ConnectionGroups();
    groups.join(['s1', 'ua1']);
    groups.join(['s2', 'ua2']);
    groups.join(['ua2', 'tok2']);
    expect(groups.connectionOf('tok2')).toBe('s2');
    // Joined through a younger key of each group: the result is still the oldest key overall.
    expect(groups.join(['tok2', 'ua1'])).toBe('s1');
    for (const key of ['s1', 'ua1', 's2', 'ua2', 'tok2']) expect(groups.connectionOf(key)).toBe('s1');
  });

  it('keeps separate groups apart', () => {
    const groups = new ConnectionGroups();
    groups.join(['a', 'b']);
    groups.join(['x', 'y']);
    expect(groups.connectionOf('b')).toBe('a');
    expect(groups.connectionOf('y')).toBe('x');
  });

  it('answers undefined for no keys and for a key it never saw', () => {
    const groups = new ConnectionGroups();
    expect(groups.join([])).toBeUndefined();
    expect(groups.connectionOf('nope')).toBeUndefined();
  });

  it('is stable when a key is joined again', () => {
    const groups = new ConnectionGroups();
    groups.join(['a', 'b']);
    expect(groups.join(['b'])).toBe('a');
    expect(groups.join(['b', 'b', 'a'])).toBe('a');
  });
});

describe('connectionKeys', () => {
  it('uses the session header of the request, or of the response that issued it', () => {
    expect(connectionKeys(exchange({ headers: { 'content-type': 'application/json', 'mcp-session-id': 'S1' }, body: rpc(1) }))).toEqual(['session:S1']);
    const init = exchange({ body: rpc(0, 'initialize'), response: { headers: { 'content-type': 'application/json', 'mcp-session-id': 'S2' }, body: result(0) } });
    expect(connectionKeys(init)).toEqual(['session:S2']);
  });

  it('uses the Python SDK’s session_id query of the legacy transport as well', () => {
    expect(connectionKeys(exchange({ url: '/messages/?session_id=0f3a', body: rpc(1) }))).toContain('session:0f3a');
  });

  it('does not join users by a client id every user shares (a Client ID Metadata Document URL), but by their code', () => {
    const cimd = 'https://claude.ai/oauth/mcp-oauth-client-metadata';
    const authorize = exchange({ method: 'GET', url: `/authorize?client_id=${encodeURIComponent(cimd)}&response_type=code`, headers: { 'user-agent': 'Mozilla/5.0 alice' }, response: { status: 302, headers: { location: 'https://claude.ai/api/mcp/auth_callback?code=c-alice&state=s' } } });
    const token = exchange({ url: '/token', headers: FORM, body: `grant_type=authorization_code&code=c-alice&client_id=${encodeURIComponent(cimd)}` });
    expect(connectionKeys(authorize).some((k) => k.startsWith('client:'))).toBe(false);
    const code = connectionKeys(token).find((k) => k.startsWith('code:'));
    expect(code).toMatch(/^code:[0-9a-f]{12}$/); // a hash: connection ids are shown and exported
    expect(connectionKeys(authorize)).toContain(code);
  });

  it('reads the client id of client_secret_basic from the Authorization header of a token request', () => {
    const basic = `Basic ${Buffer.from('my-client:s3cret').toString('base64')}`;
    expect(connectionKeys(exchange({ url: '/token', headers: { ...FORM, authorization: basic }, body: 'grant_type=client_credentials' }))).toContain('client:my-client');
  });

  it('uses the legacy transport’s sessionId query', () => {
    expect(connectionKeys(exchange({ url: '/messages?sessionId=abc-123', body: rpc(1) }))).toEqual(['session:abc-123']);
    expect(connectionKeys(exchange({ url: '/messages?x=1&sessionId=abc', body: rpc(1) }))).toEqual(['session:abc']);
  });

  it('keys a bearer token by a hash, never the token itself', () => {
    const keys = connectionKeys(exchange({ headers: { 'content-type': 'application/json', authorization: 'Bearer secret-token-1' }, body: rpc(1) }));
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^token:[0-9a-f]{12}$/);
    expect(keys[0]).not.toContain('secret');
    const other = connectionKeys(exchange({ headers: { authorization: 'bearer secret-token-2' }, method: 'GET', url: '/mcp' }));
    expect(other[0]).toMatch(/^token:/);
    expect(other[0]).not.toBe(keys[0]);
    expect(connectionKeys(exchange({ headers: { authorization: 'Basic dXNlcjpwYXNz' }, method: 'GET', url: '/x' }))).toEqual([]);
  });

  it('ignores the placeholder of a redacted export, so tokens of different clients do not join them', () => {
    expect(connectionKeys(exchange({ headers: { 'content-type': 'application/json', authorization: 'Bearer [redacted]' }, body: rpc(1) }))).toEqual([]);
    const token = exchange({ url: '/token', headers: FORM, body: 'grant_type=authorization_code&code=[redacted]', response: { body: { access_token: '[redacted]', token_type: 'Bearer' } } });
    expect(token.classification.phase).toBe('token');
    expect(connectionKeys(token)).toEqual([]);
  });

  it('keys on the pseudonyms of a redacted export: the token issued and the bearer that sends it back join, another token does not; a pseudonymous verifier names no challenge', () => {
    const issued = exchange({ url: '/token', headers: FORM, body: 'grant_type=authorization_code&code=[redacted:1]&code_verifier=[redacted:2]', response: { body: { access_token: '[redacted:3]', token_type: 'Bearer' } } });
    const keys = connectionKeys(issued);
    expect(keys).toEqual([expect.stringMatching(/^code:/), expect.stringMatching(/^token:/)]);
    const bearer = (value: string) => connectionKeys(exchange({ headers: { 'content-type': 'application/json', authorization: `Bearer ${value}` }, body: rpc(1) }));
    expect(bearer('[redacted:3]')).toEqual([keys[1]]);
    expect(bearer('[redacted:4]')).not.toEqual([keys[1]]);
  });

  it('uses client_id, state and the PKCE challenge of the authorize query as strong keys, the browser’s User-Agent as weak', () => {
    const authorize = exchange({ method: 'GET', url: '/authorize?response_type=code&client_id=c-1&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', headers: { 'user-agent': 'Mozilla/5.0 Chrome' } });
    expect(authorize.classification.phase).toBe('authorization');
    expect(identityKeys(authorize)).toEqual({ strong: ['client:c-1', expect.stringMatching(/^state:[0-9a-f]{12}$/), 'pkce:E9Melhoa2OwvFrEM'], weak: 'ua:127.0.0.1:Mozilla/5.0 Chrome' });
  });

  it('ties the token request to its authorize step through PKCE (S256 of the verifier)', () => {
    const verifier = 'a-verifier-of-the-client-0123456789-abcdefghij';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = exchange({ method: 'GET', url: `/authorize?response_type=code&client_id=c-1&code_challenge=${challenge}&code_challenge_method=S256` });
    const token = exchange({ url: '/token', headers: FORM, body: `grant_type=authorization_code&code=x&code_verifier=${verifier}` });
    const pkce = identityKeys(authorize).strong.find((k) => k.startsWith('pkce:'));
    expect(pkce).toBe(`pkce:${challenge.slice(0, 16)}`);
    expect(identityKeys(token).strong).toContain(pkce);
  });

  it('ties the consent answer to its authorize request through the state in its redirect', () => {
    const authorize = exchange({ method: 'GET', url: '/authorize?response_type=code&client_id=https%3A%2F%2Fclaude.ai%2Fmeta.json&state=st-1' });
    const consent = exchange({ url: '/authorize', headers: FORM, body: 'transaction=t&decision=approve', response: { status: 302, headers: { location: 'http://localhost:5/cb?code=c&state=st-1' } } });
    const stateKey = identityKeys(authorize).strong.find((k) => k.startsWith('state:'));
    expect(stateKey).toBeDefined();
    expect(identityKeys(consent).strong).toContain(stateKey);
  });

  it('falls back to the User-Agent for the consent POST, which carries no client_id in its URL', () => {
    const consent = exchange({ url: '/authorize', headers: { ...FORM, 'user-agent': 'Mozilla/5.0 Chrome' }, body: 'request_id=r&decision=approve', address: '10.0.0.2' });
    expect(consent.classification.label).toBe('authorize: consent decision');
    expect(connectionKeys(consent)).toEqual(['ua:10.0.0.2:Mozilla/5.0 Chrome']);
  });

  it('uses client_id from a token request’s form, and the access_token it was given', () => {
    const token = exchange({
      url: '/token',
      headers: FORM,
      body: 'grant_type=authorization_code&code=x&client_id=c-1&code_verifier=v',
      response: { body: { access_token: 'at-1', token_type: 'Bearer' } },
    });
    const bearer = connectionKeys(exchange({ headers: { 'content-type': 'application/json', authorization: 'Bearer at-1' }, body: rpc(1) }));
    expect(connectionKeys(token)).toEqual(['client:c-1', expect.stringMatching(/^code:[0-9a-f]{12}$/), expect.stringMatching(/^pkce:/), bearer[0]]);
  });

  it('ignores client_id and access_token in bodies that are not token requests', () => {
    const notToken = exchange({ url: '/echo', headers: FORM, body: 'client_id=c-9', response: { body: { access_token: 'at-9' } } });
    expect(notToken.classification.phase).toBe('other');
    expect(connectionKeys(notToken)).toEqual([]);
  });

  it('uses the client_id a DCR response issued', () => {
    const dcr = exchange({ url: '/register', body: { redirect_uris: ['https://claude.ai/api/mcp/auth_callback'] }, response: { status: 201, body: { client_id: 'c-new', client_id_issued_at: 1 } } });
    expect(connectionKeys(dcr)).toEqual(['client:c-new']);
  });

  it('adds the User-Agent from its address, after the stronger keys', () => {
    const ex = exchange({ headers: { 'content-type': 'application/json', 'mcp-session-id': 'S1', 'user-agent': 'claude-code/2.1.204 (cli)' }, body: rpc(1), address: '192.0.2.1' });
    expect(connectionKeys(ex)).toEqual(['session:S1', 'ua:192.0.2.1:claude-code/2.1.204 (cli)']);
  });

  it('has no keys when nothing ties the exchange to anyone', () => {
    expect(connectionKeys(exchange({ method: 'GET', url: '/.well-known/oauth-protected-resource', headers: {} }))).toEqual([]);
  });

  it('joins a whole OAuth handshake into one connection', () => {
    const groups = new ConnectionGroups();
    const ua = { 'user-agent': 'python-httpx/0.28.1' };
    const browser = { 'user-agent': 'Mozilla/5.0 Chrome' };
    const steps = [
      exchange({ headers: { 'content-type': 'application/json', ...ua }, body: rpc(0, 'initialize'), response: { status: 401 } }),
      exchange({ url: '/register', headers: { 'content-type': 'application/json', ...ua }, body: { redirect_uris: ['https://x/cb'] }, response: { status: 201, body: { client_id: 'c-1' } } }),
      exchange({ method: 'GET', url: '/authorize?response_type=code&client_id=c-1', headers: browser }),
      exchange({ url: '/token', headers: { ...FORM, ...ua }, body: 'grant_type=authorization_code&client_id=c-1&code=x', response: { body: { access_token: 'at-1' } } }),
      exchange({ headers: { 'content-type': 'application/json', authorization: 'Bearer at-1', 'user-agent': 'Claude-User' }, body: rpc(1, 'initialize'), response: { headers: { 'mcp-session-id': 'S1' } } }),
      exchange({ method: 'GET', headers: { accept: 'text/event-stream', 'mcp-session-id': 'S1', 'user-agent': 'Claude-User' } }),
    ];
    const ids = steps.map((ex) => groups.join(connectionKeys(ex)));
    expect(new Set(ids)).toEqual(new Set([ids[0]]));
    expect(ids[0]).toBe('ua:127.0.0.1:python-httpx/0.28.1');
  });
});

describe('RpcCorrelator', () => {
  it('pairs a response with the request of the same exchange first', () => {
    const groups = new ConnectionGroups();
    const correlator = new RpcCorrelator(groups);
    groups.join(['session:S1']);
    const other = exchange({ body: rpc(1, 'tools/list') });
    const same = exchange({ body: rpc(1, 'tools/call') });
    correlator.requestsSent(other, 'session:S1');
    correlator.requestsSent(same, 'session:S1');
    expect(correlator.responsesSeen(same, 'session:S1', summarizeJsonRpc(result(1)))).toEqual([{ rpcId: 1, method: 'tools/call', requestExchangeId: same.id }]);
    // The other request is still pending and pairs through the connection.
    const stream = exchange({ method: 'GET', headers: { accept: 'text/event-stream' } });
    expect(correlator.responsesSeen(stream, 'session:S1', summarizeJsonRpc(result(1)), sse(4))).toEqual([{ rpcId: 1, method: 'tools/list', requestExchangeId: other.id, sseEventIndex: 4 }]);
  });

  it('pairs a response on another exchange only within the same connection', () => {
    const groups = new ConnectionGroups();
    const correlator = new RpcCorrelator(groups);
    groups.join(['session:A']);
    groups.join(['session:B']);
    const postA = exchange({ body: rpc(7) });
    correlator.requestsSent(postA, 'session:A');
    const streamB = exchange({ method: 'GET', url: '/sse' });
    expect(correlator.responsesSeen(streamB, 'session:B', summarizeJsonRpc(result(7)), sse(0))).toEqual([]);
    expect(correlator.responsesSeen(streamB, undefined, summarizeJsonRpc(result(7)), sse(1))).toEqual([]);
    const streamA = exchange({ method: 'GET', url: '/sse' });
    expect(correlator.responsesSeen(streamA, 'session:A', summarizeJsonRpc(result(7)), sse(2))).toEqual([{ rpcId: 7, method: 'tools/list', requestExchangeId: postA.id, sseEventIndex: 2 }]);
  });

  it('pairs a stream response with the latest pending request of that id, and forgets refused ones', () => {
    const groups = new ConnectionGroups();
    const correlator = new RpcCorrelator(groups);
    groups.join(['ua:1:node']);
    // The spec's fallback: POST /sse refused with 405, then the legacy transport asks again with id 0.
    const probe = exchange({ url: '/sse', body: rpc(0, 'initialize') });
    correlator.requestsSent(probe, 'ua:1:node');
    const stale = exchange({ body: rpc(3, 'tools/call') });
    correlator.requestsSent(stale, 'ua:1:node'); // never answered
    correlator.forget(probe.id); // its answer was a 405
    const real = exchange({ url: '/messages?sessionId=abc', body: rpc(0, 'initialize') });
    correlator.requestsSent(real, 'ua:1:node');
    const again = exchange({ url: '/messages?sessionId=abc', body: rpc(3, 'tools/call') });
    correlator.requestsSent(again, 'ua:1:node');
    const stream = exchange({ method: 'GET', url: '/sse' });
    expect(correlator.responsesSeen(stream, 'ua:1:node', summarizeJsonRpc(result(0)), sse(0))[0]!.requestExchangeId).toBe(real.id);
    expect(correlator.responsesSeen(stream, 'ua:1:node', summarizeJsonRpc(result(3)), sse(1))[0]!.requestExchangeId).toBe(again.id);
  });

  it('follows connections merged after the request was sent', () => {
    const groups = new ConnectionGroups();
    const correlator = new RpcCorrelator(groups);
    groups.join(['session:L1']);
    const post = exchange({ url: '/messages?sessionId=L1', body: rpc('q') });
    correlator.requestsSent(post, 'session:L1');
    groups.join(['ua:1.2.3.4:legacy']);
    const stream = exchange({ method: 'GET', url: '/sse' });
    expect(correlator.responsesSeen(stream, 'ua:1.2.3.4:legacy', summarizeJsonRpc(result('q')))).toEqual([]);
    // The endpoint event names the session: the stream joins it, and the request is still waiting.
    groups.join(['ua:1.2.3.4:legacy', 'session:L1']);
    expect(correlator.responsesSeen(stream, 'ua:1.2.3.4:legacy', summarizeJsonRpc(result('q')))).toEqual([{ rpcId: 'q', method: 'tools/list', requestExchangeId: post.id }]);
  });

  it('keeps string and number ids apart', () => {
    const correlator = new RpcCorrelator(new ConnectionGroups());
    const numeric = exchange({ body: rpc(1, 'numeric') });
    const textual = exchange({ body: rpc('1', 'textual') });
    correlator.requestsSent(numeric, undefined);
    correlator.requestsSent(textual, undefined);
    expect(correlator.responsesSeen(numeric, undefined, summarizeJsonRpc(result('1')))).toEqual([]);
    expect(correlator.responsesSeen(textual, undefined, summarizeJsonRpc(result('1')))).toEqual([{ rpcId: '1', method: 'textual', requestExchangeId: textual.id }]);
    expect(correlator.responsesSeen(numeric, undefined, summarizeJsonRpc(result(1)))).toEqual([{ rpcId: 1, method: 'numeric', requestExchangeId: numeric.id }]);
  });

  it('pairs each response of a batch, errors included', () => {
    const correlator = new RpcCorrelator(new ConnectionGroups());
    const batch = exchange({ body: [rpc(1, 'tools/list'), { jsonrpc: '2.0', method: 'notifications/initialized' }, rpc('b', 'prompts/list')] });
    correlator.requestsSent(batch, undefined);
    const answer = [result('b'), { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'no' } }];
    expect(correlator.responsesSeen(batch, undefined, summarizeJsonRpc(answer))).toEqual([
      { rpcId: 'b', method: 'prompts/list', requestExchangeId: batch.id },
      { rpcId: 1, method: 'tools/list', requestExchangeId: batch.id },
    ]);
  });

  it('pairs a response once: a repeated response finds nothing', () => {
    const correlator = new RpcCorrelator(new ConnectionGroups());
    const post = exchange({ body: rpc(5) });
    correlator.requestsSent(post, undefined);
    expect(correlator.responsesSeen(post, undefined, summarizeJsonRpc(result(5)))).toHaveLength(1);
    expect(correlator.responsesSeen(post, undefined, summarizeJsonRpc(result(5)))).toEqual([]);
  });

  it('ignores requests, notifications and bodies that are not JSON-RPC responses', () => {
    const correlator = new RpcCorrelator(new ConnectionGroups());
    const post = exchange({ body: rpc(1) });
    correlator.requestsSent(post, undefined);
    expect(correlator.responsesSeen(post, undefined, summarizeJsonRpc(rpc(1, 'ping')))).toEqual([]);
    expect(correlator.responsesSeen(post, undefined, summarizeJsonRpc({ jsonrpc: '2.0', method: 'notifications/progress' }))).toEqual([]);
    expect(correlator.responsesSeen(post, undefined, summarizeJsonRpc('not json'))).toEqual([]);
    expect(correlator.responsesSeen(post, undefined, undefined)).toEqual([]);
    // Still pending after all that.
    expect(correlator.responsesSeen(post, undefined, summarizeJsonRpc(result(1)))).toHaveLength(1);
  });

  it('does not record notifications or messages with unusable ids as pending requests', () => {
    const correlator = new RpcCorrelator(new ConnectionGroups());
    const post = exchange({ body: [{ jsonrpc: '2.0', method: 'notifications/initialized' }, { jsonrpc: '2.0', id: null, method: 'x' }, { jsonrpc: '2.0', id: { a: 1 }, method: 'y' }] });
    correlator.requestsSent(post, undefined);
    expect(correlator.responsesSeen(post, undefined, summarizeJsonRpc({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'bad' } }))).toEqual([]);
  });
});

describe('Recorder: the legacy fallback, end to end', () => {
  it('pairs the answer on the stream with the POST that asked, not with the refused probe, and names a legacy stream by its endpoint event', () => {
    const recorder = new Recorder();
    const headers = { 'content-type': 'application/json', 'user-agent': 'node' };
    const body = (value: unknown) => bodyRecord(Buffer.from(JSON.stringify(value)));
    const probe = recorder.start({ method: 'POST', url: '/mcp', httpVersion: '1.1', headers, address: '127.0.0.1' });
    probe.requestComplete(body(rpc(0, 'initialize')));
    probe.responseStarted({ status: 405, headers: {} });
    probe.complete(undefined);
    const stream = recorder.start({ method: 'GET', url: '/mcp', httpVersion: '1.1', headers: { accept: 'text/event-stream', 'user-agent': 'node' }, address: '127.0.0.1' });
    stream.requestComplete(undefined);
    stream.responseStarted({ status: 200, headers: { 'content-type': 'text/event-stream' } });
    stream.sseEvent({ kind: 'event', event: 'endpoint', data: '/messages?sessionId=abc' });
    expect(stream.exchange.classification).toMatchObject({ stream: 'legacy-sse', label: 'legacy SSE stream' });
    const post = recorder.start({ method: 'POST', url: '/messages?sessionId=abc', httpVersion: '1.1', headers, address: '127.0.0.1' });
    post.requestComplete(body(rpc(0, 'initialize')));
    post.responseStarted({ status: 202, headers: {} });
    post.complete(undefined);
    stream.sseEvent({ kind: 'event', event: 'message', data: JSON.stringify(result(0)) });
    expect(stream.exchange.correlations).toEqual([expect.objectContaining({ rpcId: 0, requestExchangeId: post.exchange.id })]);
  });

  it('pairs the client’s answer to a server request (sampling on the GET stream) with the stream that asked', () => {
    const recorder = new Recorder();
    const session = { 'mcp-session-id': 'S', 'user-agent': 'claude-code/2.1.204 (cli)' };
    const stream = recorder.start({ method: 'GET', url: '/mcp', httpVersion: '1.1', headers: { accept: 'text/event-stream', ...session } });
    stream.requestComplete(undefined);
    stream.responseStarted({ status: 200, headers: { 'content-type': 'text/event-stream' } });
    stream.sseEvent({ kind: 'event', event: 'message', data: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'sampling/createMessage', params: {} }) });
    const answer = recorder.start({ method: 'POST', url: '/mcp', httpVersion: '1.1', headers: { 'content-type': 'application/json', ...session } });
    answer.requestComplete(bodyRecord(Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 0, result: { content: { type: 'text', text: 'hi' } } }))));
    expect(answer.exchange.correlations).toEqual([{ rpcId: 0, method: 'sampling/createMessage', requestExchangeId: stream.exchange.id }]);
  });
});


import { describe, expect, it } from 'vitest';
import { errorReasonFromBody, exchangeOutcome, runVerdict, type OutcomeRow } from '../../src/shared/outcome';
import { exchange } from '../helpers/exchangeFactory';

const JSON_HEADERS = { 'content-type': 'application/json' };
const MCP = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };

describe('exchangeOutcome: the one meaning of failed', () => {
  it('calls a 401 with WWW-Authenticate to a request without a token a challenge, not a failure', () => {
    const e = exchange({ headers: MCP, body: initialize, response: { status: 401, headers: { 'www-authenticate': 'Bearer resource_metadata="http://x/.well-known/oauth-protected-resource/mcp"' } } });
    expect(exchangeOutcome(e).outcome).toBe('challenge');
  });

  it('calls a 401 to a request that carried a token a failure, with the challenge’s words', () => {
    const e = exchange({ headers: { ...MCP, authorization: 'Bearer t-1' }, body: initialize, response: { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="The token expired"' } } });
    expect(exchangeOutcome(e)).toEqual({ outcome: 'failed', reason: '401: invalid_token: The token expired' });
  });

  it('calls what the spec lets a server not offer a probe miss: discovery 404, GET stream 405, DELETE 405', () => {
    expect(exchangeOutcome(exchange({ method: 'GET', url: '/.well-known/oauth-protected-resource', headers: {}, response: { status: 404 } })).outcome).toBe('probe-miss');
    expect(exchangeOutcome(exchange({ method: 'GET', headers: { accept: 'text/event-stream' }, response: { status: 405 } })).outcome).toBe('probe-miss');
    expect(exchangeOutcome(exchange({ method: 'DELETE', headers: { 'mcp-session-id': 's' }, response: { status: 405 } })).outcome).toBe('probe-miss');
    expect(exchangeOutcome(exchange({ method: 'GET', headers: { accept: 'text/event-stream' }, response: { status: 501 } })).outcome).toBe('failed');
  });

  it('calls a stream the client closed after a 200 closed by client, and an abort before the answer a failure', () => {
    const stream = exchange({ method: 'GET', headers: { accept: 'text/event-stream' }, response: { status: 200, headers: { 'content-type': 'text/event-stream' } }, state: 'aborted', error: { kind: 'client-aborted', message: 'The client closed the connection before the response finished' } });
    expect(exchangeOutcome(stream).outcome).toBe('closed-by-client');
    const left = exchange({ headers: MCP, body: initialize, state: 'aborted', error: { kind: 'client-aborted', message: 'The client closed the connection before the response finished' } });
    expect(exchangeOutcome(left)).toEqual({ outcome: 'failed', reason: 'The client closed the connection before the response finished' });
    expect(exchangeOutcome(exchange({ headers: MCP, body: initialize, state: 'streaming', response: { status: 200, headers: { 'content-type': 'text/event-stream' } } })).outcome).toBe('in-progress');
  });

  it('calls a subscriptions/listen stream the client closed closed by client, not a failure', () => {
    const listen = { jsonrpc: '2.0', id: 'listen:1', method: 'subscriptions/listen', params: { _meta: {}, notifications: { toolsListChanged: true } } };
    const e = exchange({ headers: MCP, body: listen, response: { status: 200, headers: { 'content-type': 'text/event-stream' } }, state: 'aborted', error: { kind: 'client-aborted', message: 'The client closed the connection before the response finished' } });
    expect(e.classification.stream).toBe('listen');
    expect(exchangeOutcome(e)).toEqual({ outcome: 'closed-by-client', reason: 'the client closed the stream' });
  });

  it('calls a JSON-RPC error a failure, with its message', () => {
    const e = exchange({ headers: MCP, body: { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'x' } }, response: { status: 200, headers: JSON_HEADERS, body: { jsonrpc: '2.0', id: 3, error: { code: -32602, message: 'Unknown tool: x' } } } });
    expect(exchangeOutcome(e)).toEqual({ outcome: 'failed', reason: 'Unknown tool: x (JSON-RPC error -32602)' });
  });

  it('reads the reason of an OAuth error, an upstream error and an HTML error page', () => {
    const token = exchange({ url: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&code=x', response: { status: 400, headers: JSON_HEADERS, body: { error: 'invalid_grant', error_description: 'The code was already used' } } });
    expect(exchangeOutcome(token).reason).toBe('400: invalid_grant: The code was already used');
    const down = exchange({ headers: MCP, body: initialize, state: 'failed', error: { kind: 'upstream-refused', message: 'The upstream refused the connection (127.0.0.1:9)' } });
    expect(exchangeOutcome(down)).toEqual({ outcome: 'failed', reason: 'The upstream refused the connection (127.0.0.1:9)' });
    const html = '<!doctype html><title>Error</title><h1>Sign-in failed</h1><p>Could not fetch the client metadata document.</p>';
    const authorize = exchange({ method: 'GET', url: '/authorize?client_id=https%3A%2F%2Fclaude.ai%2Fmeta', headers: {}, response: { status: 400, headers: { 'content-type': 'text/html' }, body: html } });
    expect(exchangeOutcome(authorize).reason).toBe('400: Sign-in failed: Could not fetch the client metadata document.');
  });

  it('prefers the structured error the reference server’s pages carry', () => {
    const page = '<!doctype html><meta name="oauth-error" content="invalid_request"><meta name="oauth-error-description" content="Unknown client_id &quot;c&quot;"><h1>Authorization request rejected</h1><p>other words</p>';
    expect(errorReasonFromBody(page, 'text/html; charset=utf-8')).toBe('invalid_request: Unknown client_id "c"');
  });
});

let n = 0;
const row = (overrides: Partial<OutcomeRow>): OutcomeRow => ({ id: `r${++n}`, startedAt: n, method: 'POST', phase: 'jsonrpc', label: 'x', rpcMethods: [], outcome: 'ok', ...overrides });

describe('runVerdict', () => {
  it('is complete once the client reached MCP with nothing failed, a challenge and probe misses included', () => {
    const rows = [
      row({ label: 'initialize', rpcMethods: ['initialize'], outcome: 'challenge', status: 401 }),
      row({ phase: 'discovery', method: 'GET', label: 'PRM (root)', outcome: 'probe-miss', status: 404 }),
      row({ phase: 'discovery', method: 'GET', label: 'PRM (path-suffixed)', status: 200 }),
      row({ phase: 'token', label: 'token: authorization_code', status: 200 }),
      row({ label: 'initialize', rpcMethods: ['initialize'], status: 200 }),
    ];
    expect(runVerdict(rows)).toEqual({ outcome: 'complete' });
  });

  it('fails at the first step no later exchange did again successfully, with its reason', () => {
    const refused = row({ label: 'initialize', rpcMethods: ['initialize'], outcome: 'failed', status: 401, outcomeReason: '401: invalid_token' });
    expect(runVerdict([row({ phase: 'token', label: 'token', status: 200 }), refused])).toEqual({ outcome: 'failed', failedAt: refused.id, step: 'initialize', reason: '401: invalid_token' });
    // A token request refused once and retried successfully is recovered.
    const retried = [row({ phase: 'token', label: 'token', outcome: 'failed', status: 400 }), row({ phase: 'token', label: 'token', status: 200 }), row({ label: 'tools/list', rpcMethods: ['tools/list'] })];
    expect(runVerdict(retried).outcome).toBe('complete');
  });

  it('is in progress while the client has not followed a challenge or not reached MCP', () => {
    expect(runVerdict([row({ label: 'initialize', rpcMethods: ['initialize'], outcome: 'challenge', status: 401 })])).toMatchObject({ outcome: 'in-progress', reason: expect.stringContaining('401 challenge') });
    expect(runVerdict([row({ phase: 'discovery', method: 'GET', label: 'PRM', status: 200 })])).toMatchObject({ outcome: 'in-progress' });
  });
});

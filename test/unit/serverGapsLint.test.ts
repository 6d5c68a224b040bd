import { describe, expect, it } from 'vitest';
import type { LintRuleId } from '../../src/shared/lint';
import { LintEngine, lintExchanges } from '../../src/main/core/lint/engine';
import { parseChallenges } from '../../src/main/core/lint/checks/authorization';
import { exchange } from '../helpers/exchangeFactory';

// The edges of the issue-16 server-side rules on recorded exchanges: what makes each fire and
// the near misses that must not (the wire cases, both ways, are in test/integration/lint.test.ts).

type Spec = Parameters<typeof exchange>[0];
const fired = (...specs: Spec[]): LintRuleId[] => lintExchanges(specs.map((s, i) => exchange({ startedAt: i + 1, ...s }))).findings.map((f) => f.ruleId).sort();
const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
const challenge = (value: string): Spec => ({ body: INITIALIZE, response: { status: 401, headers: { 'content-type': 'application/json', 'www-authenticate': value }, body: { error: 'invalid_token' } } });

describe('WWW-Authenticate challenges (RFC 9110 section 11.6.1)', () => {
  it('parses quoted and bare parameters, token68 and several challenges', () => {
    expect(parseChallenges('Bearer error="invalid_token", error_description="a \\"b\\"", Basic realm="x"')).toEqual([
      { scheme: 'Bearer', params: { error: 'invalid_token', error_description: 'a "b"' }, token68: undefined },
      { scheme: 'Basic', params: { realm: 'x' }, token68: undefined },
    ]);
    expect(parseChallenges('Bearer realm=mcp')?.[0]?.params).toEqual({ realm: 'mcp' });
    expect(parseChallenges('Negotiate abc==')?.[0]?.token68).toBe('abc==');
    // A URL is no token: unquoted it does not parse; nor do parameters without a comma.
    expect(parseChallenges('Bearer resource_metadata=https://x/.well-known/oauth-protected-resource')).toBeUndefined();
    expect(parseChallenges('Bearer realm="a" scope="b"')).toBeUndefined();
  });

  it('www-authenticate-malformed: a lowercase scheme or an unparsable challenge, not a well-formed Bearer next to another scheme', () => {
    expect(fired(challenge('bearer resource_metadata="https://x/.well-known/oauth-protected-resource/mcp"'))).toEqual(['www-authenticate-malformed']);
    expect(fired(challenge('Bearer resource_metadata=https://x/.well-known/oauth-protected-resource/mcp'))).toEqual(['www-authenticate-malformed']);
    expect(fired(challenge('Bearer resource_metadata="https://x/.well-known/oauth-protected-resource/mcp", Basic realm="x"'))).toEqual([]);
  });
});

describe('registration-response-invalid (RFC 7591 section 3.2.1)', () => {
  const asked = { client_name: 't', redirect_uris: ['http://127.0.0.1:33418/callback'], token_endpoint_auth_method: 'none' };
  const register = (answer: Record<string, unknown>): Spec => ({ url: '/register', body: asked, response: { status: 201, body: answer } });
  const good = { client_id: 'c1', client_id_issued_at: 1_790_000_000, ...asked };

  it('is silent on a complete answer', () => {
    expect(fired(register(good))).toEqual([]);
  });

  it('names each problem: no client_id, a date string, altered redirect_uris, a secret for "none"', () => {
    const [finding] = lintExchanges([exchange(register({ client_id_issued_at: '2026-12-05', redirect_uris: ['http://127.0.0.1/callback'], client_secret: 's', token_endpoint_auth_method: 'none' }))]).findings;
    expect(finding?.ruleId).toBe('registration-response-invalid');
    expect(finding!.message).toContain('no client_id');
    expect(finding!.message).toContain('client_id_issued_at "2026-12-05" is not a number');
    expect(finding!.message).toContain('differ from those registered');
    expect(finding!.message).toContain('a client_secret for a client that registered token_endpoint_auth_method "none"');
  });
});

describe('loopback-redirect-port-exact (RFC 8252 section 7.3)', () => {
  const registration: Spec = { url: '/register', body: { redirect_uris: ['http://127.0.0.1:33418/callback'] }, response: { status: 201, body: { client_id: 'c1', redirect_uris: ['http://127.0.0.1:33418/callback'] } } };
  const authorize = (redirect: string): Spec => ({
    method: 'GET',
    url: `/authorize?response_type=code&client_id=c1&redirect_uri=${encodeURIComponent(redirect)}`,
    headers: {},
    response: { status: 400, headers: { 'content-type': 'text/plain' }, body: 'invalid redirect_uri' },
  });

  it('fires when only the port differs, not for another path or host', () => {
    expect(fired(registration, authorize('http://127.0.0.1:51234/callback'))).toEqual(['loopback-redirect-port-exact']);
    expect(fired(registration, authorize('http://127.0.0.1:51234/other'))).toEqual([]);
    expect(fired(registration, authorize('https://evil.example/callback'))).toEqual([]);
  });
});

describe('egress-blocked', () => {
  const prm = (agent: string, status: number, type: string, body: unknown): Spec => ({ method: 'GET', url: '/.well-known/oauth-protected-resource/mcp', headers: { host: 'mcp.example.com', 'user-agent': agent }, response: { status, headers: { 'content-type': type }, body } });
  const passed = prm('curl/8.5', 200, 'application/json', { resource: 'https://mcp.example.com/mcp', authorization_servers: ['https://mcp.example.com'] });

  it('fires on a page or text 403 to a hosted client while another agent passed, not on a JSON 403 of the server', () => {
    expect(fired(passed, prm('Claude-User', 403, 'text/plain', 'Forbidden'))).toContain('egress-blocked');
    expect(fired(passed, prm('Claude-User', 403, 'application/json', { error: 'insufficient_scope' }))).not.toContain('egress-blocked');
    expect(fired(passed, prm('curl/8.6', 403, 'text/html', '<h1>Forbidden</h1>'))).not.toContain('egress-blocked');
  });
});

describe('sse-closed-without-retry', () => {
  const stream = (version: string | undefined, body: string): Spec => ({
    body: { jsonrpc: '2.0', id: 2, method: 'tools/list' },
    headers: { 'content-type': 'application/json', ...(version ? { 'mcp-protocol-version': version } : {}) },
    response: { status: 200, headers: { 'content-type': 'text/event-stream' }, body },
  });

  it('judges 2025-11-25 streams closed before their answer, not older revisions or answered streams', () => {
    expect(fired(stream('2025-11-25', ': working\n\n'))).toEqual(['sse-closed-without-retry']);
    expect(fired(stream('2025-11-25', 'id: 1\ndata: \n\nretry: 500\n\n'))).toEqual([]);
    expect(fired(stream('2025-06-18', ': working\n\n'))).toEqual([]);
    expect(fired(stream('2025-11-25', `data: ${JSON.stringify({ jsonrpc: '2.0', id: 2, result: { tools: [] } })}\n\n`))).toEqual([]);
  });
});

describe('sse-without-pings on an open stream (LintEngine.judgeOpen)', () => {
  const openStream = () =>
    exchange({
      method: 'GET',
      url: '/mcp',
      headers: { accept: 'text/event-stream', 'mcp-session-id': 's1', 'mcp-protocol-version': '2025-06-18' },
      response: { status: 200, headers: { 'content-type': 'text/event-stream' } },
      startedAt: 1_000,
      state: 'streaming',
    });

  it('judges the silence so far, once: not again while open, nor when the stream ends', () => {
    const engine = new LintEngine({ connectionOf: () => 'c1' });
    const e = openStream();
    expect(engine.judgeOpen(e, 1_000 + 10_000)).toEqual([]);
    const [finding] = engine.judgeOpen(e, 1_000 + 31_000);
    expect(finding).toMatchObject({ ruleId: 'sse-without-pings', exchangeId: e.id });
    expect(finding!.message).toContain('still open');
    expect(engine.judgeOpen(e, 1_000 + 60_000)).toEqual([]);
    e.state = 'aborted';
    e.timings.end = 62_000;
    expect(engine.add(e).filter((f) => f.ruleId === 'sse-without-pings')).toEqual([]);
    expect(engine.findings()).toEqual([finding]);
  });

  it('lets go of the finding when the stream is forgotten before it ends', () => {
    const engine = new LintEngine({ connectionOf: () => 'c1' });
    const e = openStream();
    expect(engine.judgeOpen(e, 1_000 + 31_000)).toHaveLength(1);
    engine.forget(e.id);
    expect(engine.findingsFor(e.id)).toEqual([]);
  });
});

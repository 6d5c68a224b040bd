import { describe, expect, it } from 'vitest';
import type { Classification } from '../../src/shared/exchange';
import type { Matcher } from '../../src/shared/rules';
import { explainMatcher, MATCHERS, matches, type MatchInput } from '../../src/main/core/proxy/matchers';
import { explainRule, parseRules } from '../../src/main/core/proxy/rules';

// The matcher registry: each matcher type holds on the exchanges it names, explains itself in a
// sentence, and is part of the rules file format.

const notification: Classification = { phase: 'jsonrpc', label: 'notifications/initialized', jsonRpc: { kind: 'notification', methods: ['notifications/initialized'], ids: [] } };
const input = (over: Partial<MatchInput> = {}): MatchInput => ({
  method: 'POST',
  path: '/mcp/v1',
  headers: { accept: 'application/json, text/event-stream', 'mcp-session-id': 'abc' },
  classification: notification,
  ...over,
});

const CASES: { [K in Matcher['type']]: { matcher: Extract<Matcher, { type: K }>; holds: MatchInput; fails: MatchInput; explained: string } } = {
  method: { matcher: { type: 'method', methods: ['post'] }, holds: input(), fails: input({ method: 'GET' }), explained: 'the method is post' },
  path: { matcher: { type: 'path', glob: '/mcp/*' }, holds: input(), fails: input({ path: '/mcp/v1/deeper' }), explained: 'the path matches /mcp/*' },
  phase: { matcher: { type: 'phase', phases: ['jsonrpc', 'token'] }, holds: input(), fails: input({ classification: { phase: 'discovery', label: 'PRM' } }), explained: 'the exchange is in the jsonrpc or token phase' },
  'jsonrpc-method': {
    matcher: { type: 'jsonrpc-method', methods: ['notifications/initialized'] },
    holds: input(),
    fails: input({ classification: { phase: 'other', label: 'x' } }),
    explained: 'the JSON-RPC method is notifications/initialized',
  },
  'jsonrpc-kind': {
    matcher: { type: 'jsonrpc-kind', kinds: ['notification'] },
    holds: input(),
    fails: input({ classification: { phase: 'jsonrpc', label: 'tools/list', jsonRpc: { kind: 'request', methods: ['tools/list'], ids: [1] } } }),
    explained: 'the JSON-RPC body is a notification',
  },
  header: { matcher: { type: 'header', name: 'Accept', contains: 'TEXT/EVENT-STREAM' }, holds: input(), fails: input({ headers: { accept: 'application/json' } }), explained: `the request's Accept header contains "TEXT/EVENT-STREAM"` },
  status: { matcher: { type: 'status', statuses: [202] }, holds: input({ status: 202 }), fails: input(), explained: 'the upstream answers 202' },
};

describe('matcher registry', () => {
  it.each(Object.values(CASES))('$matcher.type holds where it should, negates, explains itself and parses', ({ matcher, holds, fails, explained }) => {
    expect(matches(matcher, holds)).toBe(true);
    expect(matches(matcher, fails)).toBe(false);
    expect(matches({ ...matcher, negate: true }, fails)).toBe(true);
    expect(explainMatcher(matcher)).toBe(explained);
    expect(explainMatcher({ ...matcher, negate: true })).toBe(`not: ${explained}`);
    expect(parseRules([{ id: 'r', match: [matcher], steps: [{ type: 'delay', ms: 0 }] }])[0]!.match).toEqual([matcher]);
  });

  it('covers every matcher type, and a header matcher without `contains` asks only that it is there', () => {
    expect(Object.keys(MATCHERS).sort()).toEqual(Object.keys(CASES).sort());
    expect(matches({ type: 'header', name: 'mcp-session-id' }, input())).toBe(true);
    expect(explainMatcher({ type: 'header', name: 'mcp-session-id' })).toBe('the request has a mcp-session-id header');
    expect(() => parseRules([{ id: 'r', match: [{ type: 'phase', phases: ['nowhere'] }], steps: [{ type: 'close' }] }])).toThrow(/rules\[0\]\.match\[0\]\.phases\[0\]/);
  });
});

describe('explainRule', () => {
  it("says a rule in one sentence from its matchers' and steps' own", () => {
    const [rule] = parseRules([
      { id: 'n204', match: [{ type: 'jsonrpc-kind', kinds: ['notification'] }, { type: 'status', statuses: [202] }], steps: [{ type: 'delay', ms: 5 }, { type: 'set-status', status: 204 }], limit: 3 },
    ]);
    expect(explainRule(rule!)).toBe('When the JSON-RPC body is a notification and the upstream answers 202 (the first 3 only): wait 5 ms, then change the status to 204');
    expect(explainRule({ id: 'all', description: '', enabled: true, match: [], steps: [{ type: 'reset' }] })).toBe('On every exchange: reset the connection');
  });
});

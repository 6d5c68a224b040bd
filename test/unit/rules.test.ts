import { describe, expect, it } from 'vitest';
import {
  explainStep,
  globToRegExp,
  InvalidRulesError,
  isRequestStep,
  matches,
  needsResponse,
  parseRules,
  ruleMatches,
  validateRule,
  type MatchInput,
} from '../../src/main/core/proxy/rules';
import type { Classification } from '../../src/shared/exchange';
import type { Matcher, Rule, Step } from '../../src/shared/rules';

// Pure matching and validation. The toggle catalogue's rules on the wire, and parseRules'
// basic rejections, are in test/integration/toggles.test.ts.

const toolsCall: Classification = { phase: 'jsonrpc', label: 'tools/call echo', jsonRpc: { kind: 'request', methods: ['tools/call'], ids: [1], target: 'echo' } };
const input = (over: Partial<MatchInput> = {}): MatchInput => ({
  method: 'POST',
  path: '/mcp',
  headers: { 'content-type': 'application/json', 'mcp-session-id': 'S-1', accept: 'application/json, text/event-stream' },
  classification: toolsCall,
  ...over,
});
const rule = (over: Partial<Rule> = {}): Rule => ({ id: 'r1', description: 'test', enabled: true, match: [], steps: [{ type: 'set-status', status: 500 }], ...over });

describe('globToRegExp', () => {
  it.each<[string, string[], string[]]>([
    ['/mcp', ['/mcp'], ['/mcp/', '/mcpx', '/x/mcp']],
    ['/.well-known/*', ['/.well-known/oauth-protected-resource', '/.well-known/'], ['/.well-known/oauth-protected-resource/mcp', '/.well-knownX/a']],
    ['/.well-known/**', ['/.well-known/oauth-protected-resource/mcp', '/.well-known/a'], ['/mcp']],
    ['**/openid-configuration', ['/mcp/.well-known/openid-configuration', '/openid-configuration'], ['/openid-configuration/mcp']],
    ['/a/*/c', ['/a/b/c', '/a//c'], ['/a/b/x/c']],
    ['/token?', ['/tokens', '/token2'], ['/token', '/tokens2', '/token/']],
    ['/mcp?x', ['/mcpax'], ['/mcp/x']],
    ['/v1.0/(x)+[y]$', ['/v1.0/(x)+[y]$'], ['/v1x0/(x)+[y]$', '/v1.0/xx[y]']],
  ])('%s', (glob, yes, no) => {
    const pattern = globToRegExp(glob);
    for (const path of yes) expect(pattern.test(path), path).toBe(true);
    for (const path of no) expect(pattern.test(path), path).toBe(false);
  });
});

describe('matches', () => {
  it.each<[string, Matcher, boolean]>([
    ['method, case-insensitively', { type: 'method', methods: ['get', 'post'] }, true],
    ['another method', { type: 'method', methods: ['DELETE'] }, false],
    ['a path glob', { type: 'path', glob: '/m*' }, true],
    ['another path', { type: 'path', glob: '/sse' }, false],
    ['the phase', { type: 'phase', phases: ['token', 'jsonrpc'] }, true],
    ['another phase', { type: 'phase', phases: ['discovery'] }, false],
    ['a JSON-RPC method', { type: 'jsonrpc-method', methods: ['tools/list', 'tools/call'] }, true],
    ['another JSON-RPC method', { type: 'jsonrpc-method', methods: ['tools/list'] }, false],
    ['the JSON-RPC kind', { type: 'jsonrpc-kind', kinds: ['request'] }, true],
    ['another JSON-RPC kind', { type: 'jsonrpc-kind', kinds: ['notification', 'batch'] }, false],
    ['a header that is present', { type: 'header', name: 'Mcp-Session-Id' }, true],
    ['a header that is absent', { type: 'header', name: 'authorization' }, false],
    ['a header containing text, case-insensitively', { type: 'header', name: 'accept', contains: 'TEXT/EVENT-STREAM' }, true],
    ['a header not containing the text', { type: 'header', name: 'content-type', contains: 'form' }, false],
  ])('%s', (_name, matcher, expected) => {
    expect(matches(matcher, input())).toBe(expected);
    expect(matches({ ...matcher, negate: true }, input())).toBe(!expected);
    expect(matches({ ...matcher, negate: false }, input())).toBe(expected);
  });

  it('joins a repeated header before looking into it', () => {
    const headers = { 'x-list': ['alpha', 'beta'] };
    expect(matches({ type: 'header', name: 'x-list', contains: 'alpha, beta' }, input({ headers }))).toBe(true);
  });

  it('matches a status only once the upstream answered', () => {
    const status: Matcher = { type: 'status', statuses: [401, 403] };
    expect(matches(status, input())).toBe(false);
    expect(matches(status, input({ status: 401 }))).toBe(true);
    expect(matches(status, input({ status: 200 }))).toBe(false);
    expect(matches({ ...status, negate: true }, input({ status: 200 }))).toBe(true);
  });

  it('does not match JSON-RPC matchers on a request without JSON-RPC', () => {
    const discovery = input({ method: 'GET', path: '/.well-known/oauth-protected-resource', classification: { phase: 'discovery', label: 'PRM', discovery: 'protected-resource-root' } });
    expect(matches({ type: 'jsonrpc-method', methods: ['tools/call'] }, discovery)).toBe(false);
    expect(matches({ type: 'jsonrpc-kind', kinds: ['request', 'notification', 'response', 'error', 'batch'] }, discovery)).toBe(false);
    expect(matches({ type: 'jsonrpc-kind', kinds: ['request'], negate: true }, discovery)).toBe(true);
  });
});

describe('ruleMatches', () => {
  it('needs every matcher to hold', () => {
    expect(ruleMatches(rule({ match: [{ type: 'method', methods: ['POST'] }, { type: 'path', glob: '/mcp' }] }), input())).toBe(true);
    expect(ruleMatches(rule({ match: [{ type: 'method', methods: ['POST'] }, { type: 'path', glob: '/sse' }] }), input())).toBe(false);
  });

  it('matches everything with no matchers', () => {
    expect(ruleMatches(rule(), input({ method: 'DELETE', path: '/anything' }))).toBe(true);
  });

  it('never matches a disabled rule', () => {
    expect(ruleMatches(rule({ enabled: false }), input())).toBe(false);
    expect(ruleMatches(rule({ enabled: false, match: [{ type: 'method', methods: ['POST'] }] }), input())).toBe(false);
  });

  it('applies negation per matcher', () => {
    const r = rule({ match: [{ type: 'phase', phases: ['jsonrpc'] }, { type: 'jsonrpc-method', methods: ['initialize'], negate: true }] });
    expect(ruleMatches(r, input())).toBe(true);
    const initialize: Classification = { phase: 'jsonrpc', label: 'initialize', jsonRpc: { kind: 'request', methods: ['initialize'], ids: [0] } };
    expect(ruleMatches(r, input({ classification: initialize }))).toBe(false);
  });
});

describe('needsResponse and isRequestStep', () => {
  it('needs the response only for a status matcher', () => {
    expect(needsResponse(rule({ match: [{ type: 'status', statuses: [500] }] }))).toBe(true);
    expect(needsResponse(rule({ match: [{ type: 'method', methods: ['GET'] }] }))).toBe(false);
  });

  it.each<[Step, boolean]>([
    [{ type: 'delay', ms: 1 }, true],
    [{ type: 'reply', status: 503 }, true],
    [{ type: 'close' }, true],
    [{ type: 'reset' }, true],
    [{ type: 'timeout' }, true],
    [{ type: 'breakpoint', stage: 'request' }, true],
    [{ type: 'breakpoint', stage: 'response' }, false],
    [{ type: 'set-status', status: 500 }, false],
    [{ type: 'set-headers', set: { a: 'b' } }, false],
    [{ type: 'replace-body', body: '' }, false],
    [{ type: 'sse-drop-event', index: 0 }, false],
  ])('%o acts before the request goes upstream: %s', (step, expected) => {
    expect(isRequestStep(step)).toBe(expected);
  });
});

describe('validateRule', () => {
  it('accepts a well-formed rule', () => {
    expect(validateRule(rule({ steps: [{ type: 'delay', ms: 0 }, { type: 'set-headers', remove: ['mcp-session-id'] }, { type: 'reply', status: 404 }] }))).toEqual([]);
  });

  it('needs an id', () => {
    expect(validateRule(rule({ id: '' }))).toEqual(['a rule needs an id']);
  });

  it.each<Step['type']>(['reply', 'close', 'reset', 'timeout'])('puts a final %s step last', (type) => {
    const final = (type === 'reply' ? { type, status: 500 } : { type }) as Step;
    expect(validateRule(rule({ steps: [final, { type: 'delay', ms: 5 }] }))).toEqual([`step 1 (${type}) ends the exchange, so it must be the last step`]);
    expect(validateRule(rule({ steps: [{ type: 'delay', ms: 5 }, final] }))).toEqual([]);
  });

  it('wants HTTP statuses and a non-negative delay', () => {
    expect(validateRule(rule({ steps: [{ type: 'reply', status: 700 }] }))).toEqual(['step 1: 700 is not an HTTP status']);
    expect(validateRule(rule({ steps: [{ type: 'set-status', status: 99 }] }))).toEqual(['step 1: 99 is not an HTTP status']);
    expect(validateRule(rule({ steps: [{ type: 'set-status', status: 100 }, { type: 'set-status', status: 599 }] }))).toEqual([]);
    expect(validateRule(rule({ steps: [{ type: 'delay', ms: -1 }] }))).toEqual(['step 1: delay must be a non-negative number of ms']);
    expect(validateRule(rule({ steps: [{ type: 'delay', ms: Number.NaN }] }))).toEqual(['step 1: delay must be a non-negative number of ms']);
  });

  it('keeps a rule that matches on the upstream status to response steps (a delay is allowed)', () => {
    const onStatus = { match: [{ type: 'status', statuses: [500] }] as Matcher[] };
    expect(validateRule(rule({ ...onStatus, steps: [{ type: 'delay', ms: 100 }, { type: 'set-status', status: 503 }] }))).toEqual([]);
    expect(validateRule(rule({ ...onStatus, steps: [{ type: 'breakpoint', stage: 'response' }] }))).toEqual([]);
    for (const step of [{ type: 'breakpoint', stage: 'request' }, { type: 'close' }, { type: 'timeout' }] as Step[]) {
      expect(validateRule(rule({ ...onStatus, steps: [step] }))).toEqual(['a rule that matches on the upstream status can only change the response']);
    }
  });

  it('names every problem', () => {
    expect(validateRule(rule({ id: '', steps: [{ type: 'reset' }, { type: 'reply', status: 1000 }] }))).toEqual([
      'a rule needs an id',
      'step 1 (reset) ends the exchange, so it must be the last step',
      'step 2: 1000 is not an HTTP status',
    ]);
  });
});

describe('explainStep', () => {
  it.each<[Step, string]>([
    [{ type: 'delay', ms: 1500 }, 'wait 1500 ms'],
    [{ type: 'reply', status: 503, body: 'busy' }, 'answer 503 without contacting the upstream'],
    [{ type: 'close' }, 'close the connection without an answer'],
    [{ type: 'reset' }, 'reset the connection'],
    [{ type: 'timeout' }, 'never answer'],
    [{ type: 'set-status', status: 404 }, 'change the status to 404'],
    [{ type: 'set-headers', set: { 'www-authenticate': 'Bearer', 'x-a': '1' }, remove: ['mcp-session-id'] }, 'set www-authenticate: Bearer, set x-a: 1, remove mcp-session-id'],
    [{ type: 'set-headers', remove: ['allow'] }, 'remove allow'],
    [{ type: 'set-headers' }, 'leave the headers'],
    [{ type: 'replace-body', body: '{}', contentType: 'application/json' }, 'replace the body'],
    [{ type: 'sse-drop-event', index: 2 }, 'drop SSE event #2'],
    [{ type: 'sse-delay-event', index: 0, ms: 250 }, 'hold SSE event #0 back 250 ms'],
    [{ type: 'sse-close-after', count: 3 }, 'close the stream after 3 events'],
    [{ type: 'breakpoint', stage: 'request' }, 'pause before the request goes upstream'],
    [{ type: 'breakpoint', stage: 'response', timeoutMs: 1000 }, 'pause before the response reaches the client'],
  ])('%o → %s', (step, text) => {
    expect(explainStep(step)).toBe(text);
  });
});

describe('parseRules', () => {
  it('keeps every field of every matcher and step type', () => {
    const rules = [
      {
        id: 'all-matchers',
        description: 'd',
        enabled: false,
        limit: 3,
        match: [
          { type: 'method', methods: ['POST'] },
          { type: 'path', glob: '/mcp', negate: true },
          { type: 'phase', phases: ['jsonrpc'] },
          { type: 'jsonrpc-method', methods: ['tools/call'] },
          { type: 'jsonrpc-kind', kinds: ['batch'] },
          { type: 'header', name: 'accept', contains: 'json' },
          { type: 'status', statuses: [500] },
        ],
        steps: [
          { type: 'delay', ms: 5 },
          { type: 'set-status', status: 502 },
          { type: 'set-headers', set: { a: 'b' }, remove: ['c'] },
          { type: 'replace-body', body: 'x', contentType: 'text/plain' },
          { type: 'sse-drop-event', index: 0 },
          { type: 'sse-delay-event', index: 1, ms: 10 },
          { type: 'sse-close-after', count: 2 },
          { type: 'breakpoint', stage: 'response', timeoutMs: 600_000 },
        ],
      },
      { id: 'final', description: '', enabled: true, match: [], steps: [{ type: 'reply', status: 418, headers: { 'content-type': 'text/plain' }, body: 'teapot' }] },
    ];
    expect(parseRules(structuredClone(rules))).toEqual(rules);
  });

  it.each<[string, unknown, RegExp | string]>([
    ['something that is not a list', { id: 'x' }, /^Invalid rules: rules: /],
    ['a rule without steps', [{ id: 'x', steps: [] }], 'rules[0].steps'],
    ['an unknown step type', [{ id: 'x', steps: [{ type: 'explode' }] }], 'rules[0].steps[0].type'],
    ['a breakpoint held longer than ten minutes', [{ id: 'x', steps: [{ type: 'breakpoint', stage: 'request', timeoutMs: 600_001 }] }], 'rules[0].steps[0].timeoutMs'],
    ['an empty method list', [{ id: 'x', match: [{ type: 'method', methods: [] }], steps: [{ type: 'close' }] }], 'rules[0].match[0].methods'],
    ['an unknown phase', [{ id: 'x', match: [{ type: 'phase', phases: ['handshake'] }], steps: [{ type: 'close' }] }], 'rules[0].match[0].phases[0]'],
    ['closing a stream after 0 events', [{ id: 'x', steps: [{ type: 'sse-close-after', count: 0 }] }], 'rules[0].steps[0].count'],
    ['a fractional SSE index', [{ id: 'x', steps: [{ type: 'sse-drop-event', index: 1.5 }] }], 'rules[0].steps[0].index'],
  ])('rejects %s, naming the place', (_name, value, message) => {
    expect(() => parseRules(value)).toThrow(InvalidRulesError);
    expect(() => parseRules(value)).toThrow(message);
  });

  it('names the rule and its place for a problem found after parsing', () => {
    const value = [
      { id: 'fine', steps: [{ type: 'close' }] },
      { id: 'bad', steps: [{ type: 'reply', status: 200 }, { type: 'close' }] },
    ];
    expect(() => parseRules(value)).toThrow('Invalid rules: rules[1] (bad): step 1 (reply) ends the exchange, so it must be the last step');
  });
});

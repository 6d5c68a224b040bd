import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/shared/exchange';
import type { Step } from '../../src/shared/rules';
import { appliedEffect, attribute, causeOf, PROFILE_TOGGLE_FINDINGS, type StepEffect } from '../../src/main/core/lint/causes';
import { explainStep } from '../../src/main/core/proxy/rules';
import { TOGGLES } from '../../src/main/core/proxy/toggles';

// How lint tells a finding the user asked for (a toggle, their own rule, a breakpoint edit)
// from one the server earned. The wire side is in test/integration/lint.test.ts.

/** One step of each type, and what it does to what lint judges. */
const STEPS: Array<[Step, StepEffect]> = [
  [{ type: 'delay', ms: 1500 }, 'inert'],
  [{ type: 'breakpoint', stage: 'request' }, 'inert'],
  [{ type: 'breakpoint', stage: 'response', timeoutMs: 5000 }, 'inert'],
  [{ type: 'set-status', status: 204 }, 'response'],
  [{ type: 'set-headers', set: { 'WWW-Authenticate': 'Bearer error="invalid_token", scope="a b"' }, remove: ['Mcp-Session-Id'] }, 'response'],
  [{ type: 'set-headers', remove: ['Access-Control-Allow-Origin'] }, 'response'],
  [{ type: 'set-headers' }, 'response'],
  [{ type: 'replace-body', body: '{}' }, 'response'],
  [{ type: 'patch-json', remove: ['/result/resultType'], replace: { '/id': null } }, 'response'],
  [{ type: 'reply', status: 404, body: 'x' }, 'other'],
  [{ type: 'close' }, 'other'],
  [{ type: 'reset' }, 'other'],
  [{ type: 'timeout' }, 'other'],
  [{ type: 'sse-drop-event', index: 0 }, 'other'],
  [{ type: 'sse-delay-event', index: 2, ms: 5000 }, 'other'],
  [{ type: 'sse-close-after', count: 1 }, 'other'],
];

function exchange(partial: Partial<Exchange> = {}): Exchange {
  return {
    id: 'x1',
    startedAt: 0,
    timings: {},
    state: 'complete',
    client: { family: 'unknown', label: 'test' },
    request: { method: 'POST', url: '/mcp', httpVersion: '1.1', headers: {} },
    response: { status: 204, headers: {} },
    sseEvents: [],
    classification: { phase: 'jsonrpc', label: 'notifications/initialized', jsonRpc: { kind: 'notification', methods: ['notifications/initialized'], ids: [] } },
    appliedRules: [],
    ...partial,
  };
}

describe('lint causes', () => {
  it('reads what a user rule did from its explanation, for every step type', () => {
    // Every Step type of src/shared/rules.ts (a new one is a type error here until it is listed).
    const EVERY_TYPE: Record<Step['type'], true> = { delay: true, reply: true, close: true, reset: true, timeout: true, 'set-status': true, 'set-headers': true, 'replace-body': true, 'patch-json': true, 'sse-drop-event': true, 'sse-delay-event': true, 'sse-close-after': true, breakpoint: true };
    expect(new Set(STEPS.map(([step]) => step.type))).toEqual(new Set(Object.keys(EVERY_TYPE)));
    for (const [step, effect] of STEPS) {
      // A description may itself hold a colon; the step's sentence is at the end.
      expect(appliedEffect({ ruleId: 'mine', explanation: `My rule: for the demo: ${explainStep(step)}` }), explainStep(step)).toBe(effect);
    }
  });

  it('knows the findings of every toggle option the built-in server plays through its profile', () => {
    const withProfile = TOGGLES.flatMap((t) => t.options.filter((o) => o.profile).map((o) => `${t.id}:${o.id}`)).sort();
    const listed = Object.entries(PROFILE_TOGGLE_FINDINGS).flatMap(([toggle, options]) => Object.keys(options).map((option) => `${toggle}:${option}`)).sort();
    expect(listed).toEqual(withProfile);
  });

  it('names toggles by their catalogue rule ids, which are unique', () => {
    const ids = TOGGLES.flatMap((t) => t.options.flatMap((o) => o.rules.map((r) => r.id)));
    expect(new Set(ids).size).toBe(ids.length);
    const e = exchange({ appliedRules: [{ ruleId: 'get-501', explanation: 'GET stream answered 501: answer 501 without contacting the upstream' }] });
    expect(causeOf('get-mcp-501', e, () => false, {})).toEqual({ kind: 'toggle', id: 'get-stream', option: '501', name: 'GET /mcp (server→client stream) → GET /mcp → 501' });
  });

  it('blames nobody but the server when the upstream’s own answer has the fault, or nothing changed', () => {
    const setStatus = { ruleId: 'notifications-204', explanation: 'Notifications and responses answered 204: change the status to 204' };
    // The upstream answered 202: the toggle did it.
    const changed = exchange({ appliedRules: [setStatus], upstreamResponse: { status: 202, headers: {} } });
    expect(causeOf('notification-not-202', changed, (upstream) => upstream.response!.status !== 202, {})?.id).toBe('notification-status');
    // The upstream answered 204 itself: the server's.
    const own = exchange({ appliedRules: [setStatus], upstreamResponse: { status: 204, headers: { 'x-before': '1' } } });
    expect(causeOf('notification-not-202', own, (upstream) => upstream.response!.status !== 202, {})).toBeUndefined();
    // A status step that left no upstream response behind changed nothing; a delay never does.
    const untouched = exchange({ appliedRules: [setStatus, { ruleId: 'slow', explanation: 'slow: wait 10 ms' }] });
    expect(causeOf('notification-not-202', untouched, () => true, {})).toBeUndefined();
    // The inspector's own origin rewriting is no choice of the user's.
    expect(causeOf('notification-not-202', exchange({ appliedRules: [{ ruleId: 'origin-rewrite', explanation: 'Rewrote a to b in the request' }] }), () => true, {})).toBeUndefined();
  });

  it('names a toggle the built-in server plays natively only for the findings it makes', () => {
    const e = exchange();
    expect(causeOf('notification-not-202', e, () => true, { 'notification-status': '204' })).toMatchObject({ kind: 'toggle', id: 'notification-status', option: '204' });
    expect(causeOf('get-mcp-501', e, () => true, { 'notification-status': '204', 'get-stream': '405' })).toBeUndefined();
  });

  it('reads a toggle the built-in server played from the exchange, so a capture opened again blames it too', () => {
    const rule = TOGGLES.find((t) => t.id === 'notification-status')!.options.find((o) => o.id === '204')!.rules[0]!;
    const e = exchange({ appliedRules: [{ ruleId: rule.id, explanation: 'the built-in server answered 204 instead of 202, as the toggle set its profile', setStatus: 204, fromStatus: 202, byServer: true }] });
    // No toggle is on any more (a capture read from disk): the exchange's record still names it.
    expect(causeOf('notification-not-202', e, () => true, undefined)).toMatchObject({ kind: 'toggle', id: 'notification-status', option: '204' });
    expect(causeOf('get-mcp-501', e, () => true, undefined)).toBeUndefined();
    // Without the server's mark it is the server's own answer.
    expect(causeOf('notification-not-202', exchange(), () => true, undefined)).toBeUndefined();
  });

  it('caps an attributed finding at warning and says what matters now', () => {
    const finding = { ruleId: 'notification-not-202' as const, severity: 'error' as const, exchangeId: 'x1', message: 'notifications/initialized was answered 204.', fix: 'Answer 202.' };
    const attributed = attribute(finding, { kind: 'breakpoint', id: 'breakpoint-edit', name: 'Edited at the breakpoint before the client: status 204' });
    expect(attributed).toMatchObject({ severity: 'warning', fix: 'Answer 202.', causedBy: { kind: 'breakpoint' } });
    expect(attributed.message).toBe('notifications/initialized was answered 204. You asked for this with an edit at a breakpoint; what matters is how the client reacts.');
    expect(attribute({ ...finding, severity: 'info' }, attributed.causedBy!).severity).toBe('info');
  });
});

// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientProfileInfo, ConnectionInfo } from '../../src/shared/controlApi';
import type { Comparison } from '../../src/shared/compare';
import type { LintFinding } from '../../src/shared/lint';
import type { SimulationResult } from '../../src/shared/simulator';
import { matchesQuery, parseQuery } from '../../src/renderer/src/lib/filters';
import { parseHeaderLines } from '../../src/renderer/src/components/SimulateScreen';
import { row } from './fixtures';
import { createContainer, mountApp, openScreen, settle, type Handlers } from './harness';

const ctx = { resolveConnection: (id: string) => id };
const matches = (query: string, r = row()) => matchesQuery(r, parseQuery(query), ctx);

describe('lint and run filters', () => {
  const faulty = row({ lint: { errors: 1, warnings: 0, infos: 0, rules: ['notification-not-202'] } });
  const warned = row({ lint: { errors: 0, warnings: 1, infos: 0, rules: ['initialize-missing-session-id'] } });
  const clean = row();

  it('matches any finding, a severity, a rule id or a rule prefix; -lint:any keeps the clean rows', () => {
    expect([faulty, warned, clean].map((r) => matches('lint:any', r))).toEqual([true, true, false]);
    expect([faulty, warned, clean].map((r) => matches('lint:error', r))).toEqual([true, false, false]);
    expect([faulty, warned, clean].map((r) => matches('lint:warning', r))).toEqual([false, true, false]);
    expect(matches('lint:notification-not-202', faulty)).toBe(true);
    expect(matches('lint:notification-not-202', warned)).toBe(false);
    expect(matches('lint:initialize-*', warned)).toBe(true);
    expect([faulty, warned, clean].map((r) => matches('-lint:any', r))).toEqual([false, false, true]);
  });

  it('names an unknown rule instead of silently matching nothing', () => {
    expect(parseQuery('lint:no-such-rule').problems[0]).toContain('no rule no-such-rule');
    expect(parseQuery('lint:zzz*').problems).toHaveLength(1);
  });

  it('matches a simulator run by the beginning of its id', () => {
    expect(matches('run:ab12', row({ simulated: true, simulationRun: 'AB12cd-ef' }))).toBe(true);
    expect(matches('run:ab12', row({ simulated: true, simulationRun: 'ff00' }))).toBe(false);
    expect(matches('run:ab12', row())).toBe(false);
  });
});

const FINDING: LintFinding = {
  ruleId: 'notification-not-202',
  severity: 'error',
  exchangeId: 'placeholder',
  connectionId: 'session:s1',
  message: 'notifications/initialized was answered 204; the spec says 202 Accepted.',
  fix: 'Answer every POST that carries only notifications or responses with 202 Accepted and no body.',
};

const PROFILES: ClientProfileInfo[] = [
  { id: 'claude-ai@2025-10', family: 'claude-ai', client: 'Claude.ai connector', variant: 'HEAD /, python-httpx', observed: '2025-10', sources: [{ ref: 'https://github.com/georgevetticaden/multi-agent-federal-form-automation-system/blob/a25a39d7e440e6f0cca5440bad67d5f4e2a01879/docs/mcp-integration/MCP_INTEGRATION_SUCCESS_STORY.md' }], transport: 'streamable-http', driver: 'replay' },
  { id: 'claude-ai@2026-03', family: 'claude-ai', isDefault: true, client: 'Claude.ai connector', variant: 'CIMD or DCR', observed: '2026-02..07', sources: [{ ref: 'https://github.com/anthropics/claude-ai-mcp/issues/76' }], transport: 'streamable-http', driver: 'replay' },
  { id: 'legacy-sse@2024-11-05', family: 'legacy-sse', client: 'HTTP+SSE client', variant: 'the 2024-11-05 transport', observed: 'spec', sources: [{ ref: 'https://modelcontextprotocol.io/specification/2024-11-05/basic/transports#http-with-sse' }], transport: 'legacy-sse', driver: 'replay' },
];

const RESULT: SimulationResult = {
  runId: 'abcdef12-0000',
  profileId: 'claude-ai@2025-10',
  url: 'http://127.0.0.1:7420/mcp',
  ok: false,
  failedAt: 'get-stream',
  summary: 'would terminate: GET /mcp answered 501',
  steps: [
    { step: 'initialize', title: 'POST /mcp initialize', outcome: 'ok', message: 'session issued', requests: [{ method: 'POST', url: '/mcp', status: 200, ms: 3 }] },
    { step: 'get-stream', title: 'GET /mcp (SSE stream)', outcome: 'fail', message: 'would terminate: GET /mcp answered 501', requests: [{ method: 'GET', url: '/mcp', status: 501, ms: 1 }] },
  ],
  startedAt: 0,
  durationMs: 20,
};

describe('lint, simulate and compare screens in a DOM', () => {
  let dom: ReturnType<typeof createContainer>;
  beforeEach(() => {
    dom = createContainer();
  });
  afterEach(() => dom.unmount());
  const mount = (handlers: Handlers = {}) => mountApp(dom.root, handlers);
  const $ = (selector: string) => dom.container.querySelector(selector);
  const $$ = (selector: string) => [...dom.container.querySelectorAll(selector)];
  const click = (element: Element | null) => act(async () => (element as HTMLElement).click());
  const tab = (name: string) => $$('[role=tab]').find((t) => t.textContent === name)!;
  const change = (element: Element | null, value: string) =>
    act(async () => {
      const el = element as HTMLSelectElement | HTMLInputElement;
      const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value')!.set!;
      setter.call(el, value);
      el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
    });

  it('badges a row by its worst finding and lists the findings in the detail pane with fix, clients and sources', async () => {
    const faulty = row({ rpcMethods: ['notifications/initialized'], status: 204, connectionId: 'session:s1', lint: { errors: 1, warnings: 0, infos: 0, rules: ['notification-not-202'] } });
    const app = await mount({
      'exchanges.list': () => [row({ connectionId: 'session:s1' }), faulty],
      'exchanges.get': () => null,
      'lint.findings': (params) => ({ findings: (params as { exchangeId?: string }).exchangeId === faulty.id ? [{ ...FINDING, exchangeId: faulty.id }] : [] }),
    });
    const badges = $$('[data-testid=lint-badge]');
    expect(badges).toHaveLength(1);
    expect(badges[0]!.className).toContain('sev-error');
    expect(badges[0]!.textContent).toBe('⚠ 1');
    await act(async () => app.store.getState().select(faulty.id));
    await settle();
    const finding = $('[data-testid=finding]')!;
    expect(finding.getAttribute('data-rule')).toBe('notification-not-202');
    expect(finding.textContent).toContain('Notification answered with a status other than 202'); // the rule's title from lint.rules
    expect(finding.textContent).toContain('answered 204');
    expect(finding.textContent).toContain('Fix:');
    expect(finding.textContent).toContain('Breaks: Claude.ai');
    expect(finding.querySelector('a[href^="https://modelcontextprotocol.io/"]')).not.toBeNull();
    expect(app.calls).toContainEqual(['lint.findings', { exchangeId: faulty.id, capture: undefined }]);
  });

  it('shows the connection’s lint summary in the handshake view', async () => {
    const rows = [row({ connectionId: 'session:s1' }), row({ connectionId: 'session:s1', lint: { errors: 1, warnings: 0, infos: 0, rules: ['notification-not-202'] } })];
    await mount({
      'exchanges.list': () => rows,
      'lint.findings': () => ({ findings: [{ ...FINDING, exchangeId: rows[1]!.id }], summary: { connectionId: 'session:s1', exchanges: 2, errors: 1, warnings: 0, infos: 0, byRule: { 'notification-not-202': 1 } } }),
    });
    await click(tab('Handshake'));
    await settle();
    expect($('[data-testid=lint-summary]')?.textContent).toBe('1 error in 2 exchanges');
    expect($('.connection-lint [data-testid=finding]')?.textContent).toContain('open exchange');
  });

  it('runs the chosen profile against the default URL and shows the verdicts; the run’s rows are one click away', async () => {
    const app = await mount({ 'simulate.profiles': () => PROFILES, 'scenarios.list': () => [], 'simulate.run': () => RESULT });
    await openScreen(dom.container, 'Simulate');
    await settle();
    const select = $('select[aria-label="Client profile"]') as HTMLSelectElement;
    expect([...select.querySelectorAll('optgroup')].map((g) => g.label)).toEqual(['claude-ai', 'legacy-sse']);
    expect(select.value).toBe('claude-ai@2026-03'); // the family's default first
    expect($('[data-testid=profile-details]')?.querySelector('a')?.getAttribute('href')).toBe('https://github.com/anthropics/claude-ai-mcp/issues/76');
    await change(select, 'legacy-sse@2024-11-05');
    expect(($('input[aria-label="Target URL"]') as HTMLInputElement).placeholder).toBe('http://127.0.0.1:7420/sse');
    await change(select, 'claude-ai@2025-10');
    await click($$('button').find((b) => b.textContent === 'Run simulation')!);
    await settle();
    expect(app.calls).toContainEqual(['simulate.run', { client: 'claude-ai@2025-10' }]);
    expect($('[data-testid=sim-summary]')?.textContent).toContain('would terminate: GET /mcp answered 501');
    expect($$('[data-testid=verdict]').map((v) => v.getAttribute('data-outcome'))).toEqual(['ok', 'fail']);
    await click($$('button').find((b) => b.textContent === 'show its exchanges in the timeline')!);
    expect(app.store.getState()).toMatchObject({ view: 'timeline', query: 'run:abcdef12' });
  });

  it('says why a run was refused in a banner, and checks the configured headers before sending', async () => {
    const app = await mount({
      'simulate.profiles': () => PROFILES,
      'scenarios.list': () => [],
      'simulate.run': () => Promise.reject(new Error('Invalid parameters for simulate.run: The target URL must be an absolute http or https URL')),
    });
    await openScreen(dom.container, 'Simulate');
    await settle();
    await change($('textarea[aria-label="Configured headers"]'), 'not a header');
    expect($('.field-error')?.textContent).toContain('write Name: value');
    expect(($$('button').find((b) => b.textContent === 'Run simulation') as HTMLButtonElement).disabled).toBe(true);
    await change($('textarea[aria-label="Configured headers"]'), 'X-API-Key: k1');
    await change($('input[aria-label="Target URL"]'), 'ftp://x');
    await click($$('button').find((b) => b.textContent === 'Run simulation')!);
    await settle();
    expect(app.calls).toContainEqual(['simulate.run', { client: 'claude-ai@2026-03', url: 'ftp://x', headers: { 'X-API-Key': 'k1' } }]);
    expect($('[role=alert]')?.textContent).toContain('must be an absolute http or https URL');
    expect($('[data-testid=sim-result]')).toBeNull();
  });

  it('compares the two newest connections and highlights what differs', async () => {
    const connection = (id: string, client: string): ConnectionInfo => ({ id, connectionId: id, run: 1, runs: 1, startedBy: 'first', outcome: 'complete', client, exchanges: 3, startedAt: 1, lastAt: 1, lint: { connectionId: id, exchanges: 3, errors: 0, warnings: 0, infos: 0, byRule: {} } });
    const comparison: Comparison = {
      left: { source: 'live session#session:a', client: 'Claude-User', exchanges: 3, lint: { connectionId: 'session:a', exchanges: 3, errors: 1, warnings: 0, infos: 0, byRule: {} } },
      right: { source: 'live session#session:b', client: 'MCP SDK', exchanges: 3, lint: { connectionId: 'session:b', exchanges: 3, errors: 0, warnings: 0, infos: 0, byRule: {} } },
      differingSteps: 1,
      differences: [{ kind: 'registration', left: 'dcr', right: 'cimd' }],
      steps: [
        { stage: 'initialize', left: side('initialize', 200), right: side('initialize', 200), differences: [] },
        {
          stage: 'initialized',
          left: side('notifications/initialized', 204, [{ ruleId: 'notification-not-202', severity: 'error' }]),
          right: side('notifications/initialized', 202),
          differences: [
            { kind: 'status', left: '204', right: '202' },
            { kind: 'lint', name: 'notification-not-202', left: 'notification-not-202' },
          ],
        },
      ],
    };
    const app = await mount({ 'connections.list': () => [connection('session:a', 'Claude-User'), connection('session:b', 'MCP SDK')], 'compare.connections': () => comparison });
    await openScreen(dom.container, 'Compare');
    await settle();
    await click($('.compare button.primary'));
    await settle();
    expect(app.calls).toContainEqual(['compare.connections', { left: { connectionId: 'session:a' }, right: { connectionId: 'session:b' } }]);
    expect($('[data-testid=cmp-summary]')?.textContent).toContain('1 of 2 steps differ');
    // What differs of the runs as wholes (order, negotiated version, registration path).
    expect($('[data-testid=cmp-whole]')?.textContent).toBe('registration: dcr ≠ cimd');
    // The columns name the runs as the pickers do, not by their ids.
    const heads = $$('.cmp-table thead th').map((th) => th.textContent);
    expect(heads[1]).toMatch(/^LeftClaude-User · run 1 · /);
    expect(heads[2]).toMatch(/^RightMCP SDK · run 1 · /);
    expect(heads.join(' ')).not.toContain('session:');
    const rows = $$('[data-testid=cmp-row]');
    expect(rows.map((r) => r.getAttribute('data-differs'))).toEqual(['false', 'true']);
    expect(rows[1]!.querySelectorAll('[data-testid=cmp-status].diff')).toHaveLength(2);
    expect(rows[1]!.textContent).toContain('status: 204 ≠ 202');
    expect(rows[1]!.textContent).toContain('lint notification-not-202: only on the left');
    await click($('input[type=checkbox]'));
    expect($$('[data-testid=cmp-row]')).toHaveLength(1);
  });

  it('simulates a profile on the left and aligns it with a recorded run', async () => {
    const real: ConnectionInfo = { id: 'session:real', connectionId: 'session:real', run: 1, runs: 1, startedBy: 'first', outcome: 'complete', client: 'Claude-User', exchanges: 9, startedAt: 1, lastAt: 1, lint: { connectionId: 'session:real', exchanges: 9, errors: 0, warnings: 0, infos: 0, byRule: {} } };
    const lint = { connectionId: 'x', exchanges: 1, errors: 0, warnings: 0, infos: 0, byRule: {} };
    const comparison: Comparison = {
      left: { source: 'simulated claude-ai@2025-10', client: 'Claude.ai', exchanges: 1, lint, registration: 'dcr' },
      right: { source: 'live session#session:real', client: 'Claude-User', exchanges: 1, lint, registration: 'cimd' },
      differingSteps: 0,
      differences: [{ kind: 'registration', left: 'dcr', right: 'cimd' }],
      steps: [{ stage: 'initialize', left: side('initialize', 200), right: side('initialize', 200), differences: [] }],
    };
    const app = await mount({ 'simulate.profiles': () => PROFILES, 'scenarios.list': () => [], 'connections.list': () => [real], 'simulate.run': () => ({ ...RESULT, comparison }) });
    await openScreen(dom.container, 'Compare');
    await settle();
    await change($('select[aria-label="Left is a recorded run or a simulated profile"]') as HTMLSelectElement, 'claude-ai@2025-10');
    // No left run picker then: the left is the profile's run.
    expect($('select[aria-label="Left run"]')).toBeNull();
    const button = $('.compare button.primary')!;
    expect(button.textContent).toBe('Simulate and compare');
    await click(button);
    await settle();
    expect(app.calls).toContainEqual(['simulate.run', { client: 'claude-ai@2025-10', compareWith: { connectionId: 'session:real' } }]);
    expect($$('.cmp-table thead th')[1]!.textContent).toMatch(/^Leftclaude-ai@2025-10, simulated: /);
    expect($('[data-testid=cmp-whole]')?.textContent).toBe('registration: dcr ≠ cimd');
  });
});

function side(label: string, status: number, findings: Comparison['steps'][number]['left'] extends infer S ? (S extends { findings: infer F } ? F : never) : never = []) {
  return { exchangeId: label, position: 1, method: 'POST', path: '/mcp', status, label, requestHeaders: {}, responseHeaders: {}, findings };
}

// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionInfo, ControlEvent, ExchangeSummary } from '../../src/shared/controlApi';
import type { Boundary } from '../../src/shared/exchange';
import { runHandshake, sequence } from '../../src/renderer/src/lib/handshake';
import { time } from '../../src/renderer/src/lib/format';
import { TimelineModel, type TimelineItem } from '../../src/renderer/src/state/timeline';
import fixture from './fixtures/runs.json';
import { row } from './fixtures';
import { containerPerTest, createContainer, mountApp, openScreen, settle, type Handlers } from './harness';

// Client runs in the UI, from rows the core really sent: six simulator runs against the
// reference server (fixtures/runs.json says which), plus hand-made rows for merges, boundaries
// and the paths no simulator profile takes.

type RunName = 'dcr' | 'cimd' | 'stateless' | 'legacy' | 'failed' | 'authless';
const RUNS = fixture.runs as unknown as Record<RunName, ExchangeSummary[]>;
const CONNECTIONS = fixture.connections as unknown as ConnectionInfo[];
const ALL = Object.values(RUNS)
  .flat()
  .sort((a, b) => a.startedAt - b.startedAt);
const runId = (name: RunName) => RUNS[name][0]!.runId!;
/** Three runs, 28 lines: all drawn by the virtual list at happy-dom's default height. */
const THREE = [...RUNS.dcr, ...RUNS.failed, ...RUNS.authless].sort((a, b) => a.startedAt - b.startedAt);
const upsert = (exchange: ExchangeSummary): ControlEvent => ({ type: 'exchange', exchange });

/** What the grouped timeline shows, in words: "run:<id>", "boundary:<label>" or the row id. */
const shape = (items: TimelineItem[]) => items.map((i) => (typeof i === 'string' ? i : i.kind === 'run' ? `run:${i.group.key}` : i.kind === 'boundary' ? `boundary:${i.boundary.label}` : `gap:${i.gap.authorizeId}`));

describe('timeline model: rows grouped by client run', () => {
  it('puts each run’s rows under one header, runs in start order, with the verdict runVerdict gives', () => {
    const model = new TimelineModel();
    model.load([...ALL]);
    const headers = model.items.filter((i) => typeof i !== 'string');
    expect(headers.map((h) => (h.kind === 'run' ? h.group.key : ''))).toEqual(['dcr', 'cimd', 'stateless', 'legacy', 'failed', 'authless'].map((n) => runId(n as RunName)));
    const describe = (name: RunName) => model.describe(model.run(runId(name))!);
    expect(describe('dcr')).toMatchObject({ client: 'Inspector simulator', run: 1, runs: 1, startedBy: 'first', exchanges: 11, verdict: { outcome: 'complete' } });
    expect(describe('cimd')).toMatchObject({ client: 'Claude Code 2.1.204', verdict: { outcome: 'complete' } });
    // The 2026-07-28 client is named by the clientInfo of its server/discover, not its "node" User-Agent.
    expect(describe('stateless').client).toBe('mcp-sdk-2-simulated 2.4');
    const failed = describe('failed');
    expect(failed.verdict).toMatchObject({ outcome: 'failed', step: 'GET stream', failedAt: RUNS.failed.find((r) => r.status === 501)!.id });
    expect(failed.verdict.reason).toContain('501: Not Implemented');
    expect(failed.lint).toEqual({ errors: 0, warnings: 2 }); // the 204 and the 501 are both flagged (warnings: the user's toggles asked for them)
    // The same verdicts as the core's connections.list for the same rows.
    for (const info of CONNECTIONS) expect(model.describe(model.run(info.id)!).verdict.outcome).toBe(info.outcome);
  });

  it('keeps the verdict live as a run’s rows arrive', () => {
    const model = new TimelineModel();
    const rows = RUNS.dcr;
    model.apply(rows.slice(0, 3).map(upsert));
    const group = model.run(runId('dcr'))!;
    expect(model.describe(group).verdict).toMatchObject({ outcome: 'in-progress' });
    model.apply(rows.slice(3).map(upsert));
    expect(model.describe(group).verdict).toEqual({ outcome: 'complete' });
    expect(model.describe(group).exchanges).toBe(rows.length);
  });

  it('joins two runs the core merged (run-merged), numbers a connection’s runs and says why each began', () => {
    const model = new TimelineModel();
    const at = 1_800_000_000_000;
    const consent = row({ startedAt: at + 10, phase: 'authorization', method: 'GET', url: '/authorize?client_id=c1', rpcMethods: [], label: 'authorize', clientFamily: 'browser', clientLabel: 'Browser', runId: 'run:browser', connectionId: 'state:s', status: 302 });
    const discovery = row({ startedAt: at, phase: 'discovery', method: 'GET', url: '/.well-known/oauth-protected-resource', rpcMethods: [], label: 'PRM', runId: 'run:a', connectionId: 'client:c1' });
    const token = row({ startedAt: at + 20, phase: 'token', url: '/token', rpcMethods: [], label: 'token: authorization_code', runId: 'run:a', connectionId: 'client:c1' });
    model.apply([upsert(discovery), upsert(consent), upsert(token)]);
    expect(model.runGroups()).toHaveLength(2);
    model.apply([{ type: 'run-merged', from: 'run:browser', into: 'run:a' }, { type: 'connection-merged', from: 'state:s', into: 'client:c1' }]);
    expect(model.runGroups().map((g) => g.key)).toEqual(['run:a']);
    expect(model.runRows('run:a').map((r) => r.id)).toEqual([discovery.id, consent.id, token.id]);
    expect(shape(model.items)).toEqual(['run:run:a', discovery.id, consent.id, token.id]);
    // A later row still naming the merged run joins the run it became.
    const late = row({ startedAt: at + 30, runId: 'run:browser', connectionId: 'client:c1', rpcMethods: ['initialize'], label: 'initialize' });
    model.apply([upsert(late)]);
    expect(model.runRows('run:a').map((r) => r.id)).toContain(late.id);
    expect(model.describe(model.run('run:a')!).verdict).toEqual({ outcome: 'complete' });

    // The same client again after a boundary, then starting over: runs 2 and 3 of its connection.
    const boundary: Boundary = { id: 'b1', at: at + 100, label: 'before toggle' };
    model.apply([{ type: 'boundary', boundary }]);
    const second = row({ startedAt: at + 200, runId: 'run:b', connectionId: 'client:c1', rpcMethods: ['tools/list'], label: 'tools/list' });
    const third = row({ startedAt: at + 300, runId: 'run:c', connectionId: 'client:c1', phase: 'discovery', method: 'GET', url: '/.well-known/oauth-protected-resource', rpcMethods: [], label: 'PRM' });
    model.apply([upsert(second), upsert(third)]);
    expect(model.describe(model.run('run:b')!)).toMatchObject({ run: 2, runs: 3, startedBy: 'boundary', boundary: { label: 'before toggle' } });
    expect(model.describe(model.run('run:c')!)).toMatchObject({ run: 3, runs: 3, startedBy: 'start-over' });
    expect(shape(model.items)).toEqual(['run:run:a', discovery.id, consent.id, token.id, late.id, 'boundary:before toggle', 'run:run:b', second.id, 'run:run:c', third.id]);
  });

  it('places boundaries between rows with grouping off, and at the end when just marked', () => {
    const model = new TimelineModel();
    const [a, b] = [row({ runId: 'run:1' }), row({ runId: 'run:2' })];
    model.apply([upsert(a), upsert(b), { type: 'boundary', boundary: { id: 'mid', at: b.startedAt - 0.5, label: 'mid' } }]);
    model.setGrouped(false);
    expect(shape(model.items)).toEqual([a.id, 'boundary:mid', b.id]);
    model.addBoundary({ id: 'end', at: b.startedAt + 1000, label: 'end' });
    expect(shape(model.items)).toEqual([a.id, 'boundary:mid', b.id, 'boundary:end']);
    expect(model.addBoundary({ id: 'end', at: 1, label: 'again' })).toBe(false); // the event after the command's answer
    model.setGrouped(true);
    expect(shape(model.items)).toEqual(['run:run:1', a.id, 'boundary:mid', 'run:run:2', b.id, 'boundary:end']);
  });

  it('filters within runs (runs without a match left out) and folds a run to its header', () => {
    const model = new TimelineModel();
    model.load([...ALL]);
    model.setQuery('status:5xx');
    expect(shape(model.items)).toEqual([`run:${runId('failed')}`, RUNS.failed.find((r) => r.status === 501)!.id]);
    model.setQuery('');
    model.setCollapsed(runId('dcr'), true);
    const items = shape(model.items);
    expect(items[0]).toBe(`run:${runId('dcr')}`);
    expect(items[1]).toBe(`run:${runId('cimd')}`);
    expect(model.shownRows).not.toContain(RUNS.dcr[0]!.id);
  });

  it('groups 100k rows in 2000 runs fast enough to refilter on every keystroke', () => {
    const model = new TimelineModel();
    const rows: ExchangeSummary[] = [];
    for (let i = 0; i < 100_000; i++) rows.push(row({ id: `r${i}`, startedAt: i, runId: `run:${Math.floor(i / 50)}`, connectionId: `c:${Math.floor(i / 150)}`, status: i % 29 === 0 ? 503 : 200 }));
    model.load(rows);
    const started = performance.now();
    model.setQuery('status:5xx');
    const items = model.items;
    const took = performance.now() - started;
    expect(items.filter((i) => typeof i !== 'string')).toHaveLength(2000 - 0); // every run has a 503 (one per 29 rows, 50 per run)
    expect(took).toBeLessThan(500); // generous here: the bench measures the real figure in Chromium
  });
});

describe('the timeline screen with runs', () => {
  const { dom: current, $, $$, click } = containerPerTest();
  const mount = (handlers: Handlers = {}) => mountApp(current().root, { 'exchanges.list': () => THREE, 'exchanges.get': () => null, 'lint.findings': () => ({ findings: [] }), ...handlers });

  it('shows a header per run with the client, run number, verdict and duration; “failed at” selects the failing exchange', async () => {
    const app = await mount();
    const headers = $$('[data-testid=run-header]');
    expect(headers.map((h) => h.getAttribute('data-outcome'))).toEqual(['complete', 'failed', 'complete']);
    const failed = headers[1]!;
    expect(failed.textContent).toContain('Claude.ai (Claude-User)');
    expect(failed.querySelector('[data-testid=run-of]')?.textContent).toBe('run 1');
    expect(failed.querySelector('[data-testid=run-verdict]')?.textContent).toContain('✗ failed at GET stream: 501: Not Implemented');
    expect(failed.textContent).toMatch(/10 exchanges · \d+ ms/);
    expect(headers[0]!.querySelector('[data-testid=run-verdict]')?.textContent).toBe('✓ complete');
    await click(failed.querySelector('[data-testid=run-failed-at]'));
    const failing = RUNS.failed.find((r) => r.status === 501)!;
    expect(app.store.getState().selectedId).toBe(failing.id);
    expect($('[data-testid=row][aria-selected=true]')?.getAttribute('data-id')).toBe(failing.id);
  });

  it('names a row that carries only a User-Agent by its run’s client, the User-Agent in the tooltip', async () => {
    await mount({ 'exchanges.list': () => RUNS.stateless });
    const clients = $$('[data-testid=row] .cell.client');
    const nodeRows = RUNS.stateless.filter((r) => r.clientLabel === 'node');
    expect(nodeRows.length).toBeGreaterThan(0);
    for (const r of nodeRows) {
      const cell = $(`[data-testid=row][data-id="${r.id}"] .cell.client`)!;
      expect(cell.textContent).toBe('mcp-sdk-2-simulated 2.4');
      expect(cell.getAttribute('title')).toBe('mcp-sdk-2-simulated 2.4 (User-Agent: node)');
    }
    // The browser's authorize leg keeps its own name.
    expect(clients.map((c) => c.textContent)).toContain('Browser');
  });

  it('folds a run by its header and turns grouping off with the toggle', async () => {
    await mount();
    const before = $$('[data-testid=row]').length;
    await click($$('[data-testid=run-header]')[0]);
    expect($$('[data-testid=row]').length).toBe(before - RUNS.dcr.length);
    // A grid's row may not say it is expanded: its fold button (the client's name) does.
    const fold = () => $$('[data-testid=run-header]')[0]!.querySelector('[data-testid=run-fold]')!;
    expect(fold().getAttribute('aria-expanded')).toBe('false');
    await click(fold());
    expect($$('[data-testid=row]').length).toBe(before);
    expect(fold().getAttribute('aria-expanded')).toBe('true');
    await click(fold());
    expect(fold().getAttribute('aria-expanded')).toBe('false');
    await click($('input[aria-label="Group by run"]'));
    expect($$('[data-testid=run-header]')).toHaveLength(0);
    expect($$('[data-testid=row]').length).toBeGreaterThan(before - RUNS.dcr.length);
  });

  it('marks a boundary from the toolbar (label prompt) and with m, and draws the dividers the core announces', async () => {
    const marked: Array<{ label?: string }> = [];
    const app = await mount({
      'boundaries.mark': (params) => {
        const { label } = params as { label?: string };
        marked.push({ label });
        return { id: `b${marked.length}`, at: Date.now(), label };
      },
    });
    await click($('[data-testid=mark-boundary]'));
    const input = $('input[aria-label="Boundary label"]') as HTMLInputElement;
    expect(input.value).toMatch(/^boundary \d\d:\d\d:\d\d$/); // the default, ready to keep or type over
    await act(async () => {
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      setValue.call(input, 'before toggle');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await click($('[data-testid=mark-boundary-submit]'));
    await settle();
    expect(marked).toEqual([{ label: 'before toggle' }]);
    expect($$('[data-testid=boundary-row]').map((b) => b.textContent)).toEqual([expect.stringContaining('boundary “before toggle”')]);
    // The core's own event for the same boundary draws nothing twice.
    await act(async () => app.push([{ type: 'boundary', boundary: { id: 'b1', at: Date.now(), label: 'before toggle' } }]));
    await settle();
    expect($$('[data-testid=boundary-row]')).toHaveLength(1);

    await act(async () => window.dispatchEvent(new KeyboardEvent('keydown', { key: 'm' })));
    await settle();
    expect(marked[1]!.label).toMatch(/^boundary \d\d:\d\d:\d\d$/);
    expect($$('[data-testid=boundary-row]')).toHaveLength(2);

    // Another tab marked one: the event alone draws it.
    await act(async () => app.push([{ type: 'boundary', boundary: { id: 'elsewhere', at: Date.now() + 1, label: 'from the CLI' } }]));
    await settle();
    expect($$('[data-testid=boundary-row]').map((b) => b.textContent)).toContainEqual(expect.stringContaining('from the CLI'));
  });

  it('loads the boundaries of the source when it connects', async () => {
    const boundary = { id: 'old', at: RUNS.failed[0]!.startedAt - 1, label: 'after toggle' };
    await mount({ 'boundaries.list': () => [boundary] });
    const order = $$('[data-testid=run-header], [data-testid=boundary-row]').map((e) => (e.getAttribute('data-testid') === 'boundary-row' ? 'boundary' : e.getAttribute('data-run')));
    expect(order).toEqual([runId('dcr'), 'boundary', runId('failed'), runId('authless')]);
    expect($('[data-testid=boundary-row]')?.textContent).toContain('boundary “after toggle”');
  });
});

describe('the handshake of one run', () => {
  const { dom: current, $, $$, click } = containerPerTest();
  const openHandshake = async (rows: ExchangeSummary[] = ALL, handlers: Handlers = {}) => {
    const app = await mountApp(current().root, { 'exchanges.list': () => rows, 'exchanges.get': () => null, 'lint.findings': () => ({ findings: [] }), ...handlers });
    await click([...current().container.querySelectorAll('[role=tab]')].find((t) => t.textContent === 'Handshake'));
    await settle();
    return app;
  };
  const pick = (name: RunName) => click($(`[data-testid=run-option][data-run="${runId(name)}"]`));
  const step = (id: string) => $(`[data-testid=step-${id}]`);
  const steps = () => $$('[data-testid^=step-]').map((s) => `${s.getAttribute('data-testid')!.slice(5)}:${s.getAttribute('data-state')}`);

  it('lists runs newest first by client, run, start time and verdict, never by address', async () => {
    await openHandshake();
    const options = $$('[data-testid=run-option]');
    expect(options.map((o) => o.getAttribute('data-run'))).toEqual(['authless', 'failed', 'legacy', 'stateless', 'cimd', 'dcr'].map((n) => runId(n as RunName)));
    const failed = RUNS.failed;
    // Its name is what it shows (client, run, start, verdict); the one-line label is its tooltip.
    expect(options[1]!.getAttribute('title')).toBe(`Claude.ai (Claude-User) · run 1 · ${time(failed[0]!.startedAt).slice(0, 8)} · ✗ failed at GET stream · simulated`);
    expect(options[1]!.textContent).toMatch(/^Claude\.ai \(Claude-User\)run 1 · .*✗ failed at GET stream/);
    for (const option of options) expect(`${option.getAttribute('title')} ${option.textContent}`).not.toMatch(/\d+\.\d+\.\d+\.\d+/);
    // The newest handshake is shown first.
    expect($('[data-testid=run-detail]')?.getAttribute('data-run')).toBe(runId('authless'));
  });

  it('DCR: each step once, what happened, what the spec expects and where', async () => {
    await openHandshake();
    await pick('dcr');
    expect(steps()).toEqual(['challenge:done', 'prm:done', 'as-metadata:done', 'registered:done', 'authorized:done', 'token:done', 'initialized:done', 'notified:done', 'get-stream:done', 'tools-listed:done', 'tool-called:skipped', 'session-end:done']);
    expect(step('registered')?.textContent).toContain('POST /register → 201');
    expect(step('registered')?.querySelector('a')?.getAttribute('href')).toBe('https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#dynamic-client-registration');
    expect($('[data-testid=run-verdict-banner]')?.getAttribute('data-outcome')).toBe('complete');
    expect($('[data-testid=run-paths]')?.getAttribute('data-auth')).toBe('dcr');
  });

  it('CIMD: the client id is an https URL and no registration is expected', async () => {
    await openHandshake();
    await pick('cimd');
    expect($('[data-testid=run-paths]')?.getAttribute('data-auth')).toBe('cimd');
    expect(step('registered')).toBeNull();
    expect(step('client-id-document')?.getAttribute('data-state')).toBe('done');
    expect(step('client-id-document')?.textContent).toContain('client_id is https://claude.ai/oauth/claude-code-client-metadata');
    expect(step('client-id-document')?.querySelector('a')?.getAttribute('href')).toContain('#client-id-metadata-documents');
  });

  it('2026-07-28 stateless: server/discover, no initialize, no session', async () => {
    await openHandshake();
    await pick('stateless');
    expect($('[data-testid=run-paths]')?.getAttribute('data-transport')).toBe('stateless');
    expect(steps()).toEqual(['challenge:done', 'prm:done', 'as-metadata:done', 'registered:done', 'authorized:done', 'token:done', 'discover:done', 'stateless:done', 'tools-listed:done', 'tool-called:skipped']);
    expect(step('challenge')?.textContent).toContain('server/discover → 401');
  });

  it('legacy HTTP+SSE and authless runs get their own steps', async () => {
    await openHandshake();
    await pick('legacy');
    expect($('[data-testid=run-paths]')?.getAttribute('data-transport')).toBe('legacy-sse');
    expect(step('sse-open')?.getAttribute('data-state')).toBe('done');
    expect(step('initialized')?.textContent).toContain('POST /messages · initialize → 202');
    expect(step('tools-listed')?.textContent).toContain('POST /messages · tools/list → 202'); // the answer comes on the stream
    await pick('authless');
    expect(steps()).toEqual(['no-auth:done', 'initialized:done', 'notified:done', 'get-stream:done', 'tools-listed:done', 'tool-called:skipped', 'session-end:skipped']);
    // Only the parties that took part: no browser, no authorization server.
    expect($$('[data-testid=lane]').map((l) => l.textContent)).toEqual(['Client', 'Inspector', 'MCP server']);
  });

  it('a failed run: the verdict on top, the failing step red with its reason, a flagged 204 not green', async () => {
    await openHandshake();
    await pick('failed');
    const banner = $('[data-testid=run-verdict-banner]')!;
    expect(banner.getAttribute('data-outcome')).toBe('failed');
    expect(banner.textContent).toContain('✗ Failed at GET stream: 501: Not Implemented');
    expect(step('get-stream')?.getAttribute('data-state')).toBe('failed');
    expect(step('get-stream')?.querySelector('[data-testid=step-reason]')?.textContent).toContain('501: Not Implemented');
    expect(step('notified')?.getAttribute('data-state')).toBe('warned');
    expect(step('notified')?.textContent).toContain('→ 204 (spec: 202)');
    expect(step('tools-listed')?.textContent).toContain('Not reached');
    const arrows = $$('[data-testid=seq-arrow]');
    const notification = arrows.find((a) => a.textContent!.includes('notifications/initialized'))!;
    expect(notification.getAttribute('data-outcome')).toBe('ok');
    expect(notification.querySelector('[data-testid=seq-response]')?.className).toContain('lint-warning'); // drawn in the warning colour, not green
    const stream = arrows.find((a) => a.textContent!.includes('GET /mcp'))!;
    expect(stream.querySelector('[data-testid=seq-response]')?.className).toContain('out-failed');
    expect(arrows[0]!.querySelector('.seq-axis')?.textContent).toBe('+0 ms'); // the time axis starts at the run's first request
  });

  it('collapses repeated discovery with a count and says “204 (was 202)” when a rule changed it', () => {
    const at = 1_800_000_000_000;
    const rows: ExchangeSummary[] = [];
    for (let i = 0; i < 30; i++) rows.push(row({ startedAt: at + i, runId: 'run:x', phase: 'discovery', discovery: 'protected-resource-suffixed', method: 'GET', url: '/.well-known/oauth-protected-resource/mcp', rpcMethods: [], label: 'PRM (path-suffixed)' }));
    rows.push(row({ startedAt: at + 40, runId: 'run:x', rpcMethods: ['notifications/initialized'], label: 'notifications/initialized', status: 204, upstreamStatus: 202 }));
    const { steps: list } = runHandshake(rows);
    const prm = list.find((s) => s.id === 'prm')!;
    expect(prm.attempts).toEqual([expect.objectContaining({ request: 'GET /.well-known/oauth-protected-resource/mcp', status: '200', count: 30 })]);
    expect(list.find((s) => s.id === 'notified')!.attempts[0]!.status).toBe('204 (was 202)');
  });

  it('a 405 to GET /mcp is an answer the spec allows, not a failed step', () => {
    const at = 1_800_000_000_000;
    const rows = [
      row({ startedAt: at, runId: 'run:g', rpcMethods: ['initialize'], label: 'initialize' }),
      row({ startedAt: at + 1, runId: 'run:g', phase: 'sse-stream', method: 'GET', url: '/mcp', rpcMethods: [], label: 'GET stream', status: 405, outcome: 'probe-miss', outcomeReason: 'the server offers no GET stream here (405), which the spec allows' }),
      row({ startedAt: at + 2, runId: 'run:g', rpcMethods: ['tools/list'], label: 'tools/list' }),
    ];
    const handshake = runHandshake(rows);
    expect(handshake.verdict.outcome).toBe('complete');
    expect(handshake.steps.find((s) => s.id === 'get-stream')).toMatchObject({ state: 'done', attempts: [expect.objectContaining({ status: '405', outcome: 'probe-miss' })] });
    expect(sequence(rows).arrows[1]!.response).toBe('405 not offered here');
  });

  it('pre-registered: a client id that is not a URL and no registration', () => {
    const at = 1_800_000_000_000;
    const base = { runId: 'run:p', rpcMethods: [] as string[] };
    const rows = [
      row({ ...base, startedAt: at, phase: 'authorization', method: 'GET', url: '/authorize?response_type=code&client_id=my-desktop-app', label: 'authorize', status: 302, clientFamily: 'browser', clientLabel: 'Browser' }),
      row({ ...base, startedAt: at + 1, phase: 'token', url: '/token', label: 'token: authorization_code', grantType: 'authorization_code' }),
      row({ ...base, startedAt: at + 2, rpcMethods: ['initialize'], label: 'initialize' }),
    ];
    const handshake = runHandshake(rows);
    expect(handshake.path).toEqual({ auth: 'pre-registered', transport: 'streamable', clientId: 'my-desktop-app' });
    expect(handshake.steps.find((s) => s.id === 'pre-registered')).toMatchObject({ state: 'done', happened: expect.stringContaining('“my-desktop-app” was not registered in this run') });
    expect(handshake.steps.some((s) => s.id === 'registered')).toBe(false);
    expect(sequence(rows).lanes.map((l) => l.id)).toEqual(['client', 'browser', 'proxy', 'server', 'as']);
  });

  it('starts another run at its top, and shows boundaries in the run list', async () => {
    const boundary = { id: 'b', at: RUNS.failed[0]!.startedAt - 1, label: 'after toggle' };
    await openHandshake(ALL, { 'boundaries.list': () => [boundary] });
    const list = $$('[data-testid=run-option], [data-testid=boundary-row]').map((e) => e.getAttribute('data-run') ?? 'boundary');
    expect(list.slice(0, 3)).toEqual([runId('authless'), runId('failed'), 'boundary']);
    const detail = $('[data-testid=run-detail]')!;
    detail.scrollTop = 400;
    await pick('dcr');
    expect(detail.scrollTop).toBe(0);
  });
});

describe('compare pickers', () => {
  let dom: ReturnType<typeof createContainer>;
  beforeEach(() => {
    dom = createContainer();
  });
  afterEach(() => dom.unmount());

  it('name each run by client, run number, start time and verdict', async () => {
    await mountApp(dom.root, { 'connections.list': () => CONNECTIONS });
    await openScreen(dom.container, 'Compare');
    const options = [...dom.container.querySelectorAll('select[aria-label="Left run"] option')].map((o) => o.textContent);
    const failed = CONNECTIONS.find((c) => c.outcome === 'failed')!;
    expect(options).toContain(`Claude.ai (Claude-User) · run 1 · ${time(failed.startedAt).slice(0, 8)} · ✗ failed at GET stream · simulated · 10 exchanges · 2 warnings`);
    expect(new Set(options).size).toBe(options.length); // no two runs read the same
    expect((dom.container.querySelector('select[aria-label="Left run"]') as HTMLSelectElement).value).toBe(CONNECTIONS[0]!.id);
  });
});

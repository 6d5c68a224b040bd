// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControlEvent, InspectorStatus } from '../../src/shared/controlApi';
import type { Toggle } from '../../src/shared/toggles';
import { REQUIREMENT_TOGGLES } from '../../src/main/core/proxy/toggles';
import { matchesQuery, parseQuery } from '../../src/renderer/src/lib/filters';
import { TimelineModel } from '../../src/renderer/src/state/timeline';
import { row } from './fixtures';
import { createContainer, mountApp, settle, STATUS, type Handlers } from './harness';

// One meaning of "failed" in every view (src/shared/outcome.ts), and toggles you can see from
// anywhere: the status bar chip, the Active section and search of the Toggles screen, and the
// rows a toggle changed ("204 (was 202)" with its name).

const TOGGLES: Toggle[] = [
  {
    id: 'notification-status',
    title: 'Status for notifications',
    group: 'transport',
    explanation: 'The spec answers notifications with 202.',
    options: [
      { id: 'off', label: '202 (spec)', rules: [] },
      { id: '204', label: '204 instead of 202', name: 'notifications → 204', rules: [] },
    ],
  },
  {
    id: 'get-stream',
    title: 'GET /mcp (server→client stream)',
    group: 'transport',
    explanation: 'GET opens an SSE stream or answers 405.',
    options: [
      { id: 'off', label: 'Open the stream', rules: [] },
      { id: '501', label: 'GET /mcp → 501', name: 'GET /mcp → 501', rules: [] },
    ],
  },
  {
    id: 'slow-token',
    title: 'Slow token endpoint',
    group: 'token',
    explanation: 'Claude.ai gives the token exchange about 10 s.',
    options: [
      { id: 'off', label: 'As fast as the server', rules: [] },
      { id: '12s', label: '12 s (past the budget)', rules: [] },
    ],
  },
];

const ctx = { resolveConnection: (id: string) => id };
const matches = (query: string, r = row()) => matchesQuery(r, parseQuery(query), ctx);

// The rows the new user saw: an SSE stream the client closed after a 200, real failures, a challenge.
const closedStream = () => row({ method: 'GET', phase: 'sse-stream', rpcMethods: [], label: 'GET stream', status: 200, state: 'aborted', error: 'The client closed the connection before the response finished', outcome: 'closed-by-client', outcomeReason: 'the client closed the stream' });
const badAuthorize = () => row({ method: 'GET', url: '/authorize?x=1', phase: 'authorization', rpcMethods: [], label: 'authorize', status: 400, outcome: 'failed', outcomeReason: '400: invalid_request: redirect_uri is not registered' });
const badNotification = () => row({ rpcMethods: ['notifications/initialized'], status: 400, outcome: 'failed', outcomeReason: '400: Bad Request: MCP-Protocol-Version header is required' });
const notImplemented = () => row({ method: 'GET', phase: 'sse-stream', rpcMethods: [], status: 501, outcome: 'failed', outcomeReason: '501: Not Implemented', statusChange: { by: 'GET /mcp → 501' }, changedBy: ['GET /mcp → 501'], appliedRules: ['GET /mcp → 501: the built-in server answered 501'] });
const challenge = () => row({ rpcMethods: ['initialize'], status: 401, outcome: 'challenge', outcomeReason: 'authorization required' });
const changed204 = () => row({ rpcMethods: ['notifications/initialized'], status: 204, outcome: 'ok', statusChange: { by: 'notifications → 204', was: 202 }, changedBy: ['notifications → 204'], appliedRules: ['notifications → 204: the built-in server answered 204 instead of 202'] });

describe('filters use the row’s outcome', () => {
  it('is:error is outcome failed: real failures in, a stream the client closed and a challenge out', () => {
    expect(matches('is:error', badAuthorize())).toBe(true);
    expect(matches('is:error', badNotification())).toBe(true);
    expect(matches('is:error', notImplemented())).toBe(true);
    expect(matches('is:error', closedStream())).toBe(false);
    expect(matches('is:error', challenge())).toBe(false);
  });

  it('is:challenge and is:closed find the expected 401 and the streams the client closed', () => {
    expect(matches('is:challenge', challenge())).toBe(true);
    expect(matches('is:challenge', badAuthorize())).toBe(false);
    expect(matches('is:closed', closedStream())).toBe(true);
    expect(matches('is:closed', row())).toBe(false);
  });

  it('status:changed finds rows a toggle or rule changed, also when the upstream was never asked', () => {
    expect(matches('status:changed', changed204())).toBe(true);
    expect(matches('status:changed', notImplemented())).toBe(true); // a reply: "was" unknown, still changed
    expect(matches('status:changed', row({ status: 204 }))).toBe(false);
  });

  it('counts failed rows by outcome as they arrive and change', () => {
    const model = new TimelineModel();
    const rows = [closedStream(), badAuthorize(), badNotification(), notImplemented(), challenge(), changed204()];
    model.apply(rows.map((exchange) => ({ type: 'exchange', exchange })));
    expect(model.counts.failed).toBe(3);
    const stream = rows[0]!;
    model.apply([{ type: 'exchange', exchange: { ...stream, revision: stream.revision + 100, outcome: 'failed' } }]);
    expect(model.counts.failed).toBe(4);
  });
});

describe('the app: outcomes and toggles in view', () => {
  let dom: ReturnType<typeof createContainer>;
  beforeEach(() => {
    dom = createContainer();
    localStorage.clear();
  });
  afterEach(() => dom.unmount());

  const withToggles = async (selection: InspectorStatus['toggles'], handlers: Handlers = {}) => {
    let status: InspectorStatus = { ...STATUS, toggles: selection };
    let push: ((events: ControlEvent[]) => void) | undefined;
    const app = await mountApp(dom.root, {
      status: () => status,
      'toggles.list': () => TOGGLES,
      'toggles.set': (params) => {
        const { toggleId, optionId } = params as { toggleId: string; optionId: string };
        const toggles = { ...status.toggles };
        if (optionId === 'off') delete toggles[toggleId];
        else toggles[toggleId] = optionId;
        status = { ...status, toggles };
        setTimeout(() => push?.([{ type: 'status', status }])); // as the core does: the new status is pushed to every page
        return status;
      },
      ...handlers,
    });
    push = app.push;
    return app;
  };
  const $ = (selector: string) => dom.container.querySelector(selector);
  const $$ = (selector: string) => [...dom.container.querySelectorAll(selector)];
  const rowOf = (id: string) => $(`[data-testid=row][data-id="${id}"]`)!;
  /** Lets pending fake calls, pushed events and the batcher run until the DOM shows what `test` waits for. */
  const until = async (test: () => boolean) => {
    for (let i = 0; i < 20 && !test(); i++) await settle();
    expect(test()).toBe(true);
  };

  it('counts real failures in the status bar (not closed streams or challenges), and filters to them on click', async () => {
    const rows = [closedStream(), badAuthorize(), badNotification(), notImplemented(), challenge(), changed204()];
    const app = await withToggles({}, { 'exchanges.list': () => rows });
    const failed = $('[data-testid=failed-count]')!;
    expect(failed.textContent).toContain('3 failed');
    await act(async () => (failed as HTMLButtonElement).click());
    await settle();
    expect(app.store.getState().query).toBe('is:error');
    expect($$('[data-testid=row]').map((r) => r.getAttribute('data-id')).sort()).toEqual([rows[1]!.id, rows[2]!.id, rows[3]!.id].sort());
  });

  it('draws a stream the client closed as neutral, a challenge as expected, a failure with its reason', async () => {
    const rows = [closedStream(), challenge(), badAuthorize()];
    const app = await withToggles({}, { 'exchanges.list': () => rows, 'exchanges.get': () => null });
    const [closed, challenged, failed] = rows.map((r) => rowOf(r.id));
    expect(closed!.getAttribute('data-outcome')).toBe('closed-by-client');
    expect(closed!.classList.contains('failed')).toBe(false);
    expect(closed!.querySelector('.status')!.textContent).toBe('200 closed by client');
    expect(closed!.querySelector('.status')!.className).toContain('outcome-closed-by-client');
    expect(challenged!.querySelector('.status')!.textContent).toBe('401 challenge');
    expect(challenged!.querySelector('.status')!.className).toContain('outcome-challenge');
    expect(challenged!.classList.contains('failed')).toBe(false);
    expect(failed!.classList.contains('failed')).toBe(true);
    expect(failed!.querySelector('.status-cell')!.getAttribute('title')).toContain('redirect_uri is not registered');

    // The detail pane: no red box for the closed stream, the reason in the header for the failure.
    await act(async () => app.store.getState().select(rows[0]!.id));
    await settle();
    expect($('[data-testid=detail] .banner.error')).toBeNull();
    expect($('[data-testid=detail-outcome]')!.textContent).toContain('the client closed the stream');
    await act(async () => app.store.getState().select(rows[2]!.id));
    await settle();
    expect($('[data-testid=detail-outcome]')!.textContent).toContain('400: invalid_request: redirect_uri is not registered');
    expect($('[data-testid=detail-outcome]')!.className).toContain('outcome-failed');
  });

  it('shows “204 (was 202)” with the toggle’s name on a row it changed', async () => {
    const changed = changed204();
    await withToggles({ 'notification-status': '204' }, { 'exchanges.list': () => [changed, notImplemented()] });
    const cell = rowOf(changed.id).querySelector('.status-cell')!;
    expect(cell.querySelector('.status')!.textContent).toBe('204 (was 202)');
    expect(cell.querySelector('[data-testid=changed-by]')!.textContent).toBe('notifications → 204');
    expect(cell.getAttribute('title')).toContain('notifications → 204');
  });

  it('shows the toggles that are on in the status bar, each turned off in one click', async () => {
    const app = await withToggles({ 'notification-status': '204', 'get-stream': '501' });
    const chip = $('[data-testid=toggle-chip]')!;
    expect(chip.textContent).toContain('2 toggles on:');
    expect($$('[data-testid=toggle-chip] [data-testid=active-toggle]').map((t) => t.textContent)).toEqual(['notifications → 204×', 'GET /mcp → 501×']);
    const off = $('[data-testid=toggle-chip] button[aria-label="Turn off GET /mcp → 501"]') as HTMLButtonElement;
    await act(async () => off.click());
    expect(app.calls).toContainEqual(['toggles.set', { toggleId: 'get-stream', optionId: 'off' }]);
    await until(() => $('[data-testid=toggle-chip]')!.textContent!.includes('1 toggle on:'));
    expect($('[data-testid=toggle-chip]')!.textContent).not.toContain('GET /mcp');
  });

  it('says no toggle is on, and the chip opens the Toggles screen', async () => {
    const app = await withToggles({});
    expect($('[data-testid=toggle-chip]')!.textContent).toContain('No toggles on');
    await act(async () => ($('[data-testid=toggle-chip] button.link') as HTMLButtonElement).click());
    expect(app.store.getState().view).toBe('toggles');
  });

  it('lists the active toggles first on the Toggles screen and finds toggles by name, description or option', async () => {
    const app = await withToggles({ 'notification-status': '204' });
    await act(async () => app.store.getState().setView('toggles'));
    const active = $('[data-testid=active-toggles]')!;
    expect(active.textContent).toContain('notifications → 204');
    await act(async () => (active.querySelector('button[aria-label="Turn off notifications → 204"]') as HTMLButtonElement).click());
    expect(app.calls).toContainEqual(['toggles.set', { toggleId: 'notification-status', optionId: 'off' }]);
    await until(() => $('[data-testid=active-toggles]')!.textContent!.includes('None'));

    const search = $('input[aria-label="Search toggles"]') as HTMLInputElement;
    const type = async (text: string) => {
      await act(async () => {
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
        setter.call(search, text);
        search.dispatchEvent(new Event('input', { bubbles: true }));
      });
    };
    const shown = () => $$('[data-testid^=toggle-]').map((t) => t.getAttribute('data-testid')).filter((id) => id !== 'toggle-chip');
    expect(shown()).toEqual(['toggle-slow-token', 'toggle-notification-status', 'toggle-get-stream']); // grouped by phase: token before transport
    await type('204'); // an option's label
    expect(shown()).toEqual(['toggle-notification-status']);
    await type('10 s'); // the description
    expect(shown()).toEqual(['toggle-slow-token']);
    await type('get /MCP'); // the title, any case
    expect(shown()).toEqual(['toggle-get-stream']);
    await type('nothing like this');
    expect(shown()).toEqual([]);
    expect($('[data-testid=toggles-search-empty]')!.textContent).toContain('No toggle matches');
  });

  it('groups the “break a requirement” toggles, each saying the requirement, who notices and what a client should do, with spec links', async () => {
    const errorId = REQUIREMENT_TOGGLES.find((t) => t.id === 'break-error-id')!;
    const app = await withToggles({}, { 'toggles.list': () => [...TOGGLES, errorId] });
    await act(async () => app.store.getState().setView('toggles'));
    const group = $$('fieldset.toggle-group').find((g) => g.querySelector('legend')!.textContent === 'Break a requirement (misbehaving server)')!;
    expect(group.querySelector('[data-testid=toggle-break-error-id]')!.textContent).toContain(errorId.explanation);
    const details = group.querySelector('[data-testid=break-details-break-error-id]')!;
    expect(details.textContent).toContain(`Who notices${errorId.breaks!.noticedBy}`);
    expect(details.textContent).toContain(`A well-behaved client${errorId.breaks!.clientShould}`);
    expect([...details.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(errorId.sources);
    const options = [...group.querySelectorAll('label')].map((l) => l.textContent);
    expect(options).toEqual(['As the spec says', 'Errors with id null']);
    await act(async () => (group.querySelector('input[value="error-id-null"]') as HTMLInputElement).click());
    expect(app.calls).toContainEqual(['toggles.set', { toggleId: 'break-error-id', optionId: 'error-id-null' }]);
  });

  it('shows “—” in the Session column before a session exists, never an address', async () => {
    const before = row({ rpcMethods: ['initialize'], connectionId: 'ua:127.0.0.1|node', sessionId: undefined });
    const after = row({ rpcMethods: ['tools/list'], connectionId: 'session:abc', sessionId: '5f0c1d2e-aaaa-bbbb' });
    await withToggles({}, { 'exchanges.list': () => [before, after] });
    expect(rowOf(before.id).querySelector('.cell.session')!.textContent).toBe('—');
    expect(rowOf(after.id).querySelector('.cell.session')!.textContent).toBe('5f0c1d2e…');
  });

  it('tells a page without a valid token how to get one, and invents no URL or port', async () => {
    const refuse = () => Promise.reject(new Error('The control API needs the access token'));
    const app = await mountApp(dom.root, { status: refuse, 'exchanges.list': refuse, 'toggles.list': refuse, 'presets.list': refuse, 'settings.get': refuse, 'lint.rules': refuse, 'captures.list': refuse });
    await act(async () => app.connection({ state: 'unauthorized', reason: 'The control API needs the access token' }));
    await settle();
    expect($('[data-testid=no-access]')!.textContent).toContain('?token=');
    expect($('[data-testid=empty-state]')).toBeNull();
    expect($('.status-bar')!.textContent).toContain('no valid access token');
    expect(dom.container.textContent).not.toContain('7420');
  });
});

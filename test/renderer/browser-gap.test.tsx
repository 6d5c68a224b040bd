// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { ControlEvent, ExchangeSummary } from '../../src/shared/controlApi';
import { summarize } from '../../src/main/core/control/summary';
import { sequence } from '../../src/renderer/src/lib/handshake';
import { TimelineModel, type TimelineItem } from '../../src/renderer/src/state/timeline';
import { exchange } from '../helpers/exchangeFactory';
import { containerPerTest, mountApp, openScreen } from './harness';

// The browser's gap in the UI (issue 17 item 3): rows summarised by the core's own summarize()
// from exchanges as the front door records an intercepted authorization server's legs: the
// authorize answered with a 302 to the AS's origin, and the callback relay 16 s later.

const T0 = Date.UTC(2026, 11, 5, 12, 0, 3);
const QUERY = 'response_type=code&client_id=abc&redirect_uri=https%3A%2F%2Finspector.test%2F_as%2Fcallback%2F0&code_challenge=x&code_challenge_method=S256&state=st-1';
const BROWSER = { host: 'inspector.test', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0' };

function rows(): { authorize: ExchangeSummary; callback: ExchangeSummary; token: ExchangeSummary; registration: ExchangeSummary } {
  const run = { runId: 'run:a', connectionId: 'client:abc' };
  const registration = exchange({ method: 'POST', url: '/_as/0/register', headers: { host: 'inspector.test', 'content-type': 'application/json' }, body: { redirect_uris: ['http://localhost:3000/cb'] }, startedAt: T0 - 1000, response: { status: 201, body: { client_id: 'abc' } } });
  const authorize = exchange({ method: 'GET', url: `/_as/0/authorize?${QUERY}`, headers: BROWSER, startedAt: T0, response: { status: 302, headers: { location: `https://tenant.auth0.com/authorize?${QUERY}` } } });
  authorize.timings = { end: 3 };
  const callback = exchange({ method: 'GET', url: '/_as/callback/0?code=c0de&state=st-1&iss=https%3A%2F%2Ftenant.auth0.com%2F', headers: BROWSER, startedAt: T0 + 16_000, response: { status: 302, headers: { location: 'http://localhost:3000/cb?code=c0de&state=st-1' } } });
  const token = exchange({ method: 'POST', url: '/_as/0/token', headers: { host: 'inspector.test', 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&code=c0de', startedAt: T0 + 16_400, response: { status: 200, body: { access_token: 'x', token_type: 'Bearer' } } });
  const [r, a, c, t] = [registration, authorize, callback, token].map((e, i) => summarize(e, i + 1, run.connectionId, [], run.runId));
  return { registration: r!, authorize: a!, callback: c!, token: t! };
}

const upsert = (row: ExchangeSummary): ControlEvent => ({ type: 'exchange', exchange: row });
const shape = (items: TimelineItem[]) => items.map((i) => (typeof i === 'string' ? i : i.kind === 'gap' ? `gap:${i.gap.to === undefined ? 'open' : 'closed'}` : i.kind));

describe('timeline model: the browser gap', () => {
  it('puts a gap line under the authorize row, open until the callback arrives, grouped and flat', () => {
    const { registration, authorize, callback, token } = rows();
    expect(authorize.browserLeg).toMatchObject({ kind: 'authorize', host: 'tenant.auth0.com', state: 'st-1' });
    expect(callback.browserLeg).toMatchObject({ kind: 'callback', state: 'st-1' });
    const model = new TimelineModel();
    model.apply([upsert(registration), upsert(authorize)]);
    expect(shape(model.items)).toEqual(['run', registration.id, authorize.id, 'gap:open']);
    model.apply([upsert(callback), upsert(token)]);
    expect(shape(model.items)).toEqual(['run', registration.id, authorize.id, 'gap:closed', callback.id, token.id]);
    expect(model.browserGaps()).toEqual([{ state: 'st-1', host: 'tenant.auth0.com', authorizeId: authorize.id, from: T0 + 3, callbackId: callback.id, to: T0 + 16_000 }]);
    // The gap line is not a row: keyboard navigation skips it, and a row's index counts it.
    expect(model.shownRows).toEqual([registration.id, authorize.id, callback.id, token.id]);
    expect(model.display.indexOf(callback.id)).toBe(4);
    model.setGrouped(false);
    expect(shape(model.items)).toEqual([registration.id, authorize.id, 'gap:closed', callback.id, token.id]);
    expect(model.display.indexOf(token.id)).toBe(4);
  });

  it('keeps the gap line under its authorize row when a boundary cuts the flat list, and drops it when the filter hides that row', () => {
    const { registration, authorize, callback, token } = rows();
    const model = new TimelineModel();
    model.setGrouped(false);
    model.apply([...[registration, authorize, callback, token].map(upsert), { type: 'boundary', boundary: { id: 'b1', at: T0 + 10_000, label: 'mid' } }]);
    const flat = (items: TimelineItem[]) => items.map((i) => (typeof i === 'string' ? i : i.kind === 'gap' ? 'gap' : i.kind));
    expect(flat(model.items)).toEqual([registration.id, authorize.id, 'gap', 'boundary', callback.id, token.id]);
    expect(model.display.indexOf(callback.id)).toBe(4);
    model.setQuery('phase:token');
    expect(flat(model.items)).toEqual(['boundary', token.id]);
    // The relayed authorization response is in the authorization phase too: the gap closes on it.
    model.setQuery('phase:authorize');
    expect(flat(model.items)).toEqual([authorize.id, 'gap', 'boundary', callback.id]);
  });

  it('draws the gap under the authorize arrow of the sequence diagram, not as a pause before the callback', () => {
    const { registration, authorize, callback, token } = rows();
    const model = new TimelineModel();
    model.apply([registration, authorize, callback, token].map(upsert));
    const seq = sequence([registration, authorize, callback, token], model.browserGaps());
    const byId = new Map(seq.arrows.map((a) => [a.id, a]));
    expect(byId.get(authorize.id)!.browserGap).toMatchObject({ host: 'tenant.auth0.com', callbackId: callback.id });
    expect(byId.get(callback.id)!.gapBefore).toBeUndefined();
    // Without the gaps the same pause is an unexplained "… 16 s later".
    expect(sequence([registration, authorize, callback, token]).arrows.find((a) => a.id === callback.id)!.gapBefore).toBeGreaterThan(15_000);
  });
});

describe('the browser gap on screen', () => {
  const { dom, $, $$, click } = containerPerTest();

  it('shows “the user was at <host> from … to …” between the authorize and callback rows, and in the handshake view', async () => {
    const { registration, authorize, callback, token } = rows();
    const app = await mountApp(dom().root, { 'exchanges.list': () => [registration, authorize, callback, token], 'exchanges.get': () => null, 'lint.findings': () => ({ findings: [] }) });
    const lines = $$('[data-testid=row], [data-testid=gap-row]').map((el) => el.getAttribute('data-testid') === 'gap-row' ? 'gap' : el.getAttribute('data-id'));
    expect(lines).toEqual([registration.id, authorize.id, 'gap', callback.id, token.id]);
    // The relayed authorization response is the browser coming back: its chip says so, not "authorize".
    const badge = (id: string) => $(`[data-testid=row][data-id="${id}"] [data-testid=phase-badge]`)?.textContent;
    expect([badge(authorize.id), badge(callback.id)]).toEqual(['authorize', 'callback']);
    const gap = $('[data-testid=gap-row]')!;
    const clock = (ms: number) => {
      const d = new Date(ms);
      return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
    };
    expect(gap.textContent).toContain(`the user was at tenant.auth0.com from ${clock(T0 + 3)} to ${clock(T0 + 16_000)} (16.0 s)`);
    await click(gap);
    expect(app.store.getState().selectedId).toBe(callback.id);

    await openScreen(dom().container, 'Handshake');
    expect($('[data-testid=seq-gap]')?.textContent).toContain('the user was at tenant.auth0.com');
  });

  it('says the user has not come back while the callback is missing', async () => {
    const { registration, authorize } = rows();
    await mountApp(dom().root, { 'exchanges.list': () => [registration, authorize], 'exchanges.get': () => null, 'lint.findings': () => ({ findings: [] }) });
    expect($('[data-testid=gap-row]')?.textContent).toMatch(/the user went to tenant\.auth0\.com at \d\d:\d\d:\d\d and has not come back/);
  });
});

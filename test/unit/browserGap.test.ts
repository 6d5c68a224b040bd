import { describe, expect, it } from 'vitest';
import { browserGaps, browserLeg } from '../../src/main/core/recorder/browserGap';
import { fromHar, toHar } from '../../src/main/core/recorder/har';
import { describeBrowserGap, pairBrowserLegs } from '../../src/shared/browserGap';
import type { Exchange } from '../../src/shared/exchange';
import { exchange } from '../helpers/exchangeFactory';

// The browser's gap (issue 17 item 3): an authorize request answered with a redirect to another
// origin's authorization endpoint, then the callback carrying the same state.

const T0 = Date.UTC(2026, 11, 5, 12, 0, 3);
const utc = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const AUTHORIZE_QUERY = 'response_type=code&client_id=abc&redirect_uri=https%3A%2F%2Finspector.test%2F_as%2Fcallback%2F0&code_challenge=x&code_challenge_method=S256&state=st-1';

/** The front door's answer to an intercepted authorize: a 302 to the real AS, query kept. */
function authorize(state = 'st-1', at = T0, location = `https://tenant.auth0.com/authorize?${AUTHORIZE_QUERY.replace('st-1', state)}`): Exchange {
  const e = exchange({ method: 'GET', url: `/_as/0/authorize?${AUTHORIZE_QUERY.replace('st-1', state)}`, headers: { host: 'inspector.test', 'user-agent': 'Mozilla/5.0' }, startedAt: at, response: { status: 302, headers: { location } } });
  e.timings = { end: 4 };
  return e;
}

function callback(state = 'st-1', at = T0 + 16_000): Exchange {
  return exchange({ method: 'GET', url: `/_as/callback/0?code=c0de&state=${state}&iss=https%3A%2F%2Ftenant.auth0.com%2F`, headers: { host: 'inspector.test', 'user-agent': 'Mozilla/5.0' }, startedAt: at, response: { status: 302, headers: { location: 'http://localhost:3000/callback?code=c0de&state=st-1' } } });
}

describe('browser gap', () => {
  it('pairs the authorize redirect to another origin with the callback of the same state', () => {
    const a = authorize();
    const c = callback();
    const gaps = browserGaps([a, exchange({ method: 'POST', url: '/_as/0/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&code=c0de', startedAt: T0 + 16_500 }), c]);
    expect(gaps).toEqual([{ state: 'st-1', host: 'tenant.auth0.com', authorizeId: a.id, from: T0 + 4, callbackId: c.id, to: T0 + 16_000 }]);
    expect(describeBrowserGap(gaps[0]!, utc)).toBe('the user was at tenant.auth0.com from 12:00:03 to 12:00:19');
    expect(browserLeg(c)).toEqual({ kind: 'callback', state: 'st-1', at: T0 + 16_000, iss: 'https://tenant.auth0.com/' });
  });

  it('says the user has not come back while no callback carries the state', () => {
    const gaps = browserGaps([authorize(), callback('another-state')]);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.callbackId).toBeUndefined();
    expect(describeBrowserGap(gaps[0]!, utc)).toBe('the user went to tenant.auth0.com at 12:00:03 and has not come back');
  });

  it('pairs a client that sends no state by the path the browser is sent back to', () => {
    const stateless = (e: Exchange) => ({ ...e, request: { ...e.request, url: e.request.url.replace(/&state=[^&]*/, '') } });
    const a = stateless(authorize());
    const c = stateless(callback());
    // Another client's callback, to a path the authorize leg did not name, stays out.
    const elsewhere = exchange({ method: 'GET', url: '/oauth/callback?code=other', headers: { host: 'inspector.test' }, startedAt: T0 + 1_000 });
    const gaps = browserGaps([a, elsewhere, c]);
    expect(gaps).toEqual([{ state: 'redirect:/_as/callback/0', host: 'tenant.auth0.com', authorizeId: a.id, from: T0 + 4, callbackId: c.id, to: T0 + 16_000 }]);
  });

  it('pairs each callback with the latest authorize of its state that left before it', () => {
    const first = authorize('st-1', T0);
    const second = authorize('st-1', T0 + 5_000);
    const back = callback('st-1', T0 + 9_000);
    const gaps = browserGaps([back, second, first]);
    expect(gaps.map((g) => [g.authorizeId, g.callbackId])).toEqual([
      [first.id, undefined],
      [second.id, back.id],
    ]);
  });

  it('finds no gap with the built-in authorization server: its redirect is the authorization response', () => {
    // Auto consent: /authorize answers at once with a 302 to the client's redirect URI, code and state in it.
    const builtIn = exchange({
      method: 'GET',
      url: '/authorize?response_type=code&client_id=abc&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&state=st-2&code_challenge=x&code_challenge_method=S256',
      headers: { host: '127.0.0.1:7420' },
      startedAt: T0,
      response: { status: 302, headers: { location: 'http://localhost:3000/callback?code=abc&state=st-2&iss=http%3A%2F%2F127.0.0.1%3A7420' } },
    });
    // Manual consent: the consent page (200) on our origin, then the decision posted back.
    const consentPage = exchange({ method: 'GET', url: '/authorize?response_type=code&client_id=abc&state=st-3', headers: { host: '127.0.0.1:7420' }, startedAt: T0, response: { status: 200, headers: { 'content-type': 'text/html' } } });
    expect(browserLeg(builtIn)).toBeUndefined();
    expect(browserLeg(consentPage)).toBeUndefined();
    expect(browserGaps([builtIn, consentPage])).toEqual([]);
  });

  it('ignores redirects on our own origin and redirects to the client\'s redirect URI without code', () => {
    const sameOrigin = authorize('st-1', T0, 'https://inspector.test/login?state=st-1');
    // Seen at a tunnel's name: the redirect URI (the relay on the inspector's public origin) is another host.
    const toClient = authorize('st-1', T0, 'https://inspector.test/_as/callback/0?state=st-1');
    toClient.request.headers = { host: '127.0.0.1:7420' };
    expect(browserLeg(sameOrigin)).toBeUndefined();
    expect(browserLeg(toClient)).toBeUndefined();
  });

  it('is computed again from an exported HAR, redacted or not', () => {
    const exchanges = [authorize(), callback()];
    const expected = browserGaps(exchanges).map(({ authorizeId: _a, callbackId: _c, ...rest }) => rest);
    for (const redact of [false, true]) {
      const imported = fromHar(JSON.parse(JSON.stringify(toHar(exchanges, { redact }))));
      const gaps = browserGaps(imported);
      expect(gaps.map(({ authorizeId: _a, callbackId: _c, ...rest }) => rest)).toEqual(expected);
      expect(gaps[0]!.callbackId).toBeDefined();
    }
  });

  it('pairs legs given in any order (the timeline sees rows as they arrive)', () => {
    const gaps = pairBrowserLegs([
      { id: 'c', leg: { kind: 'callback', state: 's', at: 20 } },
      { id: 'a', leg: { kind: 'authorize', state: 's', host: 'as.example', at: 10 } },
    ]);
    expect(gaps).toEqual([{ state: 's', host: 'as.example', authorizeId: 'a', from: 10, callbackId: 'c', to: 20 }]);
  });
});

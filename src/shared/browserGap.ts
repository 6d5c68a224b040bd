// The browser's gap (issue 17 item 3): when the authorization server is someone else's, the
// user's browser leaves for its login and consent pages, which nobody proxies (no TLS
// interception), and comes back at the client's callback. What the capture holds is the
// authorize request answered with a redirect to that other origin, and later a request that
// carries the same `state` with `code` (or `error`): the time between them is the user's, at
// the authorization server. Pairing is by `state` only (RFC 6749 section 4.1.2 returns it
// unchanged), so the two legs pair even when they land in different connections. A client that
// sends no `state` (PKCE alone protects its flow) is paired by the path the browser is sent
// back to (`redirect:/_as/callback/0`), which the authorize leg's redirect names.
//
// With the built-in authorization server there is no gap: its consent page is on our origin,
// and the consent decision is an exchange of its own; the redirect it answers with goes back
// to the client (an authorization response), not to another authorization server.

/** What one exchange tells about the browser's trip (ExchangeSummary.browserLeg). */
export type BrowserLeg =
  /** An authorize request answered with a redirect to another origin's authorization endpoint: the browser left at `at`. */
  | { kind: 'authorize'; state: string; host: string; at: number }
  /** A request carrying the authorization response (`code` or `error`, and `state`): the browser came back at `at`. */
  | { kind: 'callback'; state: string; at: number; iss?: string };

export interface BrowserGap {
  /** What pairs the legs: the `state` parameter, or `redirect:<path>` for a client that sends none. */
  state: string;
  /** The host the user went to (the authorization server's). */
  host: string;
  /** The authorize exchange the browser left from, and when its redirect was answered (ms since the epoch). */
  authorizeId: string;
  from: number;
  /** The callback exchange, when the browser came back, and when it arrived. */
  callbackId?: string;
  to?: number;
}

/**
 * Pairs authorize legs with callback legs of the same `state`: each callback with the latest
 * authorize of that state that left before it (a client that tried again reuses nothing, but a
 * user who pressed back and resubmitted does). An authorize without a callback is an open gap.
 * Gaps come in the order their authorize legs left.
 */
export function pairBrowserLegs(legs: Iterable<{ id: string; leg: BrowserLeg }>): BrowserGap[] {
  const authorizes: Array<{ id: string; leg: Extract<BrowserLeg, { kind: 'authorize' }> }> = [];
  const callbacks: Array<{ id: string; leg: Extract<BrowserLeg, { kind: 'callback' }> }> = [];
  for (const item of legs) {
    if (item.leg.kind === 'authorize') authorizes.push({ id: item.id, leg: item.leg });
    else callbacks.push({ id: item.id, leg: item.leg });
  }
  authorizes.sort((a, b) => a.leg.at - b.leg.at);
  callbacks.sort((a, b) => a.leg.at - b.leg.at);
  const gaps = authorizes.map((a): BrowserGap => ({ state: a.leg.state, host: a.leg.host, authorizeId: a.id, from: a.leg.at }));
  for (const callback of callbacks) {
    // The callback's request may start a hair before the redirect's end is recorded: allow a second.
    const candidates = gaps.filter((g) => g.state === callback.leg.state && g.callbackId === undefined && g.from <= callback.leg.at + 1000);
    const gap = candidates.at(-1);
    if (!gap) continue;
    gap.callbackId = callback.id;
    gap.to = Math.max(callback.leg.at, gap.from);
  }
  return gaps;
}

/** "the user was at tenant.auth0.com from 12:00:03 to 12:00:19", or "… went to … at … and has not come back". */
export function describeBrowserGap(gap: BrowserGap, clock: (ms: number) => string = wallClock): string {
  if (gap.to === undefined) return `the user went to ${gap.host} at ${clock(gap.from)} and has not come back`;
  return `the user was at ${gap.host} from ${clock(gap.from)} to ${clock(gap.to)}`;
}

/** hh:mm:ss in local time. */
function wallClock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

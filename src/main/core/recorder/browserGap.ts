import type { Exchange, HttpHeaders } from '../../../shared/exchange';
import { pairBrowserLegs, type BrowserGap, type BrowserLeg } from '../../../shared/browserGap';

// Reads the browser's legs off recorded exchanges (see shared/browserGap.ts): the authorize
// request the front door answered with a redirect to another origin, and the request that
// brought the authorization response back. Everything it needs is on the wire and survives a
// HAR round trip: the request URL, the response status and Location, the start and end times.

const header = (headers: HttpHeaders | undefined, name: string): string | undefined => {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
};

function queryOf(url: string): URLSearchParams | undefined {
  const at = url.indexOf('?');
  return at === -1 ? undefined : new URLSearchParams(url.slice(at + 1).split('#')[0]);
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** The path of a URL (absolute or origin-form), without its query. */
function pathOf(url: string): string {
  return (parseUrl(url)?.pathname ?? url).split('?')[0]!;
}

/** The exchange's leg of the browser's trip to an authorization server, if it is one. */
export function browserLeg(exchange: Exchange): BrowserLeg | undefined {
  const { request, response } = exchange;
  // Cheap first: most exchanges carry no query of this kind at all.
  if (request.method !== 'GET' || !/[?&](state|code|error|response_type)=/.test(request.url)) return undefined;
  const query = queryOf(request.url);
  if (!query) return undefined;
  // The authorization response coming back (RFC 6749 section 4.1.2 / 4.1.2.1): code or error,
  // with the client's state, or, from a client that sent none (PKCE alone guards it), on the
  // path the authorize leg sent the browser back to.
  if (query.has('code') || query.has('error')) {
    const key = query.get('state') || `redirect:${pathOf(request.url)}`;
    return { kind: 'callback', state: key, at: exchange.startedAt, ...(query.get('iss') ? { iss: query.get('iss')! } : {}) };
  }
  if (exchange.classification.phase !== 'authorization' || !response || response.status < 300 || response.status >= 400) return undefined;
  const location = parseUrl(header(response.headers, 'location') ?? '');
  const ours = (header(request.headers, 'x-forwarded-host') ?? header(request.headers, 'host') ?? '').toLowerCase();
  if (!location || location.host.toLowerCase() === ours) return undefined;
  // A redirect that carries the authorization response goes back to the client (the built-in
  // server's answer), and one to the client's own redirect URI too: neither is a trip to an AS.
  if (location.searchParams.has('code') || location.searchParams.has('error')) return undefined;
  const redirectUri = query.get('redirect_uri');
  if (redirectUri && location.href.startsWith(redirectUri)) return undefined;
  // Where the AS will send the browser back: the redirect URI it was given (a relay of ours when
  // the front door rewrote it), else the client's.
  const returnTo = location.searchParams.get('redirect_uri') ?? redirectUri;
  const key = query.get('state') || (returnTo ? `redirect:${pathOf(returnTo)}` : undefined);
  if (!key) return undefined;
  const end = exchange.timings.end ?? exchange.timings.firstByte ?? exchange.timings.upstreamHeaders ?? 0;
  return { kind: 'authorize', state: key, host: location.host, at: exchange.startedAt + end };
}

/**
 * The browser's gaps among a connection's exchanges (or any set: pairing is by `state`, so a
 * callback that landed in another connection still closes its gap when it is in the set).
 */
export function browserGaps(exchanges: Iterable<Exchange>): BrowserGap[] {
  const legs: Array<{ id: string; leg: BrowserLeg }> = [];
  for (const exchange of exchanges) {
    const leg = browserLeg(exchange);
    if (leg) legs.push({ id: exchange.id, leg });
  }
  return pairBrowserLegs(legs);
}

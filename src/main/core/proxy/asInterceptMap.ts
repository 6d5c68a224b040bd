import { AS_PREFIX, CALLBACK_PREFIX } from '../wire/paths';
import { upstreamOrigins, type OriginPair } from './originRewrite';

// --intercept-as, the mapping: each authorization server origin the upstream names gets an index n
// for the session, and the client sees it as <client origin>/_as/<n> (its issuer path kept after
// that). Requests under /_as/<n>/ (and the RFC 8414 / OpenID well-known forms with the path
// inserted) go to that origin. Redirect URIs relayed through the front door are /_as/callback/<k>.


/** Well-known documents an issuer's path is inserted after (RFC 8414 section 3.1, OpenID Connect Discovery as RFC 8414 section 5 describes it). */
const INSERTED_WELL_KNOWN = ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'];

/** Where a request path leads under --intercept-as. */
export type AsRoute =
  | { kind: 'as'; index: number; origin: string; path: string }
  | { kind: 'callback'; key: number; query: string }
  | { kind: 'unknown'; index: number };

export class AsOriginMap {
  private readonly origins: string[] = [];
  /** Pairs that apply whatever the client origin (relay URIs back to the client's own redirect URIs). */
  private readonly fixed: OriginPair[] = [];
  /** Per client origin (local address, tunnel), the origin pairs text is rewritten with: live arrays, so a context made before a new origin was named sees it. */
  private readonly pairsByClient = new Map<string, OriginPair[]>();

  /** The index of an authorization server origin, assigned on first sight and kept for the session. */
  indexOf(origin: string): number {
    const known = this.origins.indexOf(origin);
    if (known !== -1) return known;
    this.origins.push(origin);
    const index = this.origins.length - 1;
    for (const [client, pairs] of this.pairsByClient) pairs.push(pairFor(origin, client, index));
    return index;
  }

  /** A pair every client's rewriting applies from now on. */
  addFixedPair(pair: OriginPair): void {
    this.fixed.push(pair);
    for (const pairs of this.pairsByClient.values()) pairs.push(pair);
  }

  has(origin: string): boolean {
    return this.origins.includes(origin);
  }

  get size(): number {
    return this.origins.length;
  }

  originAt(index: number): string | undefined {
    return this.origins[index];
  }

  /** The pairs that rewrite every mapped origin to the client's view of it. */
  pairs(client: string): OriginPair[] {
    let pairs = this.pairsByClient.get(client);
    if (!pairs) {
      if (this.pairsByClient.size >= 100) this.pairsByClient.clear(); // many public URLs over a long run
      pairs = [...this.fixed, ...this.origins.map((origin, index) => pairFor(origin, client, index))];
      this.pairsByClient.set(client, pairs);
    }
    return pairs;
  }

  /** Where a request path (with its query) leads; undefined when it is not ours. */
  route(url: string): AsRoute | undefined {
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    const query = queryStart === -1 ? '' : url.slice(queryStart);
    if (path.startsWith(CALLBACK_PREFIX)) {
      const key = Number(path.slice(CALLBACK_PREFIX.length));
      return Number.isInteger(key) ? { kind: 'callback', key, query } : undefined;
    }
    for (const wellKnown of INSERTED_WELL_KNOWN) {
      // /.well-known/oauth-authorization-server/_as/0/tenant → the real origin's /.well-known/oauth-authorization-server/tenant
      if (path.startsWith(`${wellKnown}${AS_PREFIX}`)) {
        const rest = this.below(path.slice(wellKnown.length + AS_PREFIX.length));
        if (rest) return this.at(rest.index, `${wellKnown}${rest.path === '/' ? '' : rest.path}${query}`);
      }
    }
    if (!path.startsWith(AS_PREFIX)) return undefined;
    // /_as/0/tenant/.well-known/openid-configuration (path appended) needs nothing special.
    const rest = this.below(path.slice(AS_PREFIX.length));
    return rest ? this.at(rest.index, `${rest.path}${query}`) : undefined;
  }

  private below(text: string): { index: number; path: string } | undefined {
    const match = /^(\d+)(\/.*)?$/.exec(text);
    return match ? { index: Number(match[1]), path: match[2] ?? '/' } : undefined;
  }

  private at(index: number, path: string): AsRoute {
    const origin = this.origins[index];
    return origin ? { kind: 'as', index, origin, path } : { kind: 'unknown', index };
  }
}

function pairFor(origin: string, client: string, index: number): OriginPair {
  return { upstream: upstreamOrigins(new URL(origin)), client: `${client}${AS_PREFIX}${index}` };
}

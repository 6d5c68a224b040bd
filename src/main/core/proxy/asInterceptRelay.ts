import type { IncomingMessage } from 'node:http';
import { CALLBACK_PREFIX } from '../wire/paths';
import type { AsOriginMap } from './asInterceptMap';

// --intercept-as, the two faces of a request to the authorization server:
// - `resource` (RFC 8707) and Auth0's `audience` name the MCP server as the client sees it (the
//   front door); the AS must get the upstream's canonical resource, which its tokens are for.
// - redirect URIs: a client registering through the front door gets a relay URI of ours in its
//   place (/_as/callback/<k>), in the registration, the authorization request and the token
//   request alike, so the AS sends the browser back through the front door, where the
//   authorization response is recorded and its `iss` (RFC 9207) becomes the issuer the client saw.

/** One redirect URI relayed: the client's own, and ours the AS knows instead. */
interface Relayed {
  original: string;
  relay: string;
  /** The front door's origin the relay is on (the one the client saw the issuer under). */
  client: string;
}

/** Relays kept per session: each is a pair every metadata answer is rewritten with, so a client registering URIs by the thousand can't slow them all. */
const MAX_RELAYS = 1000;

export class CallbackRelay {
  private readonly relayed: Relayed[] = [];

  constructor(private readonly map: AsOriginMap) {}

  /** The relay for a client's redirect URI, made on first sight (stable for the session); the URI itself past MAX_RELAYS. */
  relayFor(original: string, client: string): string {
    const known = this.relayed.find((r) => r.original === original);
    if (known) return known.relay;
    if (this.relayed.length >= MAX_RELAYS) return original;
    const relay = `${client}${CALLBACK_PREFIX}${this.relayed.length}`;
    this.relayed.push({ original, relay, client });
    // The AS echoes the relay in its registration answer: the client must read its own URI there.
    this.map.addFixedPair({ upstream: [relay], client: original });
    return relay;
  }

  /** The relay of a redirect URI registered through the front door; undefined for any other. */
  relayOf(original: string): string | undefined {
    return this.relayed.find((r) => r.original === original)?.relay;
  }

  at(key: number): Relayed | undefined {
    return this.relayed[key];
  }
}

/** What the request rewriting changed, and what it could not. */
export interface RequestRewrite {
  /** Sentences for the exchange's note: what was changed on the way to the AS. */
  changes: string[];
  /** Sentences saying what the front door cannot see or rewrite for this client, and why. */
  limits: string[];
}

export interface RequestFaces {
  /** The client-visible resource → the upstream's canonical one. */
  canonicalResource(value: string): string | undefined;
  relay: CallbackRelay;
  /** The front door's origin this request came to. */
  client: string;
  /** The real issuer's URL, for the limitation's sentence. */
  realIssuer: string;
}

/** Form and query parameters that name the MCP server. */
const RESOURCE_PARAMS = ['resource', 'audience'];

/** Rewrites URL-encoded parameters (a query or a form body) for the AS; undefined when nothing changed. */
export function rewriteAsParams(encoded: string, faces: RequestFaces, report: RequestRewrite): string | undefined {
  const params = new URLSearchParams(encoded);
  let changed = false;
  for (const key of RESOURCE_PARAMS) {
    const values = params.getAll(key);
    const mapped = values.map((value) => faces.canonicalResource(value) ?? value);
    if (mapped.some((value, i) => value !== values[i])) {
      params.delete(key);
      for (const value of mapped) params.append(key, value);
      report.changes.push(`${key} ${values.join(', ')} → ${mapped.join(', ')} (the upstream's canonical resource)`);
      changed = true;
    }
  }
  const redirectUri = params.get('redirect_uri');
  if (redirectUri !== null) {
    const relay = faces.relay.relayOf(redirectUri);
    if (relay) {
      params.set('redirect_uri', relay);
      report.changes.push(`redirect_uri ${redirectUri} → ${relay} (the callback relay)`);
      changed = true;
    } else if (params.has('response_type') || params.has('request_uri')) {
      report.limits.push(notRelayed(params.get('client_id') ?? '', redirectUri, faces));
    }
  }
  return changed ? params.toString() : undefined;
}

/** Why an authorization response can't come back through the front door for this client. */
function notRelayed(clientId: string, redirectUri: string, faces: RequestFaces): string {
  const why = /^https:\/\//i.test(clientId)
    ? `client_id ${clientId} is a Client ID Metadata Document: the AS fetches it itself and trusts the redirect URIs in it, so the front door cannot put its relay there`
    : `redirect_uri ${redirectUri} was not registered through the front door (a pre-registered client, or one registered before --intercept-as): the AS knows only that URI`;
  return `${why}. The browser goes from the AS straight to ${redirectUri}: the authorization response is not seen, and its iss stays ${faces.realIssuer}, not the issuer this client saw; a client that checks iss (RFC 9207) refuses it.`;
}

/**
 * Rewrites a JSON request body: a client registration's (RFC 7591) redirect URIs become relays,
 * and `resource` / `audience` (a JSON token request, a registration naming its audience) the
 * upstream's canonical resource. Undefined when unchanged.
 */
export function rewriteJsonBody(body: Buffer, registration: boolean, faces: RequestFaces, report: RequestRewrite): Buffer | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const fields = doc as Record<string, unknown>;
  let changed = false;
  if (registration && Array.isArray(fields.redirect_uris)) {
    const originals = fields.redirect_uris as unknown[];
    const relays = originals.map((uri) => (typeof uri === 'string' ? faces.relay.relayFor(uri, faces.client) : uri));
    fields.redirect_uris = relays;
    if (relays.some((relay, i) => typeof relay === 'string' && relay === originals[i])) report.limits.push(`more than ${MAX_RELAYS} redirect URIs were registered through the front door in this session: these are not relayed, so their authorization responses will not pass it`);
    report.changes.push(`redirect_uris ${originals.join(', ')} → ${relays.join(', ')} (callback relays; the answer shows the client its own again)`);
    changed = true;
  }
  for (const key of RESOURCE_PARAMS) {
    const value = fields[key];
    const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    const mapped = values.map((v) => faces.canonicalResource(v) ?? v);
    if (!mapped.some((v, i) => v !== values[i])) continue;
    fields[key] = typeof value === 'string' ? mapped[0] : (value as unknown[]).map((v) => (typeof v === 'string' ? (faces.canonicalResource(v) ?? v) : v));
    report.changes.push(`${key} ${values.join(', ')} → ${mapped.join(', ')} (the upstream's canonical resource)`);
    changed = true;
  }
  return changed ? Buffer.from(JSON.stringify(doc)) : undefined;
}

/** The authorization response the AS sent to a relay, as the client's own redirect URI gets it. */
export function callbackLocation(original: string, query: string, issuerView: (iss: string) => string): { location: string; change?: string } {
  const params = new URLSearchParams(query);
  const iss = params.get('iss');
  const target = new URL(original);
  for (const [key, value] of params) target.searchParams.append(key, key === 'iss' && iss ? issuerView(iss) : value);
  const seen = iss && issuerView(iss);
  return { location: target.toString(), change: seen && seen !== iss ? `iss ${iss} → ${seen} (the issuer the client saw)` : undefined };
}

/** How a request body to the AS is encoded, as far as the rewriting cares. */
export function bodyKind(req: IncomingMessage): 'form' | 'json' | undefined {
  const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
  if (contentType.startsWith('application/x-www-form-urlencoded')) return 'form';
  if (contentType.includes('json')) return 'json';
  return undefined;
}

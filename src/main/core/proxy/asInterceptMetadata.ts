import { parseJson } from '../wire/json';
import type { AsOriginMap } from './asInterceptMap';

// --intercept-as, the documents: what the front door learns from the metadata passing it before
// the text is rewritten. A PRM (RFC 9728) names the authorization servers, each gets its index,
// and its `resource` is the canonical one the AS must receive. AS metadata (RFC 8414, OpenID
// discovery) names its issuer and endpoints; an endpoint on an origin not yet mapped (a hosted
// AS whose token endpoint lives elsewhere) gets its own index, so every leg passes the front door.

/** Metadata fields that name where a client sends requests: rewritten to the front door. */
const ENDPOINT_FIELD = /(^issuer|_endpoint|^jwks_uri)$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function originOf(url: unknown): string | undefined {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export interface NoticedDocument {
  /** The PRM's `resource`, as the upstream wrote it (before origin rewriting). */
  resource?: string;
  /** An AS metadata document's `issuer`, as the AS wrote it. */
  issuer?: string;
}

/**
 * Reads a metadata document the front door is about to rewrite: maps the origins it names
 * (PRM `authorization_servers`, AS metadata endpoints) and returns what it says of the
 * resource and the issuer. The upstream's own origin is never fronted. Anything else (JSON-RPC, an error body) yields nothing.
 */
export function noticeDocument(text: string, map: AsOriginMap, isUpstream: (origin: string) => boolean): NoticedDocument | undefined {
  if (!text.includes('authorization_servers') && !text.includes('"issuer"')) return undefined; // cheap: most bodies are neither
  const doc = parseJson(text);
  if (!isObject(doc)) return undefined;
  const noticed: NoticedDocument = {};
  if (Array.isArray(doc.authorization_servers)) {
    for (const server of doc.authorization_servers) {
      const origin = originOf(server);
      if (origin && !isUpstream(origin)) map.indexOf(origin);
    }
    if (typeof doc.resource === 'string') noticed.resource = doc.resource;
  }
  const issuerOrigin = originOf(doc.issuer);
  // Only metadata of an AS already fronted, or the upstream's own (a server that names itself the
  // issuer and sends clients to Auth0's endpoints), widens the map: some other party's document stays out.
  if (issuerOrigin && (map.has(issuerOrigin) || isUpstream(issuerOrigin)) && Object.keys(doc).some((key) => key.endsWith('_endpoint'))) {
    noticed.issuer = doc.issuer as string;
    for (const [key, value] of Object.entries(doc)) {
      const origin = ENDPOINT_FIELD.test(key) ? originOf(value) : undefined;
      if (origin && !isUpstream(origin)) map.indexOf(origin);
    }
  }
  return noticed.resource || noticed.issuer ? noticed : undefined;
}

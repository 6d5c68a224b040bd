import type { Exchange, HttpHeaders, SseEvent } from '../../../shared/exchange';
import { exchangeOutcome } from '../../../shared/outcome';
import { bodyText } from '../wire/body';
import { parseJson } from '../wire/json';
import { SseParser } from '../wire/sse';

// Small readers of what an exchange carried on the wire, shared by the lint checks.

export function header(headers: HttpHeaders | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  // Recorded names are lower case (Node's, and imports normalise them): look that up first.
  let value = headers[wanted];
  if (value === undefined) {
    for (const key in headers) if (key.toLowerCase() === wanted) value = headers[key];
  }
  return Array.isArray(value) ? value[0] : value;
}

export const requestHeader = (e: Exchange, name: string) => header(e.request.headers, name);
export const responseHeader = (e: Exchange, name: string) => header(e.response?.headers, name);

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const status = (e: Exchange): number | undefined => e.response?.status;

/**
 * The client got what it asked for (the one meaning of src/shared/outcome.ts: no HTTP error, no
 * JSON-RPC error, not cut short), with a 2xx answer: the request was accepted.
 */
export function succeeded(e: Exchange): boolean {
  const { outcome } = exchangeOutcome(e);
  return (outcome === 'ok' || outcome === 'closed-by-client') && (status(e) ?? 0) < 300;
}

export function path(e: Exchange): string {
  return e.request.url.split('?')[0]!;
}

/**
 * Remembers the last answer of a reader of bodies: the engine judges an exchange with every
 * rule before the next, and a dozen checks read the same body. Keyed by what the answer is
 * made of, so an exchange still changing is read again.
 */
function lastRead<T>(read: (e: Exchange) => T, keys: (e: Exchange) => readonly unknown[]): (e: Exchange) => T {
  let lastKeys: readonly unknown[] = [];
  let value: T;
  return (e) => {
    const now = keys(e);
    if (now.length !== lastKeys.length || now.some((key, i) => key !== lastKeys[i])) {
      value = read(e);
      lastKeys = now;
    }
    return value;
  };
}

/** The response body as JSON, whatever the Content-Type says (undefined when it isn't JSON). */
export const responseJson: (e: Exchange) => unknown = lastRead(
  (e) => parseJson(bodyText(e.response?.body)?.trim()),
  (e) => [e.response?.body],
);

export const requestJson: (e: Exchange) => unknown = lastRead(
  (e) => parseJson(bodyText(e.request.body)),
  (e) => [e.request.body],
);

/** The request body as form parameters (token requests). */
export function requestForm(e: Exchange): URLSearchParams {
  return new URLSearchParams(bodyText(e.request.body) ?? '');
}

export function contentType(headers: HttpHeaders | undefined): string {
  return (header(headers, 'content-type') ?? '').toLowerCase();
}

/** The JSON-RPC messages of the response: one JSON body, a batch, or the data of SSE events. */
export const responseMessages: (e: Exchange) => Array<Record<string, unknown>> = lastRead(readResponseMessages, (e) => [e, e.response, e.response?.body, e.sseEvents.length]);

function readResponseMessages(e: Exchange): Array<Record<string, unknown>> {
  let values: unknown[] = [];
  if (contentType(e.response?.headers).includes('text/event-stream')) {
    const data: string[] = e.sseEvents.filter((s) => s.kind === 'event' && s.data).map((s) => s.data!);
    // Events kept in memory may be fewer than the body holds; the body has them all when recorded.
    if (data.length === 0) new SseParser((item) => item.kind === 'event' && item.data && data.push(item.data)).push(bodyText(e.response?.body) ?? '');
    values = data.map((d) => parseJson(d));
  } else {
    const json = responseJson(e);
    values = Array.isArray(json) ? json : [json];
  }
  return values.filter((v): v is Record<string, unknown> => isObject(v) && v.jsonrpc === '2.0');
}

/**
 * The SSE events of a stream: those the recorder kept, else read again from the recorded body
 * (an answer a rule gave in the server's place is recorded as a body only).
 */
export const sseItems: (e: Exchange) => ReadonlyArray<Pick<SseEvent, 'kind' | 'event' | 'id' | 'data' | 'retry'>> = lastRead(
  (e) => {
    if (e.sseEvents.length) return e.sseEvents;
    const items: Array<Pick<SseEvent, 'kind' | 'event' | 'id' | 'data' | 'retry'>> = [];
    new SseParser((item) => items.push(item)).push(bodyText(e.response?.body) ?? '');
    return items;
  },
  (e) => [e, e.response?.body, e.sseEvents.length],
);

/** The URL the client asked for, absolute: the public host and scheme when a tunnel forwarded it, else Host. */
export function clientUrl(e: Exchange): string | undefined {
  const host = requestHeader(e, 'x-forwarded-host')?.split(',')[0]?.trim() || requestHeader(e, 'host');
  if (!host) return undefined;
  const forwarded = requestHeader(e, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  const scheme = forwarded === 'https' || forwarded === 'http' ? forwarded : 'http';
  return `${scheme}://${host}${path(e)}`;
}

/** Exchanges on the MCP endpoint itself: JSON-RPC POSTs, GET streams, DELETE. */
export function onMcpEndpoint(e: Exchange): boolean {
  const { phase, stream } = e.classification;
  return phase === 'jsonrpc' || phase === 'session-end' || (phase === 'sse-stream' && stream === 'get-stream');
}

/** The session id an initialize response issued, if it issued one. */
export function issuedSessionId(e: Exchange): string | undefined {
  return isInitialize(e) && succeeded(e) ? responseHeader(e, 'mcp-session-id') : undefined;
}

export function isInitialize(e: Exchange): boolean {
  return e.classification.phase === 'jsonrpc' && (e.classification.jsonRpc?.methods ?? []).includes('initialize');
}

export const bearerToken = (e: Exchange): string | undefined => /^Bearer\s+(\S+)/i.exec(requestHeader(e, 'authorization') ?? '')?.[1];

export function isProtectedResourceMetadata(e: Exchange): boolean {
  const kind = e.classification.discovery;
  return kind === 'protected-resource-root' || kind === 'protected-resource-suffixed';
}

export function isAuthServerMetadata(e: Exchange): boolean {
  const kind = e.classification.discovery;
  return !!kind && (kind.startsWith('authorization-server') || kind.startsWith('openid-configuration'));
}

/** The claims of a JWT, read without verifying it (lint judges what was issued, not who signed it). */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined; // opaque, or encrypted (JWE has 5 parts)
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return isObject(claims) ? claims : undefined;
  } catch {
    return undefined;
  }
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** What the request was, in a few words: "POST /mcp (tools/list)", "GET /mcp". */
export function describeRequest(e: Exchange): string {
  const methods = e.classification.jsonRpc?.methods ?? [];
  return `${e.request.method} ${path(e)}${methods.length ? ` (${methods.join(', ')})` : ''}`;
}

import type { IncomingMessage } from 'node:http';

// An upstream's OAuth metadata names its own origin (PRM `resource`, `authorization_servers`,
// `resource_metadata` in WWW-Authenticate, redirects). A client that reached it through the
// proxy or a tunnel then refuses it, e.g. the MCP SDK's "Protected resource
// http://localhost:3951/mcp does not match expected …". Rewriting swaps the upstream origin
// for the one the client used, in headers and JSON bodies.

/** Response headers that carry absolute URLs worth rewriting. */
export const URL_HEADERS = ['www-authenticate', 'location', 'content-location', 'link'];

export interface OriginPair {
  /** Every spelling of the upstream's origin (a loopback upstream has several). */
  upstream: string[];
  client: string;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The spellings an upstream may use for itself: a server on localhost:3951 often names
 * itself http://localhost:3951 even when we reach it as 127.0.0.1:3951.
 */
export function upstreamOrigins(upstream: URL): string[] {
  if (!LOOPBACK_NAMES.includes(upstream.hostname)) return [upstream.origin];
  const port = upstream.port ? `:${upstream.port}` : '';
  return LOOPBACK_NAMES.map((host) => `${upstream.protocol}//${host}${port}`);
}

/** The origin the client used: forwarded by a tunnel, else its Host header. */
export function clientOrigin(req: IncomingMessage): string {
  const forwardedHost = headerOne(req, 'x-forwarded-host');
  const forwardedProto = headerOne(req, 'x-forwarded-proto');
  const host = forwardedHost ?? req.headers.host ?? '127.0.0.1';
  const proto = forwardedProto === 'https' ? 'https' : forwardedProto === 'http' ? 'http' : 'http';
  return `${proto}://${host}`;
}

function headerOne(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.split(',')[0]?.trim() || undefined;
}

/**
 * Replaces the upstream origin with the client's in text, also in its JSON-escaped form
 * (`http:\/\/host`). Only whole origins are replaced: `http://localhost:3951` does not touch
 * `http://localhost:39510`.
 */
export function rewriteOrigin(text: string, { upstream, client }: OriginPair): string {
  let result = text;
  for (const origin of upstream) {
    if (origin === client) continue;
    for (const [from, to] of [
      [origin, client],
      [origin.replace(/\//g, '\\/'), client.replace(/\//g, '\\/')],
    ] as const) {
      const pattern = new RegExp(`${escapeRegExp(from)}(?![0-9A-Za-z.:-])`, 'g');
      result = result.replace(pattern, to);
    }
  }
  return result;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

import type { IncomingMessage } from 'node:http';
import { checkHttpUrl } from '../wire/url';

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
  /** More pairs applied first: the authorization servers --intercept-as fronts (asInterceptMap.ts). */
  also?: readonly OriginPair[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The spellings an upstream may use for itself: a server on localhost:3951 often names
 * itself http://localhost:3951 even when we reach it as 127.0.0.1:3951. An upstream given with
 * a path (http://host:8001/base) is reached under that path, so `/base` is part of what maps to
 * the client's origin: http://host:8001/base/mcp is the client's /mcp.
 */
export function upstreamOrigins(upstream: URL): string[] {
  const base = upstream.pathname.replace(/\/+$/, '');
  if (!LOOPBACK_NAMES.includes(upstream.hostname)) return [upstream.origin + base];
  const port = upstream.port ? `:${upstream.port}` : '';
  return LOOPBACK_NAMES.map((host) => `${upstream.protocol}//${host}${port}${base}`);
}

/**
 * Checks an upstream URL as a user typed it; returns it normalised, or throws an Error that says
 * what to write instead. `subject` names it in the message (`--upstream` on the command line).
 */
export function checkUpstreamUrl(value: string, subject = 'The upstream'): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new Error(`${subject} "${value}" has no scheme: write http://${value} (or https://)`);
  const check = checkHttpUrl(value);
  if (!('url' in check)) {
    throw new Error(check.problem === 'scheme' ? `${subject} must use http or https, got "${check.scheme}"` : `${subject} must be an absolute http(s) URL such as http://127.0.0.1:8001, got "${value}"`);
  }
  const { url } = check;
  if (url.search || url.hash) throw new Error(`${subject} must not carry a query or fragment ("${url.search}${url.hash}"): each request keeps its own`);
  return url.toString();
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
 * Replaces the upstream origin (with its base path, if any) by the client's in text, also in
 * its JSON-escaped form (`http:\/\/host`). Only whole origins and path segments are replaced:
 * `http://localhost:3951` does not touch `http://localhost:39510`, nor `/base` `/basement`.
 */
export function rewriteOrigin(text: string, { upstream, client, also }: OriginPair): string {
  let result = text;
  if (also) for (const pair of also) result = rewriteOrigin(result, pair);
  for (const origin of upstream) {
    if (origin === client) continue;
    for (const [from, to] of [
      [origin, client],
      [origin.replace(/\//g, '\\/'), client.replace(/\//g, '\\/')],
    ] as const) {
      result = result.replace(originPattern(from), to);
    }
  }
  return result;
}

/** Patterns compiled once per origin spelling (a front door has a handful): replace() resets a global pattern's lastIndex. */
const patterns = new Map<string, RegExp>();
function originPattern(origin: string): RegExp {
  let pattern = patterns.get(origin);
  if (!pattern) {
    if (patterns.size >= 100) patterns.clear(); // origins of many public URLs over a long run: start afresh
    patterns.set(origin, (pattern = new RegExp(`${escapeRegExp(origin)}(?![0-9A-Za-z.:_~%-])`, 'g')));
  }
  return pattern;
}

/** A relative redirect below the upstream's base path, as the client reaches it: /base/x → /x. */
export function belowBase(url: string, base: string): string {
  if (!base || !url.startsWith(base)) return url;
  const rest = url.slice(base.length);
  if (rest === '') return '/';
  if (rest.startsWith('/')) return rest;
  return rest.startsWith('?') || rest.startsWith('#') ? `/${rest}` : url; // /basement is not below /base
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

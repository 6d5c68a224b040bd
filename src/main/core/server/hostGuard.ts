import type { IncomingMessage } from 'node:http';
import type { HostValidation } from '../../../shared/profile';
import { firstHeader } from './http';

// DNS-rebinding protection as the MCP SDKs do it (hostHeaderValidation / allowedHosts, the
// spec's Streamable HTTP security warning): a request must name us by a host we answer to, and
// a browser's Origin, when there is one, must be one of ours. Host names are compared without
// their port, as the SDK's middleware does.

/** The SDK's localhostHostValidation list (URL hostnames: IPv6 in brackets). */
export const LOOPBACK_HOSTNAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** Why a request was refused: the message of the SDK's 403 JSON-RPC error. */
export interface HostRefusal {
  message: string;
}

/** The 403 body the TypeScript SDK's hostHeaderValidation and transports send: a JSON-RPC error without an id. */
export function refusalBody(refusal: HostRefusal): Record<string, unknown> {
  return { jsonrpc: '2.0', error: { code: -32000, message: refusal.message }, id: null };
}

/** The hostname of a Host header value (`example.com:443` → `example.com`, `[::1]:80` → `[::1]`), or undefined when it is not one. */
export function hostnameOf(host: string): string | undefined {
  try {
    const url = new URL(`http://${host}`);
    // `evil.example/x` or `a@b` parse too: a Host value is a host and a port, nothing else.
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || /[/?#@]/.test(host)) return undefined;
    return url.hostname;
  } catch {
    return undefined;
  }
}

/** The hostname of a URL or origin, or undefined. */
function urlHostname(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Why a request must be refused, or undefined when it may pass.
 * - `allowed-hosts`: loopback names, the public URL's and the tunnel's host (`publicHosts`).
 * - `reject-tunnel-host`: loopback names only: an SDK server with allowedHosts left at localhost.
 * - `off`: anything (a server without the protection).
 * Behind the front door the Host is the client's (or the upstream's own with --rewrite-host),
 * and X-Forwarded-Host the client's: both must be ours.
 */
export function hostRefusal(req: IncomingMessage, mode: HostValidation, publicHosts: ReadonlyArray<string | undefined>): HostRefusal | undefined {
  if (mode === 'off') return undefined;
  const allowed = new Set<string>(LOOPBACK_HOSTNAMES);
  if (mode === 'allowed-hosts') for (const host of publicHosts) if (host) allowed.add(host.toLowerCase());
  const host = firstHeader(req, 'host');
  if (!host) return { message: 'Missing Host header' };
  const forwarded = firstHeader(req, 'x-forwarded-host')?.split(',')[0]?.trim();
  for (const value of forwarded ? [host, forwarded] : [host]) {
    const hostname = hostnameOf(value);
    if (hostname === undefined) return { message: `Invalid Host header: ${value}` };
    if (!allowed.has(hostname)) return { message: `Invalid Host: ${hostname}` };
  }
  const origin = firstHeader(req, 'origin');
  if (origin !== undefined) {
    const hostname = urlHostname(origin);
    if (hostname === undefined || !allowed.has(hostname)) return { message: `Invalid Origin header: ${origin}` };
  }
  return undefined;
}

/** The hostnames of public URLs (the configured --public-url, the tunnel's). */
export function publicHostnames(...urls: Array<string | undefined>): string[] {
  return urls.map(urlHostname).filter((h): h is string => h !== undefined);
}

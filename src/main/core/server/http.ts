import type { IncomingMessage, ServerResponse } from 'node:http';

// Small HTTP helpers shared by the MCP and OAuth handlers. Deliberately no framework:
// every status, header and body on the wire is ours to choose (and to toggle).

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds the ${limit}-byte limit`);
  }
}

/** Reads the whole request body, refusing (without buffering further) past `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume(); // drain so the connection can answer
      reject(new BodyTooLargeError(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers);
  res.end();
}

/**
 * `formTargets`: where the page's form may lead besides this origin. Browsers check
 * form-action on the redirects that follow a submission too (CSP Level 3), so the consent
 * form needs the client's redirect URI there, or Chromium stops the browser before the callback.
 */
export function sendHtml(res: ServerResponse, status: number, html: string, formTargets: string[] = []): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    // The consent page must never be framed by another origin (clickjacking).
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${["'self'", ...formTargets].join(' ')}; frame-ancestors 'none'`,
    'Cache-Control': 'no-store',
  });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}

export function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The origin clients used to reach us. A configured public URL (the tunnel) wins; otherwise
 * the forwarded host set by a proxy or tunnel; otherwise the Host header. This is what makes
 * every issuer and resource URL right behind a tunnel without editing code.
 */
export function requestOrigin(req: IncomingMessage, publicUrl: string | undefined): string {
  if (publicUrl) return new URL(publicUrl).origin;
  const forwardedHost = firstHeader(req, 'x-forwarded-host')?.split(',')[0]?.trim();
  const forwardedProto = firstHeader(req, 'x-forwarded-proto')?.split(',')[0]?.trim();
  const host = forwardedHost || firstHeader(req, 'host') || '127.0.0.1';
  const proto = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : 'http';
  return `${proto}://${host}`;
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

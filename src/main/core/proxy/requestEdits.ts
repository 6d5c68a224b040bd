import type { IncomingMessage } from 'node:http';
import type { BreakpointEdits } from '../../../shared/rules';
import { lowerKeys } from '../wire/headers';
import { isSendableTarget } from '../wire/paths';
import { rewriteOrigin, type OriginPair } from './originRewrite';

// Changes to a request on its way upstream: edits made at a request breakpoint, and the
// client's origin rewritten to the upstream's. Both change req in place and return the body.

/** Applies breakpoint edits to a request about to go upstream; returns the body to send. */
export function applyRequestEdits(req: IncomingMessage, edits: BreakpointEdits, body: Buffer, bodyComplete: boolean): Buffer {
  if (edits.method) req.method = edits.method;
  if (edits.url && !isSendableTarget(edits.url)) throw new Error(`The edited URL ${JSON.stringify(edits.url)} has characters a request line cannot carry (spaces, control characters)`);
  if (edits.url) req.url = edits.url;
  Object.assign(req.headers, lowerKeys(edits.headers ?? {}));
  if (edits.body === undefined || !bodyComplete) return body;
  return withBody(req, Buffer.from(edits.body));
}

/**
 * Rewrites the client's origin to the upstream's in the query string and in a form body
 * (`resource` at /authorize and /token). Changes req.url in place; returns the body to send.
 */
export function rewriteRequest(req: IncomingMessage, body: Buffer, bodyComplete: boolean, pair: OriginPair): { changed: boolean; body: Buffer } {
  let changed = false;
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  if (queryStart !== -1) {
    const query = rewriteParams(url.slice(queryStart + 1), pair);
    if (query !== undefined) {
      req.url = `${url.slice(0, queryStart)}?${query}`;
      changed = true;
    }
  }
  const contentType = String(req.headers['content-type'] ?? '');
  if (bodyComplete && contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = rewriteParams(body.toString('utf8'), pair);
    if (form !== undefined) {
      body = withBody(req, Buffer.from(form));
      changed = true;
    }
  }
  return { changed, body };
}

/** A new body's framing: one length (a length and chunked together is a smuggling vector). */
export function withBody(req: IncomingMessage, body: Buffer): Buffer {
  req.headers['content-length'] = String(body.length);
  delete req.headers['transfer-encoding'];
  return body;
}

/** Rewrites URL-encoded parameter values; undefined when nothing changed. */
function rewriteParams(encoded: string, pair: OriginPair): string | undefined {
  const params = new URLSearchParams(encoded);
  let changed = false;
  for (const [key, value] of [...params]) {
    const rewritten = rewriteOrigin(value, pair);
    if (rewritten !== value) {
      params.set(key, rewritten);
      changed = true;
    }
  }
  return changed ? params.toString() : undefined;
}

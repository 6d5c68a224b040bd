import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { HttpHeaders, ResponseRecord } from '../../../shared/exchange';
import { BodyCapture, decodeText, hasBody, readPrefix, streamDecoder, type BodyPrefix } from '../wire/body';
import { lowerKeys } from '../wire/headers';
import { SseParser } from '../wire/sse';
import { recordEdits } from './breakpoints';
import type { Door, ProxyContext } from './context';
import type { JsonRpcEdits } from './jsonPatch';
import { rewriteOrigin } from './originRewrite';
import { cutAfterFlush } from './upstreamErrors';
import { SseEventWriter, transforms, type SseTransform } from './sseTransform';

// The body phase of a response: streamed as it comes (teed into the recorder, SSE events parsed
// on the way), or read whole to be rewritten, patched, replaced or edited at a breakpoint.
// Either way the exchange's end is recorded before the answer's last byte goes out (write-ahead).

/** JSON responses up to this size are buffered for origin rewriting; larger ones stream as-is. */
export const REWRITE_LIMIT = 4 * 1024 * 1024;

/** The response as the client will get it, before its body. */
export interface ResponseHead {
  /** What the upstream sent (its headers object, untouched). */
  upstream: ResponseRecord;
  status: number;
  /** The headers to send: the upstream's own object when nothing changed them. */
  headers: HttpHeaders;
  method: string;
}

/** Whether what the client gets differs from what the upstream sent, as the recorder keeps it. */
function changedFromUpstream(upstream: ResponseRecord, status: number, headers: HttpHeaders): ResponseRecord | undefined {
  return status !== upstream.status || (headers !== upstream.headers && !sameHeaders(headers, upstream.headers)) ? { ...upstream } : undefined;
}

/**
 * Streams the body on as it comes. Without SSE transforms the raw bytes are forwarded; with
 * them, parsed events are formatted again one by one, in order, each delayed or dropped as asked.
 */
export function streamBody(door: Door, proxyRes: IncomingMessage, res: ServerResponse, ctx: ProxyContext, head: ResponseHead, isStream: boolean, sse?: SseTransform): void {
  const { recording } = ctx;
  const { status, upstream } = head;
  let { headers } = head;
  const transforming = isStream && sse !== undefined && transforms(sse);
  // A compressed stream is parsed from its decoded bytes; the client gets the bytes as they
  // came, unless SSE transforms format the events again (then uncompressed).
  const decoder = isStream ? streamDecoder(String(headers['content-encoding'] ?? '')) : undefined;
  if (transforming) {
    // Events are formatted again: neither the upstream's length nor its compression applies.
    if (headers === upstream.headers) headers = { ...headers };
    delete headers['content-length'];
    if (decoder) delete headers['content-encoding'];
  }
  recording.responseStarted({ status, statusMessage: status === upstream.status ? upstream.statusMessage : undefined, headers }, changedFromUpstream(upstream, status, headers));
  res.writeHead(status, status === upstream.status ? upstream.statusMessage : undefined, headers as OutgoingHttpHeaders);
  if (isStream) {
    res.flushHeaders(); // the client's stream-open must not wait for the first event
    ctx.proxyReq?.setTimeout(0); // an idle stream is not a slow upstream
    res.socket?.setTimeout(0);
  }
  const capture = (ctx.capture = new BodyCapture(door.bodyCap));
  let closedByRule = false;
  const writer = transforming
    ? new SseEventWriter(res, sse, () => {
        closedByRule = true; // an end state the rule asked for, not an upstream failure
        proxyRes.destroy();
        ctx.detachRequestBody?.();
        recording.complete(capture.toRecord());
      })
    : undefined;
  const parser = isStream
    ? new SseParser((item) => {
        recording.sseEvent(item);
        writer?.write(item);
      })
    : undefined;
  let decoderFailed = false;
  decoder?.on('data', (bytes: Buffer) => parser!.push(bytes));
  decoder?.on('error', () => (decoderFailed = true)); // not what its header says: forwarded, not parsed
  const forward = writer ? undefined : new CompletionHold(res, isStream ? undefined : headers['content-length']);
  proxyRes.on('data', (chunk: Buffer) => {
    recording.firstByte();
    forward?.write(chunk);
    capture.push(chunk);
    if (decoder) decoderFailed || decoder.write(chunk);
    else parser?.push(chunk);
  });
  proxyRes.on('end', () => {
    const finish = () => {
      parser?.end();
      const done = () => {
        ctx.detachRequestBody?.();
        door.endResponse(res, forward?.held(), () => recording.complete(capture.toRecord()));
      };
      if (writer) void writer.drained().then(done);
      else done();
    };
    if (!decoder || decoderFailed) return finish();
    decoder.once('end', finish);
    decoder.once('error', finish);
    decoder.end();
  });
  proxyRes.on('aborted', () => closedByRule || door.brokeOff(res, ctx));
  proxyRes.on('error', (err: NodeJS.ErrnoException) => closedByRule || door.brokeOff(res, ctx, err));
}

/** What a buffered body is read for. */
export interface BodyEdits {
  replacement?: Buffer;
  /** Origin rewriting (metadata bodies). */
  rewriteOrigins: boolean;
  /** JSON-RPC edits (patch-json steps). */
  patches?: JsonRpcEdits;
  /** Pause at a breakpoint once the body is known. */
  breakpointTimeoutMs?: number;
}

/**
 * Reads the whole upstream body (up to REWRITE_LIMIT), rewrites or replaces it, then answers
 * with a fresh length. Bytes nothing changed go out exactly as the upstream sent them.
 * `head.headers` must be a copy: this changes it.
 */
export async function bufferBody(door: Door, proxyRes: IncomingMessage, res: ServerResponse, ctx: ProxyContext, head: ResponseHead, edits: BodyEdits): Promise<void> {
  const { recording } = ctx;
  const { upstream, headers } = head;
  let { status } = head;
  const { replacement } = edits;
  const capture = (ctx.capture = new BodyCapture(door.bodyCap));
  const chunks: Buffer[] = [];
  // Broken off before its end: the client gets what came, as a direct client would, then the cut.
  ctx.sendPartial = () => {
    if (res.headersSent || res.destroyed) return false;
    recording.responseStarted({ status, headers }, changedFromUpstream(upstream, status, headers));
    res.writeHead(status, headers as OutgoingHttpHeaders);
    res.write(Buffer.concat(chunks));
    cutAfterFlush(res, door.clientCutGraceMs);
    return true;
  };
  let read: BodyPrefix;
  try {
    // A stream being replaced is not waited for: it might never end.
    const isStream = String(upstream.headers['content-type'] ?? '').includes('text/event-stream');
    read = replacement && isStream ? { prefix: Buffer.alloc(0), complete: false } : await readPrefix(proxyRes, REWRITE_LIMIT, chunks, capture);
  } catch (err) {
    return door.brokeOff(res, ctx, err as NodeJS.ErrnoException);
  } finally {
    ctx.sendPartial = undefined;
  }
  recording.firstByte();
  if (!read.complete && !replacement) {
    // Too big to hold: it streams on unchanged (headers already rewritten).
    recording.responseStarted({ status, headers }, changedFromUpstream(upstream, status, headers));
    res.writeHead(status, headers as OutgoingHttpHeaders);
    const forward = new CompletionHold(res, headers['content-length']);
    forward.write(read.prefix);
    proxyRes.on('data', (chunk: Buffer) => {
      forward.write(chunk);
      capture.push(chunk);
    });
    proxyRes.on('end', () => {
      ctx.detachRequestBody?.();
      door.endResponse(res, forward.held(), () => recording.complete(capture.toRecord()));
    });
    proxyRes.on('aborted', () => door.brokeOff(res, ctx));
    proxyRes.on('error', (err: NodeJS.ErrnoException) => door.brokeOff(res, ctx, err));
    proxyRes.resume();
    return;
  }
  if (!read.complete) {
    ctx.upstreamDropped = true; // replaced: the rest of the upstream's body is not needed
    proxyRes.destroy();
  }
  const raw = read.prefix;
  let body = replacement ?? raw;
  if (!replacement) {
    const encoding = String(headers['content-encoding'] ?? '').trim().toLowerCase();
    const text = await decodeText(raw, encoding);
    if (text !== undefined) {
      let edited = text;
      if (edits.rewriteOrigins) {
        door.noticeSelfOrigin(text, ctx.origins);
        edited = rewriteOrigin(text, ctx.origins);
      }
      edited = edits.patches?.apply(edited) ?? edited;
      if (edited !== text) {
        body = Buffer.from(edited);
        delete headers['content-encoding'];
      }
    }
  } else delete headers['content-encoding'];
  if (edits.breakpointTimeoutMs !== undefined) {
    const edited = await door.pause(recording, 'response', edits.breakpointTimeoutMs);
    recordEdits(recording, edited, 'the client');
    if (edited.status) status = edited.status;
    Object.assign(headers, lowerKeys(edited.headers ?? {}));
    if (edited.body !== undefined) {
      body = Buffer.from(edited.body);
      delete headers['content-encoding'];
    }
    if (res.destroyed) return;
  }
  const bodyChanged = body !== raw && !body.equals(raw);
  if (hasBody(head.method, status) && (bodyChanged || headers['content-length'] !== undefined)) {
    headers['content-length'] = String(body.length);
    delete headers['transfer-encoding'];
  }
  recording.responseStarted({ status, headers }, bodyChanged ? { ...upstream } : changedFromUpstream(upstream, status, headers));
  res.writeHead(status, headers as OutgoingHttpHeaders);
  ctx.detachRequestBody?.();
  door.endResponse(res, body, () => recording.complete(door.keep(body), bodyChanged ? capture.toRecord() : undefined));
}

function sameHeaders(a: HttpHeaders, b: HttpHeaders): boolean {
  for (const key in a) if (a[key] !== b[key] && String(a[key]) !== String(b[key])) return false;
  for (const key in b) if (!Object.hasOwn(a, key) && String(b[key]) !== 'undefined') return false;
  return true;
}

/**
 * Forwards a body as it comes, except the bytes that complete a body of known length: those
 * wait for endResponse, so the client cannot have the whole answer before the capture holds its
 * end (write-ahead). Streams and chunked bodies are complete only at their end anyway.
 */
class CompletionHold {
  private readonly length: number | undefined;
  private sent = 0;
  private readonly last: Buffer[] = [];

  constructor(
    private readonly res: ServerResponse,
    contentLength: string | string[] | number | undefined,
  ) {
    const length = Number(contentLength);
    this.length = contentLength !== undefined && Number.isFinite(length) ? length : undefined;
  }

  write(chunk: Buffer): void {
    this.sent += chunk.length;
    if (this.length !== undefined && this.sent >= this.length) this.last.push(chunk);
    else this.res.write(chunk);
  }

  /** The held bytes, for the response's end. */
  held(): Buffer | undefined {
    return this.last.length ? Buffer.concat(this.last) : undefined;
  }
}

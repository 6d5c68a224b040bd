import type { ServerResponse } from 'node:http';
import type { ExchangeErrorKind } from '../../../shared/exchange';
import { bodyRecord } from '../wire/body';
import type { ProxyContext } from './context';

// What the client gets, and what is recorded, when the upstream can't be reached or its answer
// breaks off: the proxy's own JSON error where no headers went out yet, else the same cut.

/** Maps a socket error talking to the upstream to what the user should read. */
export function describeUpstreamError(err: NodeJS.ErrnoException, target: string): { kind: ExchangeErrorKind; status: number; message: string } {
  switch (err.code) {
    case 'ECONNREFUSED':
      return { kind: 'upstream-refused', status: 502, message: `The upstream ${target} refused the connection (ECONNREFUSED). Is the server running on that port?` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { kind: 'upstream-refused', status: 502, message: `The upstream host of ${target} could not be resolved (${err.code}).` };
    case 'ECONNRESET':
    case 'EPIPE':
      return { kind: 'upstream-reset', status: 502, message: `The upstream ${target} reset the connection (${err.code}) before answering.` };
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return { kind: 'upstream-timeout', status: 504, message: `The upstream ${target} did not answer in time.` };
    default:
      if (err.code?.startsWith('HPE_')) return { kind: 'upstream-malformed', status: 502, message: `The upstream ${target} sent malformed HTTP (${err.code}: ${err.message}).` };
      return { kind: 'proxy-error', status: 502, message: `Forwarding to ${target} failed: ${err.message}` };
  }
}

/** Answers with the proxy's own JSON error; returns the body sent. */
export function sendProxyError(res: ServerResponse, status: number, error: string, message: string): Buffer {
  const body = Buffer.from(JSON.stringify({ error, message, from: 'mcp-handshake-inspector proxy' }));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
  return body;
}

/** Answers and records the proxy's own error, as an exchange that failed with `kind`. */
export function answerProxyError(res: ServerResponse, ctx: Pick<ProxyContext, 'recording'>, status: number, kind: ExchangeErrorKind, message: string): void {
  const body = sendProxyError(res, status, kind.replace(/-/g, '_'), message);
  ctx.recording.responseStarted({ status, headers: { 'content-type': 'application/json' } });
  ctx.recording.fail(kind, message, bodyRecord(body));
}

/**
 * Cuts the client's connection once what was written to it has gone out, as the upstream's was
 * cut (destroying at once would drop what is still buffered). A client that stops reading is cut
 * after a few seconds anyway.
 */
export function cutAfterFlush(res: ServerResponse, graceMs = 5000): void {
  const socket = res.socket;
  if (!res.writableLength || !socket) return void res.destroy();
  // Half-close after what is buffered: the client gets every byte that came, then the cut, at
  // once ('drain' would only come if a write had filled the buffer). A client that never reads
  // keeps the socket open: it is dropped after a while.
  socket.end();
  setTimeout(() => res.destroy(), graceMs).unref();
}

export interface UpstreamLimits {
  /** The upstream's origin, as messages name it. */
  target: string;
  upstreamTimeoutMs: number;
  clientCutGraceMs?: number;
}

/** Forwarding failed (http-proxy's error callback): before the answer began, the client gets the proxy's error. */
export function upstreamError(err: NodeJS.ErrnoException, res: ServerResponse, ctx: ProxyContext, limits: UpstreamLimits): void {
  if (res.writableEnded) return; // answered in full (an early 413): a late error of the upload changes nothing
  if (ctx.capture) return brokeOff(res, ctx, limits, err); // the answer had begun: the client got part of it
  const { kind, status, message } = describeUpstreamError(ctx.timedOut ? Object.assign(err, { code: 'ETIMEDOUT' }) : err, limits.target);
  if (res.headersSent || res.destroyed) {
    ctx.recording.fail(kind, message);
    if (!res.writableEnded) res.destroy();
    return;
  }
  answerProxyError(res, ctx, status, kind, message);
}

/**
 * The upstream's answer stopped before its end: the client's is cut the same way. A body that
 * is malformed HTTP (a bad chunk: `err` is the parser's HPE_ error) is said to be so; where
 * the client has no headers yet, it gets the proxy's 502 instead of a 200 that breaks off.
 */
export function brokeOff(res: ServerResponse, ctx: ProxyContext, limits: UpstreamLimits, err?: NodeJS.ErrnoException): void {
  if (ctx.brokenOff || ctx.upstreamDropped) return; // reported twice (http-proxy and the response), or our own doing
  ctx.brokenOff = true;
  const malformed = err?.code?.startsWith('HPE_') ? `The upstream sent a malformed body (${err.code}: ${err.message})` : undefined;
  if (malformed && ctx.sendPartial && !res.headersSent) {
    ctx.sendPartial = undefined;
    return answerProxyError(res, ctx, 502, 'upstream-malformed', `${malformed}: answered 502 instead of passing on an answer that breaks off.`);
  }
  const flushing = ctx.sendPartial?.() ?? false;
  const seconds = limits.upstreamTimeoutMs / 1000;
  if (malformed) ctx.recording.fail('upstream-malformed', `${malformed} in the middle of the response: the client's answer is cut there`, ctx.capture?.toRecord());
  else if (ctx.timedOut) ctx.recording.fail('upstream-timeout', `The upstream sent nothing for ${seconds} s in the middle of the response`, ctx.capture?.toRecord());
  else ctx.recording.fail('upstream-reset', 'The upstream closed the connection in the middle of the response', ctx.capture?.toRecord());
  if (!flushing && !res.writableEnded) cutAfterFlush(res, limits.clientCutGraceMs);
}

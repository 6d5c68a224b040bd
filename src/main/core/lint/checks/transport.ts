import type { Exchange } from '../../../../shared/exchange';
import type { LintCheck } from '../rule';
import { exchangeOutcome } from '../../../../shared/outcome';
import { describeRequest, contentType, isObject, requestJson, onMcpEndpoint, path, requestHeader, responseHeader, responseJson, responseMessages, seconds, sseItems, status } from '../wire';
import { clip } from '../../../../shared/text';

// Streamable HTTP transport (MCP 2025-11-25 basic/transports): statuses, Accept, the version
// header, JSON-RPC ids, the GET stream, CORS.

const isGetStream = (e: Exchange) => e.request.method === 'GET' && e.classification.phase === 'sse-stream' && e.classification.stream === 'get-stream';

/** A POST whose JSON-RPC carries no request: only notifications and/or responses. */
function carriesNoRequest(e: Exchange): boolean {
  const rpc = e.classification.jsonRpc;
  if (e.request.method !== 'POST' || e.classification.phase !== 'jsonrpc' || !rpc) return false;
  if (rpc.kind !== 'batch') return rpc.kind === 'notification' || rpc.kind === 'response' || rpc.kind === 'error';
  const messages = requestJson(e);
  return Array.isArray(messages) && messages.every((m) => !(isObject(m) && typeof m.method === 'string' && m.id !== undefined));
}

export const notificationStatusNot202: LintCheck = (e) => {
  const s = status(e);
  if (!carriesNoRequest(e) || s === undefined || s === 202 || s < 200 || s >= 300) return undefined;
  const what = e.classification.jsonRpc?.methods.join(', ') || 'a JSON-RPC response';
  return { message: `${what} was answered ${s}; notifications and responses get 202 Accepted with no body.` };
};

export const getStream501: LintCheck = (e) => {
  if (!isGetStream(e) || status(e) !== 501) return undefined;
  return { message: `GET ${path(e)} (the server→client stream) was answered 501 Not Implemented; a server without the stream answers 405 with Allow.` };
};

export const getStreamNot405: LintCheck = (e, context) => {
  const s = status(e);
  if (!isGetStream(e) || s === undefined) return undefined;
  const sessionHeader = requestHeader(e, 'mcp-session-id');
  if (s >= 200 && s < 300) {
    if (contentType(e.response?.headers).includes('text/event-stream')) return undefined;
    return { message: `GET ${path(e)} was answered ${s} with ${contentType(e.response?.headers) || 'no Content-Type'} instead of an SSE stream or 405.` };
  }
  // Statuses the spec gives a meaning: auth challenges, 405, and the session answers
  // (404 for an unknown session, 400 when a required session id is missing). 501 has its own rule.
  if ([401, 403, 405, 406, 501].includes(s) || s >= 500) return undefined;
  if (s === 404 && sessionHeader) return undefined;
  // A server that requires sessions answers 400 to a request without one: known from the
  // initialize that issued one, or from the answer itself (a probe sent before initialize).
  const sessionsIssued = context.connection.some((x) => x.classification.jsonRpc?.methods.includes('initialize') && responseHeader(x, 'mcp-session-id'));
  if (s === 400 && !sessionHeader && (sessionsIssued || /session/i.test(errorMessage(e)))) return undefined;
  return { message: `GET ${path(e)} was answered ${s}; clients expect an SSE stream or 405 Method Not Allowed.` };
};

export const strictAccept406: LintCheck = (e) => {
  if (e.request.method !== 'POST' || e.classification.phase !== 'jsonrpc' || status(e) !== 406) return undefined;
  const accept = requestHeader(e, 'accept');
  return { message: `${describeRequest(e)} was refused with 406 for Accept: ${accept === undefined ? '(none)' : `"${accept}"`}.` };
};

/** The JSON-RPC error message of a response, if it carried one. */
function errorMessage(e: Exchange): string {
  const json = responseJson(e);
  if (isObject(json) && isObject(json.error)) return String(json.error.message ?? '');
  if (isObject(json) && typeof json.error === 'string') return `${json.error} ${String(json.error_description ?? '')}`;
  return typeof json === 'string' ? json : '';
}

export const protocolVersionHeaderRequired: LintCheck = (e) => {
  if (e.request.method !== 'POST' || e.classification.phase !== 'jsonrpc' || status(e) !== 400) return undefined;
  if (e.classification.jsonRpc?.methods.includes('initialize') || requestHeader(e, 'mcp-protocol-version') !== undefined) return undefined;
  const message = errorMessage(e);
  if (!/protocol.?version/i.test(message)) return undefined;
  return { message: `${describeRequest(e)} without MCP-Protocol-Version was refused with 400 ("${message}").` };
};

const idKey = (id: unknown) => `${typeof id}:${String(id)}`;

/** The ids the response's results and errors carry. */
function answerIds(e: Exchange): unknown[] {
  // The recorder summarised them already from the whole body, when every message was
  // JSON-RPC and none a request.
  const summary = e.classification.jsonRpcResponse;
  if (summary && summary.methods.length === 0 && !e.response?.body?.truncated) return summary.ids;
  // Server→client requests can share a POST's SSE stream; only results and errors answer ours.
  return responseMessages(e)
    .filter((m) => !('method' in m) && ('result' in m || 'error' in m))
    .map((m) => m.id);
}

export const jsonRpcIdMismatch: LintCheck = (e) => {
  const rpc = e.classification.jsonRpc;
  if (e.classification.phase !== 'jsonrpc' || !rpc || rpc.ids.length === 0) return undefined;
  const asked = new Set(rpc.ids.map(idKey));
  const stray = answerIds(e).filter((id) => id !== null && id !== undefined && !asked.has(idKey(id)));
  // null is for an id that could not be read. 2026-07-28 requests name their era in `_meta`, so
  // a server that judged one read its id: its errors carry it (SEP-2575). Transport refusals
  // sent before the body is read (-32000, -32001: the SDKs' bad request, unknown session) may not.
  const idWasRead = rpc.kind === 'request' && rpc.protocolVersion !== undefined && rpc.methods[0] !== 'initialize';
  if (idWasRead) stray.push(...(e.classification.jsonRpcResponse?.errors ?? []).filter((error) => error.id === null && error.code !== -32000 && error.code !== -32001).map(() => null));
  if (stray.length === 0) return undefined;
  return { message: `The response carries id ${stray.map((id) => JSON.stringify(id)).join(', ')} but the request asked with id ${rpc.ids.map((id) => JSON.stringify(id)).join(', ')}.` };
};

/** The long-lived streams: the session era's GET stream, the legacy one, and 2026-07-28 listen streams. */
export function isLongLivedStream(e: Exchange): boolean {
  const stream = e.classification.stream;
  const longLived = e.request.method === 'GET' ? stream === 'get-stream' || stream === 'legacy-sse' : stream === 'listen';
  return longLived && contentType(e.response?.headers).includes('text/event-stream');
}

export const sseWithoutPings: LintCheck = (e, { options, now }) => {
  if (!isLongLivedStream(e)) return undefined;
  const stream = e.classification.stream;
  // Moments the stream showed life: its headers, every event or comment, and its end.
  const opened = e.timings.upstreamHeaders ?? e.timings.firstByte ?? 0;
  const moments = [opened, ...e.sseEvents.map((s) => s.at)];
  // Judged at its end, or live while still open (the silence so far counts).
  if (e.timings.end !== undefined) moments.push(e.timings.end);
  else if (now !== undefined) moments.push(now - e.startedAt);
  moments.sort((a, b) => a - b);
  let longest = 0;
  for (let i = 1; i < moments.length; i++) longest = Math.max(longest, moments[i]! - moments[i - 1]!);
  if (longest <= options.sseIdleLimitMs) return undefined;
  const tunnel = requestHeader(e, 'x-forwarded-for') || requestHeader(e, 'x-forwarded-proto') ? ' It came through a proxy or tunnel (X-Forwarded-* headers), which may cut idle streams.' : '';
  const name = stream === 'legacy-sse' ? 'legacy /sse' : stream === 'listen' ? 'subscriptions/listen' : 'GET';
  const still = e.timings.end === undefined ? ' so far, and is still open' : '';
  return { message: `The ${name} stream was silent for ${seconds(longest)}${still} (limit ${seconds(options.sseIdleLimitMs)}) with no event or ping comment.${tunnel}` };
};

export const corsMissing: LintCheck = (e) => {
  const origin = requestHeader(e, 'origin');
  if (!origin || !e.response) return undefined;
  const { phase } = e.classification;
  // The browser navigates to /authorize itself; CORS matters for what scripts fetch.
  const fetched = phase === 'discovery' || phase === 'registration' || phase === 'token' || onMcpEndpoint(e) || e.request.method === 'OPTIONS';
  if (!fetched || responseHeader(e, 'access-control-allow-origin') !== undefined) return undefined;
  const what = e.request.method === 'OPTIONS' ? `The preflight OPTIONS ${path(e)}` : `${e.request.method} ${path(e)}`;
  return { message: `${what} came from a browser (Origin: ${origin}) but was answered without Access-Control-Allow-Origin, so the browser hides the answer.` };
};

export const hostRejected: LintCheck = (e) => {
  const s = status(e);
  if (!onMcpEndpoint(e) || (s !== 403 && s !== 421)) return undefined;
  // 421 Misdirected Request is about the Host by definition; a 403 says so in its body
  // (the SDKs answer "Invalid Host: <name>"), unlike a 403 for a missing scope.
  const said = errorMessage(e) || (e.response?.body?.encoding === 'utf8' ? clip(e.response.body.data, 300) : '');
  if (s === 403 && !/\bhost\b/i.test(said)) return undefined;
  const host = requestHeader(e, 'host') ?? '(none)';
  return { message: `${describeRequest(e)} with Host ${host} was refused with ${s}${said ? ` ("${clip(said.trim(), 120)}")` : ''}: the server only accepts its own host names.` };
};

/** A legacy HTTP+SSE stream: GET /sse, or any GET stream that starts with the `endpoint` event. */
const isLegacyStream = (e: Exchange) =>
  e.request.method === 'GET' && contentType(e.response?.headers).includes('text/event-stream') && (e.classification.stream === 'legacy-sse' || sseItems(e).some((s) => s.event === 'endpoint'));

/** An initialize POST answered 2xx without a JSON-RPC answer, or 5xx: what legacy-sse-post-accepted judges. */
export const initializeNotAnswered = (e: Exchange): boolean => {
  const s = status(e);
  if (e.request.method !== 'POST' || !(e.classification.jsonRpc?.methods ?? []).includes('initialize') || s === undefined) return false;
  return s >= 500 || (s >= 200 && s < 300 && responseMessages(e).length === 0);
};

export const legacySsePostAccepted: LintCheck = (e, context) => {
  if (!initializeNotAnswered(e)) return undefined;
  const host = requestHeader(e, 'host');
  const legacy = context.everyHandshake.find((x) => isLegacyStream(x) && path(x) === path(e) && requestHeader(x, 'host') === host);
  if (!legacy) return undefined;
  return {
    message: `POST ${path(e)} (initialize) was answered ${status(e)}${status(e)! < 300 ? ' without a JSON-RPC answer' : ''}, yet GET ${path(e)} serves the legacy SSE transport: clients fall back to it only after 400, 404 or 405.`,
    related: [legacy.id],
  };
};

export const sseClosedWithoutRetry: LintCheck = (e, context) => {
  const stream = e.classification.stream;
  if ((stream !== 'post-response' && stream !== 'get-stream') || !contentType(e.response?.headers).includes('text/event-stream')) return undefined;
  // Priming and retry are 2025-11-25's (older clients would take an empty event for a message).
  const version = requestHeader(e, 'mcp-protocol-version');
  if (!version || version < '2025-11-25') return undefined;
  // Closed by the server (not the client), before it was done; a foreign capture can't say who.
  if (e.state !== 'complete' || e.endUnknown || exchangeOutcome(e).outcome !== 'ok') return undefined;
  if (stream === 'post-response') {
    const asked = e.classification.jsonRpc?.ids ?? [];
    const answered = new Set(responseMessages(e).filter((m) => 'result' in m || 'error' in m).map((m) => String(m.id)));
    if (asked.length === 0 || asked.every((id) => answered.has(String(id)))) return undefined;
  } else {
    // A GET stream ends with its session (DELETE): that close is no early one.
    const ended = (e.startedAt + (e.timings.end ?? 0));
    if (context.handshake.some((x) => x.classification.phase === 'session-end' && x.startedAt <= ended)) return undefined;
  }
  const hasId = sseItems(e).some((s) => s.id !== undefined);
  const hasRetry = sseItems(e).some((s) => s.retry !== undefined);
  if (hasId && hasRetry) return undefined;
  const what = stream === 'post-response' ? `The SSE response to ${describeRequest(e)} was closed by the server before the response` : `The GET ${path(e)} stream was closed by the server`;
  const missing = [hasId ? '' : 'no event id (the client cannot resume it)', hasRetry ? '' : 'no retry field (the client reconnects on its own back-off)'].filter(Boolean).join(' and ');
  return { message: `${what}, with ${missing}.` };
};

export const protocolVersionHeaderList: LintCheck = (e) => {
  if (!onMcpEndpoint(e)) return undefined;
  const raw = Object.entries(e.request.headers).filter(([name]) => name.toLowerCase() === 'mcp-protocol-version').flatMap(([, value]) => (Array.isArray(value) ? value : [value]));
  const values = raw.flatMap((v) => String(v).split(',')).map((v) => v.trim());
  if (values.length < 2) return undefined;
  const s = status(e);
  const answer = s !== undefined && s >= 400 ? ` The server answered ${s}${errorMessage(e) ? ` ("${clip(errorMessage(e), 120)}")` : ''}.` : '';
  return { message: `The client sent ${describeRequest(e)} with MCP-Protocol-Version "${raw.join(', ')}": ${values.length} values where one version belongs.${answer}` };
};

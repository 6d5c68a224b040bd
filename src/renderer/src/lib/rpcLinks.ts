import type { ExchangeSummary } from '../../../shared/controlApi';
import type { Exchange } from '../../../shared/exchange';
import { bodyText } from './format';
import { isRpcId, parseJson, rpcInfo, rpcMessages, type RpcInfo, type RpcMessage } from './sseEvents';

// Which JSON-RPC messages belong together, across the exchanges of one client connection:
// a response and its request (from the recorder's correlations), and a notification and the
// request it is about (`notifications/progress` by progressToken, `notifications/cancelled` by
// requestId, anything on a POST's response stream by that POST's request). Pure functions over
// exchanges the renderer fetched; nothing here talks to the core.

/** Where a message travelled: a request body, a response body, or one SSE event. */
export type Place = { exchangeId: string; in: 'request' | 'response' } | { exchangeId: string; in: 'sse'; index: number };

export interface LocatedMessage {
  place: Place;
  message: RpcMessage;
  info: RpcInfo;
  /** Wall-clock ms when it was seen. */
  at: number;
  /** Who sent it. */
  from: 'client' | 'server';
}

const isEventStream = (exchange: Exchange) => String(exchange.response?.headers['content-type'] ?? '').includes('text/event-stream');

/** Every JSON-RPC message an exchange carried, where it travelled and who sent it. */
export function locatedMessages(exchange: Exchange): LocatedMessage[] {
  const found: LocatedMessage[] = [];
  const push = (value: unknown, place: Place, at: number, from: LocatedMessage['from']) => {
    for (const message of rpcMessages(value)) found.push({ place, message, info: rpcInfo(message), at, from });
  };
  const request = parseJson(bodyText(exchange.request.body));
  if (request) push(request.value, { exchangeId: exchange.id, in: 'request' }, exchange.startedAt, 'client');
  if (exchange.response && !isEventStream(exchange)) {
    const response = parseJson(bodyText(exchange.response.body));
    if (response) push(response.value, { exchangeId: exchange.id, in: 'response' }, exchange.startedAt + (exchange.timings.firstByte ?? exchange.timings.end ?? 0), 'server');
  }
  for (const event of exchange.sseEvents) {
    if (event.kind !== 'event') continue;
    const data = parseJson(event.data);
    if (data) push(data.value, { exchangeId: exchange.id, in: 'sse', index: event.index }, exchange.startedAt + event.at, 'server');
  }
  return found;
}

export const samePlace = (a: Place, b: Place) => a.exchangeId === b.exchangeId && a.in === b.in && (a.in !== 'sse' || (b.in === 'sse' && a.index === b.index));

const idKey = (id: string | number) => `${typeof id}:${id}`;

export interface NotificationLink {
  /** The notification (or server request) that belongs to a request. */
  notification: LocatedMessage;
  request: LocatedMessage;
  how: 'progressToken' | 'requestId' | 'stream';
}

/** The latest of the candidates sent no later than `at` (clocks of one machine), else the latest. */
function latestBefore(candidates: LocatedMessage[] | undefined, at: number): LocatedMessage | undefined {
  if (!candidates?.length) return undefined;
  const before = candidates.filter((c) => c.at <= at + 5);
  const pool = before.length ? before : candidates;
  return pool.reduce((best, c) => (c.at >= best.at ? c : best));
}

/** A request id named in `_meta` by a related-request key (some servers and SDK extensions). */
function relatedRequestId(params: Record<string, unknown>): string | number | undefined {
  const meta = params._meta;
  if (typeof meta !== 'object' || meta === null) return undefined;
  for (const [key, value] of Object.entries(meta as Record<string, unknown>)) {
    if (/related[-_]?request[-_]?id$/i.test(key) && isRpcId(value)) return value;
  }
  return undefined;
}

/** Links every notification (and server request on a POST's stream) to the request it belongs to. */
export function notificationLinks(exchanges: Exchange[]): NotificationLink[] {
  const all = uniqueExchanges(exchanges).flatMap(locatedMessages);
  const requests = all.filter((m) => m.info.kind === 'request');
  const byToken = new Map<string, LocatedMessage[]>();
  const byId = new Map<string, LocatedMessage[]>();
  for (const request of requests) {
    const token = ((request.message.params as Record<string, unknown> | undefined)?._meta as Record<string, unknown> | undefined)?.progressToken;
    if (isRpcId(token)) byToken.set(`${request.from}:${idKey(token)}`, [...(byToken.get(`${request.from}:${idKey(token)}`) ?? []), request]);
    byId.set(`${request.from}:${idKey(request.info.id!)}`, [...(byId.get(`${request.from}:${idKey(request.info.id!)}`) ?? []), request]);
  }
  const other = (from: LocatedMessage['from']) => (from === 'client' ? 'server' : 'client');
  // The requests each POST carried: what travels on its response stream belongs to them.
  const postRequests = new Map<string, LocatedMessage[]>();
  for (const request of requests) if (request.place.in === 'request') postRequests.set(request.place.exchangeId, [...(postRequests.get(request.place.exchangeId) ?? []), request]);

  const links: NotificationLink[] = [];
  for (const message of all) {
    if (message.info.kind !== 'notification' && !(message.info.kind === 'request' && message.from === 'server')) continue;
    const params = (message.message.params ?? {}) as Record<string, unknown>;
    let link: NotificationLink | undefined;
    if (message.info.method === 'notifications/progress' && isRpcId(params.progressToken)) {
      // The receiver of a request reports its progress: a server's progress is about a client request.
      const request = latestBefore(byToken.get(`${other(message.from)}:${idKey(params.progressToken)}`), message.at);
      if (request) link = { notification: message, request, how: 'progressToken' };
    } else if (message.info.method === 'notifications/cancelled' && isRpcId(params.requestId)) {
      // The sender cancels a request it sent itself.
      const request = latestBefore(byId.get(`${message.from}:${idKey(params.requestId)}`), message.at);
      if (request) link = { notification: message, request, how: 'requestId' };
    } else {
      const related = relatedRequestId(params);
      const request = related !== undefined ? latestBefore(byId.get(`${other(message.from)}:${idKey(related)}`), message.at) : undefined;
      if (request) link = { notification: message, request, how: 'requestId' };
    }
    if (!link && message.place.in === 'sse') {
      const carried = postRequests.get(message.place.exchangeId);
      if (carried?.length === 1) link = { notification: message, request: carried[0]!, how: 'stream' };
    }
    if (link) links.push(link);
  }
  return links;
}

export interface Pairing {
  rpcId: string | number;
  method?: string;
  requestExchangeId: string;
  responseExchangeId: string;
  request?: LocatedMessage;
  response?: LocatedMessage;
}

function uniqueExchanges(exchanges: Exchange[]): Exchange[] {
  const seen = new Map<string, Exchange>();
  for (const exchange of exchanges) seen.set(exchange.id, exchange);
  return [...seen.values()];
}

/**
 * Responses paired with their requests, from the recorder's correlations (held by the exchange
 * that carried the response), for every pair that touches `current`.
 */
export function pairingsOf(current: Exchange, exchanges: Exchange[]): Pairing[] {
  const byId = new Map(uniqueExchanges([current, ...exchanges]).map((e) => [e.id, e]));
  const located = new Map<string, LocatedMessage[]>();
  const messagesOf = (id: string) => {
    if (!located.has(id)) located.set(id, byId.has(id) ? locatedMessages(byId.get(id)!) : []);
    return located.get(id)!;
  };
  const pairs: Pairing[] = [];
  for (const holder of byId.values()) {
    for (const c of holder.correlations ?? []) {
      if (holder.id !== current.id && c.requestExchangeId !== current.id) continue;
      const sameId = (m: LocatedMessage) => m.info.id !== undefined && idKey(m.info.id) === idKey(c.rpcId);
      const responses = messagesOf(holder.id).filter((m) => sameId(m) && (m.info.kind === 'response' || m.info.kind === 'error'));
      const response =
        c.sseEventIndex !== undefined
          ? responses.find((m) => m.place.in === 'sse' && m.place.index === c.sseEventIndex)
          : (responses.find((m) => m.place.in === 'response') ?? responses.find((m) => m.place.in === 'request'));
      const request = messagesOf(c.requestExchangeId).find((m) => sameId(m) && m.info.kind === 'request' && (c.method === undefined || m.info.method === c.method));
      pairs.push({ rpcId: c.rpcId, method: c.method, requestExchangeId: c.requestExchangeId, responseExchangeId: holder.id, request, response });
    }
  }
  return pairs;
}

const notification = (method: string) => method.startsWith('notifications/');

/**
 * The exchanges worth fetching to link `current` with the rest of its connection: streams that
 * may carry its responses and notifications, and requests its notifications may belong to.
 * A handful, nearest in time first.
 */
export function relatedCandidates(current: Exchange, rows: ExchangeSummary[]): ExchangeSummary[] {
  const others = rows.filter((r) => r.id !== current.id);
  const messages = locatedMessages(current);
  const end = current.startedAt + (current.timings.end ?? Math.max(0, ...current.sseEvents.map((e) => e.at), current.timings.firstByte ?? 0));
  const picked = new Map<string, ExchangeSummary>();
  const take = (list: ExchangeSummary[], count: number) => list.slice(0, count).forEach((r) => picked.set(r.id, r));

  for (const c of current.correlations ?? []) {
    const row = others.find((r) => r.id === c.requestExchangeId);
    if (row) picked.set(row.id, row);
  }
  const sendsRequests = messages.some((m) => m.from === 'client' && m.info.kind === 'request');
  if (sendsRequests) {
    // Streams open while it ran: they carry responses (legacy SSE) and notifications (GET stream).
    const streams = others.filter((r) => (r.sseEventCount > 0 || r.phase === 'sse-stream') && r.startedAt <= end).sort((a, b) => b.startedAt - a.startedAt);
    take(streams, 6);
  }
  // Notifications (and server requests) belong to a request sent before them: for each, the few
  // requests of the connection just before it (a long stream's early events keep theirs).
  const needing = messages.filter((m) => m.info.kind === 'notification' || (m.from === 'server' && m.info.kind === 'request'));
  if (needing.length) {
    const requests = others.filter((r) => r.rpcMethods.some((m) => !notification(m))).sort((a, b) => b.startedAt - a.startedAt);
    const times = [...new Set(needing.map((m) => m.at))].sort((a, b) => b - a);
    for (const at of times) {
      if (picked.size >= 24) break;
      take(requests.filter((r) => r.startedAt <= at + 5).slice(0, 3), 3);
    }
  }
  const serverRequests = messages.some((m) => m.from === 'server' && m.info.kind === 'request');
  if (serverRequests) {
    // The client's answers are POSTs that carry responses only (no methods).
    const answers = others.filter((r) => r.phase === 'jsonrpc' && r.rpcMethods.length === 0 && r.startedAt >= current.startedAt).sort((a, b) => a.startedAt - b.startedAt);
    take(answers, 6);
  }
  return [...picked.values()];
}

import type { Exchange } from '../../../../shared/exchange';
import { exchangeOutcome } from '../../../../shared/outcome';
import {
  ACKNOWLEDGED_METHOD,
  describeFilter,
  filterAdmits,
  parseSubscriptionFilter,
  SUBSCRIPTION_ID_META,
  type SubscriptionFilter,
} from '../../../../shared/subscriptions';
import type { LintCheck } from '../rule';
import { contentType, isObject, requestJson, responseMessages, status } from '../wire';

// `subscriptions/listen` (MCP 2026-07-28, SEP-2575) as the client saw it, whatever server
// answered: the acknowledgement first, every message tagged with the subscription id, nothing
// the client did not ask for. Judged once the stream has ended (closed by either side).

type Message = Record<string, unknown>;

interface ListenStream {
  /** The listen request's JSON-RPC id: the subscription id every message must carry. */
  id: string | number;
  requested: SubscriptionFilter | undefined;
  /** Messages of the answer, in order (SSE events, or one JSON body). */
  messages: Message[];
  sse: boolean;
}

/** The listen exchange's request and what came back, when it was accepted (2xx). */
function listenStream(e: Exchange): ListenStream | undefined {
  if (e.request.method !== 'POST' || e.classification.stream !== 'listen') return undefined;
  const s = status(e);
  const id = e.classification.jsonRpc?.ids[0];
  if (s === undefined || s < 200 || s >= 300 || id === undefined) return undefined;
  const body = requestJson(e);
  const params = isObject(body) && isObject(body.params) ? body.params : {};
  return { id, requested: parseSubscriptionFilter(params.notifications), messages: responseMessages(e), sse: contentType(e.response?.headers).includes('text/event-stream') };
}

const isNotification = (m: Message) => typeof m.method === 'string';

/** A message in a few words: its method, or "the response (result)". */
function describeMessage(m: Message): string {
  if (typeof m.method === 'string') return m.id === undefined ? m.method : `a ${m.method} request`;
  return 'error' in m ? 'an error response' : 'the response (result)';
}

export const listenAckNotFirst: LintCheck = (e) => {
  const listen = listenStream(e);
  if (!listen) return undefined;
  const [first] = listen.messages;
  if (!listen.sse) {
    // An error is a refusal (a server without subscriptions answers -32601); a result is no stream.
    if (first && 'result' in first) return { message: 'subscriptions/listen was answered with one JSON result instead of an SSE stream opening with notifications/subscriptions/acknowledged.' };
    return undefined;
  }
  if (first?.method === ACKNOWLEDGED_METHOD) return undefined;
  if (!first) {
    // Nothing yet when the client left is the client's choice; a server that ends the stream empty acknowledged nothing.
    if (exchangeOutcome(e).outcome !== 'ok') return undefined;
    return { message: 'The server ended the subscriptions/listen stream without sending notifications/subscriptions/acknowledged.' };
  }
  const ackAt = listen.messages.findIndex((m) => m.method === ACKNOWLEDGED_METHOD);
  const later = ackAt === -1 ? 'and no acknowledgement came at all' : `and the acknowledgement came only as message ${ackAt + 1}`;
  return { message: `The first message on the subscriptions/listen stream was ${describeMessage(first)}, not notifications/subscriptions/acknowledged, ${later}.` };
};

export const listenSubscriptionIdMismatch: LintCheck = (e) => {
  const listen = listenStream(e);
  if (!listen?.sse) return undefined;
  const expected = JSON.stringify(listen.id);
  const wrong: string[] = [];
  let tagged = 0;
  for (const m of listen.messages) {
    if (!isNotification(m) && !('result' in m)) continue;
    // Notifications carry it in params._meta; the graceful-close result in result._meta.
    const holder = isNotification(m) ? m.params : m.result;
    tagged++;
    const meta = isObject(holder) && isObject(holder._meta) ? holder._meta : {};
    const value = meta[SUBSCRIPTION_ID_META];
    if (JSON.stringify(value) === expected) continue;
    wrong.push(value === undefined ? `${describeMessage(m)} has none` : `${describeMessage(m)} has ${JSON.stringify(value)}`);
  }
  if (wrong.length === 0) return undefined;
  return {
    message: `${wrong.length} of ${tagged} messages on the subscriptions/listen stream lack the subscription id ${expected} (the listen request's id) in _meta["${SUBSCRIPTION_ID_META}"]: ${wrong.slice(0, 3).join('; ')}${wrong.length > 3 ? '; …' : ''}.`,
  };
};

export const listenNotificationOutsideFilter: LintCheck = (e) => {
  const listen = listenStream(e);
  if (!listen?.sse || !listen.requested) return undefined;
  const requested = listen.requested;
  const ack = listen.messages.find((m) => m.method === ACKNOWLEDGED_METHOD);
  const agreed = ack && isObject(ack.params) ? parseSubscriptionFilter(ack.params.notifications) : undefined;
  const outside: string[] = [];
  for (const m of listen.messages) {
    if (!isNotification(m) || m.method === ACKNOWLEDGED_METHOD) continue;
    const params = isObject(m.params) ? m.params : undefined;
    const method = m.method as string;
    const what = method === 'notifications/resources/updated' && typeof params?.uri === 'string' ? `${method} for ${params.uri}` : describeMessage(m);
    if (m.id !== undefined || !filterAdmits(requested, method, params)) outside.push(`${what} (not requested)`);
    else if (agreed && !filterAdmits(agreed, method, params)) outside.push(`${what} (not in what the acknowledgement agreed to: ${describeFilter(agreed)})`);
  }
  if (outside.length === 0) return undefined;
  return {
    message: `The subscriptions/listen stream asked for ${describeFilter(requested)} but carried ${outside.length} message${outside.length === 1 ? '' : 's'} outside it: ${outside.slice(0, 3).join('; ')}${outside.length > 3 ? '; …' : ''}.`,
  };
};

import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import {
  ACKNOWLEDGED_METHOD,
  agreedFilter,
  filterAdmits,
  LIST_CHANGED_FIELDS,
  SUBSCRIPTION_ID_META,
  type ListChangedField,
  type SubscriptionFilter,
} from '../../../../shared/subscriptions';
import type { JsonRpcId, JsonRpcNotification } from './jsonrpc';
import { SseStream } from './sse';

// `subscriptions/listen` (2026-07-28, SEP-2575): the open listen streams of one server instance
// and the lists of its catalogue that change at runtime. A stream starts with the
// acknowledgement, then carries only what its agreed filter admits, each message tagged with
// the subscription id (the listen request's JSON-RPC id); it ends when the client disconnects,
// or with the empty listen result when the server shuts down. A `notifications/cancelled` POST
// naming a listen id ends nothing: ids are the clients' own and not unique across clients, and on
// Streamable HTTP closing the stream is the cancellation.
// https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/subscriptions

/** A list of the catalogue that can change while clients listen. */
export type ChangingList = 'tools' | 'prompts';

const FILTER_FIELD: Record<ChangingList, ListChangedField> = { tools: 'toolsListChanged', prompts: 'promptsListChanged' };

interface OpenSubscription {
  id: JsonRpcId;
  filter: SubscriptionFilter;
  stream: SseStream;
}

/** Emits `ended` with the subscription id when a stream ends (client gone, or server shutdown). */
export class ServerSubscriptions extends EventEmitter<{ ended: [JsonRpcId] }> {
  private readonly open = new Set<OpenSubscription>();
  /** Lists whose dynamic entry is currently listed (each change adds it, or takes it away again). */
  private readonly changed = new Set<ChangingList>();

  /**
   * Answers a listen request: an SSE stream whose first message acknowledges the part of
   * `requested` that `offered` covers. The stream stays open, kept alive by ping comments
   * (the spec encourages them on listen streams), until the client closes it.
   */
  listen(res: ServerResponse, id: JsonRpcId, requested: SubscriptionFilter, offered: SubscriptionFilter, pingIntervalMs: number, acknowledge = true): SubscriptionFilter {
    const filter = agreedFilter(requested, offered);
    const subscription: OpenSubscription = { id, filter, stream: new SseStream(res, pingIntervalMs) };
    // Without the acknowledgement (a server breaking the requirement on purpose) the client cannot tell the stream is live.
    if (acknowledge) subscription.stream.send(tagged(id, { jsonrpc: '2.0', method: ACKNOWLEDGED_METHOD, params: { notifications: filter } }));
    if (res.destroyed) return filter; // the client left while the request was read: its close has passed
    this.open.add(subscription);
    res.on('close', () => this.end(subscription));
    return filter;
  }

  /** Sends a notification to every open stream whose filter admits it; returns how many got it. */
  notify(notification: JsonRpcNotification): number {
    let delivered = 0;
    for (const subscription of this.open) {
      if (subscription.stream.closed || !filterAdmits(subscription.filter, notification.method, notification.params)) continue;
      subscription.stream.send(tagged(subscription.id, notification));
      delivered++;
    }
    return delivered;
  }

  /** Changes a list (its dynamic entry comes or goes) and tells the listeners that asked. */
  changeList(list: ChangingList): void {
    if (!this.changed.delete(list)) this.changed.add(list);
    this.notify({ jsonrpc: '2.0', method: LIST_CHANGED_FIELDS[FILTER_FIELD[list]] });
  }

  /** Whether `list` currently holds its dynamic entry. */
  hasDynamicEntry(list: ChangingList): boolean {
    return this.changed.has(list);
  }

  get size(): number {
    return this.open.size;
  }

  /** Ends every subscription gracefully (server shutdown): the empty listen result, then the end of the stream. */
  closeAll(): void {
    for (const subscription of [...this.open]) {
      const { id, stream } = subscription;
      stream.send({ jsonrpc: '2.0', id, result: { resultType: 'complete', _meta: { [SUBSCRIPTION_ID_META]: id } } });
      stream.close();
      this.end(subscription);
    }
  }

  private end(subscription: OpenSubscription): void {
    if (this.open.delete(subscription)) this.emit('ended', subscription.id);
  }
}

/** A notification with the subscription id added to its `params._meta`. */
function tagged(id: JsonRpcId, notification: JsonRpcNotification): JsonRpcNotification {
  const params = notification.params ?? {};
  return { ...notification, params: { ...params, _meta: { ...(params._meta as object | undefined), [SUBSCRIPTION_ID_META]: id } } };
}

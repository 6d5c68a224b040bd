import { describe, expect, it } from 'vitest';
import { lintExchanges } from '../../src/main/core/lint/engine';
import type { Exchange } from '../../src/shared/exchange';
import { exchange } from '../helpers/exchangeFactory';

// The subscriptions/listen rules (2026-07-28) on recorded exchanges: a listen POST answered
// with an SSE stream, judged by the whole engine as a saved capture is. Each fault is one
// stream that breaks one requirement; the spec-correct stream gives no finding at all.

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'subscriptions/listen' };
const SSE = { 'content-type': 'text/event-stream' };
const ID = 'listen:1';
const SUB = 'io.modelcontextprotocol/subscriptionId';
const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };

const ack = (notifications: Record<string, unknown> = { toolsListChanged: true }, id: unknown = ID) => ({
  jsonrpc: '2.0',
  method: 'notifications/subscriptions/acknowledged',
  params: { _meta: { [SUB]: id }, notifications },
});
const toolsChanged = (id: unknown = ID) => ({ jsonrpc: '2.0', method: 'notifications/tools/list_changed', params: { _meta: { [SUB]: id } } });
const promptsChanged = { jsonrpc: '2.0', method: 'notifications/prompts/list_changed', params: { _meta: { [SUB]: ID } } };
const gracefulEnd = (id: unknown = ID) => ({ jsonrpc: '2.0', id: ID, result: { resultType: 'complete', _meta: { [SUB]: id } } });

/** A listen stream the client closed after these messages (or the server ended, with `endedBy: 'server'`). */
function listen(messages: unknown[], options: { filter?: Record<string, unknown>; endedBy?: 'client' | 'server' } = {}): Exchange {
  const body = messages.map((m) => `event: message\ndata: ${JSON.stringify(m)}\n\n`).join(': ping\n\n');
  const byClient = (options.endedBy ?? 'client') === 'client';
  return exchange({
    headers: HEADERS,
    body: { jsonrpc: '2.0', id: ID, method: 'subscriptions/listen', params: { _meta: meta, notifications: options.filter ?? { toolsListChanged: true } } },
    response: { status: 200, headers: SSE, body },
    state: byClient ? 'aborted' : 'complete',
    ...(byClient ? { error: { kind: 'client-aborted' as const, message: 'The client closed the connection before the response finished' } } : {}),
  });
}

const rulesFired = (e: Exchange) => lintExchanges([e]).findings.map((f) => f.ruleId);
const messageOf = (e: Exchange, rule: string) => lintExchanges([e]).findings.find((f) => f.ruleId === rule)?.message;

describe('lint: subscriptions/listen', () => {
  it('is silent on a spec-correct stream: acknowledgement first, tagged notifications, a graceful end', () => {
    expect(rulesFired(listen([ack(), toolsChanged()]))).toEqual([]);
    expect(rulesFired(listen([ack(), toolsChanged(), gracefulEnd()], { endedBy: 'server' }))).toEqual([]);
    // A server that agrees to nothing acknowledges an empty filter: still right.
    expect(rulesFired(listen([ack({})], { filter: { toolsListChanged: true, resourceSubscriptions: ['file:///a'] } }))).toEqual([]);
    // Refused (no subscriptions at all): a JSON-RPC error is no stream to judge.
    const refused = exchange({ headers: HEADERS, body: { jsonrpc: '2.0', id: ID, method: 'subscriptions/listen', params: { _meta: meta, notifications: {} } }, response: { status: 404, body: { jsonrpc: '2.0', id: ID, error: { code: -32601, message: 'Method not found' } } } });
    expect(rulesFired(refused)).toEqual([]);
  });

  it('sse-without-pings judges listen streams too: 40 s of silence after the acknowledgement, or pings every 10 s', () => {
    const quiet = listen([ack()]);
    quiet.timings = { upstreamHeaders: 5, end: 40_005 };
    quiet.sseEvents = [{ index: 0, at: 6, kind: 'event', data: JSON.stringify(ack()) }];
    expect(rulesFired(quiet)).toEqual(['sse-without-pings']);
    expect(messageOf(quiet, 'sse-without-pings')).toContain('The subscriptions/listen stream was silent for 40 s');
    const pinged = listen([ack()]);
    pinged.timings = { upstreamHeaders: 5, end: 40_005 };
    pinged.sseEvents = [{ index: 0, at: 6, kind: 'event', data: JSON.stringify(ack()) }, ...[1, 2, 3, 4].map((n) => ({ index: n, at: n * 10_000, kind: 'comment' as const, comment: 'ping' }))];
    expect(rulesFired(pinged)).toEqual([]);
  });

  describe('listen-ack-not-first', () => {
    it('fires when a notification comes before the acknowledgement', () => {
      const e = listen([toolsChanged(), ack()]);
      expect(rulesFired(e)).toEqual(['listen-ack-not-first']);
      expect(messageOf(e, 'listen-ack-not-first')).toContain('was notifications/tools/list_changed, not notifications/subscriptions/acknowledged, and the acknowledgement came only as message 2');
    });

    it('fires when the server ends the stream with nothing, not when the client leaves before the first message', () => {
      expect(rulesFired(listen([], { endedBy: 'server' }))).toEqual(['listen-ack-not-first']);
      expect(rulesFired(listen([], { endedBy: 'client' }))).toEqual([]);
    });

    it('fires on a listen answered with one JSON result instead of a stream', () => {
      const e = exchange({ headers: HEADERS, body: { jsonrpc: '2.0', id: ID, method: 'subscriptions/listen', params: { _meta: meta, notifications: {} } }, response: { status: 200, body: { jsonrpc: '2.0', id: ID, result: { resultType: 'complete', _meta: { [SUB]: ID } } } } });
      expect(rulesFired(e)).toEqual(['listen-ack-not-first']);
    });
  });

  describe('listen-subscription-id-mismatch', () => {
    it('fires on a notification without the id, or with the id of another type (a number for a string id)', () => {
      const e = listen([ack(), toolsChanged(null), toolsChanged(1)]);
      expect(rulesFired(e)).toEqual(['listen-subscription-id-mismatch']);
      expect(messageOf(e, 'listen-subscription-id-mismatch')).toBe(
        '2 of 3 messages on the subscriptions/listen stream lack the subscription id "listen:1" (the listen request\'s id) in _meta["io.modelcontextprotocol/subscriptionId"]: notifications/tools/list_changed has null; notifications/tools/list_changed has 1.',
      );
    });

    it('fires on an acknowledgement or a graceful-end result with another id', () => {
      expect(rulesFired(listen([ack(undefined, 'sub-1')]))).toEqual(['listen-subscription-id-mismatch']);
      expect(rulesFired(listen([ack(), gracefulEnd('other')], { endedBy: 'server' }))).toEqual(['listen-subscription-id-mismatch']);
    });
  });

  describe('listen-notification-outside-filter', () => {
    it('fires on a notification type the filter did not ask for', () => {
      const e = listen([ack({ promptsListChanged: true }), toolsChanged()], { filter: { promptsListChanged: true } });
      expect(rulesFired(e)).toEqual(['listen-notification-outside-filter']);
      expect(messageOf(e, 'listen-notification-outside-filter')).toBe('The subscriptions/listen stream asked for prompts but carried 1 message outside it: notifications/tools/list_changed (not requested).');
    });

    it('fires on request-scoped messages and on more than the acknowledgement agreed to', () => {
      const progress = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1, _meta: { [SUB]: ID } } };
      expect(rulesFired(listen([ack(), progress]))).toEqual(['listen-notification-outside-filter']);
      const e = listen([ack({ toolsListChanged: true }), promptsChanged], { filter: { toolsListChanged: true, promptsListChanged: true } });
      expect(messageOf(e, 'listen-notification-outside-filter')).toContain('notifications/prompts/list_changed (not in what the acknowledgement agreed to: tools)');
    });

    it('judges resource updates by URI', () => {
      const updated = (uri: string) => ({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri, _meta: { [SUB]: ID } } });
      const filter = { resourceSubscriptions: ['file:///a'] };
      expect(rulesFired(listen([ack(filter), updated('file:///a')], { filter }))).toEqual([]);
      expect(messageOf(listen([ack(filter), updated('file:///b')], { filter }), 'listen-notification-outside-filter')).toContain('notifications/resources/updated for file:///b (not requested)');
    });

    it('judges task status notifications (tasks extension) by taskId', () => {
      const taskStatus = (taskId: string) => ({ jsonrpc: '2.0', method: 'notifications/tasks', params: { taskId, status: 'working', _meta: { [SUB]: ID } } });
      const filter = { taskIds: ['t-1', 't-2'] };
      expect(rulesFired(listen([ack(filter), taskStatus('t-1')], { filter }))).toEqual([]);
      expect(rulesFired(listen([ack({ taskIds: ['t-1'] }), taskStatus('t-3')], { filter }))).toEqual(['listen-notification-outside-filter']);
      expect(messageOf(listen([ack({ taskIds: ['t-1'] }), taskStatus('t-2')], { filter }), 'listen-notification-outside-filter')).toContain('(not in what the acknowledgement agreed to: 1 task)');
    });
  });
});

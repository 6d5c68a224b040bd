import { once } from 'node:events';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/shared/exchange';
import type { Rule } from '../../src/shared/rules';
import { startInspector } from '../helpers/inspector';

// Breakpoints pause a real exchange until resumed (edited or not) or their timeout; replay
// sends a recorded request again as a new, linked exchange.

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', clientInfo: { name: 'bp-test', version: '1' } } };
const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify(body) });

const breakpointRule = (stage: 'request' | 'response', timeoutMs?: number): Rule => ({
  id: `bp-${stage}`,
  description: `Break on initialize (${stage})`,
  enabled: true,
  match: [{ type: 'jsonrpc-method', methods: ['initialize'] }],
  steps: [{ type: 'breakpoint', stage, ...(timeoutMs ? { timeoutMs } : {}) }],
});

/** Resolves with the exchange as soon as a breakpoint holds it. */
function whenPaused(running: Awaited<ReturnType<typeof startInspector>>): Promise<Exchange> {
  return new Promise((resolve) => {
    const unsubscribe = running.inspector.subscribe((event) => {
      if (event.type === 'exchange:update' && event.patch?.paused) {
        unsubscribe();
        resolve(running.inspector.exchange(event.id)!);
      }
    });
  });
}

describe('breakpoints and replay', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('holds a request before the upstream, then sends the edited request on', async () => {
    const running = await startInspector({ profile: { tokenRequired: 'none' }, rules: [breakpointRule('request')] });
    cleanups.push(running.close);
    const answer = post(running.info.mcpUrl, initialize);
    const paused = await whenPaused(running);
    expect(paused.paused?.stage).toBe('request');
    expect(paused.paused!.resumesAt).toBeGreaterThan(Date.now());
    const edited = { ...initialize, params: { ...initialize.params, protocolVersion: '2024-11-05' } };
    expect(running.inspector.resume(paused.id, { body: JSON.stringify(edited) })).toBe(true);
    const response = await answer;
    expect((await response.json()).result.protocolVersion).toBe('2024-11-05');
    const done = await running.waitForExchange((e) => e.id === paused.id);
    expect(done.paused).toBeUndefined();
    expect(done.appliedRules[0]?.explanation).toContain('pause before the request goes upstream');
    expect(running.inspector.resume(paused.id)).toBe(false);
  });

  it('refuses an edited URL that would break the request line (header injection), answering 500 and recording why', async () => {
    const running = await startInspector({ profile: { tokenRequired: 'none' }, rules: [breakpointRule('request')] });
    cleanups.push(running.close);
    const answer = post(running.info.mcpUrl, initialize);
    const paused = await whenPaused(running);
    running.inspector.resume(paused.id, { url: '/mcp HTTP/1.1\r\nX-Injected: yes\r\nFoo: bar' });
    const response = await answer;
    expect(response.status).toBe(500);
    expect((await response.json()).message).toContain('has characters a request line cannot carry');
    const done = await running.waitForExchange((e) => e.id === paused.id);
    expect(done).toMatchObject({ state: 'failed', error: { kind: 'proxy-error' }, response: { status: 500 } });
    expect(running.ended.some((e) => e.request.headers['x-injected'])).toBe(false);
  });

  it('holds a response before the client sees it, and lets the user change the status', async () => {
    const running = await startInspector({ profile: { tokenRequired: 'none' }, rules: [breakpointRule('response')] });
    cleanups.push(running.close);
    const answer = post(running.info.mcpUrl, initialize);
    const paused = await whenPaused(running);
    expect(paused.paused?.stage).toBe('response');
    running.inspector.resume(paused.id, { status: 503, body: '{"error":"edited at a breakpoint"}' });
    const response = await answer;
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: 'edited at a breakpoint' });
    const done = await running.waitForExchange((e) => e.id === paused.id);
    expect(done.upstreamResponse?.status).toBe(200);
    expect(done.response?.status).toBe(503);
  });

  it('resumes by itself when nobody answers before the timeout', async () => {
    const running = await startInspector({ profile: { tokenRequired: 'none' }, rules: [breakpointRule('request', 50)] });
    cleanups.push(running.close);
    const response = await post(running.info.mcpUrl, initialize);
    expect(response.status).toBe(200);
    const done = await running.waitForExchange((e) => e.classification.jsonRpc?.methods[0] === 'initialize');
    expect(done.paused).toBeUndefined();
  });

  it('replays a recorded request as a new exchange linked to the original, as-is or edited', async () => {
    const running = await startInspector({ profile: { tokenRequired: 'none' } });
    cleanups.push(running.close);
    await post(running.info.mcpUrl, initialize);
    const original = await running.waitForExchange((e) => e.classification.jsonRpc?.methods[0] === 'initialize');
    const again = await running.inspector.replay(original.id);
    expect(again.status).toBe(200);
    const replayed = await running.waitForExchange((e) => e.id === again.exchangeId);
    expect(replayed.replayOf).toBe(original.id);
    expect(replayed.request.body?.data).toBe(original.request.body?.data);
    expect(replayed.request.headers['x-mcp-inspector-replay']).toBeUndefined();

    const edited = await running.inspector.replay(original.id, { body: '{"jsonrpc":"2.0","id":9,"method":"nope"}' });
    const editedExchange = await running.waitForExchange((e) => e.id === edited.exchangeId);
    expect(editedExchange.response?.status).toBe(400); // no session id: the edit really went out
    await expect(running.inspector.replay('no-such-id')).rejects.toThrow(/No exchange/);
  });

  it('records what a request breakpoint changed, and lets go of an exchange whose client left', async () => {
    const running = await startInspector({ profile: { tokenRequired: 'none' }, rules: [breakpointRule('request')] });
    cleanups.push(running.close);
    const answer = post(running.info.mcpUrl, initialize);
    const paused = await whenPaused(running);
    running.inspector.resume(paused.id, { headers: { 'X-Edited': 'yes' }, body: JSON.stringify(initialize) });
    await answer;
    const done = await running.waitForExchange((e) => e.id === paused.id);
    expect(done.appliedRules.map((r) => r.explanation)).toContainEqual(expect.stringMatching(/^Edited at the breakpoint before the upstream: headers X-Edited; body \(\d+ bytes\)$/));

    const controller = new AbortController();
    const left = fetch(running.info.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(initialize), signal: controller.signal }).catch(() => 'aborted');
    const held = await whenPaused(running);
    controller.abort();
    expect(await left).toBe('aborted');
    const aborted = await running.waitForExchange((e) => e.id === held.id);
    expect(aborted.state).toBe('aborted');
    expect(aborted.paused).toBeUndefined();
    expect(running.inspector.resume(held.id)).toBe(false);
  });

  it('replays: each of two at once learns its own exchange; edited headers replace recorded ones whatever their case; Expect and absolute-form requests go again', async () => {
    const running = await startInspector({ profile: { tokenRequired: 'none' } });
    cleanups.push(running.close);
    const raw = request(`${running.origin}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', expect: '100-continue' } });
    raw.on('continue', () => raw.end(JSON.stringify(initialize)));
    await once(raw, 'response');
    const original = await running.waitForExchange((e) => e.classification.jsonRpc?.methods[0] === 'initialize');
    const [a, b] = await Promise.all([running.inspector.replay(original.id), running.inspector.replay(original.id)]);
    expect(a.status).toBe(200);
    expect(new Set([a.exchangeId, b.exchangeId]).size).toBe(2);
    const edited = await running.inspector.replay(original.id, { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
    const editedExchange = await running.waitForExchange((e) => e.id === edited.exchangeId);
    expect(editedExchange.request.headers['content-type']).toBe('application/json; charset=utf-8');
    const absolute = await running.inspector.replay({ ...original, request: { ...original.request, url: `http://example.test/mcp` } });
    expect(absolute.status).toBe(200);
  });

  it('ignores a forged replay marker from a client', async () => {
    const running = await startInspector({ profile: { tokenRequired: 'none' } });
    cleanups.push(running.close);
    await fetch(running.info.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-mcp-inspector-replay': 'guess:abc' }, body: JSON.stringify(initialize) });
    const exchange = await running.waitForExchange((e) => e.classification.jsonRpc?.methods[0] === 'initialize');
    expect(exchange.replayOf).toBeUndefined();
  });
});

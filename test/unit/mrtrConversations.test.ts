import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureStore } from '../../src/main/core/recorder/captureStore';
import { fromHar, toHar } from '../../src/main/core/recorder/har';
import { linkConversations } from '../../src/main/core/recorder/mrtr';
import { Recorder } from '../../src/main/core/recorder/recorder';
import { conversationVerdict } from '../../src/shared/mrtr';
import { exchangeOutcome } from '../../src/shared/outcome';
import { exchange as constructed } from '../helpers/exchangeFactory';
import { accept, ask, body, complete, inputRequired, post } from '../helpers/mrtrTraffic';

// The rounds of a 2026-07-28 multi-round-trip request, as the recorder sees them through the
// front door: every message a POST, a retry a new JSON-RPC id carrying inputResponses and the
// echoed requestState.

describe('MRTR conversations in the recorder', () => {
  it('links three rounds by their echoed requestState, with the keys asked and answered', () => {
    const recorder = new Recorder();
    const r1 = post(recorder, 'sdk/2.4', { id: 1 }, { result: inputRequired(ask('step1'), 'state-1') });
    const r2 = post(recorder, 'sdk/2.4', { id: 2, inputResponses: { step1: accept({ name: 'Ada' }) }, requestState: 'state-1' }, { result: inputRequired(ask('step2'), 'state-2') }, true);
    const r3 = post(recorder, 'sdk/2.4', { id: 3, inputResponses: { step2: accept({ color: 'red' }) }, requestState: 'state-2' }, { result: complete });

    expect(r1.mrtr).toEqual({ conversation: r1.id, round: 1, inputKeys: ['step1'], inputMethods: { step1: 'elicitation/create' }, stateIssued: true, answer: 'input_required', final: false });
    expect(r2.mrtr).toMatchObject({ conversation: r1.id, round: 2, responseKeys: ['step1'], linkedBy: 'requestState', stateEchoed: true, inputKeys: ['step2'], stateChanged: true, answer: 'input_required', final: false });
    expect(r3.mrtr).toMatchObject({ conversation: r1.id, round: 3, responseKeys: ['step2'], linkedBy: 'requestState', stateEchoed: true, answer: 'complete', final: true });
    // An input_required answer is a step, not a failure and not the final word.
    expect(exchangeOutcome(r1)).toMatchObject({ outcome: 'input-required' });
    expect(exchangeOutcome(r1).reason).toContain('step1 (elicitation/create)');
    expect(exchangeOutcome(r3).outcome).toBe('ok');
    expect(conversationVerdict([r1, r2, r3].map((e) => ({ mrtr: e.mrtr! })))).toEqual({ outcome: 'complete', rounds: 3, reason: 'finished after 3 rounds' });
  });

  it('links a retry without requestState by method, target, connection and the keys it answers', () => {
    const recorder = new Recorder();
    const other = post(recorder, 'sdk/2.4', { id: 1, tool: 'other' }, { result: inputRequired(ask('user_name')) });
    const r1 = post(recorder, 'sdk/2.4', { id: 2 }, { result: inputRequired(ask('user_name')) });
    const r2 = post(recorder, 'sdk/2.4', { id: 3, inputResponses: { user_name: accept({ user_name: 'Ada' }) } }, { result: complete });
    expect(r2.mrtr).toMatchObject({ conversation: r1.id, round: 2, linkedBy: 'inputKeys', final: true });
    expect(r2.mrtr).not.toHaveProperty('stateEchoed');
    // The other tool's conversation is still waiting for its client.
    expect(conversationVerdict([{ mrtr: other.mrtr! }])).toMatchObject({ outcome: 'waiting', reason: expect.stringContaining('waiting for the client: the server asked for user_name (elicitation/create)') });
    expect(conversationVerdict([{ mrtr: other.mrtr! }], true).outcome).toBe('abandoned');
  });

  it('keeps the interleaved conversations of two clients apart, with and without a state', () => {
    const recorder = new Recorder();
    const a1 = post(recorder, 'client-a/1', { id: 1 }, { result: inputRequired(ask('step1'), 'state-a1') });
    const b1 = post(recorder, 'client-b/1', { id: 1 }, { result: inputRequired(ask('step1')) });
    const b2 = post(recorder, 'client-b/1', { id: 2, inputResponses: { step1: accept({ name: 'Bo' }) } }, { result: inputRequired(ask('step2')) });
    const a2 = post(recorder, 'client-a/1', { id: 2, inputResponses: { step1: accept({ name: 'Ada' }) }, requestState: 'state-a1' }, { result: complete });
    const b3 = post(recorder, 'client-b/1', { id: 3, inputResponses: { step2: accept({ color: 'blue' }) } }, { result: complete });
    expect(a2.mrtr).toMatchObject({ conversation: a1.id, round: 2, linkedBy: 'requestState', final: true });
    expect(b2.mrtr).toMatchObject({ conversation: b1.id, round: 2, linkedBy: 'inputKeys' });
    expect(b3.mrtr).toMatchObject({ conversation: b1.id, round: 3, final: true });
    expect(recorder.connectionOf(a1)).not.toBe(recorder.connectionOf(b1));
  });

  it('links a tampered requestState to its conversation and ends it on the server\'s error', () => {
    const recorder = new Recorder();
    const r1 = post(recorder, 'sdk/2.4', { id: 1 }, { result: inputRequired(ask('user_name'), 'signed-state') });
    const r2 = post(recorder, 'sdk/2.4', { id: 2, inputResponses: { user_name: accept({ user_name: 'x' }) }, requestState: 'signed-stateX' }, { error: { code: -32602, message: 'Invalid requestState' } });
    expect(r2.mrtr).toMatchObject({ conversation: r1.id, round: 2, linkedBy: 'inputKeys', stateEchoed: false, answer: 'error', final: true });
    expect(exchangeOutcome(r2)).toMatchObject({ outcome: 'failed' });
    expect(conversationVerdict([{ mrtr: r1.mrtr! }, { mrtr: r2.mrtr!, failure: exchangeOutcome(r2).reason }])).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('Invalid requestState') });
  });

  it('leaves a first call that already carries inputResponses, and ordinary calls, unlinked', () => {
    const recorder = new Recorder();
    const plain = post(recorder, 'sdk/2.4', { id: 1 }, { result: complete });
    const fresh = post(recorder, 'sdk/2.4', { id: 2, inputResponses: { wrong_key: accept({}) } }, { result: inputRequired(ask('user_name')) });
    expect(plain.mrtr).toBeUndefined();
    expect(fresh.mrtr).toMatchObject({ conversation: fresh.id, round: 1, inputKeys: ['user_name'] });
  });

  it('links a finished list of exchanges the same way (an imported HAR, constructed exchanges)', () => {
    const call = (id: number, extra: Record<string, unknown>, result: unknown, startedAt: number) =>
      constructed({ startedAt, headers: { 'content-type': 'application/json', 'user-agent': 'x/1' }, body: { jsonrpc: '2.0', id, method: 'prompts/get', params: { name: 'p', ...extra } }, response: { body: { jsonrpc: '2.0', id, result } } });
    const r1 = call(1, {}, inputRequired(ask('a'), 's1'), 1000);
    const r2 = call(2, { inputResponses: { a: accept({ a: '1' }) }, requestState: 's1' }, complete, 2000);
    linkConversations([r2, r1]);
    expect(r2.mrtr).toMatchObject({ conversation: r1.id, round: 2, final: true });
  });

  it('keeps the rounds in capture files and HAR exports', async () => {
    const recorder = new Recorder();
    const root = mkdtempSync(join(tmpdir(), 'mrtr-capture-'));
    try {
      const store = new CaptureStore(root);
      const detach = store.attach(recorder, 'mrtr');
      const r1 = post(recorder, 'sdk/2.4', { id: 1 }, { result: inputRequired(ask('step1'), 'state-1') });
      const r2 = post(recorder, 'sdk/2.4', { id: 2, inputResponses: { step1: accept({}) }, requestState: 'state-1' }, { result: complete });
      detach();
      const read = await store.read(detach.writer.id);
      expect(read.exchanges.map((e) => e.mrtr)).toEqual([r1.mrtr, r2.mrtr]);
      const back = fromHar(JSON.parse(JSON.stringify(toHar([r1, r2]))));
      expect(back.map((e) => e.mrtr)).toEqual([r1.mrtr, r2.mrtr]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('keeps a conversation open when a retry is refused without a JSON-RPC answer, so the next retry still links', () => {
    const recorder = new Recorder();
    const r1 = post(recorder, 'sdk/2.4', { id: 1 }, { result: inputRequired(ask('name'), 'state-1') });
    const refused = recorder.start({ method: 'POST', url: '/mcp', httpVersion: '1.1', headers: { 'content-type': 'application/json', 'user-agent': 'sdk/2.4' } });
    refused.requestComplete(body({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'confirm', inputResponses: { name: accept({ name: 'Ada' }) }, requestState: 'state-1' } }));
    refused.responseStarted({ status: 400, headers: { 'content-type': 'text/plain' } });
    refused.complete(body('Mcp-Name header does not match the body'));
    const r3 = post(recorder, 'sdk/2.4', { id: 3, inputResponses: { name: accept({ name: 'Ada' }) }, requestState: 'state-1' }, { result: complete });
    expect(refused.exchange.mrtr).toMatchObject({ conversation: r1.id, round: 2, final: false });
    expect(refused.exchange.mrtr).not.toHaveProperty('answer');
    expect(r3.mrtr).toMatchObject({ conversation: r1.id, round: 3, linkedBy: 'requestState', stateEchoed: true, answer: 'complete', final: true });
    expect(conversationVerdict([{ mrtr: r1.mrtr! }, { mrtr: refused.exchange.mrtr!, failure: exchangeOutcome(refused.exchange).reason }])).toMatchObject({
      outcome: 'failed',
      reason: 'round 2 got no JSON-RPC answer: 400: Mcp-Name header does not match the body',
    });
  });

  it('links retries of two clients that were issued the same state (a stateless server keeps only the answers) by state, each on its connection', () => {
    const recorder = new Recorder();
    const a1 = post(recorder, 'client-a/1', { id: 1 }, { result: inputRequired(ask('step1'), 'same-state') });
    const b1 = post(recorder, 'client-b/1', { id: 1 }, { result: inputRequired(ask('step1'), 'same-state') });
    const b2 = post(recorder, 'client-b/1', { id: 2, inputResponses: { step1: accept({ name: 'Bo' }) }, requestState: 'same-state' }, { result: complete });
    const a2 = post(recorder, 'client-a/1', { id: 2, inputResponses: { step1: accept({ name: 'Ada' }) }, requestState: 'same-state' }, { result: complete });
    expect(b2.mrtr).toMatchObject({ conversation: b1.id, round: 2, linkedBy: 'requestState', stateEchoed: true });
    expect(a2.mrtr).toMatchObject({ conversation: a1.id, round: 2, linkedBy: 'requestState', stateEchoed: true });
    // On one connection the oldest conversation with that state takes the first retry.
    const same = new Recorder();
    const first = post(same, 'node', { id: 1 }, { result: inputRequired(ask('step1'), 'same-state') });
    const second = post(same, 'node', { id: 1 }, { result: inputRequired(ask('step1'), 'same-state') });
    const retries = [2, 3].map((id) => post(same, 'node', { id, inputResponses: { step1: accept({}) }, requestState: 'same-state' }, { result: complete }));
    expect(retries.map((r) => [r.mrtr!.conversation, r.mrtr!.linkedBy])).toEqual([
      [first.id, 'requestState'],
      [second.id, 'requestState'],
    ]);
  });
});


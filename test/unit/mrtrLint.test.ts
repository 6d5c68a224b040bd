import { describe, expect, it } from 'vitest';
import { lintExchanges } from '../../src/main/core/lint/engine';
import { Recorder } from '../../src/main/core/recorder/recorder';
import type { LintRuleId } from '../../src/shared/lint';
import { accept, ask, complete, inputRequired, post } from '../helpers/mrtrTraffic';

// Lint on the rounds of multi-round-trip requests: the client's retries judged against the
// round before, the server's input_required answers on their own.

const elicitation = { elicitation: {} };

/** The MRTR findings of what the recorder holds, as rule id → exchange ids. */
function mrtrFindings(recorder: Recorder): Array<[LintRuleId, string]> {
  return lintExchanges(recorder.list())
    .findings.filter((f) => f.ruleId.startsWith('mrtr-'))
    .map((f) => [f.ruleId, f.exchangeId]);
}

describe('MRTR lint', () => {
  it('is silent on a well-behaved three-round conversation', () => {
    const recorder = new Recorder();
    post(recorder, 'sdk/2.4', { id: 1, capabilities: elicitation }, { result: inputRequired(ask('step1'), 's1') });
    post(recorder, 'sdk/2.4', { id: 2, capabilities: elicitation, inputResponses: { step1: accept({ name: 'Ada' }) }, requestState: 's1' }, { result: inputRequired(ask('step2'), 's2') });
    post(recorder, 'sdk/2.4', { id: 3, capabilities: elicitation, inputResponses: { step2: accept({ color: 'red' }) }, requestState: 's2' }, { result: complete });
    expect(mrtrFindings(recorder)).toEqual([]);
  });

  it('blames the client for a changed requestState, a reused id and a missing input response', () => {
    const recorder = new Recorder();
    post(recorder, 'sdk/2.4', { id: 1 }, { result: inputRequired({ ...ask('a'), ...ask('b') }, 'state-1') });
    const tampered = post(recorder, 'sdk/2.4', { id: 1, inputResponses: { a: accept({ a: '1' }) }, requestState: 'state-1-edited' }, { error: { code: -32602, message: 'Invalid requestState' } });
    const findings = lintExchanges(recorder.list()).findings.filter((f) => f.ruleId.startsWith('mrtr-'));
    expect(findings.map((f) => f.ruleId).sort()).toEqual(['mrtr-input-responses-missing', 'mrtr-retry-reused-id', 'mrtr-state-not-echoed']);
    expect(findings.every((f) => f.exchangeId === tampered.id)).toBe(true);
    expect(findings.find((f) => f.ruleId === 'mrtr-state-not-echoed')!.message).toContain('sent requestState state-1-edited, but the server\'s input_required answer carried state-1');
    expect(findings.find((f) => f.ruleId === 'mrtr-input-responses-missing')!.message).toContain('no inputResponses for b');
  });

  it('blames the server for an empty input_required and for input the client cannot give', () => {
    const recorder = new Recorder();
    const empty = post(recorder, 'sdk/2.4', { id: 1, tool: 'empty' }, { result: inputRequired(undefined) });
    const sampling = { capital: { method: 'sampling/createMessage', params: { messages: [], maxTokens: 10 } } };
    const undeclared = post(recorder, 'sdk/2.4', { id: 2, tool: 'caps', capabilities: { sampling: {} } }, { result: inputRequired({ ...ask('name'), ...sampling }, 's') });
    // Without declared capabilities there is nothing to judge against.
    post(recorder, 'sdk/2.4', { id: 3, tool: 'caps2' }, { result: inputRequired(ask('name'), 's2') });
    expect(mrtrFindings(recorder)).toEqual([
      ['mrtr-input-required-incomplete', empty.id],
      ['mrtr-input-capability-undeclared', undeclared.id],
    ]);
    const [finding] = lintExchanges(recorder.list()).findings.filter((f) => f.ruleId === 'mrtr-input-capability-undeclared');
    expect(finding!.message).toBe('The server asked for name (elicitation/create, needs elicitation), but the request declared only sampling.');
  });

  it('says a conversation never finished when the client starts the request over instead of retrying', () => {
    const recorder = new Recorder();
    const first = post(recorder, 'old-client/1', { id: 1 }, { result: inputRequired(ask('name'), 's1') });
    expect(mrtrFindings(recorder)).toEqual([]); // still waiting: nothing to say yet
    const again = post(recorder, 'old-client/1', { id: 2 }, { result: inputRequired(ask('name'), 's2') });
    const findings = lintExchanges(recorder.list()).findings.filter((f) => f.ruleId === 'mrtr-abandoned');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ exchangeId: first.id, relatedExchangeIds: [again.id] });
    expect(findings[0]!.message).toContain('the client never retried with inputResponses');
  });

  it('links and judges the rounds of a list recorded without them (an older capture, a foreign HAR)', () => {
    const recorder = new Recorder();
    post(recorder, 'sdk/2.4', { id: 1 }, { result: inputRequired(ask('a'), 'state-1') });
    post(recorder, 'sdk/2.4', { id: 2, inputResponses: { a: accept({ a: '1' }) }, requestState: 'state-2' }, { error: { code: -32602, message: 'Invalid requestState' } });
    const unlinked = recorder.list().map((e) => {
      const copy = structuredClone(e);
      delete copy.mrtr;
      return copy;
    });
    // Both started in the same whole millisecond, the retry's request timed before the first
    // answer within it (what a loaded machine records): the retry still follows the answer.
    // Every timing the ordering reads is set here: measured ones vary with the machine's load
    // (a first request that took 2 ms to arrive would sort after the retry).
    unlinked[1]!.startedAt = unlinked[0]!.startedAt;
    unlinked[0]!.timings = { ...unlinked[0]!.timings, requestEnd: 0.05, upstreamHeaders: 0.9, end: 0.9 };
    unlinked[1]!.timings = { ...unlinked[1]!.timings, requestEnd: 0.1, upstreamHeaders: 0.95, end: 0.95 };
    expect(lintExchanges(unlinked).findings.map((f) => f.ruleId)).toContain('mrtr-state-not-echoed');
    expect(unlinked[1]!.mrtr).toMatchObject({ round: 2, stateEchoed: false });
  });
});


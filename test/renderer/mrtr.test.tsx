// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../src/shared/controlApi';
import type { Exchange, MrtrRound } from '../../src/shared/exchange';
import type { SimulationResult } from '../../src/shared/simulator';
import { matchesQuery, parseQuery } from '../../src/renderer/src/lib/filters';
import { row } from './fixtures';
import { containerPerTest, mountApp, openScreen, settle, waitFor } from './harness';

// The rounds of a multi-round-trip request in the UI: one conversation in the timeline
// ("round 2 of 3", retries indented), and in the detail pane the input requests and responses
// with the opaque requestState and whether it changed between rounds.

const T0 = 1_700_000_000_000;
const json = (value: unknown) => {
  const data = JSON.stringify(value);
  return { size: data.length, encoding: 'utf8' as const, data, truncated: false };
};
const ask = (key: string, message: string, field: string) => ({ [key]: { method: 'elicitation/create', params: { message, requestedSchema: { type: 'object', properties: { [field]: { type: 'string' } } } } } });
const STATE_1 = 'eyJhbGciOiJIUzI1NiJ9.eyJyb3VuZCI6MSwiYW5zd2VycyI6e319.c2lnbmF0dXJlLW9uZQ';
const STATE_2 = 'eyJhbGciOiJIUzI1NiJ9.eyJyb3VuZCI6MiwiYW5zd2VycyI6eyJzdGVwMSI6e319fQ.c2lnbmF0dXJlLXR3bw';

/** One tools/call round: what the client sent, what the server answered, and its place in the conversation. */
function round(id: string, at: number, params: Record<string, unknown>, result: Record<string, unknown>, mrtr: MrtrRound): Exchange {
  return {
    id,
    startedAt: T0 + at,
    timings: { requestEnd: 1, upstreamHeaders: 2, end: 3 },
    state: 'complete',
    client: { family: 'mcp-sdk', label: 'MCP SDK 2.4' },
    request: { method: 'POST', url: '/mcp', httpVersion: '1.1', headers: { 'content-type': 'application/json' }, body: json({ jsonrpc: '2.0', id: at, method: 'tools/call', params: { name: 'confirm', arguments: {}, ...params } }) },
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: json({ jsonrpc: '2.0', id: at, result }) },
    sseEvents: [],
    classification: { phase: 'jsonrpc', label: 'tools/call confirm', jsonRpc: { kind: 'request', methods: ['tools/call'], ids: [at], target: 'confirm' } },
    appliedRules: [],
    mrtr,
  };
}

const r1 = round('r1', 10, {}, { resultType: 'input_required', inputRequests: ask('step1', 'What is your name?', 'name'), requestState: STATE_1 }, { conversation: 'r1', round: 1, inputKeys: ['step1'], inputMethods: { step1: 'elicitation/create' }, stateIssued: true, answer: 'input_required', final: false });
const other = round('other', 20, {}, { resultType: 'complete', content: [] }, undefined as unknown as MrtrRound);
delete (other as Partial<Exchange>).mrtr;
const r2 = round(
  'r2',
  30,
  { inputResponses: { step1: { action: 'accept', content: { name: 'Ada' } } }, requestState: STATE_1 },
  { resultType: 'input_required', inputRequests: ask('step2', 'Your favourite colour?', 'color'), requestState: STATE_2 },
  { conversation: 'r1', round: 2, responseKeys: ['step1'], linkedBy: 'requestState', stateEchoed: true, inputKeys: ['step2'], inputMethods: { step2: 'elicitation/create' }, stateIssued: true, stateChanged: true, answer: 'input_required', final: false },
);
const r3 = round('r3', 40, { inputResponses: { step2: { action: 'accept', content: { color: 'teal' } } }, requestState: `${STATE_2}x` }, { resultType: 'complete', content: [{ type: 'text', text: 'done' }] }, {
  conversation: 'r1',
  round: 3,
  responseKeys: ['step2'],
  linkedBy: 'inputKeys',
  stateEchoed: false,
  answer: 'complete',
  final: true,
});

function summaryOf(e: Exchange): ExchangeSummary {
  return row({
    id: e.id,
    startedAt: e.startedAt,
    method: 'POST',
    url: '/mcp',
    phase: 'jsonrpc',
    label: e.classification.label,
    rpcMethods: ['tools/call'],
    rpcTarget: 'confirm',
    status: 200,
    state: 'complete',
    outcome: e.mrtr?.answer === 'input_required' ? 'input-required' : 'ok',
    connectionId: 'ua:sdk',
    runId: 'run:1',
    ...(e.mrtr ? { mrtr: e.mrtr } : {}),
  });
}


describe('MRTR rounds in the UI', () => {
  const { dom: current, $, $$ } = containerPerTest();

  async function mount(open?: string, exchanges: Exchange[] = [r1, other, r2, r3]) {
    const byId = new Map(exchanges.map((e) => [e.id, e]));
    const app = await mountApp(current().root, {
      'exchanges.list': () => exchanges.map(summaryOf),
      'exchanges.get': (params) => byId.get((params as { id: string }).id) ?? null,
    });
    if (open) await act(async () => app.store.getState().select(open));
    return app;
  }

  it('shows the rounds in the timeline as one conversation: round n of 3, retries indented', async () => {
    await mount();
    await waitFor(() => $$('[data-testid=row]').length === 4, 'the rows');
    const badge = (id: string) => $(`[data-testid=row][data-id="${id}"] [data-testid=mrtr-badge]`)?.textContent;
    // Compact in the row, retries pointing back at the first round; the tooltip says it in words.
    expect([badge('r1'), badge('r2'), badge('r3')]).toEqual(['1/3', '↳ 2/3', '↳ 3/3']);
    expect(badge('other')).toBeUndefined();
    expect($('[data-testid=row][data-id="r2"]')!.className).toContain('mrtr-retry');
    expect($('[data-testid=row][data-id="r1"]')!.className).not.toContain('mrtr-retry');
    expect($('[data-testid=row][data-id="r2"] [data-testid=mrtr-badge]')!.getAttribute('title')).toContain('tools/call confirm · round 2 of 3');
    // An input_required answer is a step, not a failure.
    expect($('[data-testid=row][data-id="r1"]')!.dataset.outcome).toBe('input-required');
    expect($('[data-testid=row][data-id="r1"]')!.className).not.toContain('failed');
  });

  it('filters the rounds with is:mrtr and the rounds that asked for input with is:input-required', () => {
    const [first, plain, second, last] = [r1, other, r2, r3].map(summaryOf);
    const matches = (query: string) => [first, plain, second, last].filter((r) => matchesQuery(r!, parseQuery(query), { resolveConnection: (id) => id })).map((r) => r!.id);
    expect(matches('is:mrtr')).toEqual(['r1', 'r2', 'r3']);
    expect(matches('is:input-required')).toEqual(['r1', 'r2']);
    expect(matches('-is:mrtr')).toEqual(['other']);
  });

  it('shows a round\'s input responses and requests, the opaque requestState and whether it changed', async () => {
    const app = await mount('r2');
    const section = await waitFor(() => $('[data-testid=mrtr-section]'), 'the MRTR section');
    expect(section.querySelector('h3')!.textContent).toBe('Multi-round-trip request: tools/call confirm · round 2 of 3');
    expect(section.querySelector<HTMLElement>('[data-testid=mrtr-verdict]')!.dataset.outcome).toBe('complete');
    expect(section.querySelector('[data-testid=mrtr-verdict]')!.textContent).toBe('finished after 3 rounds');
    await waitFor(() => $('[data-testid=mrtr-asked]'), 'the round tables');
    const response = $('[data-testid=mrtr-sent] [data-testid=mrtr-response][data-key=step1]')!;
    expect(response.textContent).toContain('"Ada"');
    const request = $('[data-testid=mrtr-asked] [data-testid=mrtr-request][data-key=step2]')!;
    expect(request.textContent).toContain('elicitation/create: “Your favourite colour?”; fields: color');
    const sent = $('[data-testid=mrtr-state-sent]')!;
    expect(sent.querySelector('code')!.textContent).toBe(`${STATE_1.slice(0, 12)}…${STATE_1.slice(-6)} (${STATE_1.length} chars)`);
    expect(sent.querySelector('code')!.getAttribute('title')).toBe(STATE_1);
    expect(sent.querySelector<HTMLElement>('[data-testid=mrtr-state-note]')!.dataset.ok).toBe('true');
    expect(sent.textContent).toContain('Echoed verbatim: the state the server issued in round 1.');
    expect($('[data-testid=mrtr-state-issued]')!.textContent).toContain('A new state: it changed from the one the client sent this round.');

    // The other rounds are one click away; round 3 sent a state the server never issued.
    const toRound3 = $$('[data-testid=mrtr-section] .mrtr-rounds button').find((b) => b.textContent!.startsWith('Round 3'))!;
    await act(async () => toRound3.click());
    expect(app.store.getState().selectedId).toBe('r3');
    const note = await waitFor(() => $('[data-testid=mrtr-state-sent] [data-testid=mrtr-state-note]'), 'round 3\'s state note');
    expect(note.dataset.ok).toBe('false');
    expect(note.textContent).toContain('Not the state the server issued in round 2');
    expect($('[data-testid=mrtr-section] [aria-current=step]')!.textContent).toBe('Round 3 (this one): complete');
    // The final answer asks for nothing more.
    expect($('[data-testid=mrtr-asked]')).toBeNull();
  });

  it('lets a simulation call a tool and lists the rounds it took', async () => {
    const result: SimulationResult = {
      runId: 'abcdef12-0000',
      profileId: 'spec@2026-07-28',
      url: 'http://127.0.0.1:7420/mcp',
      ok: true,
      summary: 'connected and listed 12 tools',
      steps: [
        {
          step: 'tools/call',
          title: 'POST /mcp tools/call',
          outcome: 'ok',
          message: 'answered 200 after 3 rounds (step1: elicitation/create; step2: elicitation/create)',
          requests: [],
          rounds: [
            { round: 1, rpcId: 2, asked: [{ key: 'step1', method: 'elicitation/create' }], requestState: true, answer: 'input_required' },
            { round: 2, rpcId: 3, asked: [{ key: 'step2', method: 'elicitation/create' }], requestState: true, answer: 'input_required' },
            { round: 3, rpcId: 4, answer: 'complete' },
          ],
        },
      ],
      startedAt: T0,
      durationMs: 40,
    };
    const profile = { id: 'spec@2026-07-28', family: 'spec', isDefault: false, client: 'Spec-compliant client (2026-07-28)', variant: 'v', observed: 'specification 2026-07-28', sources: [], transport: 'streamable-http', driver: 'replay' };
    const app = await mountApp(current().root, { 'simulate.profiles': () => [profile], 'scenarios.list': () => [], 'simulate.run': () => result });
    await openScreen(current().container, 'Simulate');
    const input = $('input[aria-label="Tool to call"]') as HTMLInputElement;
    await act(async () => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, 'test_input_required_result_multi_round');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => $$('button').find((b) => b.textContent === 'Run simulation')!.click());
    await settle();
    expect(app.calls).toContainEqual(['simulate.run', { client: 'spec@2026-07-28', callTool: { name: 'test_input_required_result_multi_round' } }]);
    expect($$('[data-testid=sim-round]').map((li) => li.textContent)).toEqual([
      'Round 1 (JSON-RPC id 2): input_required, asked for step1 (elicitation/create) with a requestState to echo',
      'Round 2 (JSON-RPC id 3): input_required, asked for step2 (elicitation/create) with a requestState to echo',
      'Round 3 (JSON-RPC id 4): complete',
    ]);
  });

  it('says a conversation was abandoned when the client called the tool afresh instead of retrying', async () => {
    const asked = (id: string, at: number) =>
      round(id, at, {}, { resultType: 'input_required', inputRequests: ask('step1', 'What is your name?', 'name'), requestState: STATE_1 }, { conversation: id, round: 1, inputKeys: ['step1'], inputMethods: { step1: 'elicitation/create' }, stateIssued: true, answer: 'input_required', final: false });
    await mount('first', [asked('first', 10), asked('again', 20)]);
    const verdict = await waitFor(() => $('[data-testid=mrtr-verdict]'), 'the verdict');
    expect(verdict.dataset.outcome).toBe('abandoned');
    expect(verdict.textContent).toBe('abandoned after 1 round: the server asked for step1 (elicitation/create) and the client started the request over instead of retrying with inputResponses');
    // The newest one is still waiting for its retry.
    await act(async () => $('[data-testid=row][data-id="again"]')!.click());
    await waitFor(() => $('[data-testid=mrtr-verdict][data-outcome=waiting]'), 'the waiting verdict');
  });
});


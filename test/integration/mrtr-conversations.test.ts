import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../src/shared/controlApi';
import type { LintFinding } from '../../src/shared/lint';
import type { SimulationResult } from '../../src/shared/simulator';
import { startControl } from '../helpers/control';

// A multi-round-trip request (2026-07-28) through the front door, end to end: a real client
// (the 2.x SDK client, which fulfils input_required itself, or the simulator's spec client)
// calls the reference server's three-round fixture tool; the recorder makes one conversation
// of the three tools/call exchanges, the control API shows it, and lint says nothing.

const MULTI_ROUND = 'test_input_required_result_multi_round';

type Running = Awaited<ReturnType<typeof startControl>>;
let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** The rows of the conversation whose last round has ended, from the control API, in round order. */
async function conversationRows(r: Running, events: ReturnType<Running['events']>, simulationRun?: string): Promise<ExchangeSummary[]> {
  const last = await events.exchange((s) => s.mrtr?.final === true && s.state === 'complete' && (simulationRun === undefined || s.simulationRun === simulationRun));
  const listed = await r.api<ExchangeSummary[]>('exchanges.list', {});
  return listed.result!.filter((row) => row.mrtr?.conversation === last.mrtr!.conversation).sort((a, b) => a.mrtr!.round - b.mrtr!.round);
}

/** What the rows of a well-played three-round conversation say. */
function expectThreeRounds(rows: ExchangeSummary[]): void {
  expect(rows.map((row) => row.mrtr!.round)).toEqual([1, 2, 3]);
  expect(rows.map((row) => row.rpcTarget)).toEqual([MULTI_ROUND, MULTI_ROUND, MULTI_ROUND]);
  expect(rows[0]!.mrtr).toMatchObject({ conversation: rows[0]!.id, inputKeys: ['step1'], stateIssued: true, answer: 'input_required', final: false });
  expect(rows[1]!.mrtr).toMatchObject({ responseKeys: ['step1'], linkedBy: 'requestState', stateEchoed: true, inputKeys: ['step2'], stateChanged: true, answer: 'input_required' });
  expect(rows[2]!.mrtr).toMatchObject({ responseKeys: ['step2'], linkedBy: 'requestState', stateEchoed: true, answer: 'complete', final: true });
  expect(rows.map((row) => row.outcome)).toEqual(['input-required', 'input-required', 'ok']);
}

async function findingsOf(r: Running, rows: ExchangeSummary[]): Promise<LintFinding[]> {
  const all = await r.api<{ findings: LintFinding[] }>('lint.findings', {});
  const ids = new Set(rows.map((row) => row.id));
  return all.result!.findings.filter((f) => ids.has(f.exchangeId) || f.ruleId.startsWith('mrtr-'));
}

/** A 2.x SDK client through the front door, pinned to 2026-07-28, answering the two steps' elicitations. */
async function sdkClient(r: Running, name: string, color: string): Promise<Client> {
  const client = new Client({ name: `mrtr-e2e-${name}`, version: '1.0.0' }, { capabilities: { elicitation: {} }, versionNegotiation: { mode: { pin: '2026-07-28' } } });
  client.setRequestHandler('elicitation/create', async (request) => {
    const message = String((request.params as { message?: string }).message);
    const content: Record<string, string> = message.startsWith('Step 1') ? { name } : { color };
    return { action: 'accept' as const, content };
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${r.proxyOrigin}/mcp`)));
  return client;
}

describe('an MRTR conversation through the front door', () => {
  it('the 2.x SDK client: one conversation of three rounds in the recorder and the control API, no lint finding', async () => {
    running = await startControl({ preset: 'conformance' });
    const events = running.events();
    await events.opened;
    const client = await sdkClient(running, 'Ada', 'teal');
    const result = await client.callTool({ name: MULTI_ROUND, arguments: {} });
    expect((result.content as Array<{ text: string }>)[0]!.text).toBe('Multi-round complete for Ada who likes teal');
    await client.close();

    const rows = await conversationRows(running, events);
    expectThreeRounds(rows);
    // Each retry went under a new JSON-RPC id, and the recorder kept them apart as three exchanges.
    expect(new Set(rows.map((row) => row.id)).size).toBe(3);
    const exchanges = rows.map((row) => running!.inspector.exchange(row.id)!);
    expect(new Set(exchanges.map((e) => e.classification.jsonRpc?.ids[0])).size).toBe(3);
    expect(await findingsOf(running, rows)).toEqual([]);
    events.close();
  });

  it('the simulator\'s 2026-07-28 spec client answers each round and retries until the tool completes', async () => {
    running = await startControl({ preset: 'conformance' });
    const events = running.events();
    await events.opened;
    const run = await running.api<SimulationResult>('simulate.run', { client: 'spec@2026-07-28', callTool: { name: MULTI_ROUND } });
    expect(run.ok).toBe(true);
    const simulation = run.result!;
    expect(simulation.ok).toBe(true);
    const call = simulation.steps.find((s) => s.step === 'tools/call')!;
    expect(call.outcome).toBe('ok');
    expect(call.rounds!.map((r) => [r.round, r.answer, r.asked?.map((a) => a.key)])).toEqual([
      [1, 'input_required', ['step1']],
      [2, 'input_required', ['step2']],
      [3, 'complete', undefined],
    ]);
    // A new JSON-RPC id every round.
    expect(new Set(call.rounds!.map((r) => r.rpcId)).size).toBe(3);
    expect(call.message).toContain('after 3 rounds (step1: elicitation/create; step2: elicitation/create)');

    const rows = await conversationRows(running, events, simulation.runId);
    expectThreeRounds(rows);
    expect(await findingsOf(running, rows)).toEqual([]);
    events.close();
  });

  it('two 2.x SDK clients at once: two conversations of three rounds, each retry with its own client\'s state', async () => {
    running = await startControl({ preset: 'conformance' });
    const [ada, bo] = await Promise.all([sdkClient(running, 'Ada', 'teal'), sdkClient(running, 'Bo', 'red')]);
    const results = await Promise.all([ada.callTool({ name: MULTI_ROUND, arguments: {} }), bo.callTool({ name: MULTI_ROUND, arguments: {} })]);
    expect(results.map((r) => (r.content as Array<{ text: string }>)[0]!.text)).toEqual(['Multi-round complete for Ada who likes teal', 'Multi-round complete for Bo who likes red']);
    await Promise.all([ada.close(), bo.close()]);

    const listed = (await running.api<ExchangeSummary[]>('exchanges.list', {})).result!.filter((row) => row.mrtr);
    const conversations = new Map<string, ExchangeSummary[]>();
    for (const row of listed) conversations.set(row.mrtr!.conversation, [...(conversations.get(row.mrtr!.conversation) ?? []), row]);
    expect(conversations.size).toBe(2);
    for (const rows of conversations.values()) {
      expectThreeRounds(rows.sort((a, b) => a.mrtr!.round - b.mrtr!.round));
      // Every round of one conversation came from one client: the name it gave in round 1 is the one its last round completed with.
      const bodies = rows.map((row) => running!.inspector.exchange(row.id)!.request.body!.data);
      const name = /"name":"(Ada|Bo)"/.exec(bodies[1]!)![1];
      expect(bodies[2]).toContain(name === 'Ada' ? '"color":"teal"' : '"color":"red"');
    }
  });
});


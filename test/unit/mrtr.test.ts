import { afterEach, describe, expect, it, vi } from 'vitest';
import { answersFor, beginRound, InputRequired, RequestStateCodec, type InputRequest } from '../../src/main/core/server/mcp/mrtr';

// The MRTR bookkeeping of the reference server (mrtr.ts): signed requestState bound to its
// request, rounds that accumulate answers, and answers checked against what was asked.

const confirm: InputRequest = { method: 'elicitation/create', params: { message: 'Sure?', requestedSchema: { type: 'object', properties: {} } } };
const params = { name: 'delete_everything', arguments: {} };

afterEach(() => vi.restoreAllMocks());

describe('RequestStateCodec', () => {
  it('verifies what it signed, for the same method and target only', async () => {
    const codec = new RequestStateCodec();
    const state = await codec.sign({ method: 'tools/call', target: 'delete_everything', round: 1, answers: {} });
    await expect(codec.verify(state, 'tools/call', 'delete_everything')).resolves.toMatchObject({ round: 1 });
    await expect(codec.verify(state, 'prompts/get', 'delete_everything')).rejects.toThrow(/issued for tools\/call delete_everything/);
  });

  it('refuses state from another server instance (another key) and expired state', async () => {
    const state = await new RequestStateCodec().sign({ method: 'tools/call', target: 't', round: 1, answers: {} });
    await expect(new RequestStateCodec().verify(state, 'tools/call', 't')).rejects.toThrow(/integrity/);
    const codec = new RequestStateCodec();
    const old = await codec.sign({ method: 'tools/call', target: 't', round: 1, answers: {} });
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 16 * 60_000);
    await expect(codec.verify(old, 'tools/call', 't')).rejects.toThrow(/expired/);
  });
});

describe('rounds', () => {
  it('numbers rounds from the state and merges earlier answers with this retry', async () => {
    const codec = new RequestStateCodec();
    const first = await beginRound('tools/call', params, codec);
    expect(first.round).toBe(1);
    const state = await codec.sign({ method: 'tools/call', target: 'delete_everything', round: 1, answers: { a: { action: 'accept' } } });
    const second = await beginRound('tools/call', { ...params, requestState: state, inputResponses: { b: { action: 'decline' } } }, codec);
    expect(second.round).toBe(2);
    expect(second.answers).toEqual({ a: { action: 'accept' }, b: { action: 'decline' } });
  });

  it('throws InputRequired with exactly the missing requests', async () => {
    const round = await beginRound('tools/call', { ...params, inputResponses: { a: { action: 'accept', content: {} } } }, new RequestStateCodec());
    let thrown: unknown;
    try {
      answersFor(round, { a: confirm, b: confirm });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InputRequired);
    expect(Object.keys((thrown as InputRequired).inputRequests)).toEqual(['b']);
  });

  it('refuses inputResponses that are not an object, and a requestState that is not a string', async () => {
    const codec = new RequestStateCodec();
    await expect(beginRound('tools/call', { ...params, inputResponses: [1] }, codec)).rejects.toThrow(/inputResponses must be an object/);
    await expect(beginRound('tools/call', { ...params, requestState: 7 }, codec)).rejects.toThrow(/echoed verbatim/);
  });
});

import { Client as Client2, StreamableHTTPClientTransport as Transport2 } from '@modelcontextprotocol/client';
import { Client as Client1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as Transport1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningServer } from '../helpers/server';

// Multi-round-trip requests (2026-07-28, SEP-2322) in the reference server. The same fixture
// tool asks for input once, written with ctx.input(): a 2026-07-28 client gets input_required
// results and retries; a session-era client gets server→client requests on the POST's stream.
// Real peers: the 2.x SDK client (fulfils input_required itself and retries) and the 1.x SDK
// client; the protocol edges (tampered or foreign state, malformed answers) by raw fetch.

const MODERN = '2026-07-28';
let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const text = (result: Record<string, unknown>) => (result.content as Array<{ text?: string }>)[0]?.text;

/** A 2.x client pinned to 2026-07-28 that answers elicitations from `answers` and records what it was asked. */
async function modernClient(answers: Record<string, Record<string, string>>) {
  const client = new Client2({ name: 'mrtr-test', version: '2.0.0' }, { capabilities: { elicitation: {}, sampling: {}, roots: {} }, versionNegotiation: { mode: { pin: MODERN } } });
  const asked: string[] = [];
  client.setRequestHandler('elicitation/create', async (request) => {
    const message = String((request.params as { message?: string }).message);
    asked.push(message);
    const content = answers[message];
    return content ? { action: 'accept', content } : { action: 'decline' };
  });
  client.setRequestHandler('sampling/createMessage', async () => ({ role: 'assistant', content: { type: 'text', text: 'Bonjour!' }, model: 'test-model' }));
  client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///work', name: 'work' }] }));
  await client.connect(new Transport2(new URL(running!.mcpUrl)));
  return { client, asked };
}

/** One raw 2026-07-28 request with its envelope and headers, as a 2.x client builds it. */
async function raw(params: Record<string, unknown>, capabilities: Record<string, unknown> = { elicitation: {} }) {
  const body = {
    jsonrpc: '2.0',
    id: Math.floor(Math.random() * 1e9),
    method: 'tools/call',
    params: { ...params, _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': capabilities } },
  };
  const res = await fetch(running!.mcpUrl, {
    method: 'POST',
    // Accept: JSON only, so the conformance preset (which prefers SSE) answers with one JSON body.
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'MCP-Protocol-Version': MODERN, 'Mcp-Method': 'tools/call', 'Mcp-Name': String(params.name) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as { result?: Record<string, any>; error?: { code: number; message: string; data?: any } } };
}

describe('MRTR with the 2.x SDK client (2026-07-28)', () => {
  it('runs a three-round tool call inside one callTool(): two elicitations, then the result', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const { client, asked } = await modernClient({ 'Step 1: What is your name?': { name: 'Ada' }, 'Step 2: What is your favorite color?': { color: 'teal' } });
    const result = await client.callTool({ name: 'test_input_required_result_multi_round', arguments: {} });
    expect(text(result)).toBe('Multi-round complete for Ada who likes teal');
    expect(asked).toEqual(['Step 1: What is your name?', 'Step 2: What is your favorite color?']);
    await client.close();
  });

  it('asks for elicitation, sampling and roots in one round', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const { client } = await modernClient({ 'What is your name?': { name: 'Grace' } });
    const result = await client.callTool({ name: 'test_input_required_result_multiple_inputs', arguments: {} });
    expect(text(result)).toBe('Name: Grace; Greeting: Bonjour!; Roots: 1');
    await client.close();
  });

  it('builds a prompt that needs input (prompts/get is an MRTR method too)', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const { client } = await modernClient({ 'What context should the prompt use?': { context: 'a code review' } });
    const prompt = await client.getPrompt({ name: 'test_input_required_result_prompt' });
    expect(prompt.messages[0]!.content).toEqual({ type: 'text', text: 'Prompt with context: a code review' });
    await client.close();
  });
});

describe('the same tool in the session era (1.x SDK client)', () => {
  it('asks with elicitation/create requests on the POST stream instead', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const client = new Client1({ name: 'mrtr-session-era', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: asked.length === 1 ? { name: 'Ada' } : { color: 'teal' } };
    });
    await client.connect(new Transport1(new URL(running.mcpUrl)));
    const result = await client.callTool({ name: 'test_input_required_result_multi_round', arguments: {} });
    expect(text(result)).toBe('Multi-round complete for Ada who likes teal');
    expect(asked).toEqual(['Step 1: What is your name?', 'Step 2: What is your favorite color?']);
    await client.close();
  });
});

describe('requestState and inputResponses on the wire', () => {
  const tool = 'test_input_required_result_multi_round';
  const accept = (content: Record<string, unknown>) => ({ action: 'accept', content });

  it('answers input_required with the inputRequests, a fresh requestState each round, and no cache hints', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const first = await raw({ name: tool, arguments: {} });
    expect(first.status).toBe(200);
    expect(first.json.result).toMatchObject({ resultType: 'input_required', inputRequests: { step1: { method: 'elicitation/create' } }, requestState: expect.any(String) });
    expect(first.json.result).not.toHaveProperty('ttlMs');
    const second = await raw({ name: tool, arguments: {}, inputResponses: { step1: accept({ name: 'Ada' }) }, requestState: first.json.result!.requestState });
    expect(second.json.result).toMatchObject({ resultType: 'input_required', inputRequests: { step2: expect.any(Object) } });
    expect(second.json.result!.requestState).not.toBe(first.json.result!.requestState);
    // The name of round 1 travels in the signed state: round 3 carries only step2.
    const third = await raw({ name: tool, arguments: {}, inputResponses: { step2: accept({ color: 'teal' }) }, requestState: second.json.result!.requestState });
    expect(third.json.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'Multi-round complete for Ada who likes teal' }] });
  });

  it('refuses an altered requestState, and one issued for another tool, with -32602', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const first = await raw({ name: tool, arguments: {} });
    const state = first.json.result!.requestState as string;
    const tampered = await raw({ name: tool, arguments: {}, inputResponses: { step1: accept({ name: 'Ada' }) }, requestState: `${state.slice(0, -2)}xx` });
    expect(tampered.json.error).toMatchObject({ code: -32602, message: expect.stringContaining('integrity') });
    const foreign = await raw({ name: 'test_input_required_result_tampered_state', arguments: {}, inputResponses: { confirm: accept({ ok: true }) }, requestState: state });
    expect(foreign.json.error).toMatchObject({ code: -32602, message: expect.stringContaining(`issued for tools/call ${tool}`) });
  });

  it('says which answer is malformed, and asks again for a missing one', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const malformed = await raw({ name: tool, arguments: {}, inputResponses: { step1: { name: 'Ada' } } });
    expect(malformed.json.error).toMatchObject({ code: -32602, message: expect.stringContaining('inputResponses.step1') });
    const missing = await raw({ name: tool, arguments: {}, inputResponses: { unrelated: accept({}) } });
    expect(missing.json.result).toMatchObject({ resultType: 'input_required', inputRequests: { step1: expect.any(Object) } });
  });

  it('never asks a client for what it did not declare: -32021 naming the capability', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const res = await raw({ name: 'test_input_required_result_list_roots', arguments: {} }, { elicitation: {} });
    expect(res.json.error).toMatchObject({ code: -32021, data: { requiredCapabilities: { roots: {} } } });
  });
});

import { Client, MissingRequiredClientCapabilityError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as Client1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as Transport1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { listenUntil } from '../helpers/listenWire';
import { startReferenceServer, type RunningServer } from '../helpers/server';

// The tasks extension (io.modelcontextprotocol/tasks, SEP-2663) of the reference server over real
// sockets. The official suite's tasks-* scenarios judge the protocol (test/conformance/
// tasks-extension.test.ts); here: what a client that does not declare the extension gets (the
// 2.x SDK client has no tasks runtime, so it is exactly such a client), that the extension exists
// only with the conformance catalogue, and the task routing header.

const MODERN = '2026-07-28';
const TASKS = 'io.modelcontextprotocol/tasks';
let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

interface RpcAnswer {
  status: number;
  json: { result?: Record<string, any>; error?: { code: number; message: string; data?: any } };
}

/** One raw 2026-07-28 request with its envelope and the headers that mirror it (Mcp-Name from `name`). */
async function raw(method: string, params: Record<string, unknown>, options: { name?: string; capabilities?: Record<string, unknown> } = {}): Promise<RpcAnswer> {
  const capabilities = options.capabilities ?? { extensions: { [TASKS]: {} } };
  const res = await fetch(running!.mcpUrl, {
    method: 'POST',
    // JSON only, so the conformance preset (which prefers SSE) answers with one JSON body.
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'MCP-Protocol-Version': MODERN, 'Mcp-Method': method, ...(options.name !== undefined ? { 'Mcp-Name': options.name } : {}) },
    body: JSON.stringify({ jsonrpc: '2.0', id: Math.floor(Math.random() * 1e9), method, params: { ...params, _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': capabilities } } }),
  });
  return { status: res.status, json: (await res.json()) as RpcAnswer['json'] };
}

describe('a client that does not declare the tasks extension (the 2.x SDK client, 2026-07-28)', () => {
  async function client() {
    const c = new Client({ name: 'tasks-test', version: '2.0.0' }, { capabilities: { elicitation: {} }, versionNegotiation: { mode: { pin: MODERN } } });
    const asked: string[] = [];
    c.setRequestHandler('elicitation/create', async (request) => {
      asked.push(String((request.params as { message?: string }).message));
      return { action: 'accept', content: { confirm: true } };
    });
    await c.connect(new StreamableHTTPClientTransport(new URL(running!.mcpUrl)));
    return { client: c, asked };
  }

  it('gets the result of a task-capable tool inline, and its input questions through MRTR instead of tasks/update', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const { client: c, asked } = await client();
    const computed = await c.callTool({ name: 'slow_compute', arguments: { seconds: 0, label: 'inline' } });
    expect(computed).not.toHaveProperty('taskId');
    expect(computed.content).toEqual([{ type: 'text', text: 'inline: computed after 0s' }]);
    const deleted = await c.callTool({ name: 'confirm_delete', arguments: { filename: 'notes.txt' } });
    expect(asked).toEqual(['Delete notes.txt?']);
    expect(deleted.content).toEqual([{ type: 'text', text: 'Deleted notes.txt' }]);
    await c.close();
  });

  it('is refused a tool that only runs as a task with -32021 naming the extension', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const { client: c } = await client();
    const refused = await c.callTool({ name: 'failing_job', arguments: {} }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(MissingRequiredClientCapabilityError);
    expect((refused as MissingRequiredClientCapabilityError).requiredCapabilities).toEqual({ extensions: { [TASKS]: {} } });
    await c.close();
  });
});

describe('a session-era client (the 1.x SDK client, 2025-11-25): no tasks in that era', () => {
  it('gets the task tools\' results inline, task-only ones included', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const client = new Client1({ name: 'tasks-test-1x', version: '1.0.0' });
    await client.connect(new Transport1(new URL(running.mcpUrl)));
    const failed = await client.callTool({ name: 'failing_job', arguments: {} });
    expect(failed).toMatchObject({ isError: true, content: [{ type: 'text', text: 'failing_job failed on purpose: a tool execution error' }] });
    expect(await client.callTool({ name: 'slow_compute', arguments: { seconds: 0, label: 'session' } })).toMatchObject({ content: [{ text: 'session: computed after 0s' }] });
    await client.close();
  });
});

describe('the tasks extension on the wire', () => {
  it('runs a task for a declaring client: handle at once, polls by Mcp-Name = taskId, the result inlined', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const created = await raw('tools/call', { name: 'protocol_error_job', arguments: {} }, { name: 'protocol_error_job' });
    expect(created.json.result).toMatchObject({ resultType: 'task', status: 'working' });
    const taskId = created.json.result!.taskId as string;
    // A task method without its routing header is a header mismatch (-32020), like any named request.
    const unnamed = await raw('tasks/get', { taskId });
    expect(unnamed).toMatchObject({ status: 400, json: { error: { code: -32020 } } });
    // The work throws before the handle is even sent (microtasks), so the first poll sees it failed.
    const polled = await raw('tasks/get', { taskId }, { name: taskId });
    expect(polled.json.result).toMatchObject({ taskId, resultType: 'complete', status: 'failed', error: { code: -32603 } });
    expect(polled.json.result).not.toHaveProperty('result');
  });

  it('answers -32021 to tasks/* from a client that did not declare the extension', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const answer = await raw('tasks/cancel', { taskId: 'any' }, { name: 'any', capabilities: {} });
    expect(answer).toMatchObject({ status: 400, json: { error: { code: -32021, data: { requiredCapabilities: { extensions: { [TASKS]: {} } } } } } });
  });

  it('is not offered without the conformance catalogue: no capability, tasks/* unknown, task-capable tools absent', async () => {
    running = await startReferenceServer({ preset: 'no-auth' });
    const discovered = await raw('server/discover', {});
    expect(discovered.json.result?.capabilities).not.toHaveProperty('extensions');
    const get = await raw('tasks/get', { taskId: 'any' }, { name: 'any' });
    expect(get.json.error?.code).toBe(-32601);
    const call = await raw('tools/call', { name: 'slow_compute', arguments: { seconds: 0 } }, { name: 'slow_compute' });
    expect(call.json.error?.code).toBe(-32602);
  });
});

describe('task status notifications on a subscriptions/listen stream', () => {
  const declared = { elicitation: {}, extensions: { [TASKS]: {} } };
  const fetchMcp = (path: string, init: RequestInit) => fetch(`${running!.origin}${path}`, init);

  it('agrees to the known tasks asked for and sends each status change of them as notifications/tasks', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const created = await raw('tools/call', { name: 'confirm_delete', arguments: { filename: 'a.txt' } }, { name: 'confirm_delete', capabilities: declared });
    const taskId = created.json.result!.taskId as string;
    const listened = await listenUntil(
      fetchMcp,
      'listen:tasks',
      { taskIds: [taskId, 'not-a-task'] },
      async () => {
        const update = await raw('tasks/update', { taskId, inputResponses: { confirm: { action: 'accept', content: { confirm: true } } } }, { name: taskId, capabilities: declared });
        expect(update.json.result).toMatchObject({ resultType: 'complete' });
      },
      (messages) => messages.some((m) => (m.params as { status?: string } | undefined)?.status === 'completed'),
      declared,
    );
    const [ack, ...rest] = listened.messages;
    expect(ack).toMatchObject({ method: 'notifications/subscriptions/acknowledged', params: { notifications: { taskIds: [taskId] } } });
    const statuses = rest.filter((m) => m.method === 'notifications/tasks').map((m) => m.params as Record<string, any>);
    expect(statuses.map((task) => task.status)).toEqual(['working', 'completed']);
    expect(statuses[1]).toMatchObject({ taskId, result: { content: [{ type: 'text', text: 'Deleted a.txt' }] } });
    expect(rest.every((m) => (m.params as { _meta?: Record<string, unknown> })._meta?.['io.modelcontextprotocol/subscriptionId'] === 'listen:tasks')).toBe(true);
  });

  it('answers -32021 to a listen request for task notifications from a client that did not declare the extension', async () => {
    running = await startReferenceServer({ preset: 'conformance' });
    const listened = await listenUntil(fetchMcp, 'listen:undeclared', { taskIds: ['any'] }, async () => undefined, () => true, { elicitation: {} });
    expect(listened.status).toBe(400);
    expect(listened.messages[0]).toMatchObject({ error: { code: -32021, data: { requiredCapabilities: { extensions: { [TASKS]: {} } } } } });
  });
});

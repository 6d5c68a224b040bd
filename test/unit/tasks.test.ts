import { describe, expect, it } from 'vitest';
import { McpError } from '../../src/main/core/server/mcp/jsonrpc';
import type { InputRequest } from '../../src/main/core/server/mcp/mrtr';
import { TaskStore, type DetailedTask, type RunningTask, type TaskStatus } from '../../src/main/core/server/mcp/tasks';

// The task store of the tasks extension (io.modelcontextprotocol/tasks): lifecycle, TTL on an
// injected clock, idempotent cancel, unknown ids, input requests answered with tasks/update.
// Waiting is on the store's own status events, never on timers.

/** A promise with its resolve/reject outside: the work of a task that the test ends when it likes. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves with the task once it reaches `status` (from the store's status events). */
function statusOf(store: TaskStore, taskId: string, status: TaskStatus): Promise<DetailedTask> {
  return new Promise((resolve) => {
    const off = store.onStatus((task) => {
      if (task.taskId !== taskId || task.status !== status) return;
      off();
      resolve(task);
    });
  });
}

/** The JSON-RPC error code `fn` throws. */
function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof McpError ? err.code : undefined;
  }
  return undefined;
}

const elicit = (message: string): InputRequest => ({ method: 'elicitation/create', params: { message, requestedSchema: { type: 'object', properties: {} } } });
const accept = { action: 'accept', content: {} };

describe('TaskStore', () => {
  it('answers CreateTaskResult with the renamed integer fields, and the task is retrievable at once (durable creation)', () => {
    const store = new TaskStore({ ttlMs: 60_000, pollIntervalMs: 250 });
    const created = store.create(() => deferred<Record<string, unknown>>().promise);
    expect(created).toMatchObject({ resultType: 'task', status: 'working', ttlMs: 60_000, pollIntervalMs: 250 });
    expect(created).not.toHaveProperty('ttl');
    expect(created).not.toHaveProperty('pollInterval');
    expect(Date.parse(created.createdAt as string)).not.toBeNaN();
    expect(store.get(created.taskId)).toMatchObject({ taskId: created.taskId, status: 'working' });
    expect(store.get(created.taskId)).not.toHaveProperty('result');
    store.close();
  });

  it('inlines the result of completed work (isError too: a tool error is still completed)', async () => {
    const store = new TaskStore();
    const work = deferred<Record<string, unknown>>();
    const { taskId } = store.create(() => work.promise);
    const completed = statusOf(store, taskId, 'completed');
    work.resolve({ content: [{ type: 'text', text: 'nope' }], isError: true });
    expect(await completed).toMatchObject({ status: 'completed', result: { isError: true } });
    expect(store.get(taskId)).toMatchObject({ status: 'completed', result: { content: [{ text: 'nope' }] } });
    expect(store.get(taskId)).not.toHaveProperty('error');
  });

  it('inlines the JSON-RPC error of failed work, with no result', async () => {
    const store = new TaskStore();
    const { taskId } = store.create(async () => {
      throw new McpError(-32603, 'boom');
    });
    const failed = await statusOf(store, taskId, 'failed');
    expect(failed.error).toEqual({ code: -32603, message: 'boom' });
    expect(failed).not.toHaveProperty('result');
    expect(failed.statusMessage).toContain('boom');
  });

  it('keeps a task for its whole ttlMs and forgets it (stopping its work) once the TTL has elapsed', () => {
    let now = Date.parse('2026-07-28T10:00:00Z');
    const store = new TaskStore({ ttlMs: 1_000, now: () => now });
    let signal: AbortSignal | undefined;
    const { taskId } = store.create((task) => {
      signal = task.signal;
      return deferred<Record<string, unknown>>().promise;
    });
    now += 999;
    expect(store.get(taskId).status).toBe('working');
    expect(signal?.aborted).toBe(false);
    now += 1;
    expect(codeOf(() => store.get(taskId))).toBe(-32602);
    expect(signal?.aborted).toBe(true);
    expect(store.size).toBe(0);
  });

  it('cancels a working task (its work is aborted) and acks a repeated cancel without changing anything', async () => {
    const store = new TaskStore();
    let signal: AbortSignal | undefined;
    const { taskId } = store.create(async (task) => {
      signal = task.signal;
      await new Promise((_resolve, reject) => task.signal.addEventListener('abort', () => reject(task.signal.reason)));
      return {};
    });
    const cancelled = statusOf(store, taskId, 'cancelled');
    store.cancel(taskId);
    expect((await cancelled).status).toBe('cancelled');
    expect(signal?.aborted).toBe(true);
    const before = store.get(taskId);
    expect(() => store.cancel(taskId)).not.toThrow();
    expect(store.get(taskId)).toEqual(before); // the aborted work's rejection did not turn it into failed either
  });

  it('leaves a completed task completed when it is cancelled (idempotent ack on terminal tasks)', async () => {
    const store = new TaskStore();
    const work = deferred<Record<string, unknown>>();
    const { taskId } = store.create(() => work.promise);
    const completed = statusOf(store, taskId, 'completed');
    work.resolve({ content: [] });
    await completed;
    store.cancel(taskId);
    expect(store.get(taskId).status).toBe('completed');
  });

  it('answers -32602 for an unknown or malformed taskId on get, update and cancel', () => {
    const store = new TaskStore();
    expect(codeOf(() => store.get('no-such-task'))).toBe(-32602);
    expect(codeOf(() => store.update('no-such-task', {}))).toBe(-32602);
    expect(codeOf(() => store.cancel('no-such-task'))).toBe(-32602);
    expect(codeOf(() => store.get(42))).toBe(-32602);
  });

  it('parks work in input_required until every request is answered; a partial update removes only the answered key', async () => {
    const store = new TaskStore();
    let running: RunningTask | undefined;
    const { taskId } = store.create(async (task) => {
      running = task;
      const answers = await task.input({ name: elicit('Name?'), confirm: elicit('Sure?') });
      return { content: [{ type: 'text', text: Object.keys(answers).sort().join(',') }] };
    });
    expect(running).toBeDefined();
    const parked = store.get(taskId);
    expect(parked.status).toBe('input_required');
    expect(Object.keys(parked.inputRequests ?? {}).sort()).toEqual(['confirm', 'name']);
    expect(parked.inputRequests?.name?.method).toBe('elicitation/create');

    store.update(taskId, { name: accept, 'never-issued': { ignored: true } });
    const partial = store.get(taskId);
    expect(partial.status).toBe('input_required');
    expect(Object.keys(partial.inputRequests ?? {})).toEqual(['confirm']);
    expect(partial.statusMessage).toBe('Waiting for the client to answer confirm');

    const completed = statusOf(store, taskId, 'completed');
    store.update(taskId, { confirm: accept });
    expect(store.get(taskId).status).toBe('working');
    expect((await completed).result).toEqual({ content: [{ type: 'text', text: 'confirm,name' }] });
  });

  it('refuses an answer that is no result of its request (-32602) and delivers nothing of that update', () => {
    const store = new TaskStore();
    const { taskId } = store.create((task) => task.input({ a: elicit('A?'), b: elicit('B?') }).then(() => ({})));
    expect(codeOf(() => store.update(taskId, { a: accept, b: { action: 'maybe' } }))).toBe(-32602);
    expect(Object.keys(store.get(taskId).inputRequests ?? {}).sort()).toEqual(['a', 'b']);
    expect(codeOf(() => store.update(taskId, [accept]))).toBe(-32602);
  });

  it('never reuses an input key within a task: a second request under the same key gets a new one', async () => {
    const store = new TaskStore();
    const { taskId } = store.create(async (task) => {
      await task.input({ confirm: elicit('First?') });
      await task.input({ confirm: elicit('Second?') });
      return {};
    });
    expect(Object.keys(store.get(taskId).inputRequests ?? {})).toEqual(['confirm']);
    const second = statusOf(store, taskId, 'input_required');
    store.update(taskId, { confirm: accept });
    const asked = await second;
    expect(Object.keys(asked.inputRequests ?? {})).toEqual(['confirm-2']);
    expect((asked.inputRequests?.['confirm-2']?.params as { message?: string }).message).toBe('Second?');
    store.update(taskId, { confirm: accept }); // the first key is answered already: ignored
    expect(store.get(taskId).status).toBe('input_required');
  });

  it('has room for maxTasks unexpired tasks, and for more once the oldest have expired', () => {
    let now = 0;
    const store = new TaskStore({ maxTasks: 2, ttlMs: 1_000, now: () => now });
    const work = () => deferred<Record<string, unknown>>().promise;
    store.create(work);
    now = 500;
    store.create(work);
    expect(store.hasRoom()).toBe(false);
    now = 1_000; // the first one's TTL has elapsed
    expect(store.hasRoom()).toBe(true);
    expect(store.size).toBe(1);
  });

  it('stops every task on close', () => {
    const store = new TaskStore();
    const signals: AbortSignal[] = [];
    for (let i = 0; i < 2; i++) {
      store.create((task) => {
        signals.push(task.signal);
        return deferred<Record<string, unknown>>().promise;
      });
    }
    store.close();
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
    expect(store.size).toBe(0);
  });
});

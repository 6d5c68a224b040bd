import { randomUUID } from 'node:crypto';
import { JsonRpcErrorCode } from '../../../../shared/protocol';
import type { TaskHandle } from './content';
import { McpError } from './jsonrpc';
import { resultProblem, type InputRequest } from './mrtr';

// The tasks extension (io.modelcontextprotocol/tasks, SEP-2663; specification:
// https://modelcontextprotocol.github.io/ext-tasks/specification/2026-07-28/tasks.html). A server
// that the client's request declares the extension to may answer tools/call with a task handle
// (`resultType: "task"`, a CreateTaskResult) instead of the result; the client polls `tasks/get`
// until the task is terminal (its result or error inlined), answers the task's own input requests
// with `tasks/update` and may ask for cancellation with `tasks/cancel`. There is no tasks/result
// and no tasks/list any more (the 2025-11-25 surface): both are unknown methods.
//
// Task creation is server-directed: a tool decides to run as a task (ctx.runAsTask); the client
// only says it can take one. Task state lives in this store, one per server instance, in memory.

export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/** The methods the extension adds; the client must declare the extension to use them (-32021). */
export const TASK_METHODS: ReadonlySet<string> = new Set(['tasks/get', 'tasks/update', 'tasks/cancel']);

export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';
const TERMINAL: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'cancelled']);

/** The Task shape of the extension: what CreateTaskResult and every tasks/get carry. */
export interface Task {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  /** ISO 8601. */
  createdAt: string;
  lastUpdatedAt: string;
  /** Retention from creation in integer milliseconds (null would be unlimited; we always set one). */
  ttlMs: number | null;
  /** Suggested polling interval, integer milliseconds. */
  pollIntervalMs?: number;
}

/** tasks/get: the task with what its status inlines (inputRequests, result or error). */
export interface DetailedTask extends Task {
  inputRequests?: Record<string, InputRequest>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

/** What the work of a task gets: its cancellation signal and a way to ask the client for input. */
export interface RunningTask {
  readonly taskId: string;
  /** Aborted by tasks/cancel, by the task's expiry and when the server closes. */
  readonly signal: AbortSignal;
  /**
   * Parks the task in `input_required` with these requests until tasks/update has answered every
   * one of them; resolves with the answers under the keys asked for.
   */
  input(requests: Record<string, InputRequest>): Promise<Record<string, Record<string, unknown>>>;
}

/** Whether the client declared the extension in the capabilities of this request. */
export function declaresTasksExtension(clientCapabilities: Record<string, unknown> | undefined): boolean {
  const extensions = clientCapabilities?.extensions;
  return typeof extensions === 'object' && extensions !== null && TASKS_EXTENSION in extensions;
}

/** The `requiredCapabilities` of a -32021 for a client that did not declare the extension (the spec's example). */
export const TASKS_REQUIRED_CAPABILITIES = { extensions: { [TASKS_EXTENSION]: {} } };

export interface TaskStoreOptions {
  /** How long a task stays retrievable after its creation. */
  ttlMs?: number;
  pollIntervalMs?: number;
  /** How many unexpired tasks the store holds at most; past it the server answers inline (hasRoom). */
  maxTasks?: number;
  /** The clock (tests pass their own to cross a TTL without waiting). */
  now?: () => number;
}

/** Tasks are kept 10 minutes: enough for a user to answer an elicitation, bounded for memory. */
export const DEFAULT_TASK_TTL_MS = 10 * 60_000;
export const DEFAULT_POLL_INTERVAL_MS = 1_000;
/** Tasks are never dropped before their TTL, so memory is bounded by refusing to create more. */
export const DEFAULT_MAX_TASKS = 1_000;

/** An input request outstanding under its wire key; `resolve` hands the answer to the work under the key it asked with (mintKey). */
interface PendingInput {
  request: InputRequest;
  resolve(answer: Record<string, unknown>): void;
  reject(reason: unknown): void;
}

interface TaskRecord {
  task: Task;
  expiresAt: number;
  controller: AbortController;
  /** Outstanding input requests by wire key. */
  pending: Map<string, PendingInput>;
  /** Every wire key issued: a key is never reused within a task (the spec requires it). */
  issuedKeys: Set<string>;
  result?: Record<string, unknown>;
  error?: DetailedTask['error'];
}

export class TaskStore {
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly ttlMs: number;
  private readonly pollIntervalMs: number;
  private readonly maxTasks: number;
  private readonly now: () => number;
  private readonly listeners = new Set<(task: DetailedTask) => void>();

  constructor(options: TaskStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TASK_TTL_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.maxTasks = options.maxTasks ?? DEFAULT_MAX_TASKS;
    this.now = options.now ?? Date.now;
  }

  /**
   * Whether another task may be created. When not, the server answers the request inline, which
   * the extension allows: creating a task is at the server's discretion, per request.
   */
  hasRoom(): boolean {
    this.sweep();
    return this.tasks.size < this.maxTasks;
  }

  /**
   * Creates a task running `work` and returns its CreateTaskResult. The task is in the store
   * before this returns, so a tasks/get right after the answer finds it (the spec's durable
   * creation). `work` resolves with the result the request would have had (status completed,
   * even for a tool result with isError) or rejects with the JSON-RPC error it would have had
   * (status failed).
   */
  create(work: (task: RunningTask) => Promise<Record<string, unknown>>): TaskHandle {
    this.sweep();
    const now = this.now();
    const stamp = new Date(now).toISOString();
    const record: TaskRecord = {
      task: { taskId: randomUUID(), status: 'working', createdAt: stamp, lastUpdatedAt: stamp, ttlMs: this.ttlMs, pollIntervalMs: this.pollIntervalMs },
      expiresAt: now + this.ttlMs,
      controller: new AbortController(),
      pending: new Map(),
      issuedKeys: new Set(),
    };
    this.tasks.set(record.task.taskId, record);
    const running: RunningTask = {
      taskId: record.task.taskId,
      signal: record.controller.signal,
      input: (requests) => this.park(record, requests),
    };
    // Started at once (a synchronous throw becomes the task's failure, not the caller's).
    new Promise<Record<string, unknown>>((resolve) => resolve(work(running))).then(
      (result) => this.finish(record, 'completed', { result }),
      (err: unknown) => {
        const error = err instanceof McpError ? err.toJson() : { code: JsonRpcErrorCode.InternalError, message: String((err as Error)?.message ?? err) };
        this.finish(record, 'failed', { error, statusMessage: `Tool execution failed: ${error.message}` });
      },
    );
    return { resultType: 'task', ...record.task };
  }

  /** tasks/get: the task as it is now, with its inputRequests, result or error inlined. */
  get(taskId: unknown): DetailedTask {
    return this.detail(this.find(taskId));
  }

  private detail(record: TaskRecord): DetailedTask {
    const detailed: DetailedTask = { ...record.task };
    if (record.task.status === 'input_required') detailed.inputRequests = Object.fromEntries([...record.pending].map(([key, pending]) => [key, pending.request]));
    if (record.result) detailed.result = record.result;
    if (record.error) detailed.error = record.error;
    return detailed;
  }

  /**
   * tasks/update: delivers answers to outstanding input requests. Keys that are not outstanding
   * (never issued, already answered) are ignored, as the spec says a server should; an answer
   * that is no result of its request's method is refused with -32602 and nothing is delivered.
   * A partial set leaves the task in input_required until the rest arrives.
   */
  update(taskId: unknown, inputResponses: unknown): void {
    const record = this.find(taskId);
    if (typeof inputResponses !== 'object' || inputResponses === null || Array.isArray(inputResponses)) {
      throw new McpError(JsonRpcErrorCode.InvalidParams, 'tasks/update needs "inputResponses", an object keyed by the inputRequests keys');
    }
    const answers = Object.entries(inputResponses as Record<string, unknown>).filter(([key]) => record.pending.has(key));
    for (const [key, answer] of answers) {
      const problem = resultProblem(record.pending.get(key)!.request.method, answer);
      if (problem) throw new McpError(JsonRpcErrorCode.InvalidParams, `inputResponses.${key}: ${problem}`);
    }
    for (const [key, answer] of answers) {
      const pending = record.pending.get(key)!;
      record.pending.delete(key);
      pending.resolve(answer as Record<string, unknown>);
    }
    if (answers.length === 0 || record.task.status !== 'input_required') return;
    // Still waiting for some: the same status with fewer inputRequests (listeners hear that too).
    this.setStatus(record, record.pending.size === 0 ? 'working' : 'input_required', record.pending.size === 0 ? undefined : waitingFor(record));
  }

  /**
   * tasks/cancel: a running task becomes cancelled and its work is aborted; a terminal task is
   * left as it is (the ack is the same, so a client racing the task's end needs no special case).
   */
  cancel(taskId: unknown): void {
    const record = this.find(taskId);
    if (TERMINAL.has(record.task.status)) return;
    this.setStatus(record, 'cancelled', 'Cancelled at the client\'s request (tasks/cancel)');
    this.stop(record, new Error('task cancelled'));
  }

  /** Stops every task's work (server shutdown) and forgets them. */
  close(): void {
    for (const record of this.tasks.values()) this.stop(record, new Error('server closed'));
    this.tasks.clear();
  }

  get size(): number {
    return this.tasks.size;
  }

  /** The ids of the unexpired tasks. */
  ids(): string[] {
    this.sweep();
    return [...this.tasks.keys()];
  }

  /**
   * Calls `listener` with the DetailedTask after every status change: what a notifications/tasks
   * carries (identical to what tasks/get would answer at that moment). Returns the unsubscribe.
   */
  onStatus(listener: (task: DetailedTask) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The record of a known, unexpired task, or -32602 (the spec's code for an unknown or expired taskId). */
  private find(taskId: unknown): TaskRecord {
    if (typeof taskId !== 'string') throw new McpError(JsonRpcErrorCode.InvalidParams, 'Task methods need "taskId", a string');
    this.sweep();
    const record = this.tasks.get(taskId);
    if (!record) throw new McpError(JsonRpcErrorCode.InvalidParams, `Task not found: ${taskId} (unknown, or expired after its ttlMs)`);
    return record;
  }

  /** Forgets tasks whose TTL has elapsed (never earlier), stopping any still running. */
  private sweep(): void {
    const now = this.now();
    for (const [taskId, record] of this.tasks) {
      if (now < record.expiresAt) continue;
      this.tasks.delete(taskId);
      this.stop(record, new Error('task expired'));
    }
  }

  private park(record: TaskRecord, requests: Record<string, InputRequest>): Promise<Record<string, Record<string, unknown>>> {
    if (record.controller.signal.aborted) return Promise.reject(record.controller.signal.reason);
    const waits = Object.entries(requests).map(
      ([key, request]) =>
        new Promise<[string, Record<string, unknown>]>((resolve, reject) => {
          record.pending.set(mintKey(record.issuedKeys, key), { request, resolve: (answer) => resolve([key, answer]), reject });
        }),
    );
    this.setStatus(record, 'input_required', waitingFor(record));
    return Promise.all(waits).then(Object.fromEntries);
  }

  private finish(record: TaskRecord, status: 'completed' | 'failed', outcome: { result?: Record<string, unknown>; error?: DetailedTask['error']; statusMessage?: string }): void {
    if (TERMINAL.has(record.task.status)) return; // cancelled first: the work's late end changes nothing
    record.result = outcome.result;
    record.error = outcome.error;
    record.pending.clear();
    this.setStatus(record, status, outcome.statusMessage);
  }

  private setStatus(record: TaskRecord, status: TaskStatus, statusMessage?: string): void {
    const { statusMessage: _previous, ...task } = record.task;
    record.task = { ...task, status, ...(statusMessage ? { statusMessage } : {}), lastUpdatedAt: new Date(this.now()).toISOString() };
    if (this.listeners.size === 0) return;
    const detailed = this.detail(record);
    for (const listener of this.listeners) listener(detailed);
  }

  private stop(record: TaskRecord, reason: Error): void {
    for (const pending of record.pending.values()) pending.reject(reason);
    record.pending.clear();
    record.controller.abort(reason);
  }
}

function waitingFor(record: TaskRecord): string {
  return `Waiting for the client to answer ${[...record.pending.keys()].join(', ')}`;
}

/** A wire key for `key` not issued before in this task: the key itself, then key-2, key-3, … */
function mintKey(issued: Set<string>, key: string): string {
  let candidate = key;
  for (let n = 2; issued.has(candidate); n++) candidate = `${key}-${n}`;
  issued.add(candidate);
  return candidate;
}

import type { CallToolResult, Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { InputRequest } from './mrtr';

// The demo content of the reference server: enough tools, resources and prompts for every
// client to have something to list and call, including the failure and progress cases.

export interface ToolCallContext {
  /** Sends `notifications/progress` when the caller asked for progress. */
  progress(progress: number, total: number, message: string): void;
  /** Sends `notifications/message` unless the client asked for a higher log level. */
  log(level: 'debug' | 'info' | 'notice' | 'warning' | 'error', data: unknown): void;
  /** Waits `ms`; rejects when the call is cancelled. */
  delay(ms: number): Promise<void>;
  /**
   * Asks the client for input (elicitation, sampling, its roots) and returns the answers by key.
   * Session era: server→client requests on the POST's stream. 2026-07-28: the call is answered
   * `input_required` and this resolves on the client's retry (MRTR, mrtr.ts), so a handler must
   * not act before its last input() call. Rejects when the client did not declare the capability
   * a request needs, or the transport cannot carry it (a JSON-answered session-era POST).
   */
  input(requests: Record<string, InputRequest>): Promise<Record<string, Record<string, unknown>>>;
  /** What the client declared: `initialize` capabilities or the request's `_meta` (2026-07-28). */
  clientCapabilities: Record<string, unknown>;
  /** The MRTR round this call is in: 1, then one more per retry with a valid requestState (always 1 in the session era). */
  round: number;
  /** Changes the server's tool or prompt list and tells the `subscriptions/listen` streams that asked. */
  changeList(list: 'tools' | 'prompts'): void;
  signal: AbortSignal;
  /**
   * Runs `work` as a task (tasks extension, tasks.ts) when this request declared the extension:
   * the call is answered at once with the task handle and `work` goes on in the background, its
   * context's input() parking the task in input_required. Otherwise `work` runs inline and its
   * result is the call's. The server decides; a client's legacy `task` param changes nothing.
   */
  runAsTask(work: (ctx: ToolCallContext) => Promise<ToolResult>): Promise<ToolResult | TaskHandle>;
}

// The SDK's protocol types check the demo content against the MCP schema at compile time.
export type ToolResult = CallToolResult;

/** The CreateTaskResult a tool running as a task answers with (`resultType: "task"`, tasks.ts). */
export interface TaskHandle {
  resultType: 'task';
  taskId: string;
  [field: string]: unknown;
}

export interface ToolDefinition extends Tool {
  /** A client capability the tool cannot run without; checked before the call (2026-07-28: -32021). */
  requiredClientCapability?: string;
  /**
   * Whether the tool runs as a task (ctx.runAsTask) for clients that declare the tasks extension;
   * `required`: a client that did not declare it gets -32021 before the call. Server-side only:
   * 2026-07-28 tool listings carry no task support.
   */
  taskSupport?: 'optional' | 'required';
  call(args: Record<string, unknown>, ctx: ToolCallContext): Promise<ToolResult | TaskHandle>;
}

/** Raised for arguments that don't fit a tool's schema: JSON-RPC -32602. */
export class InvalidParamsError extends Error {}
/** Raised by resources/read for an unknown URI: MCP -32002 (-32602 from 2026-07-28), with the URI as error data. */
export class ResourceNotFoundError extends Error {
  constructor(readonly uri: string) {
    super(`Resource not found: ${uri}`);
  }
}

const text = (value: string): ToolResult => ({ content: [{ type: 'text', text: value }] });

function requireString(args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (typeof value !== 'string') throw new InvalidParamsError(`Argument "${name}" must be a string`);
  return value;
}

function requireNumber(args: Record<string, unknown>, name: string): number {
  const value = args[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidParamsError(`Argument "${name}" must be a number`);
  return value;
}

/** losvedir/remote_mcp_auth's "Best Person Looker-upper", the tool Claude.ai first called there. */
const BEST_PEOPLE = ['Ada Lovelace', 'Alan Turing', 'Barbara Liskov', 'Donald Knuth', 'Edsger Dijkstra', 'Grace Hopper', 'Katherine Johnson', 'Margaret Hamilton', 'Radia Perlman', 'Tim Berners-Lee'];

export const TOOLS: ToolDefinition[] = [
  {
    name: 'echo',
    title: 'Echo',
    description: 'Returns the message it is given.',
    inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
    annotations: { readOnlyHint: true },
    call: async (args) => text(requireString(args, 'message')),
  },
  {
    name: 'add',
    title: 'Add two numbers',
    description: 'Adds a and b and returns the sum, as text and as structured content.',
    inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
    outputSchema: { type: 'object', properties: { sum: { type: 'number' } }, required: ['sum'] },
    annotations: { readOnlyHint: true },
    call: async (args) => {
      const sum = requireNumber(args, 'a') + requireNumber(args, 'b');
      return { ...text(String(sum)), structuredContent: { sum } };
    },
  },
  {
    name: 'best_person',
    title: 'Best Person Looker-upper',
    description: 'Helps the agent identify who the best person is (the demo tool of losvedir/remote_mcp_auth).',
    inputSchema: { type: 'object', properties: { startsWith: { type: 'string' } }, required: ['startsWith'] },
    annotations: { readOnlyHint: true },
    call: async (args) => {
      const prefix = requireString(args, 'startsWith').toLowerCase();
      const match = BEST_PEOPLE.find((name) => name.toLowerCase().startsWith(prefix));
      return text(match ? `The best person is ${match}.` : `Nobody whose name starts with "${prefix}" is on the list; everyone is great anyway.`);
    },
  },
  {
    name: 'slow_count',
    title: 'Slow count',
    description: 'Counts to `steps`, waiting `delayMs` between steps and sending a progress notification at each (when a progressToken is given). Cancellable.',
    inputSchema: {
      type: 'object',
      properties: { steps: { type: 'integer', minimum: 1, maximum: 100, default: 5 }, delayMs: { type: 'integer', minimum: 0, maximum: 10000, default: 200 } },
    },
    call: async (args, ctx) => {
      const steps = Math.min(100, Math.max(1, Math.floor(Number(args.steps ?? 5))));
      const delayMs = Math.min(10_000, Math.max(0, Math.floor(Number(args.delayMs ?? 200))));
      for (let step = 1; step <= steps; step++) {
        await abortableDelay(delayMs, ctx.signal);
        ctx.progress(step, steps, `Step ${step} of ${steps}`);
      }
      return text(`Counted to ${steps}.`);
    },
  },
  {
    name: 'fail',
    title: 'Always fails',
    description: 'Returns a tool error (isError: true), as a tool whose upstream API failed would.',
    inputSchema: { type: 'object', properties: { reason: { type: 'string' } } },
    call: async (args) => ({ ...text(`The tool failed: ${typeof args.reason === 'string' ? args.reason : 'no reason given'}`), isError: true }),
  },
  {
    name: 'regional_echo',
    title: 'Echo from a region',
    description:
      'Returns the message as served in `region`. In 2026-07-28 a client mirrors `region` and `priority` into the Mcp-Param-Region and Mcp-Param-Priority headers (x-mcp-header, SEP-2243) so a gateway can route without reading the body; the server refuses a call whose headers disagree with its arguments (-32020).',
    inputSchema: {
      type: 'object',
      properties: {
        region: { type: 'string', description: 'Where to run, e.g. eu-west-1 (mirrored into Mcp-Param-Region)', 'x-mcp-header': 'Region' },
        priority: { type: 'integer', description: 'Optional priority (mirrored into Mcp-Param-Priority)', 'x-mcp-header': 'Priority' },
        message: { type: 'string' },
      },
      required: ['region', 'message'],
    },
    annotations: { readOnlyHint: true },
    call: async (args) => {
      const priority = typeof args.priority === 'number' ? ` (priority ${args.priority})` : '';
      return text(`[${requireString(args, 'region')}]${priority} ${requireString(args, 'message')}`);
    },
  },
];

export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function toolDescriptions(): Tool[] {
  return TOOLS.map(({ call: _call, ...definition }) => definition);
}

export function findTool(name: string): ToolDefinition | undefined {
  return TOOLS.find((tool) => tool.name === name);
}

// A 1x1 PNG: the binary resource, returned as base64 `blob`.
const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

export const RESOURCES: Array<Resource & { read(): { text: string } | { blob: string } }> = [
  {
    uri: 'inspector://docs/handshake',
    name: 'handshake',
    title: 'The MCP handshake, in order',
    description: 'A text resource: the steps a remote client takes to connect.',
    mimeType: 'text/markdown',
    read: () => ({
      text: [
        '# The remote MCP handshake',
        '1. POST /mcp initialize without a token → 401 with WWW-Authenticate: Bearer resource_metadata="…"',
        '2. GET the Protected Resource Metadata (RFC 9728), then the Authorization Server Metadata (RFC 8414)',
        '3. POST /register (RFC 7591) or a Client ID Metadata Document',
        '4. Browser → /authorize with PKCE S256 and resource (RFC 8707) → consent → redirect with code',
        '5. POST /token → access and refresh tokens',
        '6. initialize with Authorization: Bearer → Mcp-Session-Id; notifications/initialized → 202',
        '7. tools/list, tools/call …',
      ].join('\n'),
    }),
  },
  {
    uri: 'inspector://images/pixel.png',
    name: 'pixel',
    title: 'A one-pixel PNG',
    description: 'A binary resource, returned as base64.',
    mimeType: 'image/png',
    read: () => ({ blob: PIXEL_PNG }),
  },
];

export const RESOURCE_TEMPLATES: ResourceTemplate[] = [
  {
    uriTemplate: 'inspector://people/{name}',
    name: 'person',
    title: 'A person from the best-person list',
    description: 'Reads one person by name.',
    mimeType: 'text/plain',
  },
];

export function readResource(uri: string): Array<Record<string, unknown>> {
  const fixed = RESOURCES.find((resource) => resource.uri === uri);
  if (fixed) return [{ uri, mimeType: fixed.mimeType, ...fixed.read() }];
  const person = /^inspector:\/\/people\/(.+)$/.exec(uri);
  if (person) {
    const name = decodeURIComponent(person[1]!);
    const found = BEST_PEOPLE.find((p) => p.toLowerCase() === name.toLowerCase());
    if (found) return [{ uri, mimeType: 'text/plain', text: `${found} is on the best-person list.` }];
  }
  throw new ResourceNotFoundError(uri);
}

export function resourceDescriptions() {
  return RESOURCES.map(({ read: _read, ...description }) => description);
}

export const PROMPTS: Prompt[] = [
  {
    name: 'explain_step',
    title: 'Explain a handshake step',
    description: 'Asks the model to explain one step of the MCP + OAuth handshake.',
    arguments: [
      { name: 'step', description: 'e.g. "dynamic client registration" or "Mcp-Session-Id"', required: true },
      { name: 'audience', description: 'Who the explanation is for (default: a backend developer)', required: false },
    ],
  },
];

export function getPrompt(name: string, args: Record<string, string>) {
  if (name !== 'explain_step') throw new InvalidParamsError(`Unknown prompt: ${name}`);
  if (!args.step) throw new InvalidParamsError('Missing required argument "step"');
  const audience = args.audience || 'a backend developer';
  return {
    description: `Explain "${args.step}" to ${audience}`,
    messages: [
      {
        role: 'user',
        content: { type: 'text', text: `Explain the "${args.step}" step of the remote MCP handshake to ${audience}: what the client sends, what the server must answer, and the usual mistakes.` },
      },
    ],
  };
}

/** completion/complete: argument values for the prompt and the resource template. */
export function complete(ref: { type?: string; name?: string; uri?: string }, argument: { name?: string; value?: string }) {
  const value = (argument.value ?? '').toLowerCase();
  let candidates: string[] = [];
  if (ref.type === 'ref/prompt' && ref.name === 'explain_step' && argument.name === 'step') {
    candidates = ['discovery', 'dynamic client registration', 'authorization', 'token exchange', 'initialize', 'Mcp-Session-Id', 'notifications/initialized', 'tools/list'];
  } else if (ref.type === 'ref/resource' && argument.name === 'name') {
    candidates = BEST_PEOPLE;
  }
  const values = candidates.filter((c) => c.toLowerCase().startsWith(value));
  return { completion: { values: values.slice(0, 100), total: values.length, hasMore: values.length > 100 } };
}

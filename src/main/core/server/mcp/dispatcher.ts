import type { BehaviorProfile } from '../../../../shared/profile';
import {
  ALL_PROTOCOL_VERSIONS,
  JsonRpcErrorCode,
  LATEST_SESSION_ERA_VERSION,
  SESSION_ERA_VERSIONS,
  STATELESS_ERA_VERSIONS,
  type ProtocolEra,
  type ProtocolVersion,
} from '../../../../shared/protocol';
import {
  abortableDelay,
  InvalidParamsError,
  PROMPTS,
  RESOURCE_TEMPLATES,
  ResourceNotFoundError,
  complete,
  findTool,
  getPrompt,
  readResource,
  resourceDescriptions,
  toolDescriptions,
  type TaskHandle,
  type ToolCallContext,
  type ToolDefinition,
  type ToolResult,
} from './content';
import { LISTEN_METHOD, type SubscriptionFilter } from '../../../../shared/subscriptions';
import {
  FIXTURE_DYNAMIC_PROMPT,
  FIXTURE_DYNAMIC_TOOL,
  FIXTURE_PROMPTS,
  FIXTURE_RESOURCE_TEMPLATES,
  FIXTURE_RESOURCES,
  FIXTURE_TOOLS,
  getFixturePrompt,
  readFixtureResource,
} from './conformanceFixtures';
import { breaks, withoutJsonSchema2020Keywords } from '../breaks';
import { McpError, type JsonRpcNotification, type JsonRpcRequest } from './jsonrpc';
import { answersFor, beginRound, INPUT_METHODS, InputRequired, inputRequiredResult, MRTR_METHODS, type InputRequest, type InputRound, type RequestStateCodec } from './mrtr';
import { LOGGING_LEVELS, type LoggingLevel, type McpSession } from './sessions';
import type { ServerSubscriptions } from './subscriptions';
import { declaresTasksExtension, TASK_METHODS, TASKS_EXTENSION, TASKS_REQUIRED_CAPABILITIES, type RunningTask, type TaskStore } from './tasks';

export const SERVER_INFO = { name: 'mcp-handshake-inspector-reference', title: 'MCP Handshake Inspector reference server', version: '0.1.0' };

/** `_meta` keys of the stateless era (2026-07-28), spelled as the schema spells them. */
export const META = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  logLevel: 'io.modelcontextprotocol/logLevel',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
} as const;

/** Error codes introduced by 2026-07-28 (answered with HTTP 400). */
export const StatelessErrorCode = {
  HeaderMismatch: -32020,
  MissingRequiredClientCapability: -32021,
  UnsupportedProtocolVersion: -32022,
} as const;

/** The capabilities a profile's catalogue offers: the conformance fixtures add resource subscriptions. */
function serverCapabilities(profile: BehaviorProfile) {
  return {
    tools: { listChanged: false },
    resources: { subscribe: withFixtures(profile), listChanged: false },
    ...(breaks(profile, 'prompts-undeclared') ? {} : { prompts: { listChanged: false } }),
    completions: {},
  };
}

/** Whether the profile serves the conformance suite's fixture catalogue next to our own (conformanceFixtures.ts). */
function withFixtures(profile: BehaviorProfile): boolean {
  return profile.catalogue === 'own+conformance';
}

/** What a server built on an unreleased draft answers initialize with: no client can speak it. */
const UNPUBLISHED_VERSION = 'DRAFT-2026-v1';

/**
 * The tool `name` of the profile's catalogue, ours then the conformance fixtures: the schema its
 * Mcp-Param-* headers are checked against (the dynamic fixture tool declares no x-mcp-header).
 */
export function catalogueTool(profile: BehaviorProfile, name: string): ToolDefinition | undefined {
  return findTool(name) ?? (withFixtures(profile) ? FIXTURE_TOOLS.find((t) => t.name === name) : undefined);
}

/**
 * What a `subscriptions/listen` stream can carry on this profile: list changes where a list can
 * change (the conformance fixtures' hooks change the tool and prompt lists), and the status of
 * the server's tasks (`taskIds`, the tasks extension). No resource of either catalogue changes,
 * so no resource updates.
 */
export function offeredSubscriptions(profile: BehaviorProfile, taskIds: string[] = []): SubscriptionFilter {
  return withFixtures(profile) ? { toolsListChanged: true, promptsListChanged: true, taskIds } : {};
}

/** The fixture tools and prompts listed now: the suite's, plus the dynamic entries its list-change hooks added. */
function fixtureTools(ctx: DispatchContext) {
  if (!withFixtures(ctx.profile)) return [];
  return ctx.subscriptions?.hasDynamicEntry('tools') ? [...FIXTURE_TOOLS, FIXTURE_DYNAMIC_TOOL] : FIXTURE_TOOLS;
}

function fixturePrompts(ctx: DispatchContext) {
  if (!withFixtures(ctx.profile)) return [];
  return ctx.subscriptions?.hasDynamicEntry('prompts') ? [...FIXTURE_PROMPTS, FIXTURE_DYNAMIC_PROMPT] : FIXTURE_PROMPTS;
}

const INSTRUCTIONS =
  'Reference server of MCP Handshake Inspector. Tools: echo, add, best_person, slow_count (progress), fail (isError), regional_echo (Mcp-Param-* headers).';

/** Everything a method handler may use besides its params. */
export interface DispatchContext {
  era: ProtocolEra;
  protocolVersion: ProtocolVersion;
  profile: BehaviorProfile;
  /** The session-era session; absent in the stateless era and when session ids are omitted. */
  session?: McpSession;
  /** Sends a notification related to this request (progress, log messages). */
  notify(notification: JsonRpcNotification): void;
  signal: AbortSignal;
  /** The log level asked for: logging/setLevel (session era) or `_meta` (stateless era). */
  logLevel?: LoggingLevel;
  /**
   * Sends a request to the client related to this request and resolves with its result; absent
   * when the transport cannot carry one (a POST answered with one JSON body, the stateless era).
   */
  requestClient?(method: string, params: Record<string, unknown>, signal: AbortSignal): Promise<Record<string, unknown>>;
  /** What the client declared: `initialize` capabilities or the `_meta` envelope's. */
  clientCapabilities?: Record<string, unknown>;
  /** Signs and verifies MRTR requestState; present in the stateless era (mrtr.ts). */
  requestStates?: RequestStateCodec;
  /** The server's listen streams and changing lists; absent where nothing can listen. */
  subscriptions?: ServerSubscriptions;
  /** The server's tasks (tasks extension); present in the stateless era (tasks.ts). */
  tasks?: TaskStore;
}

/** What a method handler gets: the dispatch context plus the way to ask the client for input. */
interface HandlerContext extends DispatchContext {
  /** See ToolCallContext.input: server→client requests (session era) or MRTR (2026-07-28). */
  input(requests: Record<string, InputRequest>): Promise<Record<string, Record<string, unknown>>>;
  /** The MRTR round of this request (1 in the session era). */
  round: number;
}

/** Version negotiation of `initialize` (2025-06-18 lifecycle §Version Negotiation). */
export function negotiateVersion(profile: BehaviorProfile, requested: unknown): ProtocolVersion {
  if (profile.protocolVersion !== 'negotiate') return profile.protocolVersion;
  return (SESSION_ERA_VERSIONS as readonly unknown[]).includes(requested) ? (requested as ProtocolVersion) : LATEST_SESSION_ERA_VERSION;
}

export function isSupportedVersion(version: string): version is ProtocolVersion {
  return (ALL_PROTOCOL_VERSIONS as readonly string[]).includes(version);
}

type Handler = (params: Record<string, unknown>, ctx: HandlerContext) => Promise<Record<string, unknown>> | Record<string, unknown>;

/** Methods of both eras. Era-specific ones are added below. */
const COMMON_METHODS: Record<string, Handler> = {
  'tools/list': (_params, ctx) => {
    const tools = [...toolDescriptions(), ...fixtureTools(ctx).map(({ call: _call, requiredClientCapability: _required, taskSupport: _task, ...definition }) => definition)];
    if (!breaks(ctx.profile, 'json-schema-2020-12-stripped')) return { tools };
    return { tools: tools.map((tool) => ({ ...tool, inputSchema: withoutJsonSchema2020Keywords(tool.inputSchema as Record<string, unknown>) })) };
  },
  'tools/call': async (params, ctx) => {
    const name = params.name;
    if (typeof name !== 'string') throw new InvalidParamsError('tools/call needs a tool "name"');
    const tool = findTool(name) ?? fixtureTools(ctx).find((t) => t.name === name);
    if (!tool) throw new InvalidParamsError(`Tool ${name} not found`);
    const args = (params.arguments ?? {}) as Record<string, unknown>;
    if (typeof args !== 'object' || args === null) throw new InvalidParamsError('"arguments" must be an object');
    const progressToken = (params._meta as Record<string, unknown> | undefined)?.progressToken;
    log(ctx, 'info', { tool: name, message: `tools/call ${name}` });
    const toolCtx: ToolCallContext = {
      signal: ctx.signal,
      progress: (progress, total, message) => {
        if (progressToken === undefined) return;
        ctx.notify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken, progress, total, message } });
      },
      log: (level, data) => {
        // Session era: before logging/setLevel the server may send what it likes; after it, only that
        // level and above. 2026-07-28: no log messages unless the request's _meta asked for a level.
        if (!ctx.logLevel && ctx.era === 'stateless' && !breaks(ctx.profile, 'log-without-log-level')) return;
        if (ctx.logLevel && LOGGING_LEVELS.indexOf(level) < LOGGING_LEVELS.indexOf(ctx.logLevel)) return;
        ctx.notify({ jsonrpc: '2.0', method: 'notifications/message', params: { level, logger: 'reference-server', data } });
      },
      delay: (ms) => abortableDelay(ms, ctx.signal),
      input: ctx.input,
      clientCapabilities: ctx.clientCapabilities ?? {},
      round: ctx.round,
      changeList: (list) => {
        if (!ctx.subscriptions) throw new InvalidParamsError(`${name} needs a server whose lists can change`);
        ctx.subscriptions.changeList(list);
      },
      runAsTask: (work) => runAsTask(ctx, toolCtx, work),
    };
    const result = await tool.call(args, toolCtx);
    if (result.isError === true && breaks(ctx.profile, 'tool-error-as-protocol-error')) {
      throw new McpError(JsonRpcErrorCode.InternalError, (result as ToolResult).content.map((c) => ('text' in c ? c.text : c.type)).join(' '));
    }
    return result as unknown as Record<string, unknown>;
  },
  'resources/list': (_params, ctx) => ({
    resources: [...resourceDescriptions(), ...(withFixtures(ctx.profile) ? FIXTURE_RESOURCES.map(({ read: _read, ...description }) => description) : [])],
  }),
  'resources/templates/list': (_params, ctx) => ({ resourceTemplates: [...RESOURCE_TEMPLATES, ...(withFixtures(ctx.profile) ? FIXTURE_RESOURCE_TEMPLATES : [])] }),
  'resources/read': (params, ctx) => {
    if (typeof params.uri !== 'string') throw new InvalidParamsError('resources/read needs a "uri"');
    try {
      return { contents: (withFixtures(ctx.profile) ? readFixtureResource(params.uri) : undefined) ?? readResource(params.uri) };
    } catch (err) {
      if (err instanceof ResourceNotFoundError && breaks(ctx.profile, 'resource-not-found-empty-contents')) return { contents: [] };
      throw err;
    }
  },
  'prompts/list': (_params, ctx) => ({ prompts: [...PROMPTS, ...fixturePrompts(ctx)] }),
  'prompts/get': async (params, ctx) => {
    if (typeof params.name !== 'string') throw new InvalidParamsError('prompts/get needs a prompt "name"');
    const args = (params.arguments ?? {}) as Record<string, string>;
    const name = params.name;
    return (fixturePrompts(ctx).some((prompt) => prompt.name === name) ? await getFixturePrompt(name, args, ctx.input) : undefined) ?? getPrompt(name, args);
  },
  'completion/complete': (params) =>
    complete((params.ref ?? {}) as Record<string, string>, (params.argument ?? {}) as Record<string, string>),
};

const SESSION_ERA_METHODS: Record<string, Handler> = {
  ...COMMON_METHODS,
  initialize: (params, ctx) => {
    const session = ctx.session;
    if (session) {
      session.clientInfo = params.clientInfo as McpSession['clientInfo'];
      session.clientCapabilities = params.capabilities as Record<string, unknown>;
    }
    return {
      protocolVersion: breaks(ctx.profile, 'initialize-unknown-version') ? UNPUBLISHED_VERSION : ctx.protocolVersion,
      capabilities: { ...serverCapabilities(ctx.profile), logging: {} },
      serverInfo: SERVER_INFO,
      instructions: INSTRUCTIONS,
    };
  },
  ping: () => ({}),
  'logging/setLevel': (params, ctx) => {
    const level = params.level as LoggingLevel;
    if (!LOGGING_LEVELS.includes(level)) throw new InvalidParamsError(`Unknown logging level "${String(params.level)}"`);
    if (ctx.session) ctx.session.logLevel = level;
    return {};
  },
  // Resource subscriptions (session era): offered with the conformance fixtures only. No fixture
  // resource changes, so no notifications/resources/updated is ever due.
  'resources/subscribe': (params, ctx) => subscription(params, ctx, 'add'),
  'resources/unsubscribe': (params, ctx) => subscription(params, ctx, 'delete'),
};

function subscription(params: Record<string, unknown>, ctx: DispatchContext, change: 'add' | 'delete'): Record<string, unknown> {
  if (!withFixtures(ctx.profile)) throw new McpError(JsonRpcErrorCode.MethodNotFound, 'Method not found: this profile offers no resource subscriptions');
  if (typeof params.uri !== 'string') throw new InvalidParamsError('resources/subscribe needs a "uri"');
  ctx.session?.subscriptions[change](params.uri);
  return {};
}

/** Cache hints of 2026-07-28 (SEP-2549): the demo content can change with a profile switch, so never cache. */
const CACHE_HINTS = { ttlMs: 0, cacheScope: 'private' } as const;
const CACHEABLE = new Set(['tools/list', 'resources/list', 'resources/templates/list', 'prompts/list', 'resources/read', 'server/discover']);

/**
 * 2026-07-28 capabilities: no resources/subscribe (subscriptions/listen replaces it), and
 * listChanged where a listen stream can carry the change.
 */
function statelessCapabilities(profile: BehaviorProfile) {
  const offered = offeredSubscriptions(profile);
  const declared = serverCapabilities(profile);
  return {
    ...declared,
    tools: { listChanged: !!offered.toolsListChanged },
    ...('prompts' in declared ? { prompts: { listChanged: !!offered.promptsListChanged } } : {}),
    resources: { subscribe: false, listChanged: !!offered.resourcesListChanged },
    // Offered with the conformance catalogue (tasks.ts).
    ...(withFixtures(profile) ? { extensions: { [TASKS_EXTENSION]: {} } } : {}),
  };
}

const STATELESS_ERA_METHODS: Record<string, Handler> = {
  ...COMMON_METHODS,
  'server/discover': (_params, ctx) => ({
    supportedVersions: [...STATELESS_ERA_VERSIONS],
    capabilities: statelessCapabilities(ctx.profile),
    instructions: INSTRUCTIONS,
  }),
  // The tasks extension (tasks.ts), offered with the conformance catalogue. The check that the
  // request declared it (-32021) runs before dispatch: missingClientCapability.
  'tasks/get': (params, ctx) => ({ ...offeredTasks(ctx).get(params.taskId) }),
  'tasks/update': (params, ctx) => {
    offeredTasks(ctx).update(params.taskId, params.inputResponses);
    return {};
  },
  'tasks/cancel': (params, ctx) => {
    offeredTasks(ctx).cancel(params.taskId);
    return {};
  },
};

/** The task store, when this profile offers the extension; else the methods do not exist. */
function offeredTasks(ctx: DispatchContext): TaskStore {
  if (!ctx.tasks || !withFixtures(ctx.profile)) throw new McpError(JsonRpcErrorCode.MethodNotFound, 'Method not found: this profile does not offer the tasks extension', undefined, 404);
  return ctx.tasks;
}

/**
 * ToolCallContext.runAsTask: a task when this server offers the extension, the request declared
 * it and the store has room, answered with its CreateTaskResult; else `work` inline. A task's failure is the
 * JSON-RPC error the call would have had (status failed); its input() parks it (input_required).
 */
async function runAsTask(ctx: HandlerContext, inline: ToolCallContext, work: (ctx: ToolCallContext) => Promise<ToolResult>): Promise<ToolResult | TaskHandle> {
  if (!ctx.tasks?.hasRoom() || !withFixtures(ctx.profile) || !declaresTasksExtension(ctx.clientCapabilities)) return work(inline);
  return ctx.tasks.create(async (task) => {
    try {
      return await work(taskToolContext(ctx, inline, task));
    } catch (err) {
      throw toMcpError(err, ctx);
    }
  });
}

/** What a tool's work sees inside a task: the extension carries no progress or log notifications for tasks. */
function taskToolContext(ctx: HandlerContext, inline: ToolCallContext, task: RunningTask): ToolCallContext {
  const inTask: ToolCallContext = {
    ...inline,
    signal: task.signal,
    progress: () => undefined,
    log: () => undefined,
    delay: (ms) => abortableDelay(ms, task.signal),
    input: (requests) => {
      requireDeclaredCapabilities(ctx, requests);
      return task.input(requests);
    },
    runAsTask: (more) => more(inTask), // already a task
  };
  return inTask;
}

/**
 * The error for a request that needs a client capability the client did not declare (2026-07-28:
 * MissingRequiredClientCapability, -32021, HTTP 400, checked before the response starts): a
 * fixture tool's required capability, or the tasks extension for tasks/* and the tools that
 * only run as tasks.
 */
export function missingClientCapability(profile: BehaviorProfile, request: JsonRpcRequest, clientCapabilities: Record<string, unknown>): McpError | undefined {
  if (!withFixtures(profile)) return undefined;
  const missing = (what: string, requiredCapabilities: Record<string, unknown>) =>
    new McpError(StatelessErrorCode.MissingRequiredClientCapability, `Missing required client capability: ${what}`, { requiredCapabilities }, 400);
  const tool = request.method === 'tools/call' ? FIXTURE_TOOLS.find((t) => t.name === request.params?.name) : undefined;
  const listensToTasks = request.method === LISTEN_METHOD && (request.params?.notifications as Record<string, unknown> | undefined)?.taskIds !== undefined;
  if ((TASK_METHODS.has(request.method) || tool?.taskSupport === 'required' || listensToTasks) && !declaresTasksExtension(clientCapabilities)) {
    const what = tool ? `tool ${tool.name} runs only as a task, so it` : listensToTasks ? `${LISTEN_METHOD} for task notifications (taskIds)` : request.method;
    return missing(`${what} needs the ${TASKS_EXTENSION} extension declared in the request's client capabilities`, TASKS_REQUIRED_CAPABILITIES);
  }
  const required = tool?.requiredClientCapability;
  return required && !(required in clientCapabilities) ? missing(required, { [required]: {} }) : undefined;
}

/** The handler of `method` in `era`, if the server implements it there. */
function methodHandler(era: ProtocolEra, method: string, profile: BehaviorProfile): Handler | undefined {
  if (era === 'session') return method === 'logging/setLevel' && breaks(profile, 'logging-not-served') ? undefined : SESSION_ERA_METHODS[method];
  if (method === 'server/discover' && breaks(profile, 'no-server-discover')) return undefined;
  return STATELESS_ERA_METHODS[method] ?? (breaks(profile, 'removed-methods-served') ? SESSION_ERA_METHODS[method] : undefined);
}

/** Whether `method` exists in `era`; unknown methods get -32601 (HTTP 404 in the stateless era). */
export function hasMethod(era: ProtocolEra, method: string, profile: BehaviorProfile): boolean {
  return methodHandler(era, method, profile) !== undefined;
}

/**
 * Runs one JSON-RPC request and returns its result, or throws McpError. Handler failures are
 * mapped to the error codes of the era (resource-not-found is -32002 before 2026-07-28, -32602 after).
 */
export async function dispatch(request: JsonRpcRequest, ctx: DispatchContext): Promise<Record<string, unknown>> {
  const handler = methodHandler(ctx.era, request.method, ctx.profile);
  if (!handler) {
    throw new McpError(JsonRpcErrorCode.MethodNotFound, `Method not found: ${request.method}`, undefined, ctx.era === 'stateless' ? 404 : 200);
  }
  const params = request.params ?? {};
  // MRTR (2026-07-28): only these methods may answer input_required; elsewhere input() is refused.
  const codec = ctx.era === 'stateless' && MRTR_METHODS.has(request.method) ? ctx.requestStates : undefined;
  let round: InputRound = { round: 1, answers: {}, asked: new Set() };
  let result: Record<string, unknown>;
  try {
    if (codec) round = await beginRound(request.method, params, codec, !breaks(ctx.profile, 'tampered-state-accepted'));
    result = await handler(params, { ...ctx, round: round.round, input: (requests) => gatherInput(ctx, round, requests, !!codec) });
  } catch (err) {
    if (!(err instanceof InputRequired && codec)) throw toMcpError(err, ctx);
    result = await inputRequiredResult(request.method, params, round, err, codec);
  }
  if (ctx.era === 'stateless') {
    const { profile } = ctx;
    const complete = result.resultType === undefined;
    result = {
      ...result,
      // SEP-2322: every result says what it is; handlers set it only when it is not "complete".
      ...(breaks(profile, 'no-result-type') ? {} : { resultType: result.resultType ?? 'complete' }),
      ...(complete && CACHEABLE.has(request.method) ? cacheHints(profile) : {}),
      _meta: { ...(result._meta as object | undefined), ...(breaks(profile, 'no-server-info') ? {} : { [META.serverInfo]: SERVER_INFO }) },
    };
  }
  return result;
}

/** The caching hints of a cacheable result (none, or invalid ones, when the profile breaks them). */
function cacheHints(profile: BehaviorProfile): Record<string, unknown> {
  if (breaks(profile, 'no-caching-hints')) return {};
  if (breaks(profile, 'invalid-caching-hints')) return { ttlMs: -1, cacheScope: 'shared' };
  return CACHE_HINTS;
}

/**
 * A handler's input(): refused for a capability the client did not declare (a server must not
 * ask for what the client cannot do); then the answers of this MRTR round, or, in the session
 * era, server→client requests on the POST's stream.
 */
async function gatherInput(ctx: DispatchContext, round: InputRound, requests: Record<string, InputRequest>, mrtr: boolean): Promise<Record<string, Record<string, unknown>>> {
  requireDeclaredCapabilities(ctx, requests);
  if (mrtr) return answersFor(round, requests);
  if (ctx.era === 'stateless') throw new InvalidParamsError('Only tools/call, prompts/get and resources/read may ask the client for input (SEP-2322)');
  const requestClient = ctx.requestClient;
  if (!requestClient) {
    throw new InvalidParamsError(`${Object.values(requests).map((r) => r.method).join(', ')} needs a stream to the client: this POST is answered with one JSON body (profile postResponse "json")`);
  }
  const entries = await Promise.all(Object.entries(requests).map(async ([key, request]) => [key, await requestClient(request.method, request.params, ctx.signal)] as const));
  return Object.fromEntries(entries);
}

/** Refuses input requests whose capability the client did not declare: a server must not ask for what the client cannot do. */
function requireDeclaredCapabilities(ctx: DispatchContext, requests: Record<string, InputRequest>): void {
  const declared = ctx.clientCapabilities ?? {};
  const undeclared = [...new Set(Object.values(requests).map((request) => INPUT_METHODS[request.method]))].filter((capability) => !(capability in declared) && !breaks(ctx.profile, 'undeclared-capability-used'));
  if (undeclared.length === 0) return;
  const message = `The client did not declare the ${undeclared.map((c) => `"${c}"`).join(', ')} capability, so ${Object.values(requests).map((r) => r.method).join(', ')} cannot be asked`;
  if (ctx.era === 'stateless') {
    throw new McpError(StatelessErrorCode.MissingRequiredClientCapability, message, { requiredCapabilities: Object.fromEntries(undeclared.map((c) => [c, {}])) });
  }
  throw new InvalidParamsError(message);
}

function toMcpError(err: unknown, { era, profile }: Pick<DispatchContext, 'era' | 'profile'>): McpError {
  if (err instanceof McpError) return err;
  if (err instanceof InvalidParamsError) return new McpError(JsonRpcErrorCode.InvalidParams, err.message);
  if (err instanceof ResourceNotFoundError) {
    // SEP-2164: the error's data names the URI that was not found.
    const stateless = era === 'stateless' && !breaks(profile, 'resource-not-found-old-code');
    return new McpError(stateless ? JsonRpcErrorCode.InvalidParams : JsonRpcErrorCode.ResourceNotFound, err.message, { uri: err.uri });
  }
  return new McpError(JsonRpcErrorCode.InternalError, `Internal error: ${(err as Error)?.message ?? String(err)}`);
}

/** Sends `notifications/message` when the client asked for this level or a lower one. */
function log(ctx: DispatchContext, level: LoggingLevel, data: unknown): void {
  if (!ctx.logLevel || LOGGING_LEVELS.indexOf(level) < LOGGING_LEVELS.indexOf(ctx.logLevel)) return;
  ctx.notify({ jsonrpc: '2.0', method: 'notifications/message', params: { level, logger: 'reference-server', data } });
}

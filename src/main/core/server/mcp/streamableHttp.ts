import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BehaviorProfile } from '../../../../shared/profile';
import { JsonRpcErrorCode, McpHeader, STATELESS_ERA_VERSIONS, type ProtocolEra, type ProtocolVersion } from '../../../../shared/protocol';
import { breaks } from '../breaks';
import { LISTEN_METHOD, parseSubscriptionFilter, TASK_STATUS_METHOD } from '../../../../shared/subscriptions';
import { BodyTooLargeError, firstHeader, mediaType, readBody, sendEmpty, sendJson } from '../http';
import {
  catalogueTool,
  dispatch,
  hasMethod,
  isSupportedVersion,
  META,
  missingClientCapability,
  negotiateVersion,
  offeredSubscriptions,
  StatelessErrorCode,
} from './dispatcher';
import {
  errorResponse,
  isNotification,
  isRequest,
  McpError,
  parseJsonRpcBody,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
} from './jsonrpc';
import type { LoggingLevel, McpSession, SessionStore } from './sessions';
import { RequestStateCodec } from './mrtr';
import { routingHeaderError } from './routingHeaders';
import { TaskStore } from './tasks';
import { SseStream } from './sse';
import { ServerSubscriptions } from './subscriptions';

/** What the HTTP router hands the MCP endpoint for one request. */
export interface McpHttpContext {
  profile: BehaviorProfile;
  /** Called once the JSON-RPC body is known; answers 401 itself and returns false when refused. */
  authorize(messages: JsonRpcMessage[]): Promise<boolean>;
}

/** The protocol version assumed when a session-era request carries no header (2025-06-18 transports §Protocol Version Header). */
const DEFAULT_HEADER_VERSION: ProtocolVersion = '2025-03-26';

/** Sends a JSON-RPC error as the whole HTTP response. */
export function sendRpcError(res: ServerResponse, status: number, error: McpError, id: JsonRpcResponse['id'] = null, headers: Record<string, string> = {}): void {
  sendJson(res, status, errorResponse(id, error.toJson()), headers);
}

/**
 * Streamable HTTP at /mcp, both eras on one endpoint: a request whose `_meta` names a
 * protocol version is served statelessly (2026-07-28); anything else follows the session
 * era (initialize, Mcp-Session-Id, GET stream, DELETE).
 */
export class StreamableHttpEndpoint {
  /** Signs the requestState of this server's MRTR rounds (2026-07-28). */
  private readonly requestStates = new RequestStateCodec();
  /** This server's tasks (tasks extension, 2026-07-28). */
  private readonly tasks = new TaskStore();

  constructor(
    private readonly sessions: SessionStore,
    /** The server's `subscriptions/listen` streams and changing lists (2026-07-28). */
    readonly subscriptions = new ServerSubscriptions(),
  ) {
    // The tasks extension's status notifications, to the listen streams that asked for the task.
    this.tasks.onStatus((task) => this.subscriptions.notify({ jsonrpc: '2.0', method: TASK_STATUS_METHOD, params: { ...task } }));
  }

  /** Stops the work of every task (server shutdown). */
  close(): void {
    this.tasks.close();
  }

  async handle(req: IncomingMessage, res: ServerResponse, ctx: McpHttpContext): Promise<void> {
    switch (req.method) {
      case 'POST':
        return this.post(req, res, ctx);
      case 'GET':
        return this.openStream(req, res, ctx);
      case 'DELETE':
        return this.endSession(req, res, ctx.profile);
      default:
        return sendRpcError(res, 405, new McpError(JsonRpcErrorCode.ServerError, `Method ${req.method} not allowed`), null, { Allow: 'GET, POST, DELETE' });
    }
  }

  // ---- POST -----------------------------------------------------------------------------------

  private async post(req: IncomingMessage, res: ServerResponse, ctx: McpHttpContext): Promise<void> {
    const { profile } = ctx;
    const contentType = mediaType(req.headers['content-type']);
    if (contentType !== 'application/json') {
      req.resume();
      return sendRpcError(res, 415, new McpError(JsonRpcErrorCode.ServerError, `Unsupported Media Type: Content-Type must be application/json, got "${contentType || 'none'}"`));
    }
    const acceptProblem = checkAccept(firstHeader(req, 'accept'), profile);
    if (acceptProblem) {
      req.resume();
      return sendRpcError(res, 406, new McpError(JsonRpcErrorCode.ServerError, `Not Acceptable: ${acceptProblem}`));
    }
    let parsed: { messages: JsonRpcMessage[]; batch: boolean };
    try {
      parsed = parseJsonRpcBody(await readBody(req, profile.maxBodyBytes));
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        return sendRpcError(res, 413, new McpError(JsonRpcErrorCode.InvalidRequest, `Payload Too Large: ${err.message}`));
      }
      if (err instanceof McpError) return sendRpcError(res, err.httpStatus, err);
      throw err;
    }
    if (!(await ctx.authorize(parsed.messages))) return;

    const era = classifyEra(req, parsed.messages, profile);
    if (era instanceof McpError) return sendRpcError(res, era.httpStatus, era, breaks(profile, 'error-id-null') ? null : idOf(parsed.messages[0]));
    if (era === 'stateless') return this.postStateless(req, res, parsed, profile);
    return this.postSessionEra(req, res, parsed, profile);
  }

  private async postSessionEra(req: IncomingMessage, res: ServerResponse, parsed: { messages: JsonRpcMessage[]; batch: boolean }, profile: BehaviorProfile): Promise<void> {
    const { messages } = parsed;
    const initialize = messages.find((m) => isRequest(m) && m.method === 'initialize') as JsonRpcRequest | undefined;
    let session: McpSession | undefined;
    let protocolVersion: ProtocolVersion;
    const headers: Record<string, string> = {};

    if (initialize) {
      if (messages.length > 1) {
        return sendRpcError(res, 400, new McpError(JsonRpcErrorCode.InvalidRequest, 'Invalid Request: initialize must be the only message in its POST'), initialize.id);
      }
      protocolVersion = negotiateVersion(profile, initialize.params?.protocolVersion);
      if (profile.sessionId === 'issue') {
        session = this.sessions.create('streamable-http', protocolVersion);
        headers['Mcp-Session-Id'] = session.id;
      }
    } else {
      const found = this.requireSession(req, res, profile);
      if (found === null) return;
      session = found;
      const headerVersion = firstHeader(req, McpHeader.ProtocolVersion);
      if (headerVersion !== undefined && !isSupportedVersion(headerVersion)) {
        return sendRpcError(res, 400, new McpError(JsonRpcErrorCode.ServerError, `Bad Request: unsupported MCP-Protocol-Version "${headerVersion}"`));
      }
      protocolVersion = session?.protocolVersion ?? (headerVersion as ProtocolVersion | undefined) ?? DEFAULT_HEADER_VERSION;
    }

    for (const message of messages) {
      if (isNotification(message)) this.onNotification(message, session);
      else if (!isRequest(message)) onClientResponse(message, session);
    }
    const requests = messages.filter(isRequest);
    if (requests.length === 0) return sendEmpty(res, profile.notificationStatus, headers);

    const toGetStream: Notify = (n) => session?.stream?.send(n);
    await respond(req, res, parsed.batch, requests, profile, headers, toGetStream, (request, notify, toClient) =>
      runRequest(request, {
        era: 'session',
        protocolVersion,
        profile,
        session,
        logLevel: session?.logLevel,
        notify,
        clientCapabilities: session?.clientCapabilities,
        subscriptions: this.subscriptions,
        requestClient: toClient && session ? (method, params, signal) => askClient(session, toClient, method, params, signal) : undefined,
      }),
    );
  }

  private async postStateless(req: IncomingMessage, res: ServerResponse, parsed: { messages: JsonRpcMessage[]; batch: boolean }, profile: BehaviorProfile): Promise<void> {
    const message = breaks(profile, 'invalid-meta-accepted') ? withGuessedEnvelope(req, parsed.messages[0]!) : parsed.messages[0]!;
    if (parsed.batch) {
      return sendRpcError(res, 400, new McpError(JsonRpcErrorCode.InvalidRequest, 'Invalid Request: 2026-07-28 carries one message per POST, batches are not allowed'));
    }
    if (isNotification(message)) return sendEmpty(res, profile.notificationStatus);
    if (!isRequest(message)) {
      return sendRpcError(res, 400, new McpError(JsonRpcErrorCode.InvalidRequest, 'Invalid Request: clients send no JSON-RPC responses in 2026-07-28'));
    }
    const errorId = breaks(profile, 'error-id-null') ? null : message.id;
    const problem = statelessRequestProblem(req, message, profile);
    if (problem) return sendRpcError(res, problem.httpStatus, problem, errorId);
    if (message.method === LISTEN_METHOD) return this.listen(req, res, message, profile);
    if (!hasMethod('stateless', message.method, profile)) {
      return sendRpcError(res, breaks(profile, 'method-not-found-200') ? 200 : 404, new McpError(JsonRpcErrorCode.MethodNotFound, `Method not found: ${message.method}`), errorId);
    }
    const meta = message.params!._meta as Record<string, unknown>;
    const missing = breaks(profile, 'undeclared-capability-used') ? undefined : missingClientCapability(profile, message, meta[META.clientCapabilities] as Record<string, unknown>);
    if (missing) return sendRpcError(res, missing.httpStatus, missing, errorId);
    const noStream: Notify = () => undefined; // 2026-07-28 has no GET stream to carry them
    await respond(req, res, false, [message], profile, {}, noStream, (request, notify) =>
      runRequest(request, {
        era: 'stateless',
        protocolVersion: meta[META.protocolVersion] as ProtocolVersion,
        profile,
        logLevel: meta[META.logLevel] as LoggingLevel | undefined,
        notify,
        clientCapabilities: meta[META.clientCapabilities] as Record<string, unknown>,
        subscriptions: this.subscriptions,
        // No server→client requests in 2026-07-28: input is asked for with input_required results (MRTR).
        requestStates: this.requestStates,
        tasks: this.tasks,
      }),
    );
  }

  /**
   * `subscriptions/listen` (2026-07-28 basic/patterns/subscriptions): the answer is an SSE stream
   * that stays open, the acknowledgement first; it replaces the session era's GET stream.
   */
  private listen(req: IncomingMessage, res: ServerResponse, request: JsonRpcRequest, profile: BehaviorProfile): void {
    const accept = firstHeader(req, 'accept');
    if (accept && !/text\/event-stream|\*\/\*/.test(accept)) {
      return sendRpcError(res, 406, new McpError(JsonRpcErrorCode.ServerError, `Not Acceptable: ${LISTEN_METHOD} is answered with an SSE stream, and Accept "${accept}" does not allow text/event-stream`), request.id);
    }
    const requested = parseSubscriptionFilter(request.params?.notifications);
    if (!requested) {
      const error = new McpError(JsonRpcErrorCode.InvalidParams, `Invalid params: ${LISTEN_METHOD} needs params.notifications, an object of boolean toolsListChanged / promptsListChanged / resourcesListChanged, a resourceSubscriptions array of URIs and a taskIds array`);
      return sendRpcError(res, 200, error, request.id);
    }
    const clientCapabilities = (request.params?._meta as Record<string, unknown>)[META.clientCapabilities] as Record<string, unknown>;
    const missing = missingClientCapability(profile, request, clientCapabilities);
    if (missing) return sendRpcError(res, missing.httpStatus, missing, request.id);
    this.subscriptions.listen(res, request.id, requested, offeredSubscriptions(profile, this.tasks.ids()), profile.pingIntervalMs, !breaks(profile, 'listen-without-ack'));
  }

  /** Looks up the session named by Mcp-Session-Id: 400 when missing, 404 when unknown. null = answered. */
  private requireSession(req: IncomingMessage, res: ServerResponse, profile: BehaviorProfile): McpSession | undefined | null {
    if (profile.sessionId === 'omit') return undefined;
    const id = firstHeader(req, McpHeader.SessionId);
    if (!id) {
      sendRpcError(res, 400, new McpError(JsonRpcErrorCode.ServerError, 'Bad Request: Mcp-Session-Id header is required'));
      return null;
    }
    const session = this.sessions.get(id);
    if (!session || session.transport !== 'streamable-http') {
      sendRpcError(res, 404, new McpError(-32001, 'Session not found: it expired or was ended; send initialize again'));
      return null;
    }
    return session;
  }

  private onNotification(notification: JsonRpcNotification, session: McpSession | undefined): void {
    if (!session) return;
    if (notification.method === 'notifications/initialized') session.initialized = true;
    if (notification.method === 'notifications/cancelled') {
      const requestId = notification.params?.requestId as string | number | undefined;
      if (requestId !== undefined) session.inFlight.get(requestId)?.abort(new Error(String(notification.params?.reason ?? 'cancelled')));
    }
  }

  // ---- GET: the server→client stream ----------------------------------------------------------

  private openStream(req: IncomingMessage, res: ServerResponse, ctx: McpHttpContext): void {
    const { profile } = ctx;
    // Allow names only what this endpoint accepts: DELETE is 405 too without sessions.
    const allow = profile.era === 'stateless' || profile.sessionId === 'omit' ? 'POST' : 'POST, DELETE';
    if (profile.era === 'stateless') return refuseGet(res, 405, allow);
    if (profile.getStream !== 'sse') return refuseGet(res, profile.getStream, allow);
    const accept = firstHeader(req, 'accept') ?? '';
    if (!/text\/event-stream|\*\/\*/.test(accept)) {
      return sendRpcError(res, 406, new McpError(JsonRpcErrorCode.ServerError, 'Not Acceptable: GET needs Accept: text/event-stream'));
    }
    const session = this.requireSession(req, res, profile);
    if (session === null) return;
    if (session?.stream && !session.stream.closed) {
      return sendRpcError(res, 409, new McpError(JsonRpcErrorCode.ServerError, 'Conflict: this session already has a GET stream open'));
    }
    const stream = new SseStream(res, profile.pingIntervalMs);
    if (session) session.stream = stream;
  }

  // ---- DELETE: end the session ----------------------------------------------------------------

  private endSession(req: IncomingMessage, res: ServerResponse, profile: BehaviorProfile): void {
    if (profile.era === 'stateless' || profile.sessionId === 'omit') {
      return sendRpcError(res, 405, new McpError(JsonRpcErrorCode.ServerError, 'Method Not Allowed: this server keeps no sessions'), null, { Allow: 'POST' });
    }
    const session = this.requireSession(req, res, profile);
    if (!session) return;
    if (!breaks(profile, 'session-survives-delete')) this.sessions.delete(session.id);
    sendEmpty(res, 200);
  }
}

/** Decides the era of a POST (2026-07-28 versioning §Dual-era servers): the body decides, headers only cross-check. */
function classifyEra(req: IncomingMessage, messages: JsonRpcMessage[], profile: BehaviorProfile): ProtocolEra | McpError {
  const first = messages[0]!;
  const meta = 'params' in first ? first.params?._meta : undefined;
  // Only an object `_meta` can carry the envelope (`in` on a string or number would throw).
  const claimsModern = typeof meta === 'object' && meta !== null && !Array.isArray(meta) && META.protocolVersion in meta;
  const headerVersion = firstHeader(req, McpHeader.ProtocolVersion);
  const headerModern = !!headerVersion && (STATELESS_ERA_VERSIONS as readonly string[]).includes(headerVersion);

  if (profile.era === 'session') return 'session'; // a session-only server knows nothing of `_meta` envelopes
  if (profile.era === 'stateless' && !claimsModern) {
    if (isRequest(first) || !headerModern) {
      return new McpError(StatelessErrorCode.UnsupportedProtocolVersion, 'Unsupported protocol version: this server speaks only 2026-07-28 (no initialize handshake)', { supported: [...STATELESS_ERA_VERSIONS], ...(isRequest(first) && first.method === 'initialize' ? { requested: first.params?.protocolVersion } : {}) }, 400);
    }
    return 'stateless';
  }
  if (claimsModern) return 'stateless';
  if (isRequest(first) && first.method === 'initialize') {
    return headerModern
      ? new McpError(StatelessErrorCode.HeaderMismatch, 'Header mismatch: initialize (the legacy handshake) was sent with a 2026-07-28 MCP-Protocol-Version header', undefined, 400)
      : 'session';
  }
  if (headerModern && isNotification(first)) return 'stateless';
  if (headerModern) {
    if (breaks(profile, 'invalid-meta-accepted')) return 'stateless';
    return new McpError(JsonRpcErrorCode.InvalidParams, `Invalid _meta envelope: MCP-Protocol-Version is ${headerVersion} but params._meta has no "${META.protocolVersion}"`, undefined, 400);
  }
  return 'session';
}

/**
 * Checks a 2026-07-28 request's `_meta` envelope and its required headers against its body.
 * Order (2026-07-28 transports, standard request headers; as the conformance suite's reference
 * server does): a version that is no string is -32022, a missing clientCapabilities -32602; then
 * the headers (MCP-Protocol-Version, Mcp-Method, Mcp-Name, the called tool's Mcp-Param-*) must
 * mirror the body, or -32020 HeaderMismatch (routingHeaders.ts), whatever the body's version;
 * only a request whose headers agree with its body is judged on its version (-32022).
 */
function statelessRequestProblem(req: IncomingMessage, request: JsonRpcRequest, profile: BehaviorProfile): McpError | undefined {
  const meta = request.params?._meta as Record<string, unknown>;
  const version = meta[META.protocolVersion];
  if (typeof version !== 'string') return unsupportedVersion(version, profile);
  const capabilities = meta[META.clientCapabilities];
  if (typeof capabilities !== 'object' || capabilities === null || Array.isArray(capabilities)) {
    return new McpError(JsonRpcErrorCode.InvalidParams, `Invalid _meta envelope for protocol revision ${version}: ${META.clientCapabilities}: missing`, undefined, 400);
  }
  const tool = request.method === 'tools/call' && typeof request.params?.name === 'string' ? catalogueTool(profile, request.params.name) : undefined;
  const headerProblem = routingHeaderError(req, request, tool?.inputSchema);
  if (headerProblem && !breaks(profile, 'header-mismatch-accepted')) return headerProblem;
  if (!(STATELESS_ERA_VERSIONS as readonly string[]).includes(version) && !breaks(profile, 'unsupported-version-accepted')) return unsupportedVersion(version, profile);
  return undefined;
}

/** UnsupportedProtocolVersionError: the versions this server speaks, and the one asked for. */
function unsupportedVersion(requested: unknown, profile: BehaviorProfile): McpError {
  const supported = breaks(profile, 'unsupported-version-without-supported') ? {} : { supported: [...STATELESS_ERA_VERSIONS] };
  return new McpError(StatelessErrorCode.UnsupportedProtocolVersion, `Unsupported protocol version: ${String(requested)}`, { ...supported, requested }, 400);
}

/**
 * A request whose `_meta` envelope is missing or incomplete, completed the way a lenient server
 * guesses: the version from MCP-Protocol-Version, no client capabilities.
 */
function withGuessedEnvelope(req: IncomingMessage, message: JsonRpcMessage): JsonRpcMessage {
  if (!isRequest(message)) return message;
  const meta = (typeof message.params?._meta === 'object' && message.params._meta !== null ? message.params._meta : {}) as Record<string, unknown>;
  const envelope = { [META.protocolVersion]: firstHeader(req, McpHeader.ProtocolVersion), [META.clientCapabilities]: {}, ...meta };
  return { ...message, params: { ...message.params, _meta: envelope } };
}

/** Checks `Accept` on POST. Lenient (default) accepts what real clients send; strict needs both types. */
function checkAccept(accept: string | undefined, profile: BehaviorProfile): string | undefined {
  const value = (accept ?? '').toLowerCase();
  const json = value.includes('application/json');
  const sse = value.includes('text/event-stream');
  if (profile.acceptCheck === 'strict') {
    return json && sse ? undefined : 'Accept must list both application/json and text/event-stream';
  }
  if (!accept || json || sse || value.includes('*/*') || value.includes('application/*')) return undefined;
  return `Accept "${accept}" allows neither application/json nor text/event-stream`;
}

function refuseGet(res: ServerResponse, status: 405 | 501 | 404, allow: string): void {
  const reasons = {
    405: 'Method Not Allowed: this server does not offer a GET stream (POST only)',
    501: 'Not Implemented: GET streams are not implemented',
    404: 'Not Found',
  };
  sendRpcError(res, status, new McpError(JsonRpcErrorCode.ServerError, reasons[status]), null, status === 405 ? { Allow: allow } : {});
}

function idOf(message: JsonRpcMessage | undefined): JsonRpcResponse['id'] {
  return message && 'id' in message ? (message.id as JsonRpcResponse['id']) : null;
}

type Notify = (notification: JsonRpcNotification) => void;
/** Writes one JSON-RPC message to the client on the stream answering a POST. */
type ToClient = (message: JsonRpcRequest) => void;

let clientRequestCounter = 0;

/**
 * Sends a server→client request (sampling/createMessage, elicitation/create) on the SSE stream
 * answering the POST it relates to; the client answers it in a later POST of the same session
 * (2025-11-25 transports §Sending Messages to the Server), which onClientResponse routes back.
 */
function askClient(session: McpSession, toClient: ToClient, method: string, params: Record<string, unknown>, signal: AbortSignal): Promise<Record<string, unknown>> {
  const id = `server-request-${++clientRequestCounter}`;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    // A cancelled call (notifications/cancelled, session ended) stops waiting for the client's answer.
    const onAbort = () => {
      session.clientRequests.delete(id);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = <T,>(fn: (value: T) => void) => (value: T) => {
      signal.removeEventListener('abort', onAbort);
      fn(value);
    };
    session.clientRequests.set(id, { resolve: settle(resolve), reject: settle(reject) });
    toClient({ jsonrpc: '2.0', id, method, params });
  });
}

/** A JSON-RPC response from the client: settles the server→client request it answers, if any. */
function onClientResponse(message: JsonRpcMessage, session: McpSession | undefined): void {
  const response = message as JsonRpcResponse;
  const id = response.id;
  if (!session || id === null || id === undefined) return;
  const pending = session.clientRequests.get(id);
  if (!pending) return;
  session.clientRequests.delete(id);
  if ('error' in response && response.error) pending.reject(new McpError(response.error.code, `The client answered ${String(id)} with an error: ${response.error.message}`));
  else pending.resolve(((response as { result?: Record<string, unknown> }).result ?? {}) as Record<string, unknown>);
}

/** Runs one request, turning McpError into a JSON-RPC error response; registers it for cancellation. */
export async function runRequest(request: JsonRpcRequest, ctx: Omit<Parameters<typeof dispatch>[1], 'signal'>): Promise<JsonRpcResponse> {
  const controller = new AbortController();
  ctx.session?.inFlight.set(request.id, controller);
  try {
    const result = await dispatch(request, { ...ctx, signal: controller.signal });
    return { jsonrpc: '2.0', id: request.id, result };
  } catch (err) {
    const error = err instanceof McpError ? err : new McpError(JsonRpcErrorCode.InternalError, String(err));
    return errorResponse(breaks(ctx.profile, 'error-id-null') ? null : request.id, error.toJson());
  } finally {
    ctx.session?.inFlight.delete(request.id);
  }
}

/**
 * Answers the requests of one POST as one JSON body or as an SSE stream (profile.postResponse,
 * when the client accepts it). On a stream, related notifications (progress, log messages)
 * precede the response; with JSON they go to the session's GET stream if one is open.
 */
async function respond(
  req: IncomingMessage,
  res: ServerResponse,
  batch: boolean,
  requests: JsonRpcRequest[],
  profile: BehaviorProfile,
  headers: Record<string, string>,
  notifyElsewhere: Notify,
  run: (request: JsonRpcRequest, notify: Notify, toClient?: ToClient) => Promise<JsonRpcResponse>,
): Promise<void> {
  const accept = firstHeader(req, 'accept') ?? '';
  const useSse = profile.postResponse === 'sse' && /text\/event-stream|\*\/\*/.test(accept);
  if (useSse) {
    const stream = new SseStream(res, profile.pingIntervalMs, headers);
    const send = (message: JsonRpcNotification | JsonRpcRequest) => stream.send(message);
    await Promise.all(requests.map(async (request) => stream.send(await run(request, send, send))));
    stream.close();
    return;
  }
  const responses = await Promise.all(requests.map((request) => run(request, notifyElsewhere)));
  if (res.destroyed) return;
  sendJson(res, 200, batch ? responses : responses[0], headers);
}

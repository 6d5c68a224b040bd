// One HTTP exchange as the inspector records it, and the events that build it up.
// Plain data: it crosses IPC and the capture files unchanged.

/** The handshake phase an exchange belongs to. */
export type Phase =
  | 'discovery'
  | 'registration'
  | 'authorization'
  | 'token'
  | 'jsonrpc'
  | 'sse-stream'
  | 'session-end'
  | 'other';

/**
 * The label of an authorization response that came back through --intercept-as's callback
 * relay (phase `authorization`, like the authorization request it answers).
 */
export const AUTHORIZATION_RESPONSE_RELAY = 'authorization response (callback relay)';

/** Which well-known document a discovery request asked for. */
export type DiscoveryKind =
  | 'protected-resource-root'
  | 'protected-resource-suffixed'
  | 'authorization-server-root'
  | 'authorization-server-suffixed'
  | 'openid-configuration-root'
  | 'openid-configuration-suffixed'
  | 'openid-configuration-appended'
  | 'jwks'
  | 'userinfo'
  | 'other-well-known';

/**
 * Which SSE stream an exchange is: the session era's GET stream, a POST answered as a stream,
 * the legacy HTTP+SSE stream, or a 2026-07-28 `subscriptions/listen` stream (a POST that stays open).
 */
export type SseStreamKind = 'get-stream' | 'post-response' | 'legacy-sse' | 'listen';

/** What a JSON-RPC body carried, pulled out for the timeline and for correlation. */
export interface JsonRpcSummary {
  kind: 'request' | 'notification' | 'response' | 'error' | 'batch';
  /** Methods of the requests and notifications, in order. */
  methods: string[];
  /** Ids of the requests (on a request) or of the responses (on a response). */
  ids: Array<string | number>;
  /** From `initialize` params, or the 2026-07-28 `_meta` envelope. */
  protocolVersion?: string;
  clientInfo?: { name?: string; version?: string };
  /** tools/call tool name, prompts/get name, resources/read uri, the taskId of tasks/get, tasks/update and tasks/cancel. */
  target?: string;
  /** On a response: the task a CreateTaskResult (`resultType: "task"`) created, whose tasks/* requests name it as target. */
  taskId?: string;
  errors?: Array<{ id: string | number | null; code: number; message: string }>;
}

export interface Classification {
  phase: Phase;
  /** A short label for the timeline: "PRM (path-suffixed)", "token: refresh_token", "tools/list". */
  label: string;
  discovery?: DiscoveryKind;
  grantType?: string;
  /** The JSON-RPC the client sent (request side). */
  jsonRpc?: JsonRpcSummary;
  /** The JSON-RPC that came back in the response body (JSON or SSE). */
  jsonRpcResponse?: JsonRpcSummary;
  stream?: SseStreamKind;
}

/** Client families recognised from User-Agent and `clientInfo` (the clients the simulator profiles; docs/client-profiles.md). */
export type ClientFamily =
  | 'claude-ai-discovery'
  | 'claude-user'
  | 'claude-code'
  | 'chatgpt'
  | 'vscode'
  | 'cursor'
  | 'mcp-remote'
  | 'mcp-inspector'
  | 'mcp-sdk'
  | 'browser'
  | 'inspector-simulator'
  | 'unknown';

export interface ClientIdentity {
  address?: string;
  userAgent?: string;
  family: ClientFamily;
  /** A human label: "Claude.ai (discovery, python-httpx)", "Claude Code 2.1.204". */
  label: string;
}

/** A body as recorded: text when it is UTF-8, base64 otherwise; capped in memory. */
export interface BodyRecord {
  /** Bytes on the wire. */
  size: number;
  encoding: 'utf8' | 'base64';
  /** The kept part of the body (all of it unless truncated). */
  data: string;
  truncated: boolean;
}

export interface HttpHeaders {
  [name: string]: string | string[] | undefined;
}

export interface RequestRecord {
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  httpVersion: string;
  headers: HttpHeaders;
  body?: BodyRecord;
}

export interface ResponseRecord {
  status: number;
  statusMessage?: string;
  headers: HttpHeaders;
  body?: BodyRecord;
}

/** One parsed server-sent event (or comment: pings are usually comments). */
export interface SseEvent {
  index: number;
  /** Milliseconds since the exchange started. */
  at: number;
  kind: 'event' | 'comment';
  event?: string;
  id?: string;
  data?: string;
  retry?: number;
  comment?: string;
}

export type ExchangeState = 'pending' | 'streaming' | 'complete' | 'aborted' | 'failed';

export type ExchangeErrorKind =
  | 'upstream-refused'
  | 'upstream-reset'
  | 'upstream-timeout'
  | 'upstream-malformed'
  | 'client-aborted'
  /** Refused before our handler: Node's parser (400, 431, 408) or CONNECT (405). */
  | 'client-malformed'
  | 'proxy-error';

/** Monotonic timings in milliseconds since `startedAt`. */
export interface ExchangeTimings {
  requestEnd?: number;
  upstreamHeaders?: number;
  firstByte?: number;
  end?: number;
}

/** A JSON-RPC response found in this exchange, paired with the exchange that sent its request. */
export interface RpcCorrelation {
  rpcId: string | number;
  method?: string;
  requestExchangeId: string;
  /** Set when the response travelled as an SSE event (POST response stream or GET /sse). */
  sseEventIndex?: number;
}

export interface AppliedRule {
  ruleId: string;
  explanation: string;
  /** The status this rule gave the client (a `reply` or `set-status` step, or a toggle's server answer). */
  setStatus?: number;
  /** The status before it, when known without asking the upstream twice (a toggle's spec answer: 202). */
  fromStatus?: number;
  /**
   * The built-in server did it itself, because a toggle set its profile: nothing in the front
   * door acted, the toggle's rules (its wire-equivalent definition) say this exchange is one it changes.
   */
  byServer?: boolean;
}

export interface Exchange {
  id: string;
  /** Wall-clock start, ms since the epoch. */
  startedAt: number;
  timings: ExchangeTimings;
  state: ExchangeState;
  client: ClientIdentity;
  request: RequestRecord;
  /** What the client saw. */
  response?: ResponseRecord;
  /** The upstream's own response, kept when a rule changed what the client saw. */
  upstreamResponse?: ResponseRecord;
  sseEvents: SseEvent[];
  classification: Classification;
  /** Groups exchanges of one client connection (session id, client id, token, User-Agent). */
  connectionId?: string;
  /** The run of the connection it belongs to: a client that starts over, or a marked boundary, begins a new run. */
  runId?: string;
  /** JSON-RPC responses in this exchange, each paired with its request's exchange. */
  correlations?: RpcCorrelation[];
  appliedRules: AppliedRule[];
  error?: { kind: ExchangeErrorKind; message: string };
  /**
   * Imported from a capture that doesn't say who ended this stream (a HAR from another tool):
   * closed by the server or by the client, nobody can tell. Checks about who closed it skip it.
   */
  endUnknown?: boolean;
  /** Sent by the built-in simulator rather than a real client. */
  simulated?: boolean;
  /** The simulator run it belongs to (SimulationResult.runId). */
  simulationRun?: string;
  /** The exchange this one replays. */
  replayOf?: string;
  /** Its place in a multi-round-trip request (2026-07-28 `input_required` and retries). */
  mrtr?: MrtrRound;
  /** Set while a breakpoint holds the exchange: where, and when it resumes by itself. */
  paused?: { stage: 'request' | 'response'; resumesAt: number };
}

/**
 * Where an exchange stands in a 2026-07-28 multi-round-trip request (MRTR): the server answered
 * `resultType: "input_required"` with `inputRequests` (and usually a `requestState`), and the
 * client retried the same request under a new id with `inputResponses` and the state echoed.
 * Every round of one conversation carries the id of its first exchange.
 */
export interface MrtrRound {
  /** The conversation: the id of its first round's exchange. */
  conversation: string;
  /** 1 for the first request, 2 for the first retry, … */
  round: number;
  /** The keys of `inputRequests` the server answered this round with (absent: it did not ask). */
  inputKeys?: string[];
  /** The input request's method for each key (elicitation/create, sampling/createMessage, roots/list). */
  inputMethods?: Record<string, string>;
  /** The keys of `inputResponses` the client sent this round (rounds from 2). */
  responseKeys?: string[];
  /** How this round was tied to the one before: the echoed `requestState`, or method, target, connection and the answered keys. */
  linkedBy?: 'requestState' | 'inputKeys';
  /** Rounds from 2, when the previous answer carried a `requestState`: whether the client sent it back unchanged. */
  stateEchoed?: boolean;
  /** This round's answer carried a `requestState`, and whether it differs from the one the client sent (absent on round 1). */
  stateIssued?: boolean;
  stateChanged?: boolean;
  /** How the server answered this round; absent while it has not. */
  answer?: 'input_required' | 'complete' | 'error';
  /** The conversation ended with this round (a complete result or an error). */
  final: boolean;
}

/** A line the user drew between runs ("before toggle" / "after toggle"). */
export interface Boundary {
  id: string;
  /** Wall-clock time, ms since the epoch: exchanges that start later belong to new runs. */
  at: number;
  label?: string;
}

/** The one event stream the store, UI, lint and CLI subscribe to. */
export type ExchangeEvent =
  | { type: 'exchange:start'; exchange: Exchange }
  | { type: 'exchange:update'; id: string; sseEvent?: SseEvent; patch?: Partial<Exchange> }
  | { type: 'exchange:end'; exchange: Exchange };

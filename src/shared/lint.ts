import { MRTR_SPEC, SEP_2322 } from './sources';
import { mcpSpec, CLAUDE_AI_AUTH0_HANDSHAKE_LOGS, CLAUDE_CODE_HEADERS_IGNORED, CLAUDE_CONNECTOR_AUTH_DOCS, REMOTE_MCP_AUTH, TS_SDK_CLIENT_AUTH, TS_SDK_CLIENT_SSE, TS_SDK_CLIENT_STREAMABLE_HTTP, VSCODE_EXT_HOST_MCP, VSCODE_OAUTH, githubIssue } from './sources';

// Lint: what the inspector says is wrong with a server's answers (or, for the 2026-07-28
// request headers, with a client's requests: those rules say the client is at fault), judged
// against the MCP and OAuth specifications and against what is known to break real clients
// (public issue reports and published logs, cited per rule). The rule catalogue is plain data
// so the UI, the CLI and the simulator's scenarios can name rules by id; the checks live in
// src/main/core/lint.

export type LintSeverity = 'error' | 'warning' | 'info';

/** Clients a rule's fault is known to break, named as the simulator's profiles are. */
export type LintClient =
  | 'claude-ai'
  | 'claude-code'
  | 'chatgpt'
  | 'vscode'
  | 'cursor'
  | 'mcp-remote'
  | 'mcp-inspector'
  | 'mcp-sdk'
  | 'browser-clients';

/** How findings and the UI name each client. */
export const LINT_CLIENT_NAMES: Record<LintClient, string> = {
  'claude-ai': 'Claude.ai',
  'claude-code': 'Claude Code',
  chatgpt: 'ChatGPT',
  vscode: 'VS Code',
  cursor: 'Cursor',
  'mcp-remote': 'mcp-remote',
  'mcp-inspector': 'MCP Inspector',
  'mcp-sdk': 'the MCP SDK clients',
  'browser-clients': 'browser-based clients',
};

/** Where a rule comes from: a specification or RFC section, an issue report, published logs. */
export interface LintSource {
  title: string;
  /** An absolute https URL anyone can open. */
  url: string;
}

/**
 * One lint rule as data. `scope` says what a check needs to see: one exchange on its own, or
 * the exchange in the context of its connection (what was negotiated, issued or served before).
 */
export interface LintRule {
  id: LintRuleId;
  title: string;
  severity: LintSeverity;
  scope: 'exchange' | 'connection';
  /** Why this matters, in a few sentences: what the spec says and what clients do. */
  explanation: string;
  breaks: LintClient[];
  sources: LintSource[];
  /** What to change on the server. */
  fix: string;
}

/** One problem found on one exchange. */
export interface LintFinding {
  ruleId: LintRuleId;
  severity: LintSeverity;
  /** The exchange the problem shows on. */
  exchangeId: string;
  connectionId?: string;
  /** Other exchanges that make the case (the initialize that issued a session, the PRM document, …). */
  relatedExchangeIds?: string[];
  /** What was seen on this exchange, in one or two sentences. */
  message: string;
  fix: string;
  /**
   * Set when the user made this happen: a toggle, a rule of theirs, or an edit at a breakpoint
   * changed what the client saw (the server's own answer would not have brought the finding).
   * The finding is then at most a warning, says so in its message, and is about how the client
   * reacts, not about the server.
   */
  causedBy?: LintCause;
}

/** What the user set that produced a finding. */
export interface LintCause {
  kind: 'toggle' | 'rule' | 'breakpoint';
  /** The toggle's id (`notification-status`), the rule's id, or `breakpoint-edit`. */
  id: string;
  /** The option of a toggle (`204`). */
  option?: string;
  /** How the UI names it: “Status for notifications → 204 instead of 202”, a rule's description. */
  name: string;
}

/** Findings of one connection, counted. */
export interface LintSummary {
  connectionId: string;
  exchanges: number;
  errors: number;
  warnings: number;
  infos: number;
  /** Finding count per rule id, for rules that fired. */
  byRule: Partial<Record<LintRuleId, number>>;
}

/**
 * Every rule id, grouped by the part of the handshake it judges. Ids are a public contract
 * (scenarios, CI scripts and saved findings name them): add new ones, never rename.
 */
export const LINT_RULE_IDS = [
  // Streamable HTTP transport
  'notification-not-202',
  'get-mcp-501',
  'get-mcp-not-405',
  'strict-accept-406',
  'protocol-version-header-required',
  'jsonrpc-id-mismatch',
  'sse-without-pings',
  'cors-missing',
  'host-rejected',
  'legacy-sse-post-accepted',
  'sse-closed-without-retry',
  // subscriptions/listen (2026-07-28)
  'listen-ack-not-first',
  'listen-subscription-id-mismatch',
  'listen-notification-outside-filter',
  // Lifecycle and sessions
  'initialize-missing-session-id',
  'session-id-not-enforced',
  'unknown-session-400',
  'missing-session-404',
  'protocol-version-mismatch',
  'version-negotiation-error',
  // 2026-07-28: request metadata headers (SEP-2243) and resultType
  'header-body-mismatch',
  'protocol-version-header-meta-mismatch',
  'header-mismatch-not-rejected',
  'result-type-invalid',
  'protocol-version-header-list',
  // Multi-round-trip requests (2026-07-28): input_required and retries
  'mrtr-state-not-echoed',
  'mrtr-retry-reused-id',
  'mrtr-input-responses-missing',
  'mrtr-input-required-incomplete',
  'mrtr-input-capability-undeclared',
  'mrtr-abandoned',
  // Authorization: the resource server
  'unauthorized-without-challenge',
  'challenge-without-resource-metadata',
  'lazy-auth-initialize',
  'token-validated-on-initialize',
  'token-rejected-after-issue',
  'well-known-behind-auth',
  'discovery-not-json',
  'prm-resource-mismatch',
  'prm-without-authorization-servers',
  'prm-single-location',
  'as-metadata-missing-on-mcp-host',
  'www-authenticate-malformed',
  'egress-blocked',
  // Authorization: the authorization server
  'as-metadata-without-s256',
  'as-metadata-without-registration',
  'cimd-without-none',
  'oauth-error-not-rfc6749',
  'registration-rejects-redirect-uri',
  'invalid-client-400',
  'client-assertion-refused',
  'token-response-without-token-type',
  'token-response-without-expires-in',
  'token-audience-mismatch',
  'granted-scope-unsupported',
  'registration-response-invalid',
  'loopback-redirect-port-exact',
  'authorize-scope-rejected',
  'registration-mixed-redirect-schemes',
  'authorize-endpoint-not-from-metadata',
  // Hosted authorization servers (Auth0, Keycloak, Google, …)
  'as-metadata-issuer-mismatch',
  'as-metadata-openid-only',
  'registration-requires-initial-access-token',
  'access-token-without-kid',
  // --intercept-as (the front door fronting an authorization server on another origin)
  'as-intercept-blind-leg',
  // 2026 client reports: each side of what clients and servers were reported doing this year
  'discover-without-auth',
  'prm-not-fetched',
  'oauth-on-authless-server',
  'client-metadata-document-unavailable',
  'listen-held-open-idle',
] as const;

export type LintRuleId = (typeof LINT_RULE_IDS)[number];

const spec = (section: string, anchor: string, title: string): LintSource => ({
  title: `MCP 2025-11-25 ${section}: ${title}`,
  url: `https://modelcontextprotocol.io/specification/2025-11-25/basic/${section}#${anchor}`,
});
const rfc = (n: number, section: string, title: string): LintSource => ({ title: `RFC ${n} section ${section}: ${title}`, url: `https://www.rfc-editor.org/rfc/rfc${n}#section-${section}` });
const link = (title: string, url: string): LintSource => ({ title, url });
const issue = (repo: string, n: number, title: string): LintSource => link(`${repo}#${n}: ${title}`, githubIssue(repo, n));

const TRANSPORT_POST = spec('transports', 'sending-messages-to-the-server', 'sending messages to the server');
const TRANSPORT_GET = spec('transports', 'listening-for-messages-from-the-server', 'listening for messages from the server');
const SESSIONS = spec('transports', 'session-management', 'session management');
const VERSION_HEADER = spec('transports', 'protocol-version-header', 'protocol version header');
const NEGOTIATION = spec('lifecycle', 'version-negotiation', 'version negotiation');
const AUTH_DISCOVERY = spec('authorization', 'protected-resource-metadata-discovery-requirements', 'protected resource metadata discovery');
const AS_DISCOVERY = spec('authorization', 'authorization-server-metadata-discovery', 'authorization server metadata discovery');
const AUDIENCE = spec('authorization', 'token-audience-binding-and-validation', 'token audience binding and validation');
/** A section of the 2026-07-28 Streamable HTTP transport page. */
const http2026 = (anchor: string, title: string): LintSource => link(`MCP 2026-07-28 Streamable HTTP: ${title}`, mcpSpec('2026-07-28', 'basic/transports/streamable-http', anchor));
const SEP_2243 = link('SEP-2243: HTTP standardization (Mcp-Method, Mcp-Name, Mcp-Param-*)', githubIssue('modelcontextprotocol/modelcontextprotocol', 2243));
const HEADER_VALIDATION = http2026('server-validation', 'server validation (400, -32020 HeaderMismatch)');
const MRTR = link('MCP 2026-07-28: multi-round-trip requests', MRTR_SPEC);
const SEP = link('SEP-2322: Multi Round-Trip Requests', SEP_2322);
const mcpSpecSource = (page: string, anchor: string, title: string): LintSource => link(`MCP 2026-07-28 ${page}: ${title}`, mcpSpec('2026-07-28', page, anchor));
const LISTEN_PAGE = mcpSpec('2026-07-28', 'basic/patterns/subscriptions');
const LISTEN = (title: string): LintSource => link(`MCP 2026-07-28 subscriptions: ${title}`, LISTEN_PAGE);
const LISTEN_TRANSPORT = link('MCP 2026-07-28 Streamable HTTP: receiving messages (the subscriptions/listen response stream)', mcpSpec('2026-07-28', 'basic/transports/streamable-http', 'receiving-messages'));
const HANDSHAKE_LOGS = (title: string) => link(`Claude.ai + Auth0 handshake logs (2025-10): ${title}`, CLAUDE_AI_AUTH0_HANDSHAKE_LOGS);

/** The rule catalogue, in the order of LINT_RULE_IDS. */
export const LINT_RULES: readonly LintRule[] = [
  {
    id: 'notification-not-202',
    title: 'Notification answered with a status other than 202',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'A POST carrying only notifications or responses must be answered 202 Accepted with no body. Claude.ai retried and warned on 204 (published handshake logs, 2025-10), and a 200 kept it from adding the server (modelcontextprotocol/ruby-sdk#158).',
    breaks: ['claude-ai'],
    sources: [TRANSPORT_POST, HANDSHAKE_LOGS('204 instead of 202 for notifications'), issue('modelcontextprotocol/ruby-sdk', 158, 'notifications/initialized answered 200 breaks adding the server to Claude')],
    fix: 'Answer notifications and responses with 202 Accepted and an empty body.',
  },
  {
    id: 'get-mcp-501',
    title: 'GET on the MCP endpoint answered 501',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'GET opens the server-to-client SSE stream; a server without one answers 405 Method Not Allowed. Claude.ai read 501 as "broken server" and ended the session with DELETE (published handshake logs, 2025-10).',
    breaks: ['claude-ai', 'mcp-sdk'],
    sources: [TRANSPORT_GET, HANDSHAKE_LOGS('GET answered 501, an immediate DELETE follows')],
    fix: 'Answer GET with 405 and `Allow: POST, DELETE` (or open an SSE stream).',
  },
  {
    id: 'get-mcp-not-405',
    title: 'GET on the MCP endpoint refused with a status other than 405',
    severity: 'warning',
    scope: 'connection',
    explanation:
      'The spec allows only an SSE stream or 405 for GET. The TypeScript SDK reports any other status as "Failed to open SSE stream"; VS Code disables the stream and loses notifications.',
    breaks: ['mcp-sdk', 'vscode', 'claude-ai'],
    sources: [
      TRANSPORT_GET,
      link('MCP TypeScript SDK v1.25.3 client: "Failed to open SSE stream" for any GET status but 405', TS_SDK_CLIENT_STREAMABLE_HTTP),
      link('VS Code MCP client (extHostMcp.ts): a GET status of 400 or more disables notifications', VSCODE_EXT_HOST_MCP),
      issue('brendanlong/lion-reader', 736, 'a bare 405 on GET without a challenge as a cause of failed auth discovery'),
    ],
    fix: 'Answer GET with 405 and `Allow: POST, DELETE`, or open the SSE stream.',
  },
  {
    id: 'strict-accept-406',
    title: 'MCP POST refused with 406 Not Acceptable',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'Real clients send `Accept: */*`, only `text/event-stream` (Anthropic\'s MCP proxy) or only `application/json` (Claude Code, reported). A server that insists on both types answers them 406 and they never connect.',
    breaks: ['claude-ai', 'claude-code'],
    sources: [
      TRANSPORT_POST,
      issue('modelcontextprotocol/python-sdk', 2349, 'Anthropic\'s MCP proxy sends only Accept: text/event-stream and gets 406'),
      issue('anthropics/claude-ai-mcp', 217, 'connector probes with Accept: */* and with both types'),
      issue('anthropics/claude-code', 45368, 'Claude Code reported to send only Accept: application/json'),
    ],
    fix: 'Accept `*/*` and either type; pick the response type from what the client accepts.',
  },
  {
    id: 'protocol-version-header-required',
    title: '400 for a request without MCP-Protocol-Version',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'Without the header a server should assume 2025-03-26 (or the negotiated version). VS Code, Claude.ai and older mcp-remote omit it; a server answering 400 loses them.',
    breaks: ['claude-ai', 'vscode', 'mcp-remote'],
    sources: [
      VERSION_HEADER,
      issue('anthropics/claude-ai-mcp', 70, 'Claude.ai requests without MCP-Protocol-Version'),
      issue('CodeWithCJ/SparkyFitness', 2155, 'a server answering 400 to the header lost Claude.ai\'s tools'),
      issue('microsoft/vscode', 308766, 'VS Code tools/list rejected over the protocol version'),
      issue('punkpeye/mcp-remote', 289, 'mcp-remote sent no MCP-Protocol-Version after initialize'),
    ],
    fix: 'When MCP-Protocol-Version is missing, use the version negotiated for the session (or 2025-03-26); answer 400 only for an unsupported value.',
  },
  {
    id: 'jsonrpc-id-mismatch',
    title: 'JSON-RPC response id does not match the request',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'A response must carry the id of the request it answers. Clients pair responses by id; a response with another id is dropped and the request times out.',
    breaks: ['claude-ai', 'claude-code', 'chatgpt', 'vscode', 'cursor', 'mcp-remote', 'mcp-inspector', 'mcp-sdk'],
    sources: [{ title: 'JSON-RPC 2.0 section 5: response object', url: 'https://www.jsonrpc.org/specification#response_object' }],
    fix: 'Copy the request\'s id (same type, same value) into its response.',
  },
  {
    id: 'sse-without-pings',
    title: 'Long-lived SSE stream idle without pings',
    severity: 'warning',
    scope: 'exchange',
    explanation:
      'Tunnels and reverse proxies cut idle streams (localtunnel, Cloudflare and load balancers after tens of seconds). Servers Claude.ai was seen working with sent a ping every 15 s (observed in a gateway\'s logs of Claude.ai traffic, 2025); a stream silent for longer risks being cut and the client losing notifications. The 2026-07-28 Streamable HTTP transport encourages such comments on `subscriptions/listen` streams, which this rule judges too.',
    breaks: ['claude-ai', 'vscode', 'mcp-sdk'],
    sources: [
      issue('anthropics/claude-code', 38631, 'an SSE GET stream cut every ~60 s by a load balancer'),
      issue('localtunnel/localtunnel', 522, 'long polling and streams time out on the public localtunnel server'),
      spec('transports', 'resumability-and-redelivery', 'resumability and redelivery'),
      LISTEN_TRANSPORT,
    ],
    fix: 'Send an SSE comment (`: ping`) or event at least every 15 s on open streams.',
  },
  {
    id: 'cors-missing',
    title: 'No CORS headers for a browser client',
    severity: 'warning',
    scope: 'exchange',
    explanation:
      'A request with an Origin header comes from a browser (MCP Inspector 0.x in direct mode, web portals; Inspector 2.x sends every request through its own Node backend, so CORS no longer concerns it). Without Access-Control-Allow-Origin the browser hides the answer, so discovery, registration, token or MCP calls fail there.',
    breaks: ['mcp-inspector', 'browser-clients'],
    sources: [
      { title: 'Fetch standard: CORS protocol', url: 'https://fetch.spec.whatwg.org/#http-cors-protocol' },
      issue('routecraftjs/routecraft', 320, 'MCP Inspector blocked by missing CORS on discovery'),
      issue('envoyproxy/ai-gateway', 2307, 'CORS for browser MCP clients'),
    ],
    fix: 'Answer discovery, /register, /token and the MCP endpoint (and their OPTIONS preflights) with Access-Control-Allow-Origin and expose Mcp-Session-Id and WWW-Authenticate.',
  },
  {
    id: 'host-rejected',
    title: 'MCP request refused for its Host (DNS-rebinding protection)',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'Servers with DNS-rebinding protection (the MCP SDKs\' allowedHosts, createMcpExpressApp bound to localhost) refuse any Host that is not their own with 403 "Invalid Host" or 421. Behind a tunnel or proxy the Host is the public name, so every hosted client is refused though the server works locally.',
    breaks: ['claude-ai', 'claude-code', 'chatgpt', 'vscode', 'cursor', 'mcp-remote'],
    sources: [spec('transports', 'security-warning', 'security warning (DNS rebinding)'), issue('modelcontextprotocol/typescript-sdk', 2843, 'Host validation refusing a tunnel\'s host name'), issue('resend/resend-mcp', 169, 'allowed hosts behind a proxy')],
    fix: 'Add the public host name (the tunnel\'s) to the server\'s allowed hosts, or, while testing, let the inspector send the upstream its own Host (serve --rewrite-host).',
  },
  {
    id: 'legacy-sse-post-accepted',
    title: 'Legacy SSE-only server answers POST with 2xx or 5xx',
    severity: 'error',
    scope: 'connection',
    explanation:
      'A client given a URL first POSTs initialize there (Streamable HTTP) and falls back to the legacy HTTP+SSE transport (GET, then the `endpoint` event) only when that POST fails with 400, 404 or 405; mcp-remote needs 404 or 405. A legacy server that answers the POST 200 without a JSON-RPC answer, or 500, makes clients take it for a broken Streamable HTTP server and never try the SSE stream it does serve. This server serves a legacy SSE stream at the same path.',
    breaks: ['claude-ai', 'claude-code', 'mcp-remote', 'mcp-sdk', 'cursor', 'vscode'],
    sources: [
      spec('transports', 'backwards-compatibility', 'backwards compatibility (fall back on 400, 404 or 405)'),
      link('mcp-remote utils.ts: falls back to SSE only on 404 or 405', 'https://github.com/geelen/mcp-remote/blob/main/src/lib/utils.ts'),
      link('MCP TypeScript SDK v1.25.3 client (sse.ts): the legacy transport', TS_SDK_CLIENT_SSE),
    ],
    fix: 'Answer POST on the SSE URL with 405 Method Not Allowed (or 404) when you only speak the legacy transport, or add Streamable HTTP.',
  },
  {
    id: 'sse-closed-without-retry',
    title: 'SSE stream closed by the server without an event id or retry',
    severity: 'warning',
    scope: 'exchange',
    explanation:
      'Since 2025-11-25 a server may close an SSE stream before it is done, and clients resume it with Last-Event-ID: the server SHOULD prime the stream with an event id and SHOULD send a `retry` field before closing. Without an id the client cannot resume and the response it waits for is lost; without `retry` the TypeScript SDK reconnects on its exponential back-off and VS Code on its own 1 s loop.',
    breaks: ['mcp-sdk', 'vscode', 'claude-code'],
    sources: [
      spec('transports', 'sending-messages-to-the-server', 'sending messages to the server (priming event, retry before closing)'),
      spec('transports', 'resumability-and-redelivery', 'resumability and redelivery'),
      link('MCP TypeScript SDK v1.25.3 client (streamableHttp.ts): reconnection and retry', TS_SDK_CLIENT_STREAMABLE_HTTP),
    ],
    fix: 'Start every SSE stream with an event that has an `id` (and empty data), and send `retry: <ms>` before closing a stream early; keep event ids per stream so a resumed stream replays only its own events.',
  },
  {
    id: 'listen-ack-not-first',
    title: 'subscriptions/listen stream does not start with the acknowledgement',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'In 2026-07-28 a client opens its notification stream with `subscriptions/listen`; the server answers with an SSE stream whose first message MUST be `notifications/subscriptions/acknowledged` (carrying the subscription id and the filter it agreed to), and it MUST NOT send a notification of the subscription before it. The MCP SDK 2.x client resolves `listen()` only on that acknowledgement: without it the call times out, and notifications that came first are dropped.',
    breaks: ['mcp-sdk'],
    sources: [LISTEN('the acknowledgement comes first'), LISTEN_TRANSPORT],
    fix: 'Answer `subscriptions/listen` with `Content-Type: text/event-stream` and send `notifications/subscriptions/acknowledged` (with `_meta["io.modelcontextprotocol/subscriptionId"]` and the agreed `notifications`) before anything else.',
  },
  {
    id: 'listen-subscription-id-mismatch',
    title: 'Listen-stream message without the matching subscription id',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'Every message on a `subscriptions/listen` stream, the acknowledgement, each notification and the result that ends it gracefully, carries `_meta["io.modelcontextprotocol/subscriptionId"]` set to the JSON-RPC id of the listen request, as sent (a number stays a number). Clients with several subscriptions route notifications by it (on stdio it is the only way); the MCP SDK 2.x client keys its subscriptions by the id verbatim.',
    breaks: ['mcp-sdk'],
    sources: [LISTEN('receiving notifications (every message carries the subscription id)')],
    fix: 'Put the listen request\'s `id`, unchanged, in `_meta["io.modelcontextprotocol/subscriptionId"]` of every message on its stream.',
  },
  {
    id: 'listen-notification-outside-filter',
    title: 'Listen stream carries a notification the client did not ask for',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'The `notifications` filter of `subscriptions/listen` says what the stream carries (toolsListChanged, promptsListChanged, resourcesListChanged, resourceSubscriptions, and taskIds of the tasks extension); the server MUST NOT send types the client did not request, nor more than its acknowledgement agreed to. Request-scoped messages (progress, log messages) and server requests never travel on a listen stream.',
    breaks: ['mcp-sdk'],
    sources: [LISTEN('the notification filter'), LISTEN_TRANSPORT],
    fix: 'Deliver to each listen stream only the notifications its filter and acknowledgement name; send progress and log messages on the stream of the request they belong to.',
  },
  {
    id: 'initialize-missing-session-id',
    title: 'initialize answered without Mcp-Session-Id',
    severity: 'warning',
    scope: 'exchange',
    explanation:
      'The spec makes a session id optional, but the 2025 Claude.ai client required it: "If you don\'t provide one, it won\'t go on to request tools" (losvedir/remote_mcp_auth). 2026 Claude.ai and ChatGPT work without.',
    breaks: ['claude-ai'],
    sources: [SESSIONS, link('losvedir/remote_mcp_auth: no Mcp-Session-Id, no tools (Claude.ai, 2025)', REMOTE_MCP_AUTH)],
    fix: 'Issue an `Mcp-Session-Id` header on the initialize response (and accept it on later requests).',
  },
  {
    id: 'session-id-not-enforced',
    title: 'Request without the issued session id accepted',
    severity: 'warning',
    scope: 'connection',
    explanation:
      'After initialize issued an Mcp-Session-Id, a request without it should get 400. Accepting it means the server ignores its own sessions: state leaks between clients and bugs in clients that drop the header go unnoticed.',
    breaks: [],
    sources: [SESSIONS],
    fix: 'Answer 400 to requests (other than initialize) that lack the Mcp-Session-Id you issued, or issue no session id at all.',
  },
  {
    id: 'unknown-session-400',
    title: 'Unknown or expired session answered 400 instead of 404',
    severity: 'error',
    scope: 'connection',
    explanation:
      'A request naming a session the server no longer knows must get 404, which tells the client to initialize again. With 400 the client keeps failing (Claude Code gives up, the TypeScript SDK reports an error).',
    breaks: ['claude-code', 'vscode', 'mcp-sdk'],
    sources: [SESSIONS, issue('anthropics/claude-code', 94273, 'Claude Code initializes again once on 404, then disconnects'), issue('anthropics/claude-ai-mcp', 450, 'no new session after a dead one')],
    fix: 'Answer 404 for an Mcp-Session-Id you do not know (expired, ended, or from another instance); keep 400 for a missing one.',
  },
  {
    id: 'missing-session-404',
    title: 'Request without a session answered 404 as if its session had expired',
    severity: 'warning',
    scope: 'exchange',
    explanation:
      'A 404 on the MCP endpoint tells a client its session is gone and it must initialize again; a request that names no session at all is a 400. A server from before 2026-07-28 that answers the new `server/discover` probe (sent without Mcp-Session-Id) with 404 "Invalid session ID" leaves clients guessing: the C# SDK gave up instead of falling back to initialize until csharp-sdk#1766.',
    breaks: ['mcp-sdk'],
    sources: [SESSIONS, issue('modelcontextprotocol/csharp-sdk', 1765, 'server/discover answered 404 "Invalid session ID" and the client fails')],
    fix: 'Answer a request without Mcp-Session-Id with 400 (as the TypeScript SDK does); keep 404 for a session id you no longer know.',
  },
  {
    id: 'protocol-version-mismatch',
    title: 'Protocol version differs from the one requested or negotiated',
    severity: 'warning',
    scope: 'connection',
    explanation:
      'A server that supports the requested version must answer initialize with that same version; another version is only right when it does not support it. Servers with a hard-coded version answer clients they could serve with a version those clients may reject. After initialize, every request carries the negotiated version in MCP-Protocol-Version.',
    breaks: ['claude-ai', 'mcp-sdk'],
    sources: [
      NEGOTIATION,
      VERSION_HEADER,
      issue('cl-ai-project/cl-mcp', 26, 'a server answering Claude Code\'s 2025-11-25 with an error'),
      issue('anthropics/claude-code', 92835, 'Claude Code sends its default MCP-Protocol-Version, not the one negotiated'),
    ],
    fix: 'Server: echo the requested protocolVersion when you support it, otherwise answer the latest version you support. Client: send the negotiated version in MCP-Protocol-Version.',
  },
  {
    id: 'version-negotiation-error',
    title: 'initialize answered with an error for the protocol version',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'Version negotiation never fails on the server side: it answers with a version it supports and the client decides whether to go on. An error leaves clients of other revisions with no way to connect.',
    breaks: ['claude-ai', 'claude-code', 'vscode', 'mcp-sdk'],
    sources: [NEGOTIATION, issue('cl-ai-project/cl-mcp', 26, 'a server answering Claude Code\'s 2025-11-25 with an error')],
    fix: 'Answer initialize with the latest protocol version you support instead of an error.',
  },
  {
    id: 'header-body-mismatch',
    title: 'Client: Mcp-Method, Mcp-Name or Mcp-Param-* header disagrees with the body',
    severity: 'error',
    scope: 'connection',
    explanation:
      'The client is at fault. From 2026-07-28 every POST mirrors its JSON-RPC `method` into Mcp-Method, the tool or prompt name or resource URI into Mcp-Name, and each tool argument whose inputSchema property carries `x-mcp-header` into Mcp-Param-{Name} (integers in decimal, booleans as true/false, values that are not plain visible ASCII as `=?base64?…?=`). Gateways route and rate-limit on these headers without reading the body, so a server must refuse a request whose headers are missing or disagree (400, -32020). Mcp-Param-* is judged against the tool definition the connection listed.',
    breaks: [],
    sources: [http2026('standard-request-headers', 'standard request headers'), http2026('custom-headers-from-tool-parameters', 'custom headers from tool parameters'), http2026('value-encoding', 'value encoding'), SEP_2243],
    fix: 'Client: derive Mcp-Method, Mcp-Name and the Mcp-Param-* headers from the body you send, encode values as the spec says, and list tools again when a call is refused with -32020.',
  },
  {
    id: 'protocol-version-header-meta-mismatch',
    title: 'Client: MCP-Protocol-Version header differs from _meta',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'The client is at fault. A 2026-07-28 request names its protocol version twice, in the MCP-Protocol-Version header and in `_meta["io.modelcontextprotocol/protocolVersion"]`, and the two must be equal; a server refuses the request with 400 and -32020. Claude Code was reported sending a 2025-11-25 header with a 2026-07-28 `_meta`, and its requests were refused.',
    breaks: ['claude-code'],
    sources: [http2026('protocol-version-header', 'protocol version header'), HEADER_VALIDATION, issue('anthropics/claude-code', 93290, 'MCP-Protocol-Version 2025-11-25 sent with _meta 2026-07-28, refused with -32020')],
    fix: 'Client: send the version your `_meta` names in MCP-Protocol-Version on every request.',
  },
  {
    id: 'header-mismatch-not-rejected',
    title: 'Server took a request whose headers disagree with its body',
    severity: 'error',
    scope: 'connection',
    explanation:
      'The server is at fault. A 2026-07-28 server that processes the body must refuse a request whose MCP-Protocol-Version, Mcp-Method, Mcp-Name or Mcp-Param-* headers are missing, malformed or disagree with the body, with HTTP 400 and JSON-RPC -32020 (HeaderMismatch). Otherwise a load balancer routing on the header and the server acting on the body work from different facts, which is the hole the rule closes. Judged on servers that answered server/discover.',
    breaks: [],
    sources: [HEADER_VALIDATION, http2026('server-behavior-for-custom-headers', 'server behavior for custom headers'), SEP_2243],
    fix: 'Server: compare each mirrored header with the body (decoding `=?base64?…?=` first) before running the request, and answer a difference with 400 and -32020.',
  },
  {
    id: 'result-type-invalid',
    title: 'Server: 2026-07-28 result without a known resultType',
    severity: 'error',
    scope: 'connection',
    explanation:
      'The server is at fault. Every 2026-07-28 result carries `resultType`: "complete" for an ordinary result, "input_required" for a multi round-trip interim result (and "task" from the tasks extension). The 2.x MCP SDK client refuses a 2026-07-28 result without it, and an unknown value cannot be consumed. Judged on servers that answered server/discover.',
    breaks: ['mcp-sdk'],
    sources: [link('MCP 2026-07-28 changelog: all results carry a required resultType', mcpSpec('2026-07-28', 'changelog', 'major-changes')), link('SEP-2322: multi round-trip requests (resultType)', githubIssue('modelcontextprotocol/modelcontextprotocol', 2322))],
    fix: 'Server: add `resultType: "complete"` to every result of a 2026-07-28 request (or "input_required" for an interim MRTR result).',
  },
  {
    id: 'protocol-version-header-list',
    title: 'Client: MCP-Protocol-Version sent as a list (comma-joined or repeated)',
    severity: 'warning',
    scope: 'exchange',
    explanation:
      'The client is at fault. MCP-Protocol-Version carries one version. A client (or a proxy in front of it) that sends the header twice, or one value such as "2025-11-25, 2025-11-25", makes a server read a version it does not know: servers on an SDK pinned to an older revision answered 400 "Unsupported protocol version", and the connector stopped working after a client update.',
    breaks: ['claude-ai'],
    sources: [VERSION_HEADER, issue('different-ai/openwork', 3944, 'a newer or comma-duplicated MCP-Protocol-Version broke a server pinned to an older SDK')],
    fix: 'Client: send MCP-Protocol-Version once, with the single negotiated version (check proxies that add the header again). Server: if you must cope, read the first value.',
  },
  {
    id: 'mrtr-state-not-echoed',
    title: 'Retry did not echo requestState verbatim (client)',
    severity: 'error',
    scope: 'connection',
    explanation:
      'A 2026-07-28 server that needs input answers `resultType: "input_required"` with `inputRequests` and an opaque `requestState`; the client retries the request with `inputResponses` and MUST send the `requestState` back exactly as received. The state is the server\'s memory of the earlier rounds: a changed or missing one is rejected, or makes the server start over. This is the client\'s fault, not the server\'s.',
    breaks: [],
    sources: [MRTR, SEP],
    fix: 'In the client: copy `requestState` from the last input_required result into the retry unchanged (never parse, trim or re-encode it).',
  },
  {
    id: 'mrtr-retry-reused-id',
    title: 'Retry reused the previous round\'s JSON-RPC id (client)',
    severity: 'error',
    scope: 'connection',
    explanation:
      'Each round of a multi-round-trip request is a new JSON-RPC request: the previous one was answered (with input_required), so its id is spent. A retry under the same id can be taken for a duplicate and its answer paired with the wrong request. This is the client\'s fault.',
    breaks: [],
    sources: [MRTR, { title: 'JSON-RPC 2.0 section 4: request object (id)', url: 'https://www.jsonrpc.org/specification#request_object' }],
    fix: 'In the client: send each retry under a fresh id.',
  },
  {
    id: 'mrtr-input-responses-missing',
    title: 'Retry left out inputResponses the server asked for (client)',
    severity: 'warning',
    scope: 'connection',
    explanation:
      'The keys of `inputResponses` answer the keys of the previous round\'s `inputRequests`, one for one. A retry that leaves some out makes the server ask again (it SHOULD answer another input_required re-requesting what is missing), costing a round trip, or fail. This is the client\'s fault.',
    breaks: [],
    sources: [MRTR, SEP],
    fix: 'In the client: answer every key of `inputRequests` (decline an elicitation with `action: "decline"` rather than leaving its key out).',
  },
  {
    id: 'mrtr-input-required-incomplete',
    title: 'input_required result without inputRequests or requestState',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'An `input_required` result tells the client what to do before it retries: it MUST carry `inputRequests`, `requestState`, or both. With neither the client has nothing to answer and nothing to echo, and cannot make progress.',
    breaks: ['mcp-sdk'],
    sources: [MRTR, SEP],
    fix: 'Put the requests the client must fulfil in `inputRequests` (keyed by your own identifiers) and any state you need back in `requestState`.',
  },
  {
    id: 'mrtr-input-capability-undeclared',
    title: 'Input request the client did not declare the capability for',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'A server may only ask for what the client can do: `elicitation/create` needs the `elicitation` capability, `sampling/createMessage` needs `sampling`, `roots/list` needs `roots`, as declared in the request\'s `_meta["io.modelcontextprotocol/clientCapabilities"]`. A client without it cannot answer and the call can never complete.',
    breaks: ['mcp-sdk'],
    sources: [MRTR, mcpSpecSource('client/elicitation', 'capabilities', 'elicitation capability')],
    fix: 'Read the client capabilities from the request\'s `_meta` and only put input requests in `inputRequests` the client declared; otherwise complete without the input or answer with an error that says what is missing.',
  },
  {
    id: 'mrtr-abandoned',
    title: 'Multi-round-trip request never finished (client)',
    severity: 'warning',
    scope: 'connection',
    explanation:
      'The server answered `input_required` and the client never retried with `inputResponses`: it sent the same request afresh instead, so the user\'s input (an elicitation, a sampling answer) was never delivered and the first call never completed. Clients that do not implement multi-round-trip requests behave so.',
    breaks: [],
    sources: [MRTR, SEP],
    fix: 'In the client: handle `resultType: "input_required"` by fulfilling `inputRequests` and retrying under a new id with `inputResponses` and the echoed `requestState`.',
  },
  {
    id: 'unauthorized-without-challenge',
    title: '401 without WWW-Authenticate',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'A 401 must say how to authenticate (RFC 6750 section 3). MCP clients start OAuth from the WWW-Authenticate header; without it Claude.ai treats the server as broken or authless and VS Code falls back to guesses.',
    breaks: ['claude-ai', 'vscode', 'claude-code', 'mcp-sdk'],
    sources: [rfc(6750, '3', 'the WWW-Authenticate response header'), AUTH_DISCOVERY, issue('microsoft/vscode', 261120, 'a middleware stripped WWW-Authenticate'), issue('anthropics/claude-ai-mcp', 764, 'Claude.ai starts OAuth from the 401 and its challenge')],
    fix: 'Send `WWW-Authenticate: Bearer resource_metadata="<PRM URL>"` with every 401 from the MCP endpoint.',
  },
  {
    id: 'challenge-without-resource-metadata',
    title: '401 challenge without resource_metadata',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'The 401 is what starts OAuth, and its `resource_metadata` tells the client where the Protected Resource Metadata is (RFC 9728 section 5.1). Without it Claude.ai treats the server as authless and VS Code falls back to origin defaults; a middleware stripping it is a known cause (microsoft/vscode#261120).',
    breaks: ['claude-ai', 'vscode'],
    sources: [rfc(9728, '5.1', 'WWW-Authenticate response'), AUTH_DISCOVERY, issue('microsoft/vscode', 261120, 'a middleware stripped WWW-Authenticate'), issue('anthropics/claude-ai-mcp', 764, 'Claude.ai starts OAuth from the 401 and its challenge')],
    fix: 'Add `resource_metadata="https://<host>/.well-known/oauth-protected-resource/<path>"` to the Bearer challenge.',
  },
  {
    id: 'lazy-auth-initialize',
    title: 'Unauthenticated initialize accepted by a server that advertises OAuth',
    severity: 'warning',
    scope: 'connection',
    explanation:
      'The server publishes Protected Resource Metadata, yet answered an initialize without a token with 200. Claude.ai reads a 200 on the unauthenticated initialize as "no auth" and never starts OAuth, so later calls fail.',
    breaks: ['claude-ai', 'vscode'],
    sources: [
      AUTH_DISCOVERY,
      issue('erp-mafia/accounted', 2159, 'Claude does not honor a WWW-Authenticate header on a 200 response'),
      issue('anthropics/claude-ai-mcp', 1064, 'a 200 on the unauthenticated request: "No sign-in" mode'),
    ],
    fix: 'Answer an initialize without a token with 401 and a resource_metadata challenge, or stop publishing OAuth metadata if no auth is needed.',
  },
  {
    id: 'token-validated-on-initialize',
    title: 'Bearer token rejected on initialize',
    severity: 'error',
    scope: 'connection',
    explanation:
      'Right after OAuth, the client sends initialize with its new token and the server answers 401. In published logs of a Claude.ai connector (2025-10) it disconnected at once: the server validated the token on initialize with a JWKS-only check that could not read Auth0\'s encrypted token (no `kid`).',
    breaks: ['claude-ai', 'claude-code', 'mcp-sdk'],
    sources: [HANDSHAKE_LOGS('token checked on initialize, Claude disconnects right after OAuth'), spec('authorization', 'token-handling', 'token handling')],
    fix: 'Make token validation accept every token your authorization server issues (fall back to /userinfo or introspection for encrypted tokens); the server in those logs also let initialize through on the session alone.',
  },
  {
    id: 'token-rejected-after-issue',
    title: 'Freshly issued token rejected by the MCP endpoint',
    severity: 'error',
    scope: 'connection',
    explanation:
      'The client finished OAuth and calls the MCP endpoint (tools/list, …) with the token it just got, and the server answers 401. Re-authorizing cannot help: every new token is refused the same way. In published Claude.ai logs (2025-10) Auth0 issued an encrypted token without `kid` and a JWKS-only check failed with "Token key ID (kid): None".',
    breaks: ['claude-ai', 'claude-code', 'chatgpt', 'vscode', 'cursor', 'mcp-remote', 'mcp-inspector', 'mcp-sdk'],
    sources: [HANDSHAKE_LOGS('an encrypted token without kid fails a JWKS-only check'), AUDIENCE],
    fix: 'Validate every token format your authorization server issues: JWTs against its JWKS, encrypted or opaque tokens through /userinfo or introspection; check `aud` against your resource URL.',
  },
  {
    id: 'well-known-behind-auth',
    title: 'Discovery document behind authentication',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'Metadata under /.well-known/ must be readable without a token: it is how a client learns how to get one. A 401 there deadlocks discovery.',
    breaks: ['claude-ai', 'claude-code', 'chatgpt', 'vscode', 'cursor', 'mcp-remote', 'mcp-inspector', 'mcp-sdk'],
    sources: [rfc(9728, '3', 'obtaining protected resource metadata'), issue('markmhendrickson/neotoma', 2049, '/.well-known behind the auth middleware'), issue('jimprosser/obsidian-web-mcp', 20, 'discovery answered 401')],
    fix: 'Exclude /.well-known/* (and /register, /token) from the auth middleware.',
  },
  {
    id: 'discovery-not-json',
    title: 'Discovery answered HTML, text or a redirect',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'Metadata documents are JSON at their exact URL. An HTML page, plain text or a 3xx redirect (a login page, an SPA fallback) fails TypeScript-SDK clients with "Invalid OAuth error response: SyntaxError".',
    breaks: ['claude-code', 'claude-ai', 'mcp-sdk', 'cursor'],
    sources: [
      rfc(8414, '3.2', 'authorization server metadata response'),
      rfc(9728, '3.2', 'protected resource metadata response'),
      issue('anthropics/claude-code', 47424, '"Invalid OAuth error response: SyntaxError" on an HTML answer'),
      issue('taylorwilsdon/google_workspace_mcp', 382, 'discovery probes answered 404 pages'),
    ],
    fix: 'Serve metadata as `application/json` with 200 at the well-known URL, and answer 404 (not an HTML page or redirect) where you have none.',
  },
  {
    id: 'prm-resource-mismatch',
    title: 'Protected Resource Metadata `resource` is not the URL the client used',
    severity: 'error',
    scope: 'connection',
    explanation:
      'The PRM `resource` must be the MCP server\'s URL exactly as the client knows it (RFC 9728 section 3.3). VS Code and Claude.ai require equality; the TypeScript SDK requires the same origin and a path prefix ("Protected resource … does not match expected …"). Proxies, tunnels and trailing slashes are the usual cause.',
    breaks: ['vscode', 'claude-ai', 'mcp-sdk', 'claude-code'],
    sources: [
      rfc(9728, '3.3', 'protected resource metadata validation'),
      link('VS Code MCP client (oauth.ts): resource must equal the server URL', VSCODE_OAUTH),
      link('MCP TypeScript SDK v1.25.3 client: "Protected resource … does not match expected …"', TS_SDK_CLIENT_AUTH),
      issue('anthropics/claude-ai-mcp', 199, 'Claude.ai and a PRM resource other than the connector URL'),
      issue('akutishevsky/withings-mcp', 20, 'PRM resource with the origin only'),
    ],
    fix: 'Build `resource` from the public URL of the MCP endpoint (scheme, host, path, no trailing slash), not from the upstream\'s own address.',
  },
  {
    id: 'prm-without-authorization-servers',
    title: 'Protected Resource Metadata names no authorization server',
    severity: 'error',
    scope: 'exchange',
    explanation: 'Clients find the authorization server through `authorization_servers` in the PRM document; MCP requires at least one entry.',
    breaks: ['claude-ai', 'claude-code', 'vscode', 'mcp-sdk'],
    sources: [AUTH_DISCOVERY, rfc(9728, '2', 'protected resource metadata')],
    fix: 'List your authorization server\'s issuer URL in `authorization_servers`.',
  },
  {
    id: 'prm-single-location',
    title: 'Protected Resource Metadata served at only one of its two URLs',
    severity: 'warning',
    scope: 'connection',
    explanation:
      'RFC 9728 puts the metadata of https://host/mcp at /.well-known/oauth-protected-resource/mcp; many servers serve it at the root /.well-known/oauth-protected-resource instead. Clients differ: ChatGPT checks the root ("MCP server … does not implement OAuth"), while Cursor, Claude.ai and MCP Inspector try the path form first. A server that answers 404 at one of the two while serving the other works with some clients only.',
    breaks: ['chatgpt', 'cursor', 'claude-ai', 'mcp-inspector', 'claude-code'],
    sources: [
      rfc(9728, '3.1', 'protected resource metadata request'),
      AUTH_DISCOVERY,
      issue('kernel/kernel-mcp-server', 91, 'ChatGPT checks the root PRM: "does not implement OAuth"'),
      issue('akutishevsky/nutrition-mcp', 51, 'Protected Resource Metadata at one of the two locations'),
      issue('routecraftjs/routecraft', 320, 'discovery documents at the URLs clients try'),
      issue('anthropics/claude-code', 66456, 'Protected Resource Metadata discovery location'),
    ],
    fix: 'Serve the same document at both /.well-known/oauth-protected-resource and /.well-known/oauth-protected-resource/<path of the MCP endpoint>.',
  },
  {
    id: 'as-metadata-missing-on-mcp-host',
    title: 'No authorization server metadata on the MCP host (external authorization server)',
    severity: 'warning',
    scope: 'connection',
    explanation:
      'When the authorization server lives elsewhere, some clients still ask the MCP host for its metadata: ChatGPT fetches /.well-known/oauth-authorization-server (and the /mcp path form) and openid-configuration on the MCP host before any 401; Claude.ai without a usable PRM reads root AS metadata on the MCP host; Cursor without metadata invents {host}/authorize. A 404 there stops them even though the PRM names the real authorization server. Strict clients check that a document\'s `issuer` is the URL they fetched it from (RFC 8414 section 3.3), so a proxied copy is a trade-off: hence a warning.',
    breaks: ['chatgpt', 'claude-ai', 'cursor'],
    sources: [
      AS_DISCOVERY,
      link('OpenAI community: ChatGPT asks the MCP host for AS metadata before any 401', 'https://community.openai.com/t/1358992'),
      issue('adcontextprotocol/adcp', 1081, 'ChatGPT requests /.well-known/oauth-authorization-server/mcp on the MCP host'),
      issue('jztan/redmine-mcp-server', 188, 'Cursor invents /authorize without AS metadata'),
    ],
    fix: 'Serve (or proxy) your authorization server\'s metadata as JSON at /.well-known/oauth-authorization-server and its path form on the MCP host, unchanged (same issuer and endpoints).',
  },
  {
    id: 'www-authenticate-malformed',
    title: 'WWW-Authenticate challenge not in the exact `Bearer` form',
    severity: 'warning',
    scope: 'exchange',
    explanation:
      'The scheme is case-insensitive in HTTP, but clients match it as written: VS Code looks for `Bearer` case-sensitively and ignores `bearer`. A challenge whose parameters do not parse (an unquoted URL, a missing comma, a stray separator) loses `resource_metadata`, so clients fall back to guessing where metadata lives.',
    breaks: ['vscode', 'claude-ai', 'mcp-sdk'],
    sources: [
      rfc(6750, '3', 'the WWW-Authenticate response header field'),
      link('RFC 9110 section 11.6.1: WWW-Authenticate (challenge syntax)', 'https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1'),
      link('VS Code MCP client (oauth.ts): parses the Bearer challenge', VSCODE_OAUTH),
      issue('anthropics/claude-ai-mcp', 219, 'a lowercase www-authenticate (HTTP/2) ignored: header and scheme matched by case'),
    ],
    fix: 'Send `WWW-Authenticate: Bearer resource_metadata="https://…/.well-known/oauth-protected-resource/mcp"` with the scheme spelled `Bearer` and every parameter value quoted.',
  },
  {
    id: 'egress-blocked',
    title: 'A known MCP client blocked by a WAF, bot rule or IP allowlist',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'Hosted clients call from their own servers with their own user agents: Claude.ai as `python-httpx` and `Claude-User`, ChatGPT as `openai-mcp` (and once aiohttp). Cloudflare\'s AI-bot and Bot Fight rules, a WAF or an IP allowlist (Anthropic egress is 160.79.104.0/21) answers them 403 with an HTML or text page while the same server answers a browser or curl: the connector fails with a generic error and the server\'s own logs never see the request.',
    breaks: ['claude-ai', 'chatgpt'],
    sources: [
      issue('anthropics/claude-ai-mcp', 49, 'Cloudflare "Block AI training bots" answers Claude-User 403 before the origin'),
      issue('anthropics/claude-ai-mcp', 279, 'a Cloudflare challenge (cf-mitigated: challenge) on the PRM'),
      issue('anthropics/claude-ai-mcp', 294, 'a WAF answers 403 to the MCP request after OAuth; allow Claude\'s egress range'),
      issue('anthropics/claude-ai-mcp', 1061, 'a WAF rule against Claude-User: zero server-side logs'),
      issue('Waishnav/devspace', 44, 'Cloudflare Bot Fight Mode against ChatGPT\'s fetches'),
      issue('daften/fireflyiii-mcp', 44, 'connector requirements: reachable from 160.79.104.0/21'),
    ],
    fix: 'Exempt the MCP endpoint, /.well-known/*, /register and /token from bot rules and WAF challenges, or allow the client\'s egress ranges (Claude: 160.79.104.0/21) and user agents.',
  },
  {
    id: 'as-metadata-without-s256',
    title: 'Authorization server metadata without S256 PKCE',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'Since 2025-11-25 clients must refuse an authorization server whose metadata lacks `code_challenge_methods_supported` with `S256`; the C#, Rust and Vercel AI clients do, and Cursor and Inspector fail when S256 is absent from the list.',
    breaks: ['cursor', 'mcp-inspector', 'mcp-sdk'],
    sources: [spec('authorization', 'authorization-code-protection', 'authorization code protection'), rfc(8414, '2', 'authorization server metadata'), issue('modelcontextprotocol/csharp-sdk', 1700, 'refuse an AS without S256'), issue('modelcontextprotocol/rust-sdk', 955, 'refuse an AS without S256'), issue('vercel/ai', 18674, 'refuse an AS without S256'), issue('empires-security/mcp-oauth2-aws-cognito', 9, 'Cursor: "does not support code challenge method S256"')],
    fix: 'Add `"code_challenge_methods_supported": ["S256"]` to the metadata (and support it).',
  },
  {
    id: 'as-metadata-without-registration',
    title: 'Authorization server metadata offers no way to register',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'Without `registration_endpoint` (DCR) and without `client_id_metadata_document_supported` (CIMD), clients with no pre-registered id cannot get one: Claude.ai and Claude Code stop there.',
    breaks: ['claude-ai', 'claude-code', 'cursor', 'mcp-remote'],
    sources: [
      spec('authorization', 'dynamic-client-registration', 'dynamic client registration'),
      spec('authorization', 'client-id-metadata-documents', 'client ID metadata documents'),
      link('Claude connector docs: authentication (CIMD only with "none", otherwise DCR)', CLAUDE_CONNECTOR_AUTH_DOCS),
      issue('anthropics/claude-code', 3273, '"Incompatible auth server: does not support dynamic client registration"'),
      issue('render-oss/render-mcp-server', 25, 'Claude Code cannot register without DCR'),
    ],
    fix: 'Advertise `registration_endpoint` (RFC 7591) or `client_id_metadata_document_supported: true` (with "none" in `token_endpoint_auth_methods_supported`).',
  },
  {
    id: 'cimd-without-none',
    title: 'CIMD offered without "none": Claude.ai registers a new client by DCR on every connection',
    severity: 'warning',
    scope: 'exchange',
    explanation:
      'Claude.ai uses a Client ID Metadata Document only when the authorization server metadata has `client_id_metadata_document_supported: true` and lists `none` in `token_endpoint_auth_methods_supported` (its document is a public client\'s); otherwise it silently falls back to Dynamic Client Registration and registers a new client on every connection, so the server\'s client table grows with each one. Without `token_endpoint_auth_methods_supported` the RFC 8414 default is `client_secret_basic`, which has no `none` either.',
    breaks: ['claude-ai'],
    sources: [
      link('Claude connector docs: authentication (CIMD only with "none", otherwise DCR)', CLAUDE_CONNECTOR_AUTH_DOCS),
      issue('brendanlong/lion-reader', 1519, 'CIMD advertised without "none": Claude.ai registered by DCR instead'),
      spec('authorization', 'client-id-metadata-documents', 'client ID metadata documents'),
      rfc(8414, '2', 'token_endpoint_auth_methods_supported (default client_secret_basic)'),
    ],
    fix: 'List `"none"` in `token_endpoint_auth_methods_supported` next to the methods you already take (public metadata-document clients authenticate with PKCE alone), or stop advertising `client_id_metadata_document_supported` if you do not mean Claude.ai to use it.',
  },
  {
    id: 'oauth-error-not-rfc6749',
    title: 'OAuth endpoint error not in RFC 6749 JSON',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'Registration and token endpoints answer errors as JSON with a string `error` (RFC 6749 section 5.2, RFC 7591 section 3.2.2). Claude Code turned a FastAPI `{"detail":"Not Found"}` into "Invalid OAuth error response … expected string at path error" (anthropics/claude-code#7290).',
    breaks: ['claude-code', 'mcp-sdk', 'claude-ai'],
    sources: [rfc(6749, '5.2', 'error response'), rfc(7591, '3.2.2', 'client registration error response'), link('anthropics/claude-code#7290: Claude Code and a FastAPI 404 body', CLAUDE_CODE_HEADERS_IGNORED)],
    fix: 'Answer errors from /register and /token as `{"error": "<code>", "error_description": "…"}` with Content-Type application/json.',
  },
  {
    id: 'registration-rejects-redirect-uri',
    title: 'Dynamic client registration rejects a real client\'s redirect URI',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'Real clients register callbacks such as https://claude.ai/api/mcp/auth_callback, loopback URIs on any port (http://127.0.0.1:33418/, http://localhost:<port>/callback) and custom schemes (cursor://). Rejecting one, or the whole list for one entry, stops that client at registration.',
    breaks: ['claude-ai', 'claude-code', 'chatgpt', 'vscode', 'cursor', 'mcp-remote', 'mcp-inspector'],
    sources: [
      rfc(7591, '2', 'client metadata'),
      rfc(8252, '7.3', 'loopback interface redirection'),
      issue('bytebase/bytebase', 20510, 'Cursor\'s three redirect URIs rejected as a set'),
      issue('soflyy/agent-connector-for-wp', 111, 'cursor:// and cursor.com callbacks rejected'),
      issue('contextstream/mcp-server', 57, 'loopback http redirects rejected'),
      issue('daften/fireflyiii-mcp', 44, 'Claude callbacks on claude.ai and claude.com'),
    ],
    fix: 'Accept https callbacks, loopback http URIs with any port (RFC 8252 section 7.3) and private-use schemes; judge each URI, not the list.',
  },
  {
    id: 'invalid-client-400',
    title: 'invalid_client answered 400 instead of 401',
    severity: 'warning',
    scope: 'exchange',
    explanation:
      'Claude.ai registers again only when the token endpoint answers 401 `invalid_client` (the client was deleted or forgotten). With 400 the connector stays broken until it is removed and added again.',
    breaks: ['claude-ai'],
    sources: [rfc(6749, '5.2', 'error response (invalid_client)'), issue('PrefectHQ/fastmcp', 1762, 'Claude registers again only after 401 invalid_client')],
    fix: 'Answer `invalid_client` with 401 (RFC 6749 section 5.2).',
  },
  {
    id: 'client-assertion-refused',
    title: 'Client assertion (private_key_jwt) refused at the token endpoint',
    severity: 'error',
    scope: 'connection',
    explanation:
      'The client authenticated its token request with a signed JWT (RFC 7523 client assertion, `private_key_jwt`) and the server, whose metadata does not offer `private_key_jwt`, answered `invalid_client`. ChatGPT registers through a Client ID Metadata Document with `private_key_jwt` and a `jwks_uri`, and always signs its token requests: a server that only knows `none` or client secrets, or refuses the method for metadata-document clients, cannot be connected to from ChatGPT at all.',
    breaks: ['chatgpt'],
    sources: [
      rfc(7523, '2.2', 'using JWTs for client authentication'),
      issue('Altinity/altinity-mcp', 118, 'ChatGPT cannot connect: private_key_jwt refused for a CIMD client'),
      issue('tableau/tableau-mcp', 814, 'ChatGPT connector and private_key_jwt'),
      issue('pomerium/pomerium', 6692, 'ChatGPT client assertion refused'),
    ],
    fix: 'Accept `private_key_jwt`: verify the assertion with the keys of the client\'s metadata (`jwks_uri` or `jwks`): `iss` = `sub` = client_id, `aud` = the token endpoint or issuer, `exp`, a `jti` used once; and list it in `token_endpoint_auth_methods_supported` next to `none`.',
  },
  {
    id: 'token-response-without-token-type',
    title: 'Token response without token_type',
    severity: 'error',
    scope: 'exchange',
    explanation: '`token_type` is required in a successful token response (RFC 6749 section 5.1); the MCP SDKs validate the response with a schema and reject it without.',
    breaks: ['mcp-sdk', 'claude-code', 'vscode', 'mcp-remote'],
    sources: [rfc(6749, '5.1', 'successful response')],
    fix: 'Include `"token_type": "Bearer"` in token responses.',
  },
  {
    id: 'token-response-without-expires-in',
    title: 'Token response without expires_in',
    severity: 'warning',
    scope: 'exchange',
    explanation:
      'Without `expires_in` a client cannot refresh ahead of time: it only learns the token expired from a 401 in the middle of a tool call. Claude.ai refreshes with POST /token on its own schedule, without /authorize (observed in a gateway\'s logs of Claude.ai traffic, 2025).',
    breaks: ['claude-ai'],
    sources: [rfc(6749, '5.1', 'successful response (expires_in RECOMMENDED)')],
    fix: 'Include `expires_in` (seconds) in token responses.',
  },
  {
    id: 'token-audience-mismatch',
    title: 'Access token audience is not the protected resource',
    severity: 'error',
    scope: 'connection',
    explanation:
      'Tokens must be issued for the MCP server that will receive them (RFC 8707): the token\'s `aud` has to name the PRM `resource`. A mismatch (origin vs /mcp, trailing slash) makes a correct server refuse the token, or a lax one accept tokens meant for others.',
    breaks: ['claude-ai', 'claude-code', 'vscode', 'mcp-sdk'],
    sources: [AUDIENCE, rfc(8707, '2', 'resource parameter'), issue('cloudflare/workers-oauth-provider', 109, 'audience from the origin, token aud with /mcp'), issue('MyrikLD/memlord', 3, 'token aud and PRM resource differ')],
    fix: 'Issue tokens with `aud` equal to the `resource` parameter the client sent (the PRM `resource`).',
  },
  {
    id: 'granted-scope-unsupported',
    title: 'Token grants a scope the server does not advertise',
    severity: 'warning',
    scope: 'connection',
    explanation:
      'The token response (its `scope`, or the JWT access token\'s `scope` claim) grants a scope that neither the authorization server\'s nor the protected resource\'s `scopes_supported` lists. An authorization server may grant less than was asked and says what it granted (RFC 6749 section 3.3); one that grants whatever is asked gives `admin`, or every scope a client can name, to any client that asks, and the MCP server then trusts a scope nobody offered. RFC 8414 lets a server leave some scopes unadvertised, hence a warning.',
    breaks: [],
    sources: [rfc(6749, '3.3', 'access token scope'), rfc(8414, '2', 'authorization server metadata (scopes_supported)'), spec('authorization', 'scope-selection-strategy', 'scope selection strategy')],
    fix: 'Grant only scopes the server supports: drop requested scopes outside `scopes_supported` (or refuse them with `invalid_scope`) and return the granted set in the token response\'s `scope`.',
  },
  {
    id: 'registration-response-invalid',
    title: 'Dynamic client registration response does not follow RFC 7591',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'A successful registration answers 201 with the client\'s `client_id` and every registered metadata field (RFC 7591 section 3.2.1): `client_id_issued_at` and `client_secret_expires_at` are numbers, absent fields are left out (not `null` or `""`), `redirect_uris` come back as registered. The MCP SDKs validate the answer with a schema (a missing `redirect_uris`, a `null` or an empty URI fails it), and a `client_secret` returned to a client that asked for `none` makes it authenticate at the token endpoint with a secret it was not meant to have.',
    breaks: ['claude-code', 'claude-ai', 'mcp-sdk', 'vscode', 'mcp-remote'],
    sources: [
      rfc(7591, '3.2.1', 'client information response'),
      link('MCP TypeScript SDK v1.25.3 (shared/auth.ts): OAuthClientInformationFull schema', 'https://github.com/modelcontextprotocol/typescript-sdk/blob/v1.25.3/src/shared/auth.ts'),
      issue('anthropics/claude-code', 13685, 'a DCR response the client rejects'),
      issue('anthropics/claude-code', 38102, 'DCR response fields (thread)'),
      issue('KeeperHub/keeperhub', 963, 'DCR response fields'),
    ],
    fix: 'Answer with `client_id` (a non-empty string), the registered `redirect_uris` unchanged, `token_endpoint_auth_method` as registered, numbers for `client_id_issued_at` and `client_secret_expires_at`, no `client_secret` for `none`, and leave out fields you have no value for.',
  },
  {
    id: 'loopback-redirect-port-exact',
    title: 'Loopback redirect URI matched with its port',
    severity: 'error',
    scope: 'connection',
    explanation:
      'Native clients register a loopback redirect URI and then listen on whatever port is free: RFC 8252 section 7.3 says the authorization server MUST allow any port for loopback IP redirect URIs. VS Code falls back from 33418 to a random port, and Claude Code uses random ports; an exact match refuses them at /authorize.',
    breaks: ['vscode', 'claude-code', 'mcp-remote', 'mcp-inspector'],
    sources: [
      rfc(8252, '7.3', 'loopback interface redirection (any port)'),
      issue('microsoft/vscode', 278512, 'a random callback port vs the registered 33418'),
      issue('anthropics/claude-code', 55067, 'Claude Code\'s loopback callback port'),
      issue('cloudflare/workers-oauth-provider', 35, 'allow localhost with any port (RFC 8252 section 7.3)'),
      issue('cloudflare/workers-oauth-provider', 168, 'loopback port flexibility for localhost, to support Claude Code'),
    ],
    fix: 'Compare loopback redirect URIs (http://127.0.0.1, http://[::1], http://localhost) without the port: scheme, host and path must match.',
  },
  {
    id: 'authorize-scope-rejected',
    title: '/authorize requires scope or refuses unknown scopes',
    severity: 'warning',
    scope: 'exchange',
    explanation:
      'Clients do not agree on scope: ChatGPT sends none on reconnect, Claude once sent `claudeai` and sends every scope in the metadata when neither the challenge nor the PRM names one, mcp-remote falls back to `openid email profile`. RFC 6749 section 3.3 lets a server apply a default when scope is absent and grant less than was asked; refusing the request instead stops those clients at the consent step.',
    breaks: ['chatgpt', 'claude-ai', 'mcp-remote'],
    sources: [
      rfc(6749, '3.3', 'access token scope (default scope, granting less)'),
      spec('authorization', 'scope-selection-strategy', 'scope selection strategy'),
      link('OpenAI community: ChatGPT sends no scope on reconnect', 'https://community.openai.com/t/1366784'),
      issue('modelcontextprotocol/modelcontextprotocol', 653, 'the scope clients request'),
      issue('tldraw/tldraw', 10612, 'every advertised scope requested, invalid_scope'),
    ],
    fix: 'When scope is absent use a default set; when it names scopes you do not know, grant the ones you do (and say so in the token response\'s `scope`) instead of answering invalid_scope.',
  },
  {
    id: 'registration-mixed-redirect-schemes',
    title: 'Client: one registration with redirect URIs of mixed kinds, refused as a set',
    severity: 'info',
    scope: 'exchange',
    explanation:
      'The client registered custom-scheme, https and loopback redirect URIs in one request (Cursor sends cursor://…, https://www.cursor.com/…/callback and a loopback URI), and the server refused the whole request. RFC 7591 allows the list, and servers should judge each URI; but many authorization servers reject a set for one entry they dislike (the custom scheme or the foreign host), and the client then cannot register at all.',
    breaks: ['cursor'],
    sources: [
      rfc(7591, '2', 'client metadata (redirect_uris)'),
      issue('bytebase/bytebase', 20510, 'Cursor\'s three redirect URIs rejected as a set'),
      issue('erp-mafia/accounted', 2225, 'the three redirect URIs of Cursor\'s registration'),
    ],
    fix: 'Server: judge each redirect URI and keep the ones you accept (or accept private-use schemes and loopback URIs). Client: register only the callback it will use, or retry with fewer URIs when a set is refused.',
  },
  {
    id: 'authorize-endpoint-not-from-metadata',
    title: 'Client: authorization request sent to another URL than the metadata\'s authorization_endpoint',
    severity: 'warning',
    scope: 'connection',
    explanation:
      'The client is at fault. Authorization server metadata names the `authorization_endpoint` (RFC 8414); a client that read it must send the user there. Clients were seen building {origin}/authorize instead: VS Code dropped the authorization server\'s path, Claude.ai sent users to /authorize although the metadata named /api/oauth/authorize, and Cursor invents /authorize when metadata is missing. The user lands on a 404 or a page of another application.',
    breaks: ['vscode', 'claude-ai', 'cursor'],
    sources: [
      rfc(8414, '2', 'authorization server metadata (authorization_endpoint)'),
      issue('microsoft/vscode', 315235, 'the authorize URL drops the authorization server\'s path'),
      issue('anthropics/claude-ai-mcp', 283, 'users sent to /authorize instead of the metadata\'s authorization_endpoint'),
      issue('jztan/redmine-mcp-server', 188, 'Cursor invents /authorize'),
    ],
    fix: 'Client: use the `authorization_endpoint` of the metadata as given. Server: until clients are fixed, answer {origin}/authorize with a redirect to your real endpoint (keeping the query).',
  },
  // ---- hosted authorization servers
  {
    id: 'as-metadata-issuer-mismatch',
    title: 'Metadata issuer differs from the authorization server the PRM names (trailing slash)',
    severity: 'error',
    scope: 'connection',
    explanation:
      'RFC 8414 section 3.3: the `issuer` in the metadata MUST be identical to the issuer identifier the client built the well-known URL from, which an MCP client takes from the Protected Resource Metadata\'s `authorization_servers`. Hosted servers often differ by a trailing slash only (Auth0 issuers end in "/", Pydantic adds one, Google\'s does not): both strings lead to the same well-known URL, so the mismatch goes unnoticed until a strict client compares them. The MCP SDK 2.x client, the Vercel AI SDK, opencode and Codex abort discovery; from 2026-07-28 every client must check the issuer.',
    breaks: ['mcp-sdk'],
    sources: [
      rfc(8414, '3.3', 'authorization server metadata validation (issuer identical)'),
      AS_DISCOVERY,
      issue('modelcontextprotocol/python-sdk', 1919, 'trailing slash in the metadata issuer breaks clients'),
      issue('anomalyco/opencode', 50036, 'issuer mismatch on a trailing slash rejects a valid authorization server'),
      issue('vercel/ai', 20236, 'origin-only issuers that differ only by a trailing slash rejected'),
      issue('expo/expo', 49054, 'strict MCP OAuth clients (@modelcontextprotocol/client 2.0.0) abort on the trailing slash'),
      issue('openai/codex', 37373, 'issuer mismatch: expected issuer stripped of its trailing slash'),
    ],
    fix: 'Publish the same string in both documents: make the PRM\'s `authorization_servers` entry exactly the metadata\'s `issuer` (with or without the trailing slash, but the same), and the `iss` of the tokens and authorization responses too.',
  },
  {
    id: 'as-metadata-openid-only',
    title: 'Authorization server metadata only at the OpenID Connect discovery path',
    severity: 'warning',
    scope: 'connection',
    explanation:
      'The RFC 8414 document (/.well-known/oauth-authorization-server) answered 404 while the OpenID Connect discovery document of the same issuer is served, as with Auth0 and Google. The MCP specification lets an authorization server offer either and makes clients try both, but clients written to the 2025-03-26 revision read only RFC 8414, and some still stop at the 404 instead of falling back: the client never learns where to register or authorize.',
    breaks: ['claude-code', 'mcp-sdk', 'mcp-inspector'],
    sources: [
      AS_DISCOVERY,
      rfc(8414, '5', 'compatibility notes (openid-configuration)'),
      issue('modelcontextprotocol/typescript-sdk', 616, 'fall back to openid-configuration (Google)'),
      issue('anthropics/claude-code', 41253, 'no fallback to OIDC discovery when RFC 8414 metadata is 404'),
      link('modelcontextprotocol/inspector#651: openid-configuration fallback', 'https://github.com/modelcontextprotocol/inspector/pull/651'),
    ],
    fix: 'Serve the same metadata at /.well-known/oauth-authorization-server too (Auth0 and Google cannot be changed: serve it from the MCP host, or put a proxy in front that answers it).',
  },
  {
    id: 'registration-requires-initial-access-token',
    title: 'Dynamic client registration requires an initial access token',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'The registration endpoint answered 401 or 403 to a registration without an Authorization header: it is gated behind an initial access token (RFC 7591 section 3), as Keycloak, Spring Authorization Server and many enterprise deployments configure it. MCP clients register anonymously; none can obtain such a token, so each stops at registration although the metadata advertises `registration_endpoint`.',
    breaks: ['claude-ai', 'claude-code', 'chatgpt', 'cursor', 'vscode', 'mcp-remote', 'mcp-sdk'],
    sources: [
      rfc(7591, '3', 'client registration endpoint (initial access token)'),
      spec('authorization', 'dynamic-client-registration', 'dynamic client registration'),
      issue('modelcontextprotocol/typescript-sdk', 772, 'no initial access token support in DCR'),
      issue('spring-attic/spring-authorization-server', 2143, 'initial access token required: impractical for MCP hosts'),
      issue('elgorro/aiquila', 457, 'OAuth flow fails against gated DCR (401 on /register)'),
    ],
    fix: 'Allow anonymous registration for MCP clients (Keycloak: an anonymous client-registration policy with trusted hosts), or offer Client ID Metadata Documents (`client_id_metadata_document_supported`) instead, or pre-register the clients you support.',
  },
  {
    id: 'access-token-without-kid',
    title: 'Access token without kid (encrypted, or signed without a key id)',
    severity: 'warning',
    scope: 'connection',
    explanation:
      'The token endpoint issued an access token whose JOSE header has no `kid`: an encrypted token (JWE), or a JWT signed with a public-key algorithm that names no key. A resource server that verifies tokens against the authorization server\'s JWKS cannot find the key and refuses the token, so the client is stopped at its first tools/list after a successful OAuth flow. Auth0 issues such an encrypted token (alg dir) when the authorization request names no `audience`: it ignores the RFC 8707 `resource` that MCP clients send, and the token is for its own /userinfo (published Claude.ai + Auth0 logs: "Token key ID (kid): None", validated through /userinfo instead).',
    breaks: ['claude-ai', 'mcp-inspector'],
    sources: [
      HANDSHAKE_LOGS('JWE without kid, validated through /userinfo'),
      rfc(8707, '2', 'resource parameter'),
      AUDIENCE,
      issue('modelcontextprotocol/inspector', 566, 'without audience Auth0 issues encrypted (JWE) tokens'),
      issue('danny-avila/LibreChat', 13401, 'Auth0 and Cognito ignore resource and need audience'),
      link('zuplo/docs#1028: Auth0\'s resource parameter compatibility profile instead of a default audience', 'https://github.com/zuplo/docs/pull/1028'),
    ],
    fix: 'Make the authorization server issue signed JWTs with `kid` for the MCP server: on Auth0 register the MCP server as an API and set it as the tenant\'s default audience (or enable its resource parameter compatibility profile), so tokens carry `aud` = the resource; or validate encrypted tokens through /userinfo or introspection.',
  },
  {
    id: 'as-intercept-blind-leg',
    title: 'Inspector: --intercept-as cannot relay this client\'s authorization response',
    severity: 'warning',
    scope: 'exchange',
    explanation:
      'With --intercept-as the client sees the authorization server as the front door (/_as/<n>), and its issuer as the front door\'s. A client that registered through the front door gets a callback relay, so the authorization response comes back through it and its `iss` (RFC 9207) is rewritten to the issuer the client saw. This client\'s redirect URI is not one the front door relays: a pre-registered client (the AS knows its redirect URIs already) or a Client ID Metadata Document (the AS fetches the document itself). The AS then sends the browser straight to the client: the authorization response is not recorded, and its `iss` names the real issuer, which is not the one in the metadata this client read. Clients that validate `iss` (the MCP TypeScript SDK 2.x, the Python SDK and every client of the 2026-07-28 specification, SEP-2468) refuse the response; clients that don\'t (the TypeScript SDK 1.x) complete. Nothing is wrong with the server.',
    breaks: ['mcp-sdk'],
    sources: [
      rfc(9207, '2.4', 'validating the issuer identifier'),
      link('SEP-2468: Recommend Issuer (iss) Parameter in MCP Auth Responses', 'https://modelcontextprotocol.io/seps/2468-recommend-issuer-claim-for-auth'),
      link('modelcontextprotocol/typescript-sdk#2344: RFC 9207 iss and RFC 8414 issuer validation in the 2.x client', 'https://github.com/modelcontextprotocol/typescript-sdk/pull/2344'),
    ],
    fix: 'Inspector: let the client register through the front door (dynamic client registration) so its redirect URI is relayed, or use a client that does not check `iss` for this run. Or run this flow without --intercept-as: the AS legs are then not recorded, but the issuer the client sees is the real one.',
  },
  {
    id: 'discover-without-auth',
    title: 'server/discover answered without a token by a server that needs one',
    severity: 'warning',
    scope: 'connection',
    explanation:
      'The server is at fault. A 2026-07-28 client starts with `server/discover`; a server that needs authorization answers it, like every other request without a token, with 401 and a `resource_metadata` challenge. This one answered 200 while refusing its other requests without a token (or while publishing Protected Resource Metadata): the client concludes that no sign-in is needed, Claude Code lists the connector as "✔ Connected", and every tool call then fails with 401. It is the stateless era\'s form of lazy-auth-initialize.',
    breaks: ['claude-code', 'claude-ai', 'mcp-sdk'],
    sources: [
      link('MCP 2026-07-28 changelog: server/discover opens every connection', mcpSpec('2026-07-28', 'changelog')),
      AUTH_DISCOVERY,
      issue('anthropics/claude-code', 84299, '"✔ Connected" reported for unauthorized stateless connectors'),
    ],
    fix: 'Put server/discover behind the same authorization as the rest of the MCP endpoint (401 with `WWW-Authenticate: Bearer resource_metadata="…"` without a token), or stop publishing OAuth metadata if no sign-in is needed.',
  },
  {
    id: 'prm-not-fetched',
    title: 'Client: OAuth started without the Protected Resource Metadata the 401 named',
    severity: 'warning',
    scope: 'connection',
    explanation:
      'The client is at fault. A 401 from the MCP endpoint named its Protected Resource Metadata in `resource_metadata`; the client must read that document to learn the authorization server and the `resource` to ask a token for (RFC 9728 section 5, MCP authorization). This client went straight to authorization server metadata, registration, /authorize or /token: it assumes the MCP host is its own authorization server, which breaks every deployment with the authorization server on another host, and its `resource` may not be the one the server expects. Claude Code\'s `mcp login` with `--client-id` was reported doing so.',
    breaks: [],
    sources: [
      rfc(9728, '5.1', 'WWW-Authenticate response'),
      AUTH_DISCOVERY,
      issue('anthropics/claude-code', 80731, 'claude mcp login ignores RFC 9728 discovery and targets the resource origin for /authorize and /token'),
      issue('anthropics/claude-code', 71610, 'claude mcp login skips the 401 / WWW-Authenticate discovery step'),
    ],
    fix: 'Client: on a 401, fetch the document its `resource_metadata` names, take the authorization server from `authorization_servers` and the `resource` from the document, then discover that server\'s metadata. Server: keep AS metadata on the MCP host too (as-metadata-missing-on-mcp-host) for such clients.',
  },
  {
    id: 'oauth-on-authless-server',
    title: 'Client: OAuth started against a server that asked for no sign-in',
    severity: 'warning',
    scope: 'connection',
    explanation:
      'The client is at fault. The server answered initialize (or server/discover) without a token with 200, sent no 401 challenge and publishes no Protected Resource Metadata: it needs no authorization, which the MCP specification allows. The client registered or sent the user to /authorize anyway, using whatever OAuth endpoints the host happens to have (another application\'s authorization server on the same origin) or failing on 404s. Claude.ai connectors were reported forcing such servers through OAuth.',
    breaks: [],
    sources: [
      AUTH_DISCOVERY,
      issue('anthropics/claude-ai-mcp', 823, 'OAuth attempted against a server that needs no authorization'),
      issue('anthropics/claude-ai-mcp', 76, 'a successful initialize ignored: OAuth attempted on an authless server'),
      issue('anthropics/claude-ai-mcp', 925, 'an unauthenticated server forced through the origin\'s OAuth'),
    ],
    fix: 'Client: start OAuth only on a 401 challenge (or Protected Resource Metadata naming an authorization server); a 200 to an unauthenticated initialize or server/discover means the server needs no token. Server: if you do want sign-in, answer the unauthenticated request with 401 and a resource_metadata challenge.',
  },
  {
    id: 'client-metadata-document-unavailable',
    title: 'Client: its Client ID Metadata Document could not be fetched or read',
    severity: 'error',
    scope: 'exchange',
    explanation:
      'The client is at fault (its document host). With a Client ID Metadata Document the `client_id` is an https URL, and the authorization server fetches the client\'s metadata from it before it shows consent or issues a token. Here the authorization server said it could not: the URL answered 404, an HTML page (a login wall, a web app\'s fallback), or nothing. No server can then accept the client until the document is back: Claude.ai\'s document URL answered 404 for a while and every CIMD connection failed.',
    breaks: [],
    sources: [
      spec('authorization', 'client-id-metadata-documents', 'client ID metadata documents'),
      issue('anthropics/claude-ai-mcp', 518, 'Claude.ai\'s client metadata document URL answered 404'),
    ],
    fix: 'Client: serve the document at exactly the client_id URL, publicly, as `application/json` with 200 and `client_id` equal to the URL. Server: say in the error which URL failed and how (as here); a server that only offers CIMD has no other way in, so offering Dynamic Client Registration too keeps such clients working.',
  },
  {
    id: 'listen-held-open-idle',
    title: 'subscriptions/listen stream held open with nothing to send',
    severity: 'info',
    scope: 'connection',
    explanation:
      'The server is at fault. A subscriptions/listen stream stays open until the client or the server closes it. This one carried nothing after its acknowledgement past the idle limit, and either the acknowledgement agreed to no notification at all (the stream can never carry one) or the server advertised listChanged for tools, prompts and resources and resources.subscribe together, what the Python SDK\'s MCPServer advertises whether or not the server ever publishes a change. 2026-07-28 clients open such streams on discovery (Claude Code opened four); on serverless platforms, where a client leaving does not reach the app, each one holds an invocation until the platform\'s timeout.',
    breaks: ['claude-code', 'mcp-sdk'],
    sources: [
      LISTEN('the listen stream stays open until the client or the server closes it'),
      issue('modelcontextprotocol/python-sdk', 3493, 'listen served and listChanged advertised unconditionally: hold-open streams pin serverless invocations'),
      issue('modelcontextprotocol/python-sdk', 3357, 'MCPServer cannot disable subscriptions/listen'),
      issue('modelcontextprotocol/typescript-sdk', 2650, 'subscriptions/listen holds a stream open even when it has honoured nothing'),
    ],
    fix: 'Advertise listChanged and resources.subscribe only for what your server really publishes; close a listen stream right after an acknowledgement that agreed to nothing (with the closing result, as typescript-sdk#2651 does); on a serverless host, end idle listen streams yourself (clients reopen them).',
  },
];

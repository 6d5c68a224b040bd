import type { BehaviorProfilePatch } from './profile';
import type { Rule } from './rules';
import type { ToggleSelection } from './toggles';

// The client simulator as data. A ClientProfile says what one real client (at one observed
// date) sends and how it reacts to what it gets back; the engine in core/simulator executes
// any profile against any URL. A Scenario pairs a server misbehaviour with the profile that
// trips on it. Plain serialisable data: profiles and scenarios travel as JSON files.

/** Header the simulator adds to every request; the front door marks such exchanges simulated. */
export const SIMULATION_HEADER = 'x-mcp-inspector-simulated';

/** Where a profile's behaviour comes from. */
export interface ProfileSource {
  /** A public https URL: an issue (`https://github.com/anthropics/claude-code/issues/7290`), client source, vendor docs, spec section. */
  ref: string;
  /** What this source shows. */
  note?: string;
}

/**
 * What the client does with an answer. `continue` goes on silently; `warn` goes on but the
 * verdict carries the warning (the real client logged or retried); `fail` stops the run;
 * `terminate` sends DELETE for the session first (as Claude.ai did after GET → 501);
 * `oauth` runs the OAuth flow and sends the request again with the token; `authless` treats
 * the server as needing no authorization; `fallback-legacy-sse` switches to the 2024-11-05
 * transport; `fallback-initialize` leaves the 2026-07-28 era for the initialize handshake;
 * `stop` ends the run quietly where the real client stopped going on (no error shown).
 */
export type ReactionKind = 'continue' | 'warn' | 'fail' | 'terminate' | 'oauth' | 'authless' | 'fallback-legacy-sse' | 'fallback-initialize' | 'stop';

export interface Reaction {
  do: ReactionKind;
  /** Why the client does this, in the words of the source. */
  because?: string;
}

/**
 * Reactions keyed by what came back: an HTTP status (`"501"`), a status class (`"4xx"`),
 * `"ok"` (any 2xx), or one of the conditions the engine detects: `"401-after-auth"` (a 401
 * although a token was sent), `"no-session-id"` (an initialize answer without
 * Mcp-Session-Id), `"network"` (no HTTP answer at all). The most specific key wins.
 */
export type Reactions = Partial<Record<string, Reaction>>;

/** MCP JSON-RPC methods a profile sends as steps. */
export type McpMethod = 'initialize' | 'server/discover' | 'tools/list' | 'resources/list' | 'resources/templates/list' | 'prompts/list' | 'tools/call' | 'logging/setLevel';

/** One step of a replayed handshake. Steps run in order; `parallel` runs its children at once. */
export type SimStep =
  /** A request that is not MCP: `HEAD /` (Claude.ai 2025), a GET of the endpoint to read its challenge (mcp-remote). */
  | { type: 'probe'; id: string; method: 'HEAD' | 'GET'; target: 'origin' | 'endpoint'; headers?: Record<string, string>; on?: Reactions }
  /**
   * Well-known documents fetched before any 401 (ChatGPT); `{path}` is the MCP URL's path.
   * `headers` go over the defaults (mcp-remote fetches these with another HTTP stack than its OAuth).
   */
  | { type: 'metadata-prefetch'; id: string; requests: Array<{ method: 'HEAD' | 'GET'; path: string }>; headers?: Record<string, string>; required?: { path: string; because: string } }
  /** The OAuth flow: `always` runs it now (OAuth forced), `challenged` only after a 401 reaction. */
  | { type: 'oauth'; id: string; when: 'always' }
  /**
   * A JSON-RPC request on the MCP endpoint (with the token once there is one). An initialize
   * starts a new session (no Mcp-Session-Id or MCP-Protocol-Version of an earlier one); its
   * `params` go over the profile's (another clientInfo: mcp-remote initializes twice).
   */
  | { type: 'mcp'; id: string; method: McpMethod; params?: Record<string, unknown>; on?: Reactions }
  /** `notifications/initialized`: the spec answer is 202. */
  | { type: 'initialized'; id: string; on?: Reactions }
  /** GET on the MCP endpoint with Accept: text/event-stream (the server→client stream, or detection). */
  | { type: 'get-stream'; id: string; withToken: boolean; on?: Reactions }
  /** DELETE of the session (teardown). */
  | { type: 'delete-session'; id: string }
  | { type: 'parallel'; id: string; steps: SimStep[] };

export type RegistrationMethod = 'cimd' | 'dcr';

/** A discovery URL template: `{path}` is the path of the MCP URL (or of the issuer), `{origin}` its origin. */
export type WellKnownTemplate = string;

export interface AuthBehaviour {
  /** Where the client looks for Protected Resource Metadata, in order. */
  protectedResourceOrder: Array<'header' | 'path' | 'root'>;
  /** What the client needs of PRM `resource`: the URL exactly (VS Code, Claude.ai), a same-origin path prefix (TS SDK), or nothing. */
  resourceCheck: 'exact' | 'same-origin-prefix' | 'none';
  /** A profile that reads no PRM at all (2025 Claude.ai went to the MCP host) ignores `authorization_servers`. */
  authorizationServerFrom: 'prm' | 'mcp-host';
  /** With no usable PRM: give up, look at the MCP origin's root, or take the whole MCP URL as the issuer (TS SDK ≤ 1.21). */
  withoutPrm: 'fail' | 'origin' | 'server-url';
  /** Authorization-server metadata URLs in order, relative to the issuer (or the MCP URL with `mcp-host`). */
  authorizationServerOrder: WellKnownTemplate[];
  /** With no metadata at all, use `{origin}/authorize`, `/token`, `/register` (2025-03-26 fallback). */
  defaultEndpointsFallback: boolean;
  /** Refuse when `code_challenge_methods_supported` is missing or lacks S256 (2025-11-25 MUST). */
  requireS256: 'missing-or-absent' | 'absent-from-list' | 'never';
  /** Registration methods in order of preference. CIMD is used only when the AS advertises it. */
  registration: RegistrationMethod[];
  /** The client's Client ID Metadata Document URL (its `client_id` with CIMD). */
  cimdClientId?: string;
  /** The metadata document's fields beyond the DCR body (Claude Code's lists port-less loopback redirects). */
  cimdDocument?: Record<string, unknown>;
  /**
   * `private_key_jwt` (RFC 7523 §2.2): with its CIMD client_id the client signs a client
   * assertion at the token endpoint with the key `kid` (the simulator's own, clientKeys.ts),
   * whose public half the document's `jwks_uri` publishes.
   */
  clientAssertion?: { alg: 'RS256' | 'ES256'; kid: string; jwksUri: string };
  /** Claude.ai uses CIMD only when `none` is among the token endpoint auth methods too. */
  cimdRequiresNoneAuth?: boolean;
  /**
   * The RFC 7591 registration body; `{redirect_uri}` is replaced, and a `"{scope}"` value by the
   * scope the client will ask for (the field is left out when it asks for none).
   */
  dcrBody: Record<string, unknown>;
  /**
   * Headers of the OAuth requests beyond the defaults (User-Agent, `Accept: application/json`,
   * MCP-Protocol-Version when the profile sends one), per request; `null` leaves one out.
   * The TS SDK 2.x sets no Accept on PRM (fetch's default) and no version header on registration or token.
   */
  requestHeaders?: Partial<Record<'prm' | 'as' | 'register' | 'token', Record<string, string | null>>>;
  /** The redirect URI used in authorize and token; `{port}` and `{id}` are filled at run time. */
  redirectUri: string;
  /** Where the scope comes from, in order; a string in `fixed` is sent as is (2025 Claude.ai: `claudeai`). */
  scopeFrom: Array<'challenge' | 'prm' | 'as'> | { fixed: string };
  /** Append `offline_access` when the AS lists it (Claude Code). */
  addOfflineAccess?: boolean;
  /** Send the RFC 8707 `resource` parameter in authorize and token. */
  sendResource: boolean;
  /** Fail with "Invalid OAuth error response" when an OAuth error is not RFC 6749 JSON (TS SDK clients). */
  strictOAuthErrors: boolean;
  /** Only a `Bearer` challenge with this exact casing counts (VS Code matches case-sensitively). */
  bearerSchemeCaseSensitive?: boolean;
}

export interface ProtocolBehaviour {
  /** `session`: initialize + Mcp-Session-Id; `stateless`: 2026-07-28 `_meta` on every request. */
  era: 'session' | 'stateless';
  /** The protocolVersion in initialize, or in `_meta` for the stateless era. */
  version: string;
  /** The version used when falling back from 2026-07-28 to initialize. */
  fallbackVersion?: string;
  /** Versions the client accepts in the initialize answer; any when absent. */
  supportedVersions?: string[];
  clientInfo: { name: string; version: string };
  capabilities: Record<string, unknown>;
  /** What the client puts in MCP-Protocol-Version after initialize. */
  versionHeader: 'negotiated' | 'sent-version' | 'absent';
  /**
   * The MCP-Protocol-Version value the client sends after the handshake (server/discover or
   * initialize), whatever it negotiated or names in `_meta`
   * (a client bug: Claude Code via connectors sends 2025-11-25 with a 2026-07-28 `_meta`; a
   * header set twice arrives comma-joined, "2025-11-25, 2025-11-25").
   */
  versionHeaderValue?: string;
  /**
   * `always`: the 2026-07-28 routing headers (Mcp-Method on every POST, Mcp-Name on tools/call)
   * in the session era too, initialize and notifications included, as the TypeScript SDK 2.x
   * sends them whatever it negotiated. The stateless era always sends them.
   */
  routingHeaders?: 'always';
  /**
   * How the client answers a 2026-07-28 `input_required` result (what its user or model would):
   * it fulfils the input requests it has the capability for and retries, up to `maxRounds`.
   */
  inputAnswers?: InputAnswers;
}

/** The data a profile answers input requests with (multi-round-trip requests, 2026-07-28). */
export interface InputAnswers {
  /** Form values by property name; other properties get a value of their schema's type. */
  elicitation?: Record<string, unknown>;
  /** The text of the model's answer to `sampling/createMessage`. */
  sampling?: string;
  /** What `roots/list` returns. */
  roots?: Array<{ uri: string; name?: string }>;
  /** Rounds the client goes before it gives up (default 8). */
  maxRounds?: number;
}

/** What every profile has: who the client is, when it was seen doing this, and the sources. */
export interface ProfileBase {
  /** `claude-ai@2025-06`: family and the date its behaviour was observed. */
  id: string;
  /** `claude-ai`: `--client claude-ai` picks the family's default variant. */
  family: string;
  /** The default variant of its family. */
  isDefault?: boolean;
  /** Human name: "Claude.ai connector". */
  client: string;
  /** What sets this variant apart. */
  variant: string;
  /** When the behaviour was observed (YYYY-MM, or a version and its date). */
  observed: string;
  sources: ProfileSource[];
  /** Caveats: what is inferred or reported rather than observed. */
  notes?: string[];
  transport: 'streamable-http' | 'legacy-sse';
  /** User-Agent per phase: discovery and OAuth calls, MCP calls before and after OAuth, the browser on /authorize. */
  userAgent: { discovery: string; mcp: string; authenticatedMcp?: string; browser: string };
  /** Browser clients send Origin and live under CORS. */
  browserOrigin?: string;
  /**
   * A variant that replays a client bug: against the spec-correct server it fails at `step`
   * (where the report says the real client failed), and connects only against `connectsWith`,
   * a preset the bug does not trip on (none: every server that checks the header refuses it).
   * `report` is the public URL of the report.
   */
  clientBug?: { step: string; messageIncludes: string; connectsWith?: string; report: string };
}

/** A client replayed from its observed handshake. */
export interface ReplayProfile extends ProfileBase {
  driver: 'replay';
  /** Accept on POST. */
  accept: string;
  /** Headers configured by the user (e.g. `X-API-Key`) are sent, or ignored (Claude Code 1.0.108). */
  configuredHeaders: 'sent' | 'ignored';
  /** Whether the client echoes Mcp-Session-Id (what it does without one is a reaction: `no-session-id`). */
  session: { echo: boolean };
  protocol: ProtocolBehaviour;
  auth: AuthBehaviour;
  steps: SimStep[];
}

/** A client that is the real MCP TypeScript SDK, driven rather than replayed. */
export interface SdkProfile extends ProfileBase {
  /** `sdk-1`: @modelcontextprotocol/sdk 1.x; `sdk-2`: @modelcontextprotocol/client 2.x. */
  driver: 'sdk-1' | 'sdk-2';
  /** For 2.x: the package default (2025-11-25 initialize) or `auto` (server/discover, 2026-07-28). */
  sdkNegotiation?: 'default' | 'auto';
  clientInfo: { name: string; version: string };
  /** The OAuth client metadata the provider hands the SDK (its DCR body); `{redirect_uri}` is filled. */
  clientMetadata: Record<string, unknown>;
  redirectUri: string;
}

export type ClientProfile = ReplayProfile | SdkProfile;

// ---- results ------------------------------------------------------------------------------

export type StepOutcome = 'ok' | 'warn' | 'fail' | 'skipped';

/** One HTTP exchange the simulator made, as it saw it. */
export interface SimulatedRequest {
  method: string;
  url: string;
  status?: number;
  /** Why no status: connection refused, timeout, CORS refusal. */
  error?: string;
  ms: number;
}

export interface StepVerdict {
  /** The profile step (or sub-step: `oauth.prm`, `oauth.token`). */
  step: string;
  /** What was attempted: "GET /mcp (SSE stream)". */
  title: string;
  outcome: StepOutcome;
  /** "405 with Allow: POST-only server, fine" / "would terminate: GET /mcp answered 501". */
  message: string;
  requests: SimulatedRequest[];
  /** A multi-round-trip request: each round the server answered (input_required, then the final one). */
  rounds?: SimulatedRound[];
}

/** One round of a multi-round-trip request as the simulated client saw it. */
export interface SimulatedRound {
  round: number;
  /** The JSON-RPC id it went under (a new one each round). */
  rpcId: number;
  /** What the server asked for (key and method), when it answered input_required. */
  asked?: Array<{ key: string; method: string }>;
  /** The server sent a requestState to echo. */
  requestState?: boolean;
  /** How the round ended: "input_required", "complete", or the error. */
  answer: string;
}

export interface SimulationResult {
  runId: string;
  profileId: string;
  url: string;
  /** The client would have connected and listed its tools (warnings allowed). */
  ok: boolean;
  /** Where it failed, when it did. */
  failedAt?: string;
  /** One line: "connected and listed 5 tools" / "would terminate: GET /mcp answered 501". */
  summary: string;
  steps: StepVerdict[];
  tools?: string[];
  startedAt: number;
  durationMs: number;
}

// ---- bug-report scenarios -----------------------------------------------------------------

/** The server side of a scenario: how to make the reference server misbehave. */
export interface ScenarioServer {
  preset?: string;
  profile?: BehaviorProfilePatch;
  toggles?: ToggleSelection;
  /** Rules in the front door, for behaviour the reference server has no switch for (an API-key-only server). */
  rules?: Rule[];
}

export interface Scenario {
  id: string;
  title: string;
  /** The report it reproduces, in words: "Claude.ai + Auth0 handshake logs (2025-10): GET answered 501". */
  reference: string;
  /** Public URLs of that report and of the spec sections the fix follows. */
  sources?: string[];
  /** What the reference says happened, quoted or close to it. */
  symptom: string;
  server: ScenarioServer;
  /** The client profile that trips on it. */
  clientId: string;
  /** Headers the user configured for the client (anthropics/claude-code#7290: X-API-Key). */
  clientHeaders?: Record<string, string>;
  /** Where the real client failed, as the simulator names steps. */
  expect: { outcome: 'fail' | 'warn'; step: string; messageIncludes?: string };
  /** Lint rule ids expected to fire on the capture. */
  expectedLint: string[];
  /** Why no lint rule explains the failure yet (then `expectedLint` is empty): the rule it needs. */
  lintGap?: string;
  fix: string;
  /** The same server with the fix applied: the client must then connect. */
  fixedServer: ScenarioServer;
}

export interface ScenarioRunResult {
  scenarioId: string;
  /** The client failed (or warned) where the reference says the real client did. */
  reproduced: boolean;
  explanation: string;
  simulation: SimulationResult;
  /** The lint rules the scenario expects on the broken server's capture, and those the run found. */
  lint: { expected: string[]; found: string[]; ok: boolean };
  /** The capture of the run (the recorder's exchanges), for export. */
  captureId?: string;
}

/** A scenario as a file: the scenario, and its last run with the recorded exchanges. */
export interface ScenarioFile {
  format: 'mcp-handshake-inspector-scenario';
  version: 1;
  scenario: Scenario;
  run?: ScenarioRunResult & { exchanges: unknown[] };
}

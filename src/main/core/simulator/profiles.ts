import type { AuthBehaviour, ClientProfile, Reactions, ProfileSource, ReplayProfile, SdkProfile, SimStep } from '../../../shared/simulator';
import {
  CLAUDE_AI_AUTH0_HANDSHAKE_LOGS,
  CLAUDE_CODE_HEADERS_IGNORED,
  CLAUDE_CONNECTOR_AUTH_DOCS,
  MRTR_SPEC,
  REMOTE_MCP_AUTH,
  TS_SDK_CLIENT_SSE,
  VSCODE_EXT_HOST_MCP,
  VSCODE_OAUTH,
  claudeAiMcp,
  claudeCode,
  githubIssue,
  mcpSpec,
  vscodeIssue,
} from '../../../shared/sources';
import { CHATGPT_SIMULATOR_KID } from './clientKeys';

// The client profiles: what each real client sends and how it reacts, at the date it was
// observed, with its public sources (issue reports, client source, vendor docs, published
// logs); a note says where a value is inferred, only reported, or observed without a public
// source. docs/client-profiles.md is generated from these.

const CHROME_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const SIMULATOR_UA = 'mcp-handshake-inspector-simulator/0.1';
const BOTH = 'application/json, text/event-stream';

/** RFC 8414 / OIDC metadata URLs for an issuer (2025-11-25 order); with no issuer path they are the root ones. */
const AS_RFC8414 = '{origin}/.well-known/oauth-authorization-server{path}';
const AS_OIDC_INSERTED = '{origin}/.well-known/openid-configuration{path}';
const AS_OIDC_APPENDED = '{origin}{path}/.well-known/openid-configuration';
const AS_2025_11_25_ORDER = [AS_RFC8414, AS_OIDC_INSERTED, AS_OIDC_APPENDED];

const CLAUDE_CALLBACK = 'https://claude.ai/api/mcp/auth_callback';
/** The DCR body Claude.ai sent in 2025 (losvedir/remote_mcp_auth; modelcontextprotocol/modelcontextprotocol#653). */
const CLAUDE_2025_DCR = {
  client_name: 'claudeai',
  grant_types: ['authorization_code', 'refresh_token'],
  redirect_uris: [CLAUDE_CALLBACK],
  response_types: ['code'],
  scope: 'claudeai',
  token_endpoint_auth_method: 'none',
};

/** What a public client's DCR body looks like with one redirect URI (the TS SDK apps). */
const publicClient = (client_name: string, extra: Record<string, unknown> = {}) => ({
  client_name,
  redirect_uris: ['{redirect_uri}'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  ...extra,
});

/**
 * A 2026-07-28 client's first step: server/discover, and initialize instead when the server
 * does not speak that revision; a 200 without a token is read as `okBecause` says.
 */
function discoverOrFallBack(okBecause: string): SimStep {
  return {
    type: 'mcp',
    id: 'server/discover',
    method: 'server/discover',
    on: {
      '400': { do: 'fallback-initialize', because: 'the server does not speak 2026-07-28' },
      '404': { do: 'fallback-initialize', because: 'server/discover is unknown (-32601)' },
      'rpc-error': { do: 'fallback-initialize' },
      ok: { do: 'authless', because: okBecause },
    },
  };
}

/** tools/list, resources/list and prompts/list at once, as Claude.ai does whatever the capabilities. */
const CLAUDE_LISTS: SimStep = {
  type: 'parallel',
  id: 'lists',
  steps: [
    { type: 'mcp', id: 'tools/list', method: 'tools/list' },
    { type: 'mcp', id: 'resources/list', method: 'resources/list', on: { 'rpc-error': { do: 'warn', because: 'asked whatever the capabilities said' } } },
    { type: 'mcp', id: 'prompts/list', method: 'prompts/list', on: { 'rpc-error': { do: 'warn', because: 'asked whatever the capabilities said' } } },
  ],
};

/** The TS SDK's handshake after OAuth: initialized, the GET stream after its 202, tools/list. */
const SDK_LIKE_STEPS = (initializeOn: Reactions = {}): SimStep[] => [
  { type: 'mcp', id: 'initialize', method: 'initialize', on: initializeOn },
  { type: 'initialized', id: 'initialized' },
  { type: 'get-stream', id: 'get-stream', withToken: true, on: { other: { do: 'warn', because: 'the TS SDK reports "Failed to open SSE stream" through onerror and goes on' } } },
  { type: 'mcp', id: 'tools/list', method: 'tools/list' },
];

const TS_SDK_AUTH: Omit<AuthBehaviour, 'registration' | 'dcrBody' | 'redirectUri'> = {
  protectedResourceOrder: ['header', 'path', 'root'],
  resourceCheck: 'same-origin-prefix',
  authorizationServerFrom: 'prm',
  withoutPrm: 'origin',
  authorizationServerOrder: AS_2025_11_25_ORDER,
  defaultEndpointsFallback: false,
  requireS256: 'absent-from-list',
  scopeFrom: ['challenge', 'prm'],
  sendResource: true,
  strictOAuthErrors: true,
};

// ---- Claude.ai -----------------------------------------------------------------------------

const claudeAi2025_06: ReplayProfile = {
  id: 'claude-ai@2025-06',
  family: 'claude-ai',
  client: 'Claude.ai connector',
  variant: 'protocol 2024-11-05, scope "claudeai", AS metadata read on the MCP host, needs Mcp-Session-Id',
  observed: '2025-06',
  sources: [
    { ref: REMOTE_MCP_AUTH, note: 'losvedir/remote_mcp_auth: initialize without token, GET probe, /.well-known/oauth-authorization-server on the MCP host, DCR body, scope claudeai, "no session id → no tools"' },
    { ref: githubIssue('modelcontextprotocol/modelcontextprotocol', 653), note: 'the DCR body and scope claudeai, June 2025' },
  ],
  notes: [
    'The discovery order (PRM at the root, 404, then /.well-known/oauth-protected-resource/mcp; AS metadata at the root, 404, then …/mcp) was observed in a gateway\'s logs of Claude.ai traffic (2025); no public link to those logs is kept.',
    'User-Agents are the ones the 2025-10 Claude.ai + Auth0 logs show (python-httpx/0.27.0, then Claude-User); remote_mcp_auth shows none.',
    'remote_mcp_auth also saw tools cached per connector and registration cached per domain; a simulation always starts fresh.',
  ],
  driver: 'replay',
  transport: 'streamable-http',
  userAgent: { discovery: 'python-httpx/0.27.0', mcp: 'python-httpx/0.27.0', authenticatedMcp: 'Claude-User', browser: CHROME_UA },
  accept: BOTH,
  configuredHeaders: 'sent',
  session: { echo: true },
  protocol: { era: 'session', version: '2024-11-05', clientInfo: { name: 'claude-ai', version: '0.1.0' }, capabilities: {}, versionHeader: 'absent' },
  auth: {
    protectedResourceOrder: ['root', 'path'],
    resourceCheck: 'none',
    authorizationServerFrom: 'mcp-host',
    withoutPrm: 'origin',
    authorizationServerOrder: ['{origin}/.well-known/oauth-authorization-server', AS_RFC8414],
    defaultEndpointsFallback: false,
    requireS256: 'never',
    registration: ['dcr'],
    dcrBody: CLAUDE_2025_DCR,
    redirectUri: CLAUDE_CALLBACK,
    scopeFrom: { fixed: 'claudeai' },
    sendResource: false,
    strictOAuthErrors: false,
  },
  steps: [
    // Adding the connector: one initialize and one GET, both expected to get 401; OAuth waits for "Connect".
    { type: 'mcp', id: 'add-connector', method: 'initialize', on: { '401': { do: 'continue', because: 'the connector is added; OAuth starts when the user clicks Connect' }, ok: { do: 'authless' } } },
    { type: 'get-stream', id: 'add-connector-get', withToken: false, on: { '401': { do: 'continue' }, other: { do: 'continue' } } },
    { type: 'oauth', id: 'oauth', when: 'always' },
    { type: 'mcp', id: 'initialize', method: 'initialize', on: { 'no-session-id': { do: 'stop', because: 'remote_mcp_auth: "If you don\'t provide one, it won\'t go on to request tools"' } } },
    { type: 'initialized', id: 'initialized', on: { ok: { do: 'warn', because: 'Claude.ai expects 202 (2025-10 handshake logs: 204 brought retries and warnings)' } } },
    CLAUDE_LISTS,
  ],
};

const claudeAi2025_10: ReplayProfile = {
  ...claudeAi2025_06,
  id: 'claude-ai@2025-10',
  variant: 'HEAD / probe, protocol 2025-06-18, python-httpx then Claude-User, GET detection: 405 fine, 501 ends the session',
  observed: '2025-10',
  sources: [
    { ref: CLAUDE_AI_AUTH0_HANDSHAKE_LOGS, note: 'full handshake from server logs: HEAD / → PRM → (DCR, authorize, token at Auth0) → initialize → initialized 202 → GET 405 → tools/list, resources/list, prompts/list in parallel; the four fixes that made it work' },
    { ref: REMOTE_MCP_AUTH, note: 'the DCR body (the Auth0 logs did not see it: it went to Auth0) and "no session id → no tools"' },
  ],
  notes: [
    'Dated from the Auth0 subject id in the logs (an ObjectId minted 2025-10-04).',
    'The logs claim Claude won\'t proceed when HEAD / fails; unverified, so a failing HEAD is only a warning.',
    'The DCR body is the 2025 one from remote_mcp_auth: the Auth0 logs\' DCR went to Auth0 and was reconstructed, not logged.',
  ],
  protocol: { era: 'session', version: '2025-06-18', clientInfo: { name: 'claude-ai', version: '0.1.0' }, capabilities: {}, versionHeader: 'negotiated' },
  auth: {
    ...claudeAi2025_06.auth,
    authorizationServerFrom: 'prm',
    authorizationServerOrder: [AS_RFC8414],
    scopeFrom: ['prm'],
  },
  steps: [
    { type: 'probe', id: 'head-probe', method: 'HEAD', target: 'origin', headers: { 'MCP-Protocol-Version': '2025-06-18' } },
    { type: 'oauth', id: 'oauth', when: 'always' },
    {
      type: 'mcp',
      id: 'initialize',
      method: 'initialize',
      on: {
        '401-after-auth': { do: 'fail', because: 'the 2025-10 handshake logs: with the token checked on initialize, Claude disconnects immediately after OAuth' },
        'no-session-id': { do: 'stop', because: 'remote_mcp_auth: "If you don\'t provide one, it won\'t go on to request tools"' },
      },
    },
    { type: 'initialized', id: 'initialized', on: { ok: { do: 'warn', because: 'the 2025-10 handshake logs: Claude may retry or show warnings unless it gets 202' } } },
    {
      type: 'get-stream',
      id: 'get-stream',
      withToken: true,
      on: {
        '405': { do: 'continue', because: '405 with Allow tells Claude "POST-only server, continue"' },
        '501': { do: 'terminate', because: 'the 2025-10 handshake logs: 501 says "server is broken"; Claude ends the session with DELETE' },
      },
    },
    {
      type: 'parallel',
      id: 'lists',
      steps: [
        { type: 'mcp', id: 'tools/list', method: 'tools/list', on: { '401-after-auth': { do: 'fail', because: 'the 2025-10 handshake logs: the token is checked from tools/list on; a JWE without kid fails JWKS-only validation' } } },
        { type: 'mcp', id: 'resources/list', method: 'resources/list', on: { 'rpc-error': { do: 'warn' } } },
        { type: 'mcp', id: 'prompts/list', method: 'prompts/list', on: { 'rpc-error': { do: 'warn' } } },
      ],
    },
  ],
};

/** Where Claude.ai's choice between CIMD and DCR is documented (the same for every 2026 variant). */
const CLAUDE_CIMD_CONDITION: ProfileSource[] = [
  { ref: CLAUDE_CONNECTOR_AUTH_DOCS, note: 'CIMD only with client_id_metadata_document_supported and "none" in token_endpoint_auth_methods_supported, otherwise DCR' },
  { ref: githubIssue('brendanlong/lion-reader', 1519), note: 'the CIMD condition quoted from Anthropic\'s docs' },
];

const CLAUDE_2026_AUTH: AuthBehaviour = {
  protectedResourceOrder: ['header', 'path', 'root'],
  resourceCheck: 'exact',
  authorizationServerFrom: 'prm',
  withoutPrm: 'origin',
  authorizationServerOrder: AS_2025_11_25_ORDER,
  defaultEndpointsFallback: true,
  requireS256: 'never',
  registration: ['cimd', 'dcr'],
  cimdClientId: 'https://claude.ai/oauth/mcp-oauth-client-metadata',
  cimdRequiresNoneAuth: true,
  dcrBody: { client_name: 'Claude', redirect_uris: [CLAUDE_CALLBACK], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' },
  redirectUri: CLAUDE_CALLBACK,
  scopeFrom: ['challenge', 'prm', 'as'],
  sendResource: true,
  strictOAuthErrors: false,
};

const claudeAi2026_03: ReplayProfile = {
  id: 'claude-ai@2026-03',
  family: 'claude-ai',
  isDefault: false,
  client: 'Claude.ai connector',
  variant: 'protocol 2025-11-25; CIMD when the AS advertises it with "none", else DCR; 200 on initialize means authless; no MCP-Protocol-Version header',
  observed: '2026-02..2026-07',
  sources: [
    { ref: claudeAiMcp(76), note: 'initialize with protocolVersion 2025-11-25, clientInfo Anthropic/ClaudeAI; discovery order in the server log' },
    { ref: claudeAiMcp(217), note: 'clientInfo, Accept: */* and Accept with both types on the connector-add probes' },
    { ref: claudeAiMcp(260), note: '2025-11-25, clientInfo Anthropic/ClaudeAI' },
    { ref: claudeAiMcp(406), note: 'User-Agent python-httpx/0.28.1 on MCP POSTs, well-known fetches and DCR' },
    { ref: claudeAiMcp(70), note: 'no MCP-Protocol-Version header on later requests' },
    { ref: claudeAiMcp(518), note: 'CIMD client_id https://claude.ai/oauth/mcp-oauth-client-metadata' },
    { ref: claudeAiMcp(99), note: 'DELETE at teardown' },
    ...CLAUDE_CIMD_CONDITION,
    { ref: claudeAiMcp(654), note: 'DCR twice per connect attempt, about a second apart (2026-07)' },
  ],
  notes: [
    'GET detection is only reported for this period (lion-reader#736), so it is not replayed.',
    'The CIMD document content is inferred from the DCR body.',
    'When it registers by DCR, Claude.ai was reported to do so twice per attempt, each with its own client_id (claude-ai-mcp#597, #654); the replay registers once.',
  ],
  driver: 'replay',
  transport: 'streamable-http',
  userAgent: { discovery: 'python-httpx/0.28.1', mcp: 'python-httpx/0.28.1', browser: CHROME_UA },
  accept: BOTH,
  configuredHeaders: 'sent',
  session: { echo: true },
  protocol: { era: 'session', version: '2025-11-25', clientInfo: { name: 'Anthropic/ClaudeAI', version: '1.0.0' }, capabilities: {}, versionHeader: 'absent' },
  auth: CLAUDE_2026_AUTH,
  steps: [
    { type: 'mcp', id: 'initialize', method: 'initialize', on: { ok: { do: 'authless', because: 'a 200 on the unauthenticated initialize means "no auth"' } } },
    { type: 'initialized', id: 'initialized' },
    CLAUDE_LISTS,
    { type: 'delete-session', id: 'delete-session' },
  ],
};

const claudeAi2026_09: ReplayProfile = {
  ...claudeAi2026_03,
  id: 'claude-ai@2026-09',
  // The newest observed variant is the family's default (what `--client claude-ai` plays).
  isDefault: true,
  variant: 'stateless 2026-07-28: server/discover first, _meta and Mcp-Method on every request, no session; initialize 2025-11-25 when the server does not speak 2026-07-28',
  observed: '2026-08..2026-09',
  sources: [
    { ref: claudeAiMcp(1064), note: 'server/discover in "No sign-in" mode, 2026-09-22' },
    { ref: githubIssue('CodeWithCJ/SparkyFitness', 2155), note: 'MCP-Protocol-Version 2026-07-28 after negotiating 2025-11-25, Aug 2026' },
    { ref: mcpSpec('2026-07-28', 'changelog'), note: 'the stateless 2026-07-28 revision: server/discover, _meta, Mcp-Method' },
    ...CLAUDE_CIMD_CONDITION,
    { ref: claudeAiMcp(966), note: 'DCR still twice per connect attempt, each with its own client_id, and not what fails (2026-08/09)' },
  ],
  notes: [
    'The fallback to initialize is what Claude Code 2.1.317 was seen to do in a published capture (2026-11); for Claude.ai it is inferred.',
    'When it registers by DCR, Claude.ai was reported to do so twice per attempt (claude-ai-mcp#690, #966); the replay registers once.',
  ],
  protocol: { era: 'stateless', version: '2026-07-28', fallbackVersion: '2025-11-25', clientInfo: { name: 'Anthropic/ClaudeAI', version: '1.0.0' }, capabilities: {}, versionHeader: 'absent' },
  steps: [
    discoverOrFallBack('a 200 without a token means "no auth"'),
    CLAUDE_LISTS,
  ],
};

// ---- Claude Code ---------------------------------------------------------------------------

const claudeCode1_0_108: ReplayProfile = {
  id: 'claude-code@1.0.108',
  family: 'claude-code',
  client: 'Claude Code',
  variant: 'v1.0.108: configured headers ignored, OAuth discovery forced; the whole server URL taken as issuer (/sse probes)',
  observed: '2025-09-08',
  sources: [
    { ref: CLAUDE_CODE_HEADERS_IGNORED, note: 'headers in .mcp.json ignored for http and sse; PRM, AS, OIDC, POST /register; "Invalid OAuth error response … Raw body: {"detail":"Not Found"}"' },
    { ref: 'https://github.com/modelcontextprotocol/typescript-sdk/blob/1.21.0/src/client/auth.ts', note: 'TS SDK ≤ 1.21 took the full server URL as the issuer: /.well-known/…/sse and /sse/.well-known/openid-configuration' },
    { ref: claudeCode(2831), note: 'the same forced OAuth in v1.0.31, said to be fixed in v1.0.40' },
  ],
  notes: ['The User-Agent format is the one seen on 2.1.204; 1.0.108\'s own is not in the sources.', 'The DCR client_name is that of its later CIMD document.'],
  driver: 'replay',
  transport: 'streamable-http',
  userAgent: { discovery: 'claude-code/1.0.108 (cli)', mcp: 'claude-code/1.0.108 (cli)', browser: CHROME_UA },
  accept: BOTH,
  configuredHeaders: 'ignored',
  session: { echo: true },
  protocol: { era: 'session', version: '2025-06-18', clientInfo: { name: 'claude-code', version: '1.0.108' }, capabilities: { roots: {} }, versionHeader: 'negotiated' },
  auth: {
    ...TS_SDK_AUTH,
    protectedResourceOrder: ['path'],
    withoutPrm: 'server-url',
    defaultEndpointsFallback: true,
    requireS256: 'never',
    registration: ['dcr'],
    dcrBody: publicClient('Claude Code'),
    redirectUri: 'http://localhost:{port}/callback',
  },
  steps: [{ type: 'oauth', id: 'oauth', when: 'always' }, ...SDK_LIKE_STEPS()],
};

const claudeCode2_1: ReplayProfile = {
  id: 'claude-code@2.1',
  family: 'claude-code',
  isDefault: true,
  client: 'Claude Code',
  variant: '2.1.x: 401-driven OAuth via the TS SDK, CIMD (≥ 2.1.81) else DCR, offline_access when offered, sends its default MCP-Protocol-Version',
  observed: '2026-01..2026-09',
  sources: [
    { ref: githubIssue('TypingMind/typingmind-mcp', 25), note: 'User-Agent claude-code/2.1.204 (cli)' },
    { ref: githubIssue('cl-ai-project/cl-mcp', 26), note: 'clientInfo claude-code, protocolVersion 2025-11-25, capabilities {roots: {}}' },
    { ref: claudeCode(36861), note: 'CIMD since v2.1.81 (changelog quoted)' },
    { ref: 'https://claude.ai/oauth/claude-code-client-metadata', note: 'the CIMD document: port-less loopback redirect URIs, token_endpoint_auth_method none (read 2026-08-20)' },
    { ref: githubIssue('basicmachines-co/basic-memory', 1283), note: 'scope order: oauth.scopes, challenge, PRM scopes_supported; offline_access when the AS lists it' },
    { ref: claudeCode(92835), note: 'sends its default MCP-Protocol-Version, not the negotiated one (reported)' },
  ],
  notes: ['claude-code#45368 reports Accept: application/json only; unverified, so the SDK\'s Accept is sent.'],
  driver: 'replay',
  transport: 'streamable-http',
  userAgent: { discovery: 'claude-code/2.1.204 (cli)', mcp: 'claude-code/2.1.204 (cli)', browser: CHROME_UA },
  accept: BOTH,
  configuredHeaders: 'sent',
  session: { echo: true },
  protocol: { era: 'session', version: '2025-11-25', clientInfo: { name: 'claude-code', version: '2.1.204' }, capabilities: { roots: {} }, versionHeader: 'sent-version' },
  auth: {
    ...TS_SDK_AUTH,
    registration: ['cimd', 'dcr'],
    cimdClientId: 'https://claude.ai/oauth/claude-code-client-metadata',
    cimdDocument: { client_name: 'Claude Code', client_uri: 'https://claude.ai', redirect_uris: ['http://localhost/callback', 'http://127.0.0.1/callback'] },
    dcrBody: publicClient('Claude Code'),
    redirectUri: 'http://localhost:{port}/callback',
    addOfflineAccess: true,
  },
  steps: SDK_LIKE_STEPS(),
};

// Claude Code variants that replay a reported client bug (2026): each fails against the
// spec-correct server where the report says, and a bug-report scenario reproduces it.

const claudeCodeConnector: ReplayProfile = {
  ...claudeAi2026_09,
  id: 'claude-code@2.1.267-connector',
  family: 'claude-code',
  isDefault: false,
  client: 'Claude Code / Claude Desktop through a claude.ai connector',
  variant: 'server/discover and _meta 2026-07-28, but MCP-Protocol-Version: 2025-11-25 on every later request, so a strict 2026-07-28 server refuses each with -32020',
  observed: '2026-09 (Claude Code 2.1.267)',
  sources: [
    { ref: claudeCode(93290), note: '_meta protocolVersion 2026-07-28 after server/discover, Mcp-Protocol-Version: 2025-11-25; go-sdk answers 400 -32020 and every tool call fails (open, 2026-09-10)' },
    { ref: claudeCode(92835), note: 'the header differs from the negotiated version on the initialize handshake too' },
    { ref: mcpSpec('2026-07-28', 'basic/transports', 'protocol-version-header'), note: 'the header must equal the _meta version; a server answers 400 with HeaderMismatch (-32020)' },
  ],
  notes: [
    'The requests come from the claude.ai connector backend, so its User-Agent and clientInfo (claude-ai@2026-09) are replayed; the report names neither.',
    'The report shows server/discover accepted; that it carries a matching header is inferred.',
  ],
  protocol: { ...claudeAi2026_09.protocol, versionHeaderValue: '2025-11-25' },
  clientBug: { step: 'tools/list', messageIncludes: '-32020', connectsWith: 'spec-2025-11-25', report: claudeCode(93290) },
  steps: [discoverOrFallBack('a 200 without a token means "no auth"'), { type: 'mcp', id: 'tools/list', method: 'tools/list' }],
};

const claudeCodeVersionHeaderTwice: ReplayProfile = {
  ...claudeCode2_1,
  id: 'claude-code@2.1-version-header-twice',
  isDefault: false,
  variant: '2.1.x with MCP-Protocol-Version set twice (negotiated and static spellings), so the server reads "2025-11-25, 2025-11-25" and a version check refuses every request after initialize',
  observed: '2026-08',
  sources: [
    ...claudeCode2_1.sources,
    { ref: 'https://github.com/lowdefy/lowdefy/pull/2345', note: 'Claude Code 2.1.x sends mcp-protocol-version: 2025-11-25, 2025-11-25; @hono/mcp answers 404 on every non-initialize request (2026-08-29)' },
    { ref: 'https://github.com/different-ai/openwork/pull/3944', note: 'a newer or comma-duplicated MCP-Protocol-Version refused by a server pinned to an older SDK (2026-08-19)' },
  ],
  notes: ['Servers that normalise the header (lowdefy#2345, openwork#3944) accept it; the reference server, like the pinned SDKs, refuses the joined value with 400.'],
  protocol: { ...claudeCode2_1.protocol, versionHeaderValue: '2025-11-25, 2025-11-25' },
  clientBug: { step: 'initialized', messageIncludes: '400', report: 'https://github.com/lowdefy/lowdefy/pull/2345' },
};

// ---- ChatGPT, VS Code, Cursor, mcp-remote, MCP Inspector ----------------------------------

const chatgpt: ReplayProfile = {
  id: 'chatgpt@2026',
  family: 'chatgpt',
  isDefault: false,
  client: 'ChatGPT connector',
  variant: 'reads AS metadata and root PRM on the MCP host before any 401; no GET stream, no DELETE',
  observed: '2026',
  sources: [
    { ref: 'https://community.openai.com/t/1358992', note: 'HEAD and GET of AS metadata and openid-configuration on the MCP host before any 401' },
    { ref: githubIssue('adcontextprotocol/adcp', 1081), note: 'the /.well-known/oauth-authorization-server/mcp variant' },
    { ref: githubIssue('kernel/kernel-mcp-server', 91), note: 'root PRM checked; "MCP server … does not implement OAuth"' },
    { ref: githubIssue('makeplane/plane-mcp-server', 165), note: 'redirect URI https://chatgpt.com/connector/oauth/<id>, one per connector' },
    { ref: 'https://developers.openai.com/apps-sdk/build/auth', note: 'ChatGPT supports CIMD, DCR, predefined clients and PKCE' },
  ],
  notes: [
    'Observed stateless against servers that issued no session id; that it echoes one when issued is inferred.',
    'ChatGPT prefers CIMD (https://zuplo.com/learn/mcp/compatibility) but its CIMD URL is not published, so DCR is replayed; the DCR client_name is a guess.',
  ],
  driver: 'replay',
  transport: 'streamable-http',
  userAgent: { discovery: 'openai-mcp/1.0.0', mcp: 'openai-mcp/1.0.0', browser: CHROME_UA },
  accept: BOTH,
  configuredHeaders: 'ignored',
  session: { echo: true },
  protocol: { era: 'session', version: '2025-11-25', clientInfo: { name: 'openai-mcp', version: '1.0.0' }, capabilities: {}, versionHeader: 'negotiated' },
  auth: {
    protectedResourceOrder: ['root', 'path'],
    resourceCheck: 'none',
    authorizationServerFrom: 'prm',
    withoutPrm: 'origin',
    authorizationServerOrder: [AS_RFC8414, AS_OIDC_INSERTED],
    defaultEndpointsFallback: false,
    requireS256: 'never',
    registration: ['dcr'],
    dcrBody: publicClient('ChatGPT'),
    redirectUri: 'https://chatgpt.com/connector/oauth/{id}',
    scopeFrom: ['prm', 'as'],
    sendResource: true,
    strictOAuthErrors: false,
  },
  steps: [
    {
      type: 'metadata-prefetch',
      id: 'metadata-prefetch',
      requests: [
        { method: 'HEAD', path: '/.well-known/oauth-authorization-server' },
        { method: 'GET', path: '/.well-known/oauth-authorization-server' },
        { method: 'GET', path: '/.well-known/openid-configuration' },
        { method: 'GET', path: '/.well-known/oauth-authorization-server{path}' },
        { method: 'GET', path: '/.well-known/oauth-protected-resource' },
      ],
      required: { path: '/.well-known/oauth-protected-resource', because: 'ChatGPT checks the root PRM and reports "MCP server … does not implement OAuth" (kernel-mcp-server#91)' },
    },
    { type: 'mcp', id: 'initialize', method: 'initialize' },
    { type: 'initialized', id: 'initialized' },
    { type: 'mcp', id: 'tools/list', method: 'tools/list' },
  ],
};

/** ChatGPT's published JWKS, named by its metadata document (Altinity/altinity-mcp#118). */
const CHATGPT_JWKS_URI = 'https://chatgpt.com/oauth/jwks.json';
/** ChatGPT's CIMD URLs are per app (https://chatgpt.com/oauth/<id>/client.json); this <id> is the simulator's own. */
const CHATGPT_APP_ID = 'mcp-handshake-inspector';

const chatgptPrivateKeyJwt: ReplayProfile = {
  ...chatgpt,
  id: 'chatgpt@2026-09',
  isDefault: true,
  variant: 'CIMD with token_endpoint_auth_method private_key_jwt and a jwks_uri: a signed client assertion (RS256) at the token endpoint, never downgraded to "none"; DCR when the AS offers no CIMD',
  observed: '2026-05..2026-09',
  sources: [
    ...chatgpt.sources,
    { ref: githubIssue('Altinity/altinity-mcp', 118), note: 'the document: client_id https://chatgpt.com/oauth/<id>/client.json, redirect https://chatgpt.com/connector/oauth/<id>, private_key_jwt, RS256, jwks_uri https://chatgpt.com/oauth/jwks.json' },
    { ref: githubIssue('tableau/tableau-mcp', 814), note: 'the document also lists token_endpoint_auth_methods_supported ["none", "private_key_jwt"]; a schema without private_key_jwt refuses it' },
    { ref: githubIssue('pomerium/pomerium', 6692), note: 'an AS that only knows none fails ChatGPT at /authorize ("unsupported token endpoint auth method"); Claude Code, Inspector, VS Code work' },
    { ref: githubIssue('engram-app/Engram', 1633), note: 'ChatGPT "has never been able to" connect to an AS refusing private_key_jwt; it does not negotiate down to "none" even when "none" is advertised (PR #1637)' },
    { ref: githubIssue('cloudflare/workers-oauth-provider', 264), note: 'private_key_jwt for CIMD clients: iss, sub, aud, exp, jti replay, keys from jwks or jwks_uri' },
    { ref: githubIssue('cloudflare/workers-oauth-provider', 295), note: 'CIMD hardening for ChatGPT\'s document naming private_key_jwt next to none' },
    { ref: githubIssue('pocket-id/pocket-id', 1718), note: 'ChatGPT\'s document requires private_key_jwt and publishes an RS256 jwks_uri' },
  ],
  notes: [
    ...chatgpt.notes!,
    'The <id> in the CIMD URL and redirect URI is the simulator\'s own: ChatGPT\'s are per app.',
    'The assertion is signed with the simulator\'s own RSA key (src/main/core/simulator/clientKeys.ts), not ChatGPT\'s; the reference server takes that key\'s public half as the built-in copy of https://chatgpt.com/oauth/jwks.json for this document.',
    'The assertion\'s claims (iss = sub = client_id, aud = the token endpoint, jti, 5-minute exp) are what RFC 7523 asks; ChatGPT\'s exact claims are not in the sources.',
  ].filter((note) => !note.startsWith('ChatGPT prefers CIMD')),
  auth: {
    ...chatgpt.auth,
    registration: ['cimd', 'dcr'],
    cimdClientId: `https://chatgpt.com/oauth/${CHATGPT_APP_ID}/client.json`,
    cimdDocument: {
      client_uri: 'https://chatgpt.com/',
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
      token_endpoint_auth_signing_alg: 'RS256',
      jwks_uri: CHATGPT_JWKS_URI,
    },
    clientAssertion: { alg: 'RS256', kid: CHATGPT_SIMULATOR_KID, jwksUri: CHATGPT_JWKS_URI },
    redirectUri: `https://chatgpt.com/connector/oauth/${CHATGPT_APP_ID}`,
  },
};

const vscode: ReplayProfile = {
  id: 'vscode@2026-04',
  family: 'vscode',
  client: 'VS Code (Copilot Chat MCP)',
  variant: 'OAuth on 401 or 403, PRM resource must equal the URL exactly, legacy SSE on other 4xx, no MCP-Protocol-Version on POST',
  observed: '2025-09..2026-04',
  sources: [
    { ref: VSCODE_EXT_HOST_MCP, note: 'transport detection, Accept, OAuth on 401 or 403, GET stream, DELETE, no MCP-Protocol-Version on POSTs (read)' },
    { ref: VSCODE_OAUTH, note: 'PRM resource must equal the server URL; case-sensitive Bearer; the DCR body (read)' },
    { ref: vscodeIssue(268210), note: 'PRM fallback from the path-suffixed to the root document, Sept 2025' },
    { ref: vscodeIssue(271403), note: 'CIMD client_id https://vscode.dev/oauth/client-metadata.json' },
    { ref: vscodeIssue(308766), note: 'tools/list refused over the protocol version, Apr 2026' },
  ],
  notes: ['No MCP-Protocol-Version on POSTs is read from one stored version of extHostMcp.ts; re-check on a current build.', 'The CIMD document content is inferred from the DCR body.'],
  driver: 'replay',
  transport: 'streamable-http',
  userAgent: { discovery: 'Visual Studio Code/1.105.0', mcp: 'Visual Studio Code/1.105.0', browser: CHROME_UA },
  accept: 'text/event-stream, application/json',
  configuredHeaders: 'sent',
  session: { echo: true },
  protocol: { era: 'session', version: '2025-11-25', clientInfo: { name: 'Visual Studio Code', version: '1.105.0' }, capabilities: {}, versionHeader: 'absent' },
  auth: {
    protectedResourceOrder: ['header', 'path', 'root'],
    resourceCheck: 'exact',
    bearerSchemeCaseSensitive: true,
    authorizationServerFrom: 'prm',
    withoutPrm: 'origin',
    authorizationServerOrder: AS_2025_11_25_ORDER,
    defaultEndpointsFallback: true,
    requireS256: 'never',
    registration: ['cimd', 'dcr'],
    cimdClientId: 'https://vscode.dev/oauth/client-metadata.json',
    dcrBody: {
      client_name: 'Visual Studio Code',
      client_uri: 'https://code.visualstudio.com',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['https://insiders.vscode.dev/redirect', 'https://vscode.dev/redirect', 'http://127.0.0.1/', 'http://127.0.0.1:33418/'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
    },
    redirectUri: 'http://127.0.0.1:33418/',
    scopeFrom: ['challenge', 'prm'],
    sendResource: true,
    strictOAuthErrors: false,
  },
  steps: [
    {
      type: 'mcp',
      id: 'initialize',
      method: 'initialize',
      on: { '403': { do: 'oauth', because: 'VS Code starts auth on 401 or 403' }, '4xx': { do: 'fallback-legacy-sse', because: 'any other 4xx on the first POST means legacy SSE' } },
    },
    { type: 'initialized', id: 'initialized' },
    { type: 'get-stream', id: 'get-stream', withToken: true, on: { other: { do: 'continue', because: 'a status ≥ 400 silently disables server notifications' } } },
    { type: 'mcp', id: 'tools/list', method: 'tools/list' },
    { type: 'delete-session', id: 'delete-session' },
  ],
};

const vscode2026_05: ReplayProfile = {
  ...vscode,
  id: 'vscode@2026-05',
  isDefault: true,
  variant: 'no CIMD (DCR only); registers http://127.0.0.1:33418/ but authorizes from a random loopback port when 33418 is taken',
  observed: '2025-11..2026-05',
  sources: [
    ...vscode.sources,
    { ref: vscodeIssue(282472), note: 'CIMD not supported (open)' },
    { ref: vscodeIssue(278512), note: 'DCR registers http://127.0.0.1:33418/, authorize sends http://127.0.0.1:<random port>/ when 33418 is busy; exact-match servers answer "Invalid Redirect URI" (open)' },
    { ref: vscodeIssue(315235), note: 'the browser opened {origin}/authorize instead of the /v1/authorize the AS metadata names (VS Code 1.119, 2026-05)' },
  ],
  notes: [
    ...(vscode.notes ?? []),
    'The authorize URL without the AS path (vscode#315235) is not replayed: the reference AS lives at the origin root, where the two URLs are the same.',
    'The random port stands for a busy 33418 (several VS Code windows); servers that match loopback redirects by port (RFC 8252 section 7.3 says not to) refuse it.',
  ],
  auth: { ...vscode.auth, registration: ['dcr'], cimdClientId: undefined, redirectUri: 'http://127.0.0.1:{port}/' },
};

const cursor: ReplayProfile = {
  id: 'cursor@2026-08',
  family: 'cursor',
  isDefault: true,
  client: 'Cursor',
  variant: 'PRM path then root, root AS metadata (invents /authorize without it), three redirect URIs in one DCR, refuses an AS without S256',
  observed: '2026-08',
  sources: [
    { ref: githubIssue('gamedevpl/www.gamedev.pl', 483), note: 'discovery order, Aug 2026' },
    { ref: githubIssue('erp-mafia/accounted', 2225), note: 'the three DCR redirect URIs' },
    { ref: githubIssue('bytebase/bytebase', 20510), note: 'the three redirect URIs rejected as a set by a server that allows only https' },
    { ref: githubIssue('jztan/redmine-mcp-server', 188), note: '{issuer}/authorize invented without AS metadata' },
    { ref: githubIssue('empires-security/mcp-oauth2-aws-cognito', 9), note: '"does not support code challenge method S256"' },
    { ref: githubIssue('obot-platform/obot', 3406), note: '"falling back to SSE" on errors' },
  ],
  notes: ['Cursor\'s User-Agent is not in the sources; its Node fetch default ("node") is sent.'],
  driver: 'replay',
  transport: 'streamable-http',
  userAgent: { discovery: 'node', mcp: 'node', browser: CHROME_UA },
  accept: BOTH,
  configuredHeaders: 'sent',
  session: { echo: true },
  protocol: { era: 'session', version: '2025-06-18', clientInfo: { name: 'cursor-vscode', version: '1.0.0' }, capabilities: {}, versionHeader: 'negotiated' },
  auth: {
    ...TS_SDK_AUTH,
    protectedResourceOrder: ['path', 'root'],
    authorizationServerOrder: ['{origin}/.well-known/oauth-authorization-server'],
    defaultEndpointsFallback: true,
    registration: ['dcr'],
    dcrBody: {
      client_name: 'Cursor',
      redirect_uris: ['cursor://anysphere.cursor-mcp/oauth/callback', 'https://www.cursor.com/agents/mcp/oauth/callback', 'http://localhost:8787/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    },
    redirectUri: 'cursor://anysphere.cursor-mcp/oauth/callback',
  },
  steps: SDK_LIKE_STEPS({ '4xx': { do: 'fallback-legacy-sse', because: 'Cursor logs "falling back to SSE" on errors' } }),
};

const mcpRemote: ReplayProfile = {
  id: 'mcp-remote@0.1.38',
  family: 'mcp-remote',
  isDefault: false,
  client: 'mcp-remote (stdio bridge for Claude Desktop, Cursor, Windsurf)',
  variant: 'GET pre-probe for the challenge, http-first with SSE fallback on 404/405, "MCP CLI Proxy" DCR, no MCP-Protocol-Version after initialize',
  observed: '2025-05..2026-08 (package 0.1.38)',
  sources: [
    { ref: 'https://github.com/geelen/mcp-remote/tree/d26e5a8', note: 'source read: GET pre-probe, http-first fallback on 404/405, DCR body, scope order, clientInfo suffix' },
    { ref: githubIssue('punkpeye/mcp-remote', 289), note: 'no MCP-Protocol-Version after initialize until Jun 2026' },
    { ref: claudeCode(24870), note: 'the "MCP CLI Proxy" DCR body seen from Claude Desktop' },
  ],
  notes: ['The client behind the bridge is taken to be Claude Desktop ("claude-ai"), as claude-code#24870 saw.'],
  driver: 'replay',
  transport: 'streamable-http',
  userAgent: { discovery: 'node', mcp: 'node', browser: CHROME_UA },
  accept: BOTH,
  configuredHeaders: 'sent',
  session: { echo: true },
  protocol: { era: 'session', version: '2025-06-18', clientInfo: { name: 'claude-ai (via mcp-remote 0.1.38)', version: '0.1.0' }, capabilities: {}, versionHeader: 'absent' },
  auth: {
    ...TS_SDK_AUTH,
    withoutPrm: 'server-url',
    registration: ['dcr'],
    dcrBody: publicClient('MCP CLI Proxy', {
      client_uri: 'https://github.com/modelcontextprotocol/mcp-cli',
      software_id: '2e6dc280-f3c3-4e01-99a7-8181dbd1d23d',
      software_version: '0.1.38',
    }),
    redirectUri: 'http://localhost:{port}/oauth/callback',
    scopeFrom: ['challenge', 'prm', 'as'],
  },
  steps: [
    { type: 'probe', id: 'pre-probe', method: 'GET', target: 'endpoint', headers: { Accept: BOTH }, on: { '401': { do: 'continue', because: 'reads WWW-Authenticate' }, other: { do: 'continue' } } },
    ...SDK_LIKE_STEPS({
      '404': { do: 'fallback-legacy-sse', because: 'http-first falls back to SSE on 404' },
      '405': { do: 'fallback-legacy-sse', because: 'http-first falls back to SSE on 405' },
    }),
  ],
};

/** The OAuth requests of the TS SDK 2.x, as captured: PRM without Accept, registration and token without MCP-Protocol-Version. */
const TS_SDK_2_OAUTH_HEADERS: AuthBehaviour['requestHeaders'] = { prm: { Accept: null }, register: { Accept: null, 'MCP-Protocol-Version': null }, token: { 'MCP-Protocol-Version': null } };

/** mcp-remote's registration as 0.15.1 sends it (its own client metadata, the SDK 2.x adds scope). */
const MCP_REMOTE_0_15_DCR = {
  redirect_uris: ['{redirect_uri}'],
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  client_name: 'MCP CLI Proxy',
  client_uri: 'https://github.com/modelcontextprotocol/mcp-cli',
  software_id: '2e6dc280-f3c3-4e01-99a7-8181dbd1d23d',
  software_version: '0.15.1',
  scope: '{scope}',
  application_type: 'native',
};

const mcpRemote0_15: ReplayProfile = {
  ...mcpRemote,
  id: 'mcp-remote@0.15',
  isDefault: true,
  variant:
    'discovers before it connects (GET probe, PRM and AS metadata, a second GET for the challenge), then a test client initializes a session and leaves it open, and the client behind the bridge initializes a second one; SDK 2.x OAuth with scope and application_type in DCR; MCP-Protocol-Version after initialize',
  observed: '2026-12 (package 0.15.1, captured against the reference server in npm test)',
  sources: [
    { ref: 'https://www.npmjs.com/package/mcp-remote/v/0.15.1', note: 'the package run in test/integration/real-mcp-remote.test.ts; its README documents the flags and the callback port derived from the server URL' },
    { ref: 'https://github.com/punkpeye/mcp-remote', note: 'source: discoverOAuthServerInfo (GET probe, PRM, AS metadata), serverIssuesAuthChallenge, the "mcp-remote-fallback-test" client of connectToRemoteServer, the "(via mcp-remote <version>)" clientInfo suffix' },
    ...mcpRemote.sources.filter((source) => !source.ref.includes('/tree/')),
  ],
  notes: [
    ...mcpRemote.notes!,
    'The HTTP stacks differ by step, as captured: the first probe, the SDK\'s OAuth and MCP requests go through undici ("undici"), the discovery before connecting and the second probe through Node\'s fetch ("node").',
    'The discovery before connecting is replayed as the requests it made against a server whose PRM names its own origin; with another issuer the real client fetches that issuer\'s metadata.',
    'token_endpoint_auth_method is "none" while the AS offers it; 0.15.1 picks client_secret_post or client_secret_basic otherwise (README), which is not replayed.',
    'The SDK 2.x behind it sends Mcp-Method on every POST, initialize and notifications included, although it negotiated 2025-11-25 (routingHeaders: always).',
  ],
  userAgent: { discovery: 'undici', mcp: 'undici', browser: CHROME_UA },
  protocol: { era: 'session', version: '2025-11-25', clientInfo: { name: 'mcp-remote-fallback-test', version: '0.0.0' }, capabilities: {}, versionHeader: 'negotiated', routingHeaders: 'always' },
  auth: {
    ...mcpRemote.auth,
    dcrBody: MCP_REMOTE_0_15_DCR,
    requestHeaders: TS_SDK_2_OAUTH_HEADERS,
  },
  steps: [
    { type: 'probe', id: 'pre-probe', method: 'GET', target: 'endpoint', headers: { Accept: BOTH }, on: { '401': { do: 'continue', because: 'reads WWW-Authenticate for its scope' }, other: { do: 'continue' } } },
    {
      type: 'metadata-prefetch',
      id: 'discovery',
      requests: [
        { method: 'GET', path: '/.well-known/oauth-protected-resource{path}' },
        { method: 'GET', path: '/.well-known/oauth-authorization-server' },
      ],
      headers: { 'User-Agent': 'node' },
    },
    {
      type: 'probe',
      id: 'auth-challenge-probe',
      method: 'GET',
      target: 'endpoint',
      headers: { 'User-Agent': 'node', Accept: BOTH },
      on: { '401': { do: 'continue', because: 'no stored tokens and a challenge: it starts its callback server' }, other: { do: 'continue' } },
    },
    ...SDK_LIKE_STEPS({
      '404': { do: 'fallback-legacy-sse', because: 'http-first falls back to SSE on 404' },
      '405': { do: 'fallback-legacy-sse', because: 'http-first falls back to SSE on 405' },
    }).filter((step) => step.id !== 'tools/list'),
    // The client behind the bridge: its own initialize, on a new session (the test client's stays open).
    { type: 'mcp', id: 'client-initialize', method: 'initialize', params: { clientInfo: { name: 'claude-ai (via mcp-remote 0.15.1)', version: '0.1.0' } } },
    { type: 'initialized', id: 'client-initialized' },
    { type: 'get-stream', id: 'client-get-stream', withToken: true, on: { other: { do: 'warn', because: 'the TS SDK reports "Failed to open SSE stream" through onerror and goes on' } } },
    { type: 'mcp', id: 'tools/list', method: 'tools/list' },
  ],
};

const mcpInspector: ReplayProfile = {
  id: 'mcp-inspector@0.19',
  family: 'mcp-inspector',
  isDefault: false,
  client: 'MCP Inspector (browser, direct connection)',
  variant: 'the TS SDK flow in a browser page at http://localhost:6274: Origin on every request, CORS preflights, only exposed headers readable',
  observed: '2025..2026 (tag 0.19.0-hotfix)',
  sources: [
    { ref: 'https://github.com/modelcontextprotocol/inspector/blob/0.19.0-hotfix/client/src/lib/auth.ts', note: 'client metadata, redirect URIs, scope choice (read)' },
    { ref: githubIssue('routecraftjs/routecraft', 320), note: 'missing CORS on discovery breaks it' },
    { ref: githubIssue('envoyproxy/ai-gateway', 2307), note: 'CORS preflights' },
    { ref: githubIssue('getsentry/sentry-mcp', 509), note: 'CORS for the Inspector' },
    { ref: githubIssue('doobidoo/mcp-memory-service', 877), note: 'Mcp-Session-Id not exposed to the browser' },
  ],
  driver: 'replay',
  transport: 'streamable-http',
  browserOrigin: 'http://localhost:6274',
  userAgent: { discovery: CHROME_UA, mcp: CHROME_UA, browser: CHROME_UA },
  accept: BOTH,
  configuredHeaders: 'sent',
  session: { echo: true },
  protocol: { era: 'session', version: '2025-11-25', clientInfo: { name: 'mcp-inspector', version: '0.19.0' }, capabilities: {}, versionHeader: 'negotiated' },
  auth: {
    ...TS_SDK_AUTH,
    registration: ['dcr'],
    dcrBody: {
      client_name: 'MCP Inspector',
      client_uri: 'https://github.com/modelcontextprotocol/inspector',
      redirect_uris: ['http://localhost:6274/oauth/callback', 'http://localhost:6274/oauth/callback/debug'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    },
    redirectUri: 'http://localhost:6274/oauth/callback',
    scopeFrom: ['prm', 'as'],
  },
  steps: SDK_LIKE_STEPS(),
};

/** Asked for whatever the capabilities say; a server without them refuses, and the Inspector goes on. */
const askedAnyway = { 'rpc-error': { do: 'continue' as const, because: 'asked whatever the capabilities said' } };

const mcpInspector2_12: ReplayProfile = {
  id: 'mcp-inspector@2.12',
  family: 'mcp-inspector',
  isDefault: true,
  client: 'MCP Inspector (web client, requests relayed by its Node backend)',
  variant:
    'the browser page sends its MCP and OAuth requests through its own backend (/api/mcp/…, /api/fetch), so the server sees Node (no Origin, no CORS); SDK 2.x OAuth with the callback on the page\'s origin; after connecting it lists resources, tools, prompts and resource templates at once',
  observed: '2026-12 (package 2.12.0, captured against the reference server in npm test)',
  sources: [
    { ref: 'https://www.npmjs.com/package/@modelcontextprotocol/inspector/v/2.12.0', note: 'the package run in test/integration/real-inspector.test.ts: --web driven by Chromium (connect, approve, the lists), and --cli' },
    { ref: 'https://github.com/modelcontextprotocol/inspector', note: 'source: the web backend\'s /api/fetch and /api/mcp/connect relay, the CLI\'s OAuth navigation and its default callback http://127.0.0.1:6276/oauth/callback' },
  ],
  notes: [
    'The redirect URI is the page\'s own origin (http://127.0.0.1:6274 by default, CLIENT_PORT), where the browser comes back to /oauth/callback.',
    'The lists carry `_meta.progressToken`; the replay sends them without (the comparison judges methods, not params).',
    'The Inspector before 2.x connected from the page itself (mcp-inspector@0.19: Origin on every request, CORS preflights).',
  ],
  driver: 'replay',
  transport: 'streamable-http',
  userAgent: { discovery: 'node', mcp: 'node', browser: CHROME_UA },
  accept: BOTH,
  configuredHeaders: 'sent',
  session: { echo: true },
  protocol: {
    era: 'session',
    version: '2025-11-25',
    clientInfo: { name: 'mcp-inspector', version: '2.12.0' },
    capabilities: {
      sampling: {},
      elicitation: { form: {}, url: {} },
      roots: { listChanged: true },
      tasks: { list: {}, cancel: {}, requests: { sampling: { createMessage: {} }, elicitation: { create: {} } } },
      extensions: { 'io.modelcontextprotocol/tasks': {}, 'io.modelcontextprotocol/ui': { mimeTypes: ['text/html;profile=mcp-app'], elicitation: {} }, 'io.modelcontextprotocol/skills': {} },
    },
    versionHeader: 'negotiated',
  },
  auth: {
    ...TS_SDK_AUTH,
    registration: ['dcr'],
    dcrBody: {
      redirect_uris: ['{redirect_uri}'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      client_name: 'MCP Inspector',
      client_uri: 'https://github.com/modelcontextprotocol/inspector',
      scope: '{scope}',
      application_type: 'native',
    },
    redirectUri: 'http://127.0.0.1:6274/oauth/callback',
    scopeFrom: ['challenge', 'prm', 'as'],
    requestHeaders: TS_SDK_2_OAUTH_HEADERS,
  },
  steps: [
    ...SDK_LIKE_STEPS().filter((step) => step.id !== 'tools/list'),
    {
      type: 'parallel',
      id: 'lists',
      steps: [
        { type: 'mcp', id: 'resources/list', method: 'resources/list', on: askedAnyway },
        { type: 'mcp', id: 'tools/list', method: 'tools/list' },
        { type: 'mcp', id: 'prompts/list', method: 'prompts/list', on: askedAnyway },
        { type: 'mcp', id: 'resources/templates/list', method: 'resources/templates/list', on: askedAnyway },
      ],
    },
  ],
};

const mcpInspectorCli2_12: ReplayProfile = {
  ...mcpInspector2_12,
  id: 'mcp-inspector@2.12-cli',
  isDefault: false,
  client: 'MCP Inspector CLI (mcp-inspector --cli, Node)',
  variant: 'the same SDK 2.x flow from the CLI: its own loopback callback at 127.0.0.1:6276, logging/setLevel before the one request it was asked for (tools/list here)',
  notes: [
    'logging/setLevel (debug) is sent because the reference server declares logging; the replay sends it whatever the capabilities and goes on when it is refused.',
    'It asks for the one method given with --method; the replay asks for tools/list.',
  ],
  protocol: {
    ...mcpInspector2_12.protocol,
    clientInfo: { name: 'inspector-cli', version: '2.12.0' },
    capabilities: { roots: { listChanged: true }, extensions: { 'io.modelcontextprotocol/tasks': {}, 'io.modelcontextprotocol/skills': {} } },
  },
  auth: { ...mcpInspector2_12.auth, redirectUri: 'http://127.0.0.1:6276/oauth/callback' },
  steps: [
    ...SDK_LIKE_STEPS().filter((step) => step.id !== 'tools/list'),
    { type: 'mcp', id: 'logging/setLevel', method: 'logging/setLevel', params: { level: 'debug' }, on: { 'rpc-error': { do: 'continue', because: 'a server without logging refuses it' } } },
    { type: 'mcp', id: 'tools/list', method: 'tools/list' },
  ],
};

// ---- spec clients ----------------------------------------------------------------------------

const spec2025_06_18: ReplayProfile = {
  id: 'spec@2025-06-18',
  family: 'spec',
  isDefault: true,
  client: 'Spec-compliant client (2025-06-18)',
  variant: 'exactly what the 2025-06-18 revision asks: PRM from the challenge, RFC 8414, DCR, PKCE S256, resource indicator, MCP-Protocol-Version after initialize',
  observed: 'specification 2025-06-18',
  sources: [
    { ref: mcpSpec('2025-06-18', 'basic/authorization'), note: 'PRM from the challenge, RFC 8414, DCR, PKCE S256, resource indicator' },
    { ref: mcpSpec('2025-06-18', 'basic/transports', 'protocol-version-header'), note: 'MCP-Protocol-Version after initialize; 202 for notifications' },
    { ref: mcpSpec('2025-06-18', 'basic/lifecycle'), note: 'initialize and version negotiation' },
  ],
  driver: 'replay',
  transport: 'streamable-http',
  userAgent: { discovery: `${SIMULATOR_UA} (spec 2025-06-18)`, mcp: `${SIMULATOR_UA} (spec 2025-06-18)`, browser: CHROME_UA },
  accept: BOTH,
  configuredHeaders: 'sent',
  session: { echo: true },
  protocol: { era: 'session', version: '2025-06-18', supportedVersions: ['2025-06-18'], clientInfo: { name: 'spec-client', version: '2025-06-18' }, capabilities: {}, versionHeader: 'negotiated' },
  auth: {
    protectedResourceOrder: ['header', 'path', 'root'],
    resourceCheck: 'exact',
    authorizationServerFrom: 'prm',
    withoutPrm: 'fail',
    authorizationServerOrder: [AS_RFC8414],
    defaultEndpointsFallback: false,
    requireS256: 'never',
    registration: ['dcr'],
    dcrBody: publicClient('spec-client 2025-06-18'),
    redirectUri: 'http://127.0.0.1:{port}/callback',
    scopeFrom: ['challenge', 'prm'],
    sendResource: true,
    strictOAuthErrors: true,
  },
  steps: [
    { type: 'mcp', id: 'initialize', method: 'initialize' },
    { type: 'initialized', id: 'initialized', on: { ok: { do: 'fail', because: 'the spec answers notifications with 202 Accepted' } } },
    { type: 'get-stream', id: 'get-stream', withToken: true },
    { type: 'mcp', id: 'tools/list', method: 'tools/list' },
    { type: 'delete-session', id: 'delete-session' },
  ],
};

const spec2026_07_28: ReplayProfile = {
  ...spec2025_06_18,
  id: 'spec@2026-07-28',
  isDefault: false,
  client: 'Spec-compliant client (2026-07-28)',
  variant: 'exactly what the 2026-07-28 revision asks: server/discover, _meta and Mcp-Method on every request, no session; input_required answered (elicitation, sampling, roots) and retried under a new id with the requestState echoed; initialize 2025-11-25 when the server does not speak 2026-07-28',
  observed: 'specification 2026-07-28',
  sources: [
    { ref: mcpSpec('2026-07-28', 'changelog'), note: 'the stateless revision: server/discover, per-request _meta, Mcp-Method' },
    { ref: MRTR_SPEC, note: 'input_required: fulfil inputRequests, retry with inputResponses and requestState verbatim, under a new id' },
    { ref: mcpSpec('2025-06-18', 'basic/authorization'), note: 'PRM from the challenge, RFC 8414, DCR, PKCE S256, resource indicator' },
  ],
  userAgent: { discovery: `${SIMULATOR_UA} (spec 2026-07-28)`, mcp: `${SIMULATOR_UA} (spec 2026-07-28)`, browser: CHROME_UA },
  protocol: {
    era: 'stateless',
    version: '2026-07-28',
    fallbackVersion: '2025-11-25',
    clientInfo: { name: 'spec-client', version: '2026-07-28' },
    capabilities: { elicitation: { form: {}, url: {} }, sampling: {}, roots: {} },
    versionHeader: 'absent',
    inputAnswers: { elicitation: { name: 'Ada Lovelace', color: 'blue' }, sampling: 'Paris', roots: [{ uri: 'file:///home/user/project', name: 'project' }] },
  },
  auth: { ...spec2025_06_18.auth, dcrBody: publicClient('spec-client 2026-07-28') },
  steps: [
    discoverOrFallBack('answered without a token: the server needs no authorization'),
    { type: 'mcp', id: 'tools/list', method: 'tools/list' },
  ],
};

const legacySse: ReplayProfile = {
  id: 'legacy-sse@2024-11-05',
  family: 'legacy-sse',
  isDefault: true,
  client: 'Legacy HTTP+SSE client (2024-11-05)',
  variant: 'GET the SSE URL, POST to the endpoint it names, answers on the stream; OAuth as the SDK SSE clients do it',
  observed: 'specification 2024-11-05',
  sources: [
    { ref: mcpSpec('2024-11-05', 'basic/transports', 'http-with-sse'), note: 'the endpoint event, POSTs to its URI, answers on the stream' },
    { ref: TS_SDK_CLIENT_SSE, note: 'the TS SDK client refuses an endpoint on another origin ("Endpoint origin does not match connection origin"); the Python SDK\'s sse.py does the same' },
  ],
  notes: ['Point it at the SSE URL (the inspector\'s is /sse).'],
  driver: 'replay',
  transport: 'legacy-sse',
  userAgent: { discovery: `${SIMULATOR_UA} (legacy SSE)`, mcp: `${SIMULATOR_UA} (legacy SSE)`, browser: CHROME_UA },
  accept: BOTH,
  configuredHeaders: 'sent',
  session: { echo: false },
  protocol: { era: 'session', version: '2024-11-05', clientInfo: { name: 'legacy-sse-client', version: '2024-11-05' }, capabilities: {}, versionHeader: 'absent' },
  auth: {
    protectedResourceOrder: ['header', 'path', 'root'],
    resourceCheck: 'same-origin-prefix',
    authorizationServerFrom: 'prm',
    withoutPrm: 'origin',
    authorizationServerOrder: ['{origin}/.well-known/oauth-authorization-server'],
    defaultEndpointsFallback: true,
    requireS256: 'never',
    registration: ['dcr'],
    dcrBody: publicClient('legacy SSE client'),
    redirectUri: 'http://127.0.0.1:{port}/callback',
    scopeFrom: ['challenge', 'prm'],
    sendResource: true,
    strictOAuthErrors: false,
  },
  steps: [
    { type: 'get-stream', id: 'sse', withToken: true },
    { type: 'mcp', id: 'initialize', method: 'initialize' },
    { type: 'initialized', id: 'initialized' },
    { type: 'mcp', id: 'tools/list', method: 'tools/list' },
  ],
};

// ---- the C# SDK client ----------------------------------------------------------------------

const csharpSdk2026_07: ReplayProfile = {
  ...spec2026_07_28,
  id: 'csharp-sdk@2026-07',
  family: 'csharp-sdk',
  isDefault: false,
  client: 'MCP C# SDK client (ModelContextProtocol)',
  variant: 'server/discover first; falls back to initialize on 400 or -32601, but a 404 to the probe (a legacy server\'s "Invalid session ID") is fatal',
  observed: '2026-07 (before csharp-sdk#1766)',
  sources: [
    { ref: githubIssue('modelcontextprotocol/csharp-sdk', 1765), note: 'a legacy server answers the server/discover probe with 404 "Invalid session ID" and the client fails instead of falling back' },
    { ref: mcpSpec('2026-07-28', 'changelog'), note: 'server/discover, with initialize as the fallback for servers that do not speak 2026-07-28' },
  ],
  notes: ['The C# client is replayed, not run: its wire format is taken to be the spec client\'s; the report is about the fallback decision.'],
  userAgent: { discovery: 'ModelContextProtocol-csharp', mcp: 'ModelContextProtocol-csharp', browser: CHROME_UA },
  protocol: { ...spec2026_07_28.protocol, clientInfo: { name: 'csharp-sdk-client', version: '2026-07' }, capabilities: {}, inputAnswers: undefined },
  auth: { ...spec2026_07_28.auth, dcrBody: publicClient('MCP C# SDK client') },
  steps: [
    {
      type: 'mcp',
      id: 'server/discover',
      method: 'server/discover',
      on: {
        '400': { do: 'fallback-initialize', because: 'the server does not speak 2026-07-28' },
        '404': { do: 'fail', because: 'csharp-sdk#1765: a 404 to the probe is taken for a failed connection, not for a legacy server' },
        'rpc-error': { do: 'fallback-initialize' },
        ok: { do: 'authless', because: 'answered without a token: the server needs no authorization' },
      },
    },
    { type: 'mcp', id: 'tools/list', method: 'tools/list' },
  ],
};

const csharpSdk2026_08: ReplayProfile = {
  ...csharpSdk2026_07,
  id: 'csharp-sdk@2026-08',
  isDefault: true,
  variant: 'server/discover first; falls back to initialize on 400, 404 or -32601 (csharp-sdk#1766)',
  observed: '2026-07-29 on (csharp-sdk#1766)',
  sources: [
    { ref: 'https://github.com/modelcontextprotocol/csharp-sdk/pull/1766', note: 'the fix: a 404 to server/discover falls back to initialize' },
    ...csharpSdk2026_07.sources,
  ],
  protocol: { ...csharpSdk2026_07.protocol, clientInfo: { name: 'csharp-sdk-client', version: '2026-08' } },
  steps: [discoverOrFallBack('answered without a token: the server needs no authorization'), { type: 'mcp', id: 'tools/list', method: 'tools/list' }],
};

// ---- the real MCP SDK clients ----------------------------------------------------------------

const sdkBase = {
  transport: 'streamable-http' as const,
  userAgent: { discovery: 'node', mcp: 'node', browser: CHROME_UA },
  redirectUri: 'http://127.0.0.1:{port}/callback',
};

const sdk1: SdkProfile = {
  ...sdkBase,
  id: 'mcp-sdk-1@1.32',
  family: 'mcp-sdk-1',
  isDefault: true,
  client: 'MCP TypeScript SDK 1.x client (driven for real)',
  variant: '@modelcontextprotocol/sdk Client + StreamableHTTPClientTransport with an OAuth provider',
  observed: 'the installed package (1.32)',
  sources: [{ ref: 'https://www.npmjs.com/package/@modelcontextprotocol/sdk', note: 'not a replay: the SDK itself makes every request' }],
  driver: 'sdk-1',
  clientInfo: { name: 'mcp-sdk-1-simulated', version: '1.32' },
  clientMetadata: publicClient('MCP SDK 1.x client (simulated)'),
};

const sdk2: SdkProfile = {
  ...sdkBase,
  id: 'mcp-sdk-2@2025-11-25',
  family: 'mcp-sdk-2',
  isDefault: true,
  client: 'MCP TypeScript SDK 2.x client (driven for real)',
  variant: '@modelcontextprotocol/client in its default negotiation: the 2025-11-25 initialize handshake',
  observed: 'the installed package (2.4)',
  sources: [{ ref: 'https://www.npmjs.com/package/@modelcontextprotocol/client', note: 'not a replay: the SDK itself makes every request' }],
  driver: 'sdk-2',
  sdkNegotiation: 'default',
  clientInfo: { name: 'mcp-sdk-2-simulated', version: '2.4' },
  clientMetadata: publicClient('MCP SDK 2.x client (simulated)'),
};

const sdk2Auto: SdkProfile = {
  ...sdk2,
  id: 'mcp-sdk-2@2026-07-28',
  isDefault: false,
  sdkNegotiation: 'auto',
  variant: '@modelcontextprotocol/client with versionNegotiation auto: server/discover and the stateless 2026-07-28 era, initialize as fallback',
};

export const PROFILES: readonly ClientProfile[] = [
  claudeAi2025_06,
  claudeAi2025_10,
  claudeAi2026_03,
  claudeAi2026_09,
  claudeCode1_0_108,
  claudeCode2_1,
  claudeCodeConnector,
  claudeCodeVersionHeaderTwice,
  chatgptPrivateKeyJwt,
  chatgpt,
  vscode,
  vscode2026_05,
  cursor,
  mcpRemote0_15,
  mcpRemote,
  mcpInspector2_12,
  mcpInspectorCli2_12,
  mcpInspector,
  spec2025_06_18,
  spec2026_07_28,
  legacySse,
  csharpSdk2026_07,
  csharpSdk2026_08,
  sdk1,
  sdk2,
  sdk2Auto,
];

export class UnknownClientError extends Error {}

/** A profile by id (`claude-ai@2025-06`) or family (`claude-ai`: its default variant). */
export function profileById(id: string): ClientProfile {
  const exact = PROFILES.find((p) => p.id === id);
  if (exact) return exact;
  const family = PROFILES.filter((p) => p.family === id);
  const chosen = family.find((p) => p.isDefault) ?? family[0];
  if (chosen) return chosen;
  throw new UnknownClientError(`Unknown client "${id}". Known clients: ${PROFILES.map((p) => p.id).join(', ')} (or a family name: ${[...new Set(PROFILES.map((p) => p.family))].join(', ')})`);
}

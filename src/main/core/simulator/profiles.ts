import type { AuthBehaviour, ClientProfile, Reactions, ReplayProfile, SdkProfile, SimStep } from '../../../shared/simulator';

// The client profiles: what each real client sends and how it reacts, at the date it was
// observed, with its sources. Facts come from /work/shared reference/000-003, FIELD-NOTES.md
// and research/clients.md; a note says where a value is inferred or only reported.

const CHROME_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const SIMULATOR_UA = 'mcp-handshake-inspector-simulator/0.1';
const BOTH = 'application/json, text/event-stream';

/** RFC 8414 / OIDC metadata URLs for an issuer (2025-11-25 order); with no issuer path they are the root ones. */
const AS_RFC8414 = '{origin}/.well-known/oauth-authorization-server{path}';
const AS_OIDC_INSERTED = '{origin}/.well-known/openid-configuration{path}';
const AS_OIDC_APPENDED = '{origin}{path}/.well-known/openid-configuration';
const AS_2025_11_25_ORDER = [AS_RFC8414, AS_OIDC_INSERTED, AS_OIDC_APPENDED];

const CLAUDE_CALLBACK = 'https://claude.ai/api/mcp/auth_callback';
/** The DCR body Claude.ai sent in 2025 (reference/002; modelcontextprotocol#653). */
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
    { ref: 'reference/002', note: 'losvedir/remote_mcp_auth: initialize without token, GET probe, /.well-known/oauth-authorization-server on the MCP host, DCR body, scope claudeai, "no session id → no tools"' },
    { ref: 'reference/000', note: 'discovery order: PRM root (404) → PRM /mcp → AS root (404) → AS /mcp' },
    { ref: 'modelcontextprotocol/modelcontextprotocol#653', note: 'the DCR body, June 2025 (via research/clients.md §3.1)' },
  ],
  notes: [
    'User-Agents are the ones reference/001 saw in 2025 (python-httpx/0.27.0, then Claude-User); reference/002 shows none.',
    'reference/002 also saw tools cached per connector and registration cached per domain; a simulation always starts fresh.',
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
    { type: 'mcp', id: 'initialize', method: 'initialize', on: { 'no-session-id': { do: 'stop', because: 'reference/002: "If you don\'t provide one, it won\'t go on to request tools"' } } },
    { type: 'initialized', id: 'initialized', on: { ok: { do: 'warn', because: 'Claude.ai expects 202 (reference/001 pitfall 2)' } } },
    CLAUDE_LISTS,
  ],
};

const claudeAi2025_10: ReplayProfile = {
  ...claudeAi2025_06,
  id: 'claude-ai@2025-10',
  variant: 'HEAD / probe, protocol 2025-06-18, python-httpx then Claude-User, GET detection: 405 fine, 501 ends the session',
  observed: '2025-10',
  sources: [
    { ref: 'reference/001', note: 'full handshake from server logs: HEAD / → PRM → (DCR, authorize, token at Auth0) → initialize → initialized 202 → GET 405 → tools/list, resources/list, prompts/list in parallel; pitfalls 1-4' },
    { ref: 'reference/002', note: 'the DCR body (reference/001 did not see it: it went to Auth0) and "no session id → no tools"' },
  ],
  notes: [
    'Dated from the Auth0 subject id in reference/001 (an ObjectId minted 2025-10-04).',
    'reference/001 claims Claude won\'t proceed when HEAD / fails; unverified, so a failing HEAD is only a warning.',
    'The DCR body is the 2025 one from reference/002: reference/001\'s DCR went to Auth0 and was reconstructed, not logged.',
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
        '401-after-auth': { do: 'fail', because: 'reference/001 pitfall 1: Claude disconnects immediately after OAuth' },
        'no-session-id': { do: 'stop', because: 'reference/002: "If you don\'t provide one, it won\'t go on to request tools"' },
      },
    },
    { type: 'initialized', id: 'initialized', on: { ok: { do: 'warn', because: 'reference/001 pitfall 2: Claude may retry or show warnings unless it gets 202' } } },
    {
      type: 'get-stream',
      id: 'get-stream',
      withToken: true,
      on: {
        '405': { do: 'continue', because: '405 with Allow tells Claude "POST-only server, continue"' },
        '501': { do: 'terminate', because: 'reference/001 pitfall 3: 501 says "server is broken"; Claude ends the session with DELETE' },
      },
    },
    {
      type: 'parallel',
      id: 'lists',
      steps: [
        { type: 'mcp', id: 'tools/list', method: 'tools/list', on: { '401-after-auth': { do: 'fail', because: 'reference/001 pitfall 4: the token is checked from tools/list on; a JWE without kid fails JWKS-only validation' } } },
        { type: 'mcp', id: 'resources/list', method: 'resources/list', on: { 'rpc-error': { do: 'warn' } } },
        { type: 'mcp', id: 'prompts/list', method: 'prompts/list', on: { 'rpc-error': { do: 'warn' } } },
      ],
    },
  ],
};

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
  isDefault: true,
  client: 'Claude.ai connector',
  variant: 'protocol 2025-11-25; CIMD when the AS advertises it with "none", else DCR; 200 on initialize means authless; no MCP-Protocol-Version header',
  observed: '2026-02..2026-07',
  sources: [
    { ref: 'research/clients.md §3.1', note: 'anthropics/claude-ai-mcp #76, #217, #260 (2025-11-25, clientInfo Anthropic/ClaudeAI, python-httpx/0.28.1), #70 (header missing), #518 (CIMD URL), #99 (DELETE at teardown)' },
    { ref: 'claude.com docs via lion-reader#1519', note: 'CIMD only with client_id_metadata_document_supported and "none" in token_endpoint_auth_methods_supported' },
    { ref: 'FIELD-NOTES.md', note: '"What changed since those documents"' },
  ],
  notes: ['GET detection is only reported for this period (lion-reader#736), so it is not replayed.', 'The CIMD document content is inferred from the DCR body.'],
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
  isDefault: false,
  variant: 'stateless 2026-07-28: server/discover first, _meta and Mcp-Method on every request, no session; initialize 2025-11-25 when the server does not speak 2026-07-28',
  observed: '2026-08..2026-09',
  sources: [
    { ref: 'research/clients.md §2.3, §3.1', note: 'anthropics/claude-ai-mcp#1064 (server/discover, 2026-09-22), CodeWithCJ/SparkyFitness#2155 (2026-07-28 header, Aug 2026)' },
  ],
  notes: ['The fallback to initialize is what Claude Code 2.1.317 does (presa capture); for Claude.ai it is inferred.'],
  protocol: { era: 'stateless', version: '2026-07-28', fallbackVersion: '2025-11-25', clientInfo: { name: 'Anthropic/ClaudeAI', version: '1.0.0' }, capabilities: {}, versionHeader: 'absent' },
  steps: [
    {
      type: 'mcp',
      id: 'server/discover',
      method: 'server/discover',
      on: {
        '400': { do: 'fallback-initialize', because: 'the server does not speak 2026-07-28' },
        '404': { do: 'fallback-initialize', because: 'server/discover is unknown (-32601)' },
        'rpc-error': { do: 'fallback-initialize' },
        ok: { do: 'authless', because: 'a 200 without a token means "no auth"' },
      },
    },
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
    { ref: 'reference/003', note: 'anthropics/claude-code#7290: headers in .mcp.json ignored for http and sse; PRM, AS, OIDC, POST /register; "Invalid OAuth error response … Raw body: {"detail":"Not Found"}"' },
    { ref: 'research/clients.md §1.2, §3.2', note: 'TS SDK ≤ 1.21 took the full server URL as the issuer: /.well-known/…/sse and /sse/.well-known/openid-configuration' },
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
    { ref: 'research/clients.md §3.2', note: 'UA claude-code/2.1.204 (TypingMind#25), clientInfo (cl-mcp#26), CIMD document (read 2026-08-20), scopes (basic-memory#1283), default version header (claude-code#92835, reported)' },
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

// ---- ChatGPT, VS Code, Cursor, mcp-remote, MCP Inspector ----------------------------------

const chatgpt: ReplayProfile = {
  id: 'chatgpt@2026',
  family: 'chatgpt',
  isDefault: true,
  client: 'ChatGPT connector',
  variant: 'reads AS metadata and root PRM on the MCP host before any 401; no GET stream, no DELETE',
  observed: '2026',
  sources: [
    { ref: 'research/clients.md §3.3', note: 'OpenAI community 1358992 (discovery before 401), adcp#1081 (/mcp variant), kernel-mcp-server#91 (root PRM, "does not implement OAuth"), redirect per connector (plane-mcp-server#165)' },
  ],
  notes: [
    'Observed stateless against servers that issued no session id; that it echoes one when issued is inferred.',
    'ChatGPT prefers CIMD (zuplo) but its CIMD URL is not published, so DCR is replayed; the DCR client_name is a guess.',
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

const vscode: ReplayProfile = {
  id: 'vscode@2026-04',
  family: 'vscode',
  isDefault: true,
  client: 'VS Code (Copilot Chat MCP)',
  variant: 'OAuth on 401 or 403, PRM resource must equal the URL exactly, legacy SSE on other 4xx, no MCP-Protocol-Version on POST',
  observed: '2025-09..2026-04',
  sources: [
    { ref: 'research/clients.md §3.4', note: 'microsoft/vscode extHostMcp.ts and base/common/oauth.ts (read), vscode#268210 (PRM fallback, Sept 2025), #271403 (CIMD URL), #308766 (Apr 2026)' },
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

const cursor: ReplayProfile = {
  id: 'cursor@2026-08',
  family: 'cursor',
  isDefault: true,
  client: 'Cursor',
  variant: 'PRM path then root, root AS metadata (invents /authorize without it), three redirect URIs in one DCR, refuses an AS without S256',
  observed: '2026-08',
  sources: [
    { ref: 'research/clients.md §3.5', note: 'gamedev.pl#483 (discovery order, Aug 2026), accounted#2225 (DCR redirect URIs), redmine-mcp-server#188 (invented /authorize), mcp-oauth2-aws-cognito#9 (S256), obot#3406 (SSE fallback)' },
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
  isDefault: true,
  client: 'mcp-remote (stdio bridge for Claude Desktop, Cursor, Windsurf)',
  variant: 'GET pre-probe for the challenge, http-first with SSE fallback on 404/405, "MCP CLI Proxy" DCR, no MCP-Protocol-Version after initialize',
  observed: '2025-05..2026-08 (package 0.1.38)',
  sources: [
    { ref: 'research/clients.md §3.6', note: 'geelen/mcp-remote @ d26e5a8 (read): pre-probe, fallback, DCR body, scope order, clientInfo suffix; punkpeye/mcp-remote#289 (version header, Jun 2026)' },
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

const mcpInspector: ReplayProfile = {
  id: 'mcp-inspector@0.19',
  family: 'mcp-inspector',
  isDefault: true,
  client: 'MCP Inspector (browser, direct connection)',
  variant: 'the TS SDK flow in a browser page at http://localhost:6274: Origin on every request, CORS preflights, only exposed headers readable',
  observed: '2025..2026 (tag 0.19.0-hotfix)',
  sources: [
    { ref: 'research/clients.md §3.7', note: 'inspector client/src/lib/auth.ts (read); CORS breakers: routecraft#320, envoy ai-gateway#2307, sentry-mcp#509, mcp-memory-service#877' },
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

// ---- spec clients ----------------------------------------------------------------------------

const spec2025_06_18: ReplayProfile = {
  id: 'spec@2025-06-18',
  family: 'spec',
  isDefault: true,
  client: 'Spec-compliant client (2025-06-18)',
  variant: 'exactly what the 2025-06-18 revision asks: PRM from the challenge, RFC 8414, DCR, PKCE S256, resource indicator, MCP-Protocol-Version after initialize',
  observed: 'specification 2025-06-18',
  sources: [
    { ref: 'modelcontextprotocol spec 2025-06-18', note: 'basic/authorization.mdx, basic/transports.mdx, basic/lifecycle.mdx' },
    { ref: 'research/clients.md §1, §2.1' },
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

const legacySse: ReplayProfile = {
  id: 'legacy-sse@2024-11-05',
  family: 'legacy-sse',
  isDefault: true,
  client: 'Legacy HTTP+SSE client (2024-11-05)',
  variant: 'GET the SSE URL, POST to the endpoint it names, answers on the stream; OAuth as the SDK SSE clients do it',
  observed: 'specification 2024-11-05',
  sources: [
    { ref: 'modelcontextprotocol spec 2024-11-05', note: 'basic/transports.mdx (HTTP with SSE)' },
    { ref: 'research/clients.md §2.2', note: 'both SDK clients refuse an endpoint on another origin' },
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
  sources: [{ ref: '@modelcontextprotocol/sdk', note: 'not a replay: the SDK itself makes every request' }],
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
  sources: [{ ref: '@modelcontextprotocol/client', note: 'not a replay: the SDK itself makes every request' }],
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
  chatgpt,
  vscode,
  cursor,
  mcpRemote,
  mcpInspector,
  spec2025_06_18,
  legacySse,
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

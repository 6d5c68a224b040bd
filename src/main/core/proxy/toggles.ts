import { breakToggleId, JSON_SCHEMA_2020_KEYWORDS, REQUIREMENTS, type Requirement, type RequirementBreakId } from '../../../shared/breaks';
import type { Matcher, Rule, Step } from '../../../shared/rules';
import { CLAUDE_AI_AUTH0_HANDSHAKE_LOGS, CLAUDE_CODE_HEADERS_IGNORED, CLAUDE_CONNECTOR_AUTH_DOCS, CLAUDE_CONNECTOR_DOCS, REMOTE_MCP_AUTH, TS_SDK_CLIENT_STREAMABLE_HTTP, VSCODE_EXT_HOST_MCP, claudeAiMcp, claudeCode, githubIssue, mcpSpec, rfcUrl, vscodeIssue } from '../../../shared/sources';
import type { Toggle, ToggleOption } from '../../../shared/toggles';

// The toggle catalogue (issue 3): each a short "what real clients do" text with its public
// sources, built from rules; profile fields where the reference server can do the same
// natively. docs/toggles.md is generated from it.

const TRANSPORTS = (anchor: string) => mcpSpec('2025-11-25', 'basic/transports', anchor);

const rule = (id: string, description: string, match: Matcher[], steps: Step[], limit?: number): Rule => ({ id, description, enabled: true, match, steps, ...(limit ? { limit } : {}) });
const passThrough = (label = 'As the server answers'): ToggleOption => ({ id: 'off', label, rules: [] });

/** What the spec answers 202 with no body: notifications, the client's responses, and batches of them. */
const ACCEPTED_MESSAGES: Matcher[] = [{ type: 'phase', phases: ['jsonrpc'] }, { type: 'jsonrpc-kind', kinds: ['notification', 'response', 'error', 'batch'] }];
const GET_STREAM: Matcher[] = [{ type: 'method', methods: ['GET'] }, { type: 'phase', phases: ['sse-stream'] }, { type: 'path', glob: '/sse', negate: true }];
const OAUTH_ERRORS: Matcher[] = [{ type: 'phase', phases: ['registration', 'token'] }, { type: 'status', statuses: [400, 401, 403, 404] }];
/** The authorization-server metadata documents, at the root and path-suffixed (RFC 8414 §3, OIDC Discovery). */
const AS_METADATA_PATHS = ['/.well-known/oauth-authorization-server', '/.well-known/oauth-authorization-server/**', '/.well-known/openid-configuration', '/**/.well-known/openid-configuration'];
const JSON_BODY = (message: string) => JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message } });

const notificationStatus = (status: 204 | 200): ToggleOption => ({
  id: String(status),
  label: `${status} instead of 202`,
  name: `notifications → ${status}`,
  rules: [rule(`notifications-${status}`, `Notifications and responses answered ${status}`, [...ACCEPTED_MESSAGES, { type: 'status', statuses: [202] }], [{ type: 'set-status', status }])],
  profile: { notificationStatus: status },
});

const getStream = (status: 405 | 501 | 404): ToggleOption => ({
  id: String(status),
  label: `GET /mcp → ${status}`,
  name: `GET /mcp → ${status}`,
  rules: [
    rule(`get-${status}`, `GET stream answered ${status}`, GET_STREAM, [
      { type: 'reply', status, headers: status === 405 ? { Allow: 'POST, DELETE' } : {}, body: JSON_BODY(status === 405 ? 'Method Not Allowed' : status === 501 ? 'Not Implemented' : 'Not Found') },
    ]),
  ],
  profile: { getStream: status },
});

/** A Host that is not a loopback name (the SDK's localhostHostValidation list): a tunnel's or a proxy's. */
const NOT_LOOPBACK_HOST: Matcher[] = ['localhost', '127.0.0.1', '[::1]'].map((name) => ({ type: 'header', name: 'host', contains: name, negate: true }));

/** The TypeScript SDK's hostHeaderValidation middleware and transports, DNS-rebinding protection. */
const TS_SDK_DNS_REBINDING = [
  githubIssue('modelcontextprotocol/typescript-sdk', 1586),
  'https://github.com/modelcontextprotocol/typescript-sdk/blob/1e1392e3f91583884fe82a0b4b91335875c3fba6/packages/middleware/express/src/express.ts',
];

/** A 2026-07-28 request: its MCP-Protocol-Version names the stateless revision. */
const STATELESS_ERA: Matcher[] = [{ type: 'phase', phases: ['jsonrpc'] }, { type: 'jsonrpc-kind', kinds: ['request'] }, { type: 'header', name: 'mcp-protocol-version', contains: '2026-07-28' }];
const patchJson = (id: string, description: string, match: Matcher[], step: Omit<Extract<Step, { type: 'patch-json' }>, 'type'>): Rule[] => [rule(id, description, match, [{ type: 'patch-json', ...step }])];

/**
 * The breaks a rule can make in front of any upstream, by editing what the server answered; the
 * others need the server itself (accepting what it should refuse) and are built-in only.
 */
const BREAK_RULES: Partial<Record<RequirementBreakId, Rule[]>> = {
  'no-result-type': patchJson('break-no-result-type', 'resultType removed from results', STATELESS_ERA, { remove: ['/result/resultType'] }),
  'no-server-info': patchJson('break-no-server-info', 'serverInfo removed from result _meta', STATELESS_ERA, { remove: ['/result/_meta/io.modelcontextprotocol~1serverInfo'] }),
  'no-caching-hints': patchJson('break-no-caching-hints', 'Caching hints removed', STATELESS_ERA, { remove: ['/result/ttlMs', '/result/cacheScope'] }),
  'invalid-caching-hints': patchJson('break-invalid-caching-hints', 'Caching hints made invalid', STATELESS_ERA, { replace: { '/result/ttlMs': -1, '/result/cacheScope': 'shared' } }),
  'error-id-null': patchJson('break-error-id-null', 'Error ids replaced by null', [...STATELESS_ERA, { type: 'status', statuses: [400, 404] }], { replace: { '/id': null } }),
  'json-schema-2020-12-stripped': patchJson('break-json-schema-stripped', 'JSON Schema 2020-12 keywords stripped from tool schemas', [{ type: 'phase', phases: ['jsonrpc'] }, { type: 'jsonrpc-method', methods: ['tools/list'] }], {
    remove: JSON_SCHEMA_2020_KEYWORDS.map((keyword) => `/result/tools/*/inputSchema/${keyword}`),
  }),
};

/**
 * A requirement of the spec as a toggle (group 'requirements'): the first option keeps it, each
 * other option is one of its breaks, played by the built-in server through its profile and, where
 * a rule can do it, by rules in front of any other upstream.
 */
function requirementToggle(requirement: Requirement): Toggle {
  return {
    id: breakToggleId(requirement.id),
    title: requirement.title,
    group: 'requirements',
    explanation: requirement.requirement,
    breaks: { noticedBy: requirement.noticedBy, clientShould: requirement.clientShould },
    sources: requirement.sources,
    options: [passThrough('As the spec says'), ...requirement.breaks.map((b): ToggleOption => ({ id: b.id, label: b.label, name: b.name, rules: BREAK_RULES[b.id] ?? [], profile: { breaks: [b.id] } }))],
  };
}

/** The "break a requirement" toggles, one per requirement of shared/breaks.ts. */
export const REQUIREMENT_TOGGLES: readonly Toggle[] = REQUIREMENTS.map(requirementToggle);

// ---- hosted authorization servers (issue 17 item 4): what Auth0, Keycloak, Google and others
// answer differently. Each acts on the authorization server's answers (metadata patched, a
// registration refused), so the same rules can change another server's answers in front of it.

/**
 * The RFC 8414 documents only (root and path-suffixed), also under a path prefix (an
 * authorization server the front door fronts under a path of its own): OpenID discovery stays.
 */
const RFC8414_PATHS = ['/.well-known/oauth-authorization-server', '/.well-known/oauth-authorization-server/**', '/**/.well-known/oauth-authorization-server', '/**/.well-known/oauth-authorization-server/**'];
/** Every metadata document, prefixed ones included. */
const ANY_AS_METADATA_PATHS = [...AS_METADATA_PATHS, '/**/.well-known/oauth-authorization-server', '/**/.well-known/oauth-authorization-server/**', '/**/.well-known/openid-configuration/**'];
const metadataPatch = (id: string, description: string, step: Omit<Extract<Step, { type: 'patch-json' }>, 'type'>): Rule[] =>
  ANY_AS_METADATA_PATHS.map((glob, i) => rule(`${id}-${i}`, `${glob}: ${description}`, [{ type: 'path', glob }, { type: 'status', statuses: [200] }], [{ type: 'patch-json', ...step }]));
const OAUTH_JSON = (error: string, description: string) => JSON.stringify({ error, error_description: description });

const HOSTED_AS_TOGGLES: readonly Toggle[] = [
  {
    id: 'as-metadata',
    title: 'Authorization server metadata documents',
    group: 'discovery',
    explanation:
      'Auth0 and Google publish only OpenID Connect discovery (/.well-known/openid-configuration); /.well-known/oauth-authorization-server is 404. The MCP spec makes clients try both, but clients written to 2025-03-26 read only RFC 8414, and some stop at the 404 (anthropics/claude-code#41253; the TypeScript SDK before its fallback: typescript-sdk#616).',
    sources: [mcpSpec('2025-11-25', 'basic/authorization', 'authorization-server-metadata-discovery'), rfcUrl(8414, '5'), githubIssue('modelcontextprotocol/typescript-sdk', 616), claudeCode(41253)],
    options: [
      passThrough('RFC 8414 and OpenID discovery'),
      {
        id: 'openid-only',
        label: 'OpenID discovery only (RFC 8414 → 404)',
        name: 'AS metadata: OpenID only',
        rules: RFC8414_PATHS.map((glob, i) => rule(`as-metadata-openid-only-${i}`, `${glob} answered 404`, [{ type: 'path', glob }], [{ type: 'reply', status: 404, headers: { 'content-type': 'application/json' }, body: OAUTH_JSON('not_found', 'No RFC 8414 metadata here: see /.well-known/openid-configuration') }])),
        profile: { authServerMetadata: 'openid' },
      },
    ],
  },
  {
    id: 'issuer-trailing-slash',
    title: 'Metadata issuer with a trailing slash',
    group: 'discovery',
    explanation:
      'Auth0 issuers end in "/", Pydantic adds one to Python SDK servers (modelcontextprotocol/python-sdk#1919); the PRM often names the authorization server without it. Both lead to the same well-known URL, but RFC 8414 section 3.3 wants the metadata issuer identical to the one the client started from: the MCP SDK 2.x client stops with "Issuer mismatch" on an added slash (expo/expo#49054), so do the Vercel AI SDK and opencode (vercel/ai#20236, anomalyco/opencode#50036); it tolerates a removed one (Google\'s shape, which other strict clients refuse: agentconnect-md/agentconnect#2133); SDK 1.x goes on either way.',
    sources: [rfcUrl(8414, '3.3'), githubIssue('modelcontextprotocol/python-sdk', 1919), githubIssue('expo/expo', 49054), githubIssue('vercel/ai', 20236), githubIssue('anomalyco/opencode', 50036), 'https://github.com/agentconnect-md/agentconnect/pull/2133'],
    options: [
      passThrough('Identical to the PRM\'s authorization server'),
      // A rule cannot append to a string the server chose (its origin, a tunnel's): the built-in server states it.
      { id: 'added', label: 'Trailing slash added in the metadata', name: 'metadata issuer + "/"', rules: [], profile: { metadataIssuer: 'trailing-slash-added' } },
      { id: 'removed', label: 'Metadata without the PRM\'s trailing slash', name: 'metadata issuer without the PRM\'s "/"', rules: [], profile: { metadataIssuer: 'trailing-slash-removed' } },
    ],
  },
  {
    id: 'dcr',
    title: 'Dynamic client registration',
    group: 'registration',
    explanation:
      'Many hosted servers turn DCR off (Auth0 and Okta by default) or gate it behind an initial access token (RFC 7591 section 3; Keycloak, Spring Authorization Server). MCP clients register anonymously: without registration_endpoint (and without CIMD) Claude Code stops with "Incompatible auth server: does not support dynamic client registration" (anthropics/claude-code#3273), and a 401 at registration stops every client (modelcontextprotocol/typescript-sdk#772, elgorro/aiquila#457).',
    sources: [rfcUrl(7591, '3'), mcpSpec('2025-11-25', 'basic/authorization', 'dynamic-client-registration'), claudeCode(3273), githubIssue('modelcontextprotocol/typescript-sdk', 772), githubIssue('spring-attic/spring-authorization-server', 2143), githubIssue('elgorro/aiquila', 457)],
    options: [
      passThrough('Open registration'),
      {
        id: 'disabled',
        label: 'Disabled (no registration_endpoint)',
        name: 'DCR disabled',
        rules: [
          ...metadataPatch('dcr-disabled', 'registration_endpoint removed', { remove: ['/registration_endpoint'] }),
          rule('dcr-disabled-register', 'Registration refused: DCR disabled', [{ type: 'phase', phases: ['registration'] }, { type: 'method', methods: ['POST'] }], [{ type: 'reply', status: 404, headers: { 'content-type': 'application/json' }, body: OAUTH_JSON('invalid_request', 'Dynamic client registration is disabled on this server') }]),
        ],
        profile: { dynamicClientRegistration: false },
      },
      {
        id: 'initial-access-token',
        label: 'Behind an initial access token (401 without one)',
        name: 'DCR needs an initial access token',
        rules: [
          rule('dcr-initial-access-token', 'Registration without an initial access token refused', [{ type: 'phase', phases: ['registration'] }, { type: 'method', methods: ['POST'] }, { type: 'header', name: 'authorization', negate: true }], [
            { type: 'reply', status: 401, headers: { 'content-type': 'application/json', 'WWW-Authenticate': 'Bearer error="invalid_token", error_description="An initial access token is required to register a client"' }, body: OAUTH_JSON('invalid_token', 'An initial access token is required to register a client') },
          ]),
        ],
      },
    ],
  },
  {
    id: 'access-token-kid',
    title: 'Access token without kid (Auth0 without audience)',
    group: 'token',
    explanation:
      'Auth0 ignores the RFC 8707 resource MCP clients send; without its own audience parameter it issues an encrypted token (JWE, alg dir) for its /userinfo, with no kid. A resource server that verifies tokens against the JWKS cannot find a key and refuses it, after a successful OAuth flow: the published Claude.ai + Auth0 logs fell back to /userinfo (about 227 ms per check); MCP Inspector users saw the same tokens (modelcontextprotocol/inspector#566).',
    sources: [CLAUDE_AI_AUTH0_HANDSHAKE_LOGS, rfcUrl(8707, '2'), githubIssue('modelcontextprotocol/inspector', 566), githubIssue('danny-avila/LibreChat', 13401)],
    options: [
      passThrough('Signed JWT with kid'),
      // The server mints the token: no rule can turn another server's token into an encrypted one.
      { id: 'jwe', label: 'Encrypted, no kid (validated through /userinfo)', name: 'access token: JWE, no kid', rules: [], profile: { accessTokenFormat: 'jwe-like', tokenValidation: 'by-format' } },
      { id: 'jwe-jwks-only', label: 'Encrypted, no kid, and the MCP server checks JWKS only', name: 'access token: JWE refused by a JWKS-only server', rules: [], profile: { accessTokenFormat: 'jwe-like', tokenValidation: 'jwks-only' } },
    ],
  },
  {
    id: 'code-challenge-methods',
    title: 'PKCE methods in the metadata',
    group: 'authorization',
    explanation:
      'Since 2025-11-25 a client must refuse an authorization server whose metadata lacks code_challenge_methods_supported with S256. Hosted servers that do PKCE often leave the field out (older Auth0 and Cognito metadata); the C#, Rust and Vercel AI clients then refuse, the TypeScript SDK goes on, and a list without S256 stops Cursor and the SDK ("Incompatible auth server: does not support code challenge method S256": empires-security/mcp-oauth2-aws-cognito#9).',
    sources: [mcpSpec('2025-11-25', 'basic/authorization', 'authorization-code-protection'), rfcUrl(8414, '2'), githubIssue('modelcontextprotocol/csharp-sdk', 1700), githubIssue('modelcontextprotocol/rust-sdk', 955), githubIssue('vercel/ai', 18674), githubIssue('empires-security/mcp-oauth2-aws-cognito', 9)],
    options: [
      passThrough('["S256"]'),
      { id: 'omitted', label: 'Field left out', name: 'code_challenge_methods_supported omitted', rules: metadataPatch('pkce-omitted', 'code_challenge_methods_supported removed', { remove: ['/code_challenge_methods_supported'] }) },
      { id: 'plain-only', label: '["plain"] (no S256)', name: 'PKCE: plain only', rules: metadataPatch('pkce-plain-only', 'code_challenge_methods_supported without S256', { replace: { '/code_challenge_methods_supported': ['plain'] } }) },
    ],
  },
];

export const TOGGLES: readonly Toggle[] = [
  {
    id: 'notification-status',
    title: 'Status for notifications',
    group: 'transport',
    explanation:
      'The spec answers notifications and responses with 202 and no body. Claude.ai expects 202: 204 caused warnings and retries (published Claude.ai + Auth0 logs, 2025-10), and 200 kept it from adding the server (modelcontextprotocol/ruby-sdk#158).',
    sources: [TRANSPORTS('sending-messages-to-the-server'), CLAUDE_AI_AUTH0_HANDSHAKE_LOGS, githubIssue('modelcontextprotocol/ruby-sdk', 158)],
    options: [passThrough('202 (spec)'), notificationStatus(204), notificationStatus(200)],
  },
  {
    id: 'get-stream',
    title: 'GET /mcp (server→client stream)',
    group: 'transport',
    explanation:
      'GET opens an SSE stream or answers 405 with Allow ("POST only, fine"). Claude.ai ended the session with DELETE after a 501 (published Claude.ai + Auth0 logs, 2025-10); the TypeScript SDK reports other statuses as errors; VS Code silently loses notifications.',
    sources: [TRANSPORTS('listening-for-messages-from-the-server'), CLAUDE_AI_AUTH0_HANDSHAKE_LOGS, TS_SDK_CLIENT_STREAMABLE_HTTP, VSCODE_EXT_HOST_MCP],
    options: [passThrough('Open the stream'), getStream(405), getStream(501), getStream(404)],
  },
  {
    id: 'session-id',
    title: 'Mcp-Session-Id on initialize',
    group: 'session',
    explanation:
      'The spec lets a server issue a session id. The 2025 Claude.ai client required it: "If you don\'t provide one, it won\'t go on to request tools" (losvedir/remote_mcp_auth); 2026 Claude.ai and ChatGPT work without.',
    sources: [TRANSPORTS('session-management'), REMOTE_MCP_AUTH],
    options: [
      passThrough('Issue it'),
      {
        id: 'omit',
        label: 'Drop it',
        name: 'no Mcp-Session-Id',
        rules: [rule('drop-session-id', 'Mcp-Session-Id dropped', [{ type: 'jsonrpc-method', methods: ['initialize'] }], [{ type: 'set-headers', remove: ['Mcp-Session-Id'] }])],
        profile: { sessionId: 'omit' },
      },
    ],
  },
  {
    id: 'initialize-401',
    title: '401 on initialize',
    group: 'authorization',
    explanation:
      'A 401 with WWW-Authenticate: Bearer resource_metadata="…" is what starts OAuth. Without resource_metadata Claude.ai treats the server as authless and VS Code guesses defaults; a 200 on an unauthenticated initialize means "no auth" to Claude.ai.',
    sources: [rfcUrl(9728, '5.1'), mcpSpec('2025-11-25', 'basic/authorization', 'protected-resource-metadata-discovery-requirements'), claudeAiMcp(764), vscodeIssue(261120), githubIssue('erp-mafia/accounted', 2159)],
    options: [
      passThrough(),
      {
        id: 'without-resource-metadata',
        label: '401 without resource_metadata',
        name: '401 without resource_metadata',
        rules: [
          rule('401-bare', '401 without resource_metadata', [{ type: 'jsonrpc-method', methods: ['initialize'] }, { type: 'header', name: 'authorization', negate: true }], [{ type: 'reply', status: 401, headers: { 'WWW-Authenticate': 'Bearer' }, body: '{"error":"invalid_token","error_description":"Missing access token"}' }]),
          // The upstream's own challenges (a stale token, GET /mcp) lose resource_metadata too, as the built-in server's do.
          rule('401-bare-challenge', 'Challenge without resource_metadata', [{ type: 'phase', phases: ['jsonrpc', 'sse-stream'] }, { type: 'status', statuses: [401] }], [{ type: 'set-headers', set: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } }]),
        ],
        profile: { tokenRequired: 'all', challengeResourceMetadata: false },
      },
    ],
  },
  {
    id: 'scope-grant',
    title: 'Scopes beyond scopes_supported',
    group: 'authorization',
    explanation:
      'An authorization server may grant less than a client asks for and says what it granted in the token response\'s scope (RFC 6749). The built-in server grants only what scopes_supported advertises; a lenient one grants whatever is asked, so a client that asks for admin (or every scope it can name) gets it in its token. Shows which clients ask beyond what the server advertises, and whether they read the scope they were granted.',
    sources: [rfcUrl(6749, '3.3'), mcpSpec('2025-11-25', 'basic/authorization', 'scope-selection-strategy'), mcpSpec('2025-11-25', 'basic/authorization', 'scope-challenge-handling')],
    options: [
      passThrough('Only scopes_supported'),
      // Only the built-in server can widen its own grants: a rule can't put a scope into another server's signed token.
      { id: 'grant-any', label: 'Grant any requested scope', name: 'any requested scope granted', rules: [], profile: { scopeGrant: 'grant-any' } },
    ],
  },
  {
    id: 'redirect-uri-matching',
    title: 'Loopback redirect URI port',
    group: 'authorization',
    explanation:
      'RFC 8252 section 7.3 asks an authorization server to accept a loopback redirect URI on any port, since a native client picks a free one when it starts. Some match it byte for byte: VS Code registers http://127.0.0.1:33418/ and, when that port is taken, authorizes from a random one, which such a server refuses as "Invalid Redirect URI".',
    sources: [rfcUrl(8252, '7.3'), vscodeIssue(278512)],
    options: [
      passThrough('Loopback on any port (RFC 8252)'),
      // The match happens inside the authorization server: a rule cannot tell which URIs a client registered.
      { id: 'exact', label: 'Exact match, port included', name: 'redirect URI matched exactly', rules: [], profile: { redirectUriMatching: 'exact' } },
    ],
  },
  {
    id: 'hide-metadata',
    title: 'Protected Resource Metadata location',
    group: 'discovery',
    explanation:
      'Clients look for RFC 9728 metadata at the path-suffixed URL (/.well-known/oauth-protected-resource/mcp) and at the root. Serving only one of them breaks some clients: ChatGPT reads the root, Cursor, Claude.ai and MCP Inspector try the path first.',
    sources: [rfcUrl(9728, '3.1'), mcpSpec('2025-11-25', 'basic/authorization', 'protected-resource-metadata-discovery-requirements'), githubIssue('kernel/kernel-mcp-server', 91), githubIssue('gamedevpl/www.gamedev.pl', 483), claudeAiMcp(76)],
    options: [
      passThrough('Both, as the server serves them'),
      {
        id: 'hide-suffixed',
        label: 'Hide the path-suffixed document',
        name: 'path-suffixed PRM hidden',
        rules: [rule('hide-prm-suffixed', 'Path-suffixed PRM hidden', [{ type: 'path', glob: '/.well-known/oauth-protected-resource/**' }], [{ type: 'reply', status: 404, body: '{"error":"not_found"}' }])],
        profile: { protectedResourceMetadata: 'root' },
      },
      {
        id: 'hide-root',
        label: 'Hide the root document',
        name: 'root PRM hidden',
        rules: [rule('hide-prm-root', 'Root PRM hidden', [{ type: 'path', glob: '/.well-known/oauth-protected-resource' }], [{ type: 'reply', status: 404, body: '{"error":"not_found"}' }])],
        profile: { protectedResourceMetadata: 'path-suffixed' },
      },
    ],
  },
  {
    id: 'oauth-error-body',
    title: 'OAuth error bodies',
    group: 'registration',
    explanation:
      'OAuth endpoints must answer errors as RFC 6749 JSON ({"error": …}). Claude Code turned a FastAPI {"detail":"Not Found"} into "Invalid OAuth error response … expected string at path error" (anthropics/claude-code#7290).',
    sources: [rfcUrl(6749, '5.2'), rfcUrl(7591, '3.2.2'), CLAUDE_CODE_HEADERS_IGNORED],
    options: [
      passThrough('RFC 6749 JSON'),
      {
        id: 'framework-404',
        label: 'Framework 404 body',
        name: 'OAuth errors → framework 404',
        rules: [rule('framework-404', 'OAuth error turned into a framework 404', OAUTH_ERRORS, [{ type: 'set-status', status: 404 }, { type: 'replace-body', body: '{"detail":"Not Found"}', contentType: 'application/json' }])],
      },
    ],
  },
  {
    id: 'strict-accept',
    title: 'Strict Accept check',
    group: 'transport',
    explanation:
      'Clients send Accept: */*, a single type, or both (Claude.ai\'s probes: anthropics/claude-ai-mcp#217; Claude Code, reported: anthropics/claude-code#45368). Servers that demand both answer 406, which broke the Anthropic MCP proxy sending only text/event-stream (modelcontextprotocol/python-sdk#2349).',
    sources: [TRANSPORTS('sending-messages-to-the-server'), claudeAiMcp(217), claudeCode(45368), githubIssue('modelcontextprotocol/python-sdk', 2349)],
    options: [
      passThrough('Lenient'),
      {
        id: 'strict',
        label: '406 unless Accept lists both types',
        name: 'strict Accept → 406',
        rules: [
          rule('strict-accept-json', 'Accept without application/json refused', [{ type: 'method', methods: ['POST'] }, { type: 'phase', phases: ['jsonrpc'] }, { type: 'header', name: 'accept', contains: 'application/json', negate: true }], [{ type: 'reply', status: 406, body: JSON_BODY('Not Acceptable: Accept must list application/json and text/event-stream') }]),
          rule('strict-accept-sse', 'Accept without text/event-stream refused', [{ type: 'method', methods: ['POST'] }, { type: 'phase', phases: ['jsonrpc'] }, { type: 'header', name: 'accept', contains: 'text/event-stream', negate: true }], [{ type: 'reply', status: 406, body: JSON_BODY('Not Acceptable: Accept must list application/json and text/event-stream') }]),
        ],
        profile: { acceptCheck: 'strict' },
      },
    ],
  },
  {
    id: 'require-protocol-version',
    title: 'Missing MCP-Protocol-Version',
    group: 'transport',
    explanation:
      'A missing header means 2025-03-26 (spec). Claude.ai often omitted it in 2026 (anthropics/claude-ai-mcp#70); servers answering 400 lost it.',
    sources: [TRANSPORTS('protocol-version-header'), claudeAiMcp(70), githubIssue('CodeWithCJ/SparkyFitness', 2155)],
    options: [
      passThrough('Assume 2025-03-26 (spec)'),
      {
        id: '400',
        label: '400 when it is missing',
        name: 'no MCP-Protocol-Version → 400',
        rules: [rule('require-protocol-version', 'Missing MCP-Protocol-Version refused', [{ type: 'method', methods: ['POST'] }, { type: 'phase', phases: ['jsonrpc'] }, { type: 'jsonrpc-method', methods: ['initialize'], negate: true }, { type: 'header', name: 'mcp-protocol-version', negate: true }], [{ type: 'reply', status: 400, body: JSON_BODY('Bad Request: MCP-Protocol-Version header is required') }])],
      },
    ],
  },
  {
    id: 'host-validation',
    title: 'Host and Origin check (DNS rebinding)',
    group: 'transport',
    explanation:
      'The spec asks servers to check Origin against DNS rebinding; the MCP SDKs check Host too (allowedHosts, on by default for servers bound to localhost) and answer 403 "Invalid Host: <name>". Behind a tunnel the Host is the tunnel\'s name, so an SDK server left at localhost refuses every hosted client though it works locally (modelcontextprotocol/typescript-sdk#2843, resend/resend-mcp#169).',
    sources: [TRANSPORTS('security-warning'), ...TS_SDK_DNS_REBINDING, githubIssue('modelcontextprotocol/typescript-sdk', 2843), githubIssue('resend/resend-mcp', 169)],
    options: [
      passThrough('Loopback, public and tunnel hosts'),
      {
        id: 'reject-tunnel-host',
        label: "Refuse the tunnel's Host (allowedHosts: localhost)",
        name: "tunnel's Host → 403",
        rules: [
          rule('reject-tunnel-host', "Host not in allowedHosts (localhost only)", NOT_LOOPBACK_HOST, [
            { type: 'reply', status: 403, body: JSON_BODY("Invalid Host: the request's Host is not localhost, 127.0.0.1 or [::1]") },
          ]),
        ],
        profile: { hostValidation: 'reject-tunnel-host' },
      },
      // Only the built-in server can drop its own check: no rule takes one away from another server.
      { id: 'unprotected', label: 'Accept any Host and Origin', name: 'a server without protection', rules: [], profile: { hostValidation: 'off' } },
    ],
  },
  {
    id: 'expired-session',
    title: 'Expired session status',
    group: 'session',
    explanation: 'An unknown session must get 404, which tells clients to initialize again. A 400 instead left clients stuck (Claude Code initializes again only on 404: anthropics/claude-code#94273).',
    sources: [TRANSPORTS('session-management'), claudeCode(94273)],
    options: [
      passThrough('404 (spec)'),
      { id: '400', label: '400 instead of 404', name: 'expired session → 400', rules: [rule('expired-session-400', 'Expired session answered 400', [{ type: 'phase', phases: ['jsonrpc'] }, { type: 'header', name: 'mcp-session-id' }, { type: 'status', statuses: [404] }], [{ type: 'set-status', status: 400 }])] },
    ],
  },
  {
    id: 'invalid-client-status',
    title: 'invalid_client status',
    group: 'token',
    explanation: 'A 401 invalid_client from the token endpoint makes Claude.ai register again; a 400 does not, so a deleted client stays broken (PrefectHQ/fastmcp#1762).',
    sources: [rfcUrl(6749, '5.2'), githubIssue('PrefectHQ/fastmcp', 1762)],
    options: [
      passThrough('401 (RFC 6749)'),
      { id: '400', label: '400 instead of 401', name: 'invalid_client → 400', rules: [rule('invalid-client-400', 'invalid_client answered 400', [{ type: 'phase', phases: ['token'] }, { type: 'status', statuses: [401] }], [{ type: 'set-status', status: 400 }])] },
    ],
  },
  {
    id: 'slow-token',
    title: 'Slow token endpoint',
    group: 'token',
    explanation: "Claude.ai gives discovery, registration and the token exchange about 10 s; slower answers fail the connection (homeassistant-ai/ha-mcp#2213).",
    sources: [CLAUDE_CONNECTOR_DOCS, githubIssue('homeassistant-ai/ha-mcp', 2213)],
    options: [
      passThrough('As fast as the server'),
      { id: '12s', label: '12 s (past the budget)', name: 'token endpoint +12 s', rules: [rule('slow-token', 'Token endpoint slowed down', [{ type: 'phase', phases: ['token'] }], [{ type: 'delay', ms: 12_000 }])] },
    ],
  },
  {
    id: '5xx-burst',
    title: '5xx burst',
    group: 'faults',
    explanation: 'A flaky upstream: the next three MCP requests get 503. Shows which clients retry and which give up.',
    options: [
      passThrough('No errors'),
      { id: '3x503', label: 'Next 3 requests → 503', name: 'next 3 requests → 503', rules: [rule('503-burst', '503 burst', [{ type: 'phase', phases: ['jsonrpc'] }], [{ type: 'reply', status: 503, headers: { 'Retry-After': '1' }, body: JSON_BODY('Service Unavailable') }], 3)] },
    ],
  },
  {
    id: 'sse-transform',
    title: 'SSE stream faults',
    group: 'streaming',
    explanation:
      'Tunnels and reverse proxies buffer or cut long-lived SSE (Cloudflare quick tunnels buffer GET streams: cloudflare/cloudflared#1449; a load balancer cut a stream every ~60 s: anthropics/claude-code#38631). Drop, delay or cut events to see how a client copes with a lost response or a stream that ends early.',
    sources: [TRANSPORTS('resumability-and-redelivery'), githubIssue('cloudflare/cloudflared', 1449), claudeCode(38631)],
    options: [
      passThrough('Forward every event'),
      { id: 'drop-first', label: 'Drop the first event', name: 'SSE: first event dropped', rules: [rule('sse-drop-0', 'First SSE event dropped', [{ type: 'phase', phases: ['jsonrpc', 'sse-stream'] }], [{ type: 'sse-drop-event', index: 0 }])] },
      { id: 'delay-first', label: 'Delay the first event 5 s', name: 'SSE: first event +5 s', rules: [rule('sse-delay-0', 'First SSE event delayed', [{ type: 'phase', phases: ['jsonrpc', 'sse-stream'] }], [{ type: 'sse-delay-event', index: 0, ms: 5000 }])] },
      { id: 'close-after-1', label: 'Close after one event', name: 'SSE: closed after 1 event', rules: [rule('sse-close-1', 'SSE stream closed after one event', [{ type: 'phase', phases: ['jsonrpc', 'sse-stream'] }], [{ type: 'sse-close-after', count: 1 }])] },
    ],
  },
  {
    id: 'private-key-jwt',
    title: 'Client assertions (private_key_jwt)',
    group: 'token',
    explanation:
      'ChatGPT\'s Client ID Metadata Document says token_endpoint_auth_method "private_key_jwt" with a jwks_uri: it signs a client assertion (RFC 7523) at the token endpoint and does not fall back to "none". Servers that only know "none" and client secrets refuse it (ChatGPT "has never been able to" connect: engram-app/Engram#1633). Claude.ai uses CIMD only when "none" is advertised too; a server listing private_key_jwt without "none" gets a new DCR client per connection instead.',
    sources: [rfcUrl(7523, '2.2'), rfcUrl(7523, '3'), githubIssue('Altinity/altinity-mcp', 118), githubIssue('pomerium/pomerium', 6692), githubIssue('tableau/tableau-mcp', 814), githubIssue('engram-app/Engram', 1633), githubIssue('cloudflare/workers-oauth-provider', 264), CLAUDE_CONNECTOR_AUTH_DOCS, githubIssue('brendanlong/lion-reader', 1519)],
    options: [
      passThrough('Verified, advertised next to "none"'),
      // Only the built-in server can refuse an assertion: no matcher tells a token request with one from one without.
      { id: 'not-accepted', label: 'Assertions refused (invalid_client)', name: 'private_key_jwt refused', rules: [], profile: { privateKeyJwt: 'not-accepted' } },
      {
        id: 'without-none',
        label: 'private_key_jwt advertised without "none"',
        name: '"none" not advertised',
        rules: AS_METADATA_PATHS.map((glob, i) =>
          rule(`auth-methods-without-none-${i}`, `${glob}: token_endpoint_auth_methods_supported without "none"`, [{ type: 'path', glob }, { type: 'status', statuses: [200] }], [
            { type: 'patch-json', replace: { '/token_endpoint_auth_methods_supported': ['client_secret_post', 'client_secret_basic', 'private_key_jwt'] } },
          ]),
        ),
        profile: { privateKeyJwt: 'without-none' },
      },
    ],
  },
  {
    id: 'cimd-document',
    title: 'Client ID Metadata Document host',
    group: 'registration',
    explanation:
      'With CIMD the authorization server fetches the client\'s document from the client_id URL. Claude.ai\'s URL answered 404 for a while (anthropics/claude-ai-mcp#518); a login wall or a web app\'s fallback page answers 200 with HTML. The built-in server then resolves every URL client_id as if its host had answered so, and refuses the authorization request with the reason on its error page (no built-in copy stands in: the host answered).',
    sources: [mcpSpec('2025-11-25', 'basic/authorization', 'client-id-metadata-documents'), claudeAiMcp(518)],
    options: [
      passThrough('Fetched as the host serves it'),
      { id: 'html', label: 'Document answered as an HTML page', name: 'CIMD document → HTML', rules: [], profile: { clientIdMetadataAnswer: 'html' } },
      { id: '404', label: 'Document answered 404', name: 'CIMD document → 404', rules: [], profile: { clientIdMetadataAnswer: '404' } },
    ],
  },
  ...HOSTED_AS_TOGGLES,
  ...REQUIREMENT_TOGGLES,
];

export class UnknownToggleError extends Error {}

/** An option only the built-in reference server can play (a profile field, no rules), asked of another upstream. */
export class ToggleUnavailableError extends UnknownToggleError {}

export function toggleOption(toggleId: string, optionId: string): { toggle: Toggle; option: ToggleOption } {
  const toggle = TOGGLES.find((t) => t.id === toggleId);
  if (!toggle) throw new UnknownToggleError(`Unknown toggle "${toggleId}". Known toggles: ${TOGGLES.map((t) => t.id).join(', ')}`);
  const option = toggle.options.find((o) => o.id === optionId);
  if (!option) throw new UnknownToggleError(`Toggle "${toggleId}" has no option "${optionId}". Options: ${toggle.options.map((o) => o.id).join(', ')}`);
  return { toggle, option };
}

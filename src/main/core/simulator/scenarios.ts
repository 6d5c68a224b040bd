import type { Rule } from '../../../shared/rules';
import type { Scenario, ScenarioFile, SimulationResult } from '../../../shared/simulator';
import { CLAUDE_AI_AUTH0_HANDSHAKE_LOGS, CLAUDE_CODE_HEADERS_IGNORED, REMOTE_MCP_AUTH, claudeAiMcp, claudeCode, githubIssue, mcpSpec, rfcUrl } from '../../../shared/sources';
import { profileById } from './profiles';

// The bug-report library: each documented failure as data. A scenario names the server
// misbehaviour (preset, profile fields, toggles or rules), the client profile that trips on
// it, where that client failed according to the report (cited by public URL in `sources`), the
// lint finding that explains it, and the fix, with the fixed server the same client must
// connect to.
//
// Lint rule ids are strings owned by core/lint (src/shared/lint.ts); these are the ids the
// scenarios expect it to report.

/** The server of anthropics/claude-code#7290: FastAPI with an X-API-Key check and no OAuth at all. */
const FASTAPI_NOT_FOUND = '{"detail":"Not Found"}';
const API_KEY_ONLY_RULES: Rule[] = [
  {
    id: 'api-key-required',
    description: 'claude-code#7290: /mcp needs X-API-Key; FastAPI answers 401 {"detail": …} without WWW-Authenticate',
    enabled: true,
    match: [{ type: 'path', glob: '/mcp' }, { type: 'header', name: 'x-api-key', contains: 'test-key-12345', negate: true }],
    steps: [{ type: 'reply', status: 401, headers: { 'Content-Type': 'application/json' }, body: '{"detail":"Missing or invalid API key"}' }],
  },
  {
    id: 'no-well-known',
    description: 'claude-code#7290: no OAuth metadata; FastAPI\'s own 404 body',
    enabled: true,
    match: [{ type: 'path', glob: '/.well-known/**' }],
    steps: [{ type: 'reply', status: 404, headers: { 'Content-Type': 'application/json' }, body: FASTAPI_NOT_FOUND }],
  },
  {
    id: 'no-oidc-appended',
    description: 'claude-code#7290: no OpenID configuration under the endpoint path either',
    enabled: true,
    match: [{ type: 'path', glob: '/**/.well-known/**' }],
    steps: [{ type: 'reply', status: 404, headers: { 'Content-Type': 'application/json' }, body: FASTAPI_NOT_FOUND }],
  },
  {
    id: 'no-register',
    description: 'claude-code#7290: no /register route, so FastAPI answers {"detail":"Not Found"} (not an RFC 6749 error)',
    enabled: true,
    match: [{ type: 'path', glob: '/register' }],
    steps: [{ type: 'reply', status: 404, headers: { 'Content-Type': 'application/json' }, body: FASTAPI_NOT_FOUND }],
  },
];

/** bytebase#20510, accounted#2225: registration allows https redirect URIs only and judges the list as a whole. */
const HTTPS_ONLY_REGISTRATION: Rule[] = [
  {
    id: 'register-https-only',
    description: 'bytebase#20510: /register refuses the whole set when one redirect URI is not https (cursor://, http://localhost)',
    enabled: true,
    match: [{ type: 'method', methods: ['POST'] }, { type: 'path', glob: '/register' }],
    steps: [{ type: 'reply', status: 400, headers: { 'Content-Type': 'application/json' }, body: '{"error":"invalid_redirect_uri","error_description":"redirect_uris must all use https"}' }],
  },
];

/**
 * csharp-sdk#1765: a legacy (session) server answers a request without Mcp-Session-Id, the
 * server/discover probe included, with 404 "Invalid session ID"; `status` 400 is what the TS SDK's
 * legacy transport answers, which the C# client already took for "legacy".
 */
const legacyDiscoverAnswer = (status: 400 | 404): Rule[] => [
  {
    id: `discover-${status}`,
    description: `csharp-sdk#1765: a legacy server answers server/discover without a session with ${status}`,
    enabled: true,
    match: [{ type: 'jsonrpc-method', methods: ['server/discover'] }],
    steps: [
      {
        type: 'reply',
        status,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: status === 404 ? 'Invalid session ID' : 'Bad Request: No valid session ID provided' } }),
      },
    ],
  },
];

/**
 * claude-ai-mcp#654 names no cause, so this stands in for the one Anthropic traced on reports
 * with the same symptom (claude-ai-mcp#100, #327): an edge in front of the server refuses the
 * authenticated call with a 403 page of its own. It lets the unauthenticated probe and OAuth
 * through, as a rule on API calls that carry a bearer, or a bot score that sinks after a burst
 * of requests, would; the thread does not say which.
 */
const EDGE_REFUSES_AUTHENTICATED_CALL: Rule[] = [
  {
    id: 'edge-403-authenticated-mcp',
    description: 'claude-ai-mcp#654 (as traced in #100, #327): an edge refuses the connector\'s authenticated MCP call with its own 403 page; the server never sees it',
    enabled: true,
    match: [
      { type: 'path', glob: '/mcp' },
      { type: 'header', name: 'authorization', contains: 'Bearer ' },
      { type: 'header', name: 'user-agent', contains: 'python-httpx' },
    ],
    steps: [
      {
        type: 'reply',
        status: 403,
        headers: { 'Content-Type': 'text/html; charset=UTF-8', Server: 'cloudflare', 'CF-RAY': '9a1b2c3d4e5f6789-IAD' },
        body: '<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body><h1>Sorry, you have been blocked</h1></body></html>',
      },
    ],
  },
];

/** The server of claude-ai-mcp#654: its own authorization server on the same host, DCR only (no metadata documents). */
const DCR_ONLY = { clientIdMetadataDocuments: 'off' } as const;

/** The server of the published Claude.ai + Auth0 logs: Auth0 issued an encrypted token (JWE, no kid), PRM at the root, protocol 2025-06-18. */
const REFERENCE_001 = { protectedResourceMetadata: 'root', protocolVersion: '2025-06-18', accessTokenFormat: 'jwe-like', accessTokenLifetimeSeconds: 86_400 } as const;

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'ref001-pitfall1-token-on-initialize',
    title: 'Token validated on initialize, and the validation fails',
    reference: 'Claude.ai + Auth0 handshake logs (2025-10): authenticating initialize',
    sources: [CLAUDE_AI_AUTH0_HANDSHAKE_LOGS, mcpSpec('2025-11-25', 'basic/authorization', 'token-handling')],
    symptom:
      'Claude disconnects immediately after OAuth; the logs show "Validating token" for initialize (FastAPI Depends(verify_token) on the route), and the encrypted Auth0 token cannot be validated there.',
    server: { profile: { ...REFERENCE_001, tokenRequired: 'all', tokenValidation: 'jwks-only' } },
    clientId: 'claude-ai@2025-10',
    expect: { outcome: 'fail', step: 'initialize', messageIncludes: '401' },
    expectedLint: ['token-validated-on-initialize'],
    fix:
      "The fix in those logs: no token check on initialize and notifications/initialized (session only), full validation from tools/list on, and encrypted tokens validated through /userinfo. (The spec itself asks for the token on every request: validating it correctly is what matters.)",
    fixedServer: { profile: { ...REFERENCE_001, tokenRequired: 'all-but-handshake', tokenValidation: 'by-format', getStream: 405 } },
  },
  {
    id: 'ref001-pitfall2-notification-204',
    title: 'notifications/initialized answered 204',
    reference: 'Claude.ai + Auth0 handshake logs (2025-10): wrong status code for notifications',
    sources: [CLAUDE_AI_AUTH0_HANDSHAKE_LOGS, mcpSpec('2025-11-25', 'basic/transports', 'sending-messages-to-the-server')],
    symptom: 'Claude may retry or show warnings; the log shows 204 instead of 202 for notifications/initialized.',
    server: { profile: { ...REFERENCE_001, tokenValidation: 'by-format' }, toggles: { 'notification-status': '204' } },
    clientId: 'claude-ai@2025-10',
    expect: { outcome: 'warn', step: 'initialized', messageIncludes: '204' },
    expectedLint: ['notification-not-202'],
    fix: 'Answer every POST that carries only notifications or responses with 202 Accepted and no body.',
    fixedServer: { profile: { ...REFERENCE_001, tokenValidation: 'by-format' } },
  },
  {
    id: 'ref001-pitfall3-get-501',
    title: 'GET /mcp answered 501',
    reference: 'Claude.ai + Auth0 handshake logs (2025-10): 501 for GET',
    sources: [CLAUDE_AI_AUTH0_HANDSHAKE_LOGS, mcpSpec('2025-11-25', 'basic/transports', 'listening-for-messages-from-the-server')],
    symptom: 'Claude terminates the session after transport detection: GET returns 501, an immediate DELETE follows.',
    server: { profile: { ...REFERENCE_001, tokenValidation: 'by-format' }, toggles: { 'get-stream': '501' } },
    clientId: 'claude-ai@2025-10',
    expect: { outcome: 'fail', step: 'get-stream', messageIncludes: 'would terminate' },
    expectedLint: ['get-mcp-501'],
    fix: 'Answer GET /mcp with 405 Method Not Allowed and an Allow header ("POST-only, continue"), or open the SSE stream.',
    fixedServer: { profile: { ...REFERENCE_001, tokenValidation: 'by-format' }, toggles: { 'get-stream': '405' } },
  },
  {
    id: 'ref001-pitfall4-jwe-jwks-only',
    title: 'Encrypted token (no kid) checked against the JWKS only',
    reference: 'Claude.ai + Auth0 handshake logs (2025-10): JWT-only validation',
    sources: [CLAUDE_AI_AUTH0_HANDSHAKE_LOGS],
    symptom: 'Token validation fails with a "no kid" error: "Token key ID (kid): None" followed by an error, from tools/list on.',
    server: { profile: { ...REFERENCE_001, tokenRequired: 'all-but-handshake', tokenValidation: 'jwks-only', getStream: 405 } },
    clientId: 'claude-ai@2025-10',
    expect: { outcome: 'fail', step: 'tools/list', messageIncludes: '401' },
    expectedLint: ['token-rejected-after-issue'],
    fix: 'Validate tokens by their format: JWTs against the JWKS, encrypted tokens (JWE, no kid) through the authorization server\'s /userinfo.',
    fixedServer: { profile: { ...REFERENCE_001, tokenRequired: 'all-but-handshake', tokenValidation: 'by-format', getStream: 405 } },
  },
  {
    id: 'ref002-no-session-id',
    title: 'initialize answered without Mcp-Session-Id',
    reference: 'losvedir/remote_mcp_auth (2025): no session id, no tools',
    sources: [REMOTE_MCP_AUTH, mcpSpec('2025-11-25', 'basic/transports', 'session-management')],
    symptom: 'While the spec says you "MAY" establish a Mcp-Session-Id, the Claude app requires it. If you don\'t provide one, it won\'t go on to request tools.',
    server: { preset: 'reference-002-no-session' },
    clientId: 'claude-ai@2025-06',
    expect: { outcome: 'fail', step: 'initialize', messageIncludes: 'Mcp-Session-Id' },
    expectedLint: ['initialize-missing-session-id'],
    fix: 'Issue an Mcp-Session-Id header on the initialize response and accept it on later requests.',
    fixedServer: { preset: 'reference-002-no-session', profile: { sessionId: 'issue' } },
  },
  {
    id: 'ref003-claude-code-headers-ignored',
    title: 'Claude Code 1.0.108 ignores configured headers against an API-key-only server',
    reference: 'anthropics/claude-code#7290: configured headers ignored, OAuth forced',
    sources: [CLAUDE_CODE_HEADERS_IGNORED, rfcUrl(6749, '5.2')],
    symptom:
      'Claude Code ignores X-API-Key from .mcp.json and forces OAuth discovery: PRM, AS, OpenID configuration, POST /register, all 404; it reports "HTTP 404: Invalid OAuth error response … Raw body: {"detail":"Not Found"}".',
    server: { preset: 'no-auth', rules: API_KEY_ONLY_RULES },
    clientId: 'claude-code@1.0.108',
    clientHeaders: { 'X-API-Key': 'test-key-12345' },
    expect: { outcome: 'fail', step: 'oauth.register', messageIncludes: 'Invalid OAuth error response' },
    expectedLint: ['oauth-error-not-rfc6749'],
    fix:
      'A client bug: no server change makes 1.0.108 send its headers. Update Claude Code (the fix regressed later: claude-code#47424, #59467), or protect the server with OAuth as MCP clients expect (the fixed server below). Either way, answer OAuth endpoints with RFC 6749 JSON errors so clients can say what went wrong.',
    fixedServer: { preset: 'spec' },
  },
  {
    id: 'claude-code-93290-header-meta-disagree',
    title: 'Claude Code via a connector: MCP-Protocol-Version 2025-11-25 with _meta 2026-07-28',
    reference: 'anthropics/claude-code#93290 (2026-09, open): every call refused with -32020',
    sources: [claudeCode(93290), claudeCode(92835), mcpSpec('2026-07-28', 'basic/transports', 'protocol-version-header')],
    symptom:
      'Through a claude.ai connector, requests after server/discover carry _meta protocolVersion 2026-07-28 but Mcp-Protocol-Version: 2025-11-25; a spec-compliant stateless server answers 400 with -32020 (HeaderMismatch), the connector shows as connected and every tool call fails.',
    server: { preset: 'spec' },
    clientId: 'claude-code@2.1.267-connector',
    expect: { outcome: 'fail', step: 'tools/list', messageIncludes: '-32020' },
    expectedLint: ['protocol-version-header-meta-mismatch'],
    fix:
      'A client bug: the header must name the version _meta names. Until the client is fixed, a server can stay on 2025-11-25 (no server/discover), so the connector falls back to initialize and its 2025-11-25 header agrees (the fixed server below). Relaxing the -32020 check instead breaks every gateway that routes on the header.',
    fixedServer: { preset: 'spec-2025-11-25' },
  },
  {
    id: 'claude-ai-mcp-654-token-then-silence',
    title: 'Token issued, then no MCP request reaches the server',
    reference: 'anthropics/claude-ai-mcp#654 (2026-07, open): token issued, DCR twice, then no MCP call',
    sources: [claudeAiMcp(654), claudeAiMcp(100), claudeAiMcp(327), claudeAiMcp(294), claudeAiMcp(966)],
    symptom:
      'The server\'s logs show the unauthenticated probe (401), both metadata documents, dynamic client registration (twice, about a second apart), the consent and a 200 token response; then nothing reaches the MCP endpoint, and Claude.ai says "Authorization with the MCP server failed". The thread is open and names no server-side cause. Reproduced here is the cause Anthropic traced on reports with the same symptom (claude-ai-mcp#100, #327): Claude.ai did send the authenticated request, and a WAF or bot rule in front of the server refused it with its own 403 page, so the server\'s own logs end at the token. The simulated client registers once: the second registration is Claude.ai\'s own and was ruled out as the cause (claude-ai-mcp#966).',
    server: { preset: 'spec', profile: DCR_ONLY, rules: EDGE_REFUSES_AUTHENTICATED_CALL },
    clientId: 'claude-ai@2026-03',
    expect: { outcome: 'fail', step: 'initialize', messageIncludes: '403' },
    expectedLint: ['egress-blocked'],
    fix: 'Look past the server\'s own logs to the edge in front of it (CDN, WAF, reverse proxy) for the request after the token; exempt the MCP endpoint, /.well-known/*, /register and /token from bot rules and challenges, or allow Claude\'s egress range (160.79.104.0/21) and user agents. If nothing in front refused it, the thread\'s cause is still open: share the ofid_ reference with Anthropic.',
    fixedServer: { preset: 'spec', profile: DCR_ONLY },
  },
  {
    id: 'cursor-dcr-redirect-set-rejected',
    title: 'Cursor\'s three redirect URIs refused as a set',
    reference: 'bytebase/bytebase#20510, erp-mafia/accounted#2225: Cursor registers cursor://, https://www.cursor.com/… and a loopback URI in one DCR',
    sources: [githubIssue('bytebase/bytebase', 20510), githubIssue('erp-mafia/accounted', 2225), rfcUrl(8252, '7.3'), rfcUrl(7591, '2')],
    symptom: 'Cursor cannot connect: its one registration names cursor://anysphere.cursor-mcp/oauth/callback, https://www.cursor.com/agents/mcp/oauth/callback and http://localhost:8787/callback, and the server refuses the whole request with invalid_redirect_uri because not every URI is https.',
    server: { preset: 'spec', rules: HTTPS_ONLY_REGISTRATION },
    clientId: 'cursor',
    expect: { outcome: 'fail', step: 'oauth.register', messageIncludes: 'invalid_redirect_uri' },
    expectedLint: ['registration-rejects-redirect-uri'],
    fix: 'Judge each redirect URI, not the list: accept https callbacks, loopback http URIs on any port (RFC 8252 section 7.3) and private-use schemes such as cursor://, and check the one sent to /authorize against what was registered.',
    fixedServer: { preset: 'spec' },
  },
  {
    id: 'chatgpt-private-key-jwt-refused',
    title: 'ChatGPT\'s client assertion refused at the token endpoint',
    reference: 'Altinity/altinity-mcp#118, tableau/tableau-mcp#814, pomerium/pomerium#6692: ChatGPT registers by Client ID Metadata Document with private_key_jwt and the server refuses its signed token request',
    sources: [githubIssue('Altinity/altinity-mcp', 118), githubIssue('tableau/tableau-mcp', 814), githubIssue('pomerium/pomerium', 6692), rfcUrl(7523, '2.2')],
    symptom: 'ChatGPT gets through discovery, its metadata document and the consent, then the token endpoint answers 401 invalid_client to its client assertion, and the connector never connects (it does not fall back to an unauthenticated token request).',
    server: { preset: 'spec', toggles: { 'private-key-jwt': 'not-accepted' } },
    clientId: 'chatgpt@2026-09',
    expect: { outcome: 'fail', step: 'oauth.token', messageIncludes: 'invalid_client' },
    expectedLint: ['client-assertion-refused'],
    fix: 'Accept private_key_jwt for metadata-document clients: fetch the keys the document names (jwks_uri or jwks), verify the assertion (RFC 7523: iss = sub = client_id, aud = the token endpoint or issuer, exp, a jti used once), and advertise it in token_endpoint_auth_methods_supported next to none.',
    fixedServer: { preset: 'spec' },
  },
  {
    id: 'csharp-sdk-1765-discover-404',
    title: 'server/discover answered 404 "Invalid session ID" by a legacy server, and the client gives up',
    reference: 'modelcontextprotocol/csharp-sdk#1765 (fixed in #1766, 2026-07-29)',
    sources: [githubIssue('modelcontextprotocol/csharp-sdk', 1765), 'https://github.com/modelcontextprotocol/csharp-sdk/pull/1766', mcpSpec('2026-07-28', 'changelog')],
    symptom: 'Against a server that predates 2026-07-28, the C# client\'s server/discover probe (sent without Mcp-Session-Id) gets 404 "Invalid session ID", and the connection fails instead of falling back to initialize.',
    server: { preset: 'spec', rules: legacyDiscoverAnswer(404) },
    clientId: 'csharp-sdk@2026-07',
    expect: { outcome: 'fail', step: 'server/discover', messageIncludes: '404' },
    expectedLint: ['missing-session-404'],
    fix: 'A client bug, fixed in csharp-sdk#1766 (csharp-sdk@2026-08 falls back on 404 too): update the SDK. A legacy server can answer a request without a session id with 400, as the TS SDK does (the fixed server below), which older clients already read as "initialize first".',
    fixedServer: { preset: 'spec', rules: legacyDiscoverAnswer(400) },
  },
];

export class UnknownScenarioError extends Error {}

export function scenarioById(id: string): Scenario {
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (!scenario) throw new UnknownScenarioError(`Unknown scenario "${id}". Known scenarios: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  return scenario;
}

/**
 * Did the client fail where the report says? For `fixed`, did it connect without the
 * expected failure or warning? Returns the verdict and a sentence saying why.
 */
export function judgeScenario(scenario: Scenario, simulation: SimulationResult, fixed = false): { reproduced: boolean; explanation: string } {
  const { expect } = scenario;
  const atStep = simulation.steps.filter((s) => s.step === expect.step);
  const matches = (message: string) => !expect.messageIncludes || message.includes(expect.messageIncludes);
  if (fixed) {
    const warned = atStep.some((s) => s.outcome !== 'ok');
    const ok = simulation.ok && !warned;
    return {
      reproduced: ok,
      explanation: ok ? `with the fix, ${simulation.profileId} ${simulation.summary}` : `with the fix, ${simulation.profileId} still does not connect cleanly: ${simulation.summary}`,
    };
  }
  const hit = atStep.find((s) => s.outcome === expect.outcome && matches(s.message));
  const failedRightThere = expect.outcome === 'fail' ? !simulation.ok && simulation.failedAt === expect.step : true;
  if (hit && failedRightThere) {
    return { reproduced: true, explanation: `${simulation.profileId} ${expect.outcome === 'fail' ? 'failed' : 'warned'} at ${hit.title} as the report says (${scenario.reference}): ${hit.message}` };
  }
  return {
    reproduced: false,
    explanation: `expected ${simulation.profileId} to ${expect.outcome} at step "${expect.step}"${expect.messageIncludes ? ` mentioning "${expect.messageIncludes}"` : ''}; it ended: ${simulation.summary}`,
  };
}

/**
 * The lint half of a scenario's verdict: the broken server's capture must carry every finding
 * the scenario expects (the lint would have told the developer), the fixed server's none of them.
 */
export function judgeLint(scenario: Scenario, foundRuleIds: readonly string[], fixed = false): { ok: boolean; explanation: string } {
  const found = new Set(foundRuleIds);
  if (fixed) {
    const still = scenario.expectedLint.filter((id) => found.has(id));
    return { ok: still.length === 0, explanation: still.length ? `lint still reports ${still.join(', ')} with the fix` : 'lint is silent on it with the fix' };
  }
  const missing = scenario.expectedLint.filter((id) => !found.has(id));
  return {
    ok: missing.length === 0,
    explanation: missing.length ? `lint did not report ${missing.join(', ')} (it found: ${[...found].join(', ') || 'nothing'})` : `lint reports ${scenario.expectedLint.join(', ')}`,
  };
}

export class InvalidScenarioFileError extends Error {}

/** Reads a scenario file (JSON); the scenario must name a known client and well-formed expectations. */
export function parseScenarioFile(json: unknown): ScenarioFile {
  const file = json as Partial<ScenarioFile> | null;
  if (!file || typeof file !== 'object' || file.format !== 'mcp-handshake-inspector-scenario') {
    throw new InvalidScenarioFileError('not a scenario file: "format" must be "mcp-handshake-inspector-scenario"');
  }
  if (file.version !== 1) throw new InvalidScenarioFileError(`unsupported scenario file version ${String(file.version)}; this inspector reads version 1`);
  const s = file.scenario as Partial<Scenario> | undefined;
  const problems: string[] = [];
  if (!s || typeof s !== 'object') problems.push('"scenario" is missing');
  else {
    for (const field of ['id', 'title', 'reference', 'symptom', 'clientId', 'fix'] as const) if (typeof s[field] !== 'string') problems.push(`scenario.${field} must be a string`);
    if (typeof s.server !== 'object' || s.server === null) problems.push('scenario.server must be an object');
    if (typeof s.fixedServer !== 'object' || s.fixedServer === null) problems.push('scenario.fixedServer must be an object');
    if (!s.expect || !['fail', 'warn'].includes(s.expect.outcome) || typeof s.expect.step !== 'string') problems.push('scenario.expect needs outcome "fail" or "warn" and a step');
    if (!Array.isArray(s.expectedLint) || s.expectedLint.some((id) => typeof id !== 'string')) problems.push('scenario.expectedLint must be an array of lint rule ids');
    if (typeof s.clientId === 'string') {
      try {
        profileById(s.clientId);
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
  }
  if (problems.length) throw new InvalidScenarioFileError(`invalid scenario file: ${problems.join('; ')}`);
  return file as ScenarioFile;
}

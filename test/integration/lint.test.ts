import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { LINT_RULE_IDS, LINT_RULES, type LintFinding, type LintRuleId } from '../../src/shared/lint';
import type { BehaviorProfile } from '../../src/shared/profile';
import type { Matcher, Rule, Step } from '../../src/shared/rules';
import type { InspectorOptions } from '../../src/main/core/inspector';
import { lintExchanges } from '../../src/main/core/lint/engine';
import { LINT_RULE_DEFINITIONS } from '../../src/main/core/lint/rules';
import { simulate } from '../../src/main/core/simulator';
import { sdkSession } from '../helpers/sdkSession';
import { startInspector } from '../helpers/inspector';
import { callTool, listenUntil, modernRequest } from '../helpers/listenWire';
import { completeAuthorization, startReferenceServer } from '../helpers/server';
import { makeTestCertificates, reserveServer, serveProtectedMcp, startHttpsAs } from '../helpers/tlsAs';

// Every lint rule, from real exchanges: the reference server (a preset, a profile field or a
// toggle) or a front-door rule puts the fault on the wire, a real client (fetch, the MCP SDK
// client) walks into it, and the live lint must name it. The same probe against the
// spec-correct behaviour must give no finding at all.

type Running = Awaited<ReturnType<typeof startInspector>>;

/** What a probe talks to: the front door, and its origin (for URLs in bodies and metadata). */
interface Wire {
  origin: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/** Where a fault comes from: the reference server's profile, toggles, or rules in the front door. */
interface Setup {
  profile?: Partial<BehaviorProfile>;
  preset?: string;
  toggles?: Record<string, string>;
  rules?: (origin: string) => Rule[];
  /** Run the reference server on its own and put the inspector in front of it, with these options. */
  upstream?: Pick<InspectorOptions, 'rewriteOrigins' | 'rewriteHost'>;
  /** Put the inspector with --intercept-as in front of an MCP server whose AS is on another HTTPS origin (helpers/tlsAs.ts). */
  externalAs?: boolean;
  lint?: InspectorOptions['lint'];
}

interface LintCase {
  rule: LintRuleId;
  faulty: Setup;
  /** The spec-correct answer to the same probe (the auth switch is the only liberty taken). */
  spec: Setup;
  probe(wire: Wire): Promise<void>;
  /** A client-fault rule's probe against the faulty setup: the client errs (`probe` is its correct twin). */
  faultyProbe?(wire: Wire): Promise<void>;
  /** For a rule on the client's fault: what a spec-correct client does instead (else `probe` again). */
  specProbe?(wire: Wire): Promise<void>;
}

const NO_AUTH: Partial<BehaviorProfile> = { tokenRequired: 'none' };
const MCP_JSON = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const initializeBody = (protocolVersion = '2025-06-18') => ({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 'lint-test', version: '1.0.0' } } });
const TOOLS_LIST = { jsonrpc: '2.0', id: 2, method: 'tools/list' };

async function rpc(wire: Wire, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const response = await wire.fetch('/mcp', { method: 'POST', headers: { ...MCP_JSON, ...headers }, body: JSON.stringify(body) });
  await response.text();
  return response;
}

/** initialize, then the session header to send (none when the server issued none). */
async function initialize(wire: Wire, protocolVersion?: string): Promise<Record<string, string>> {
  const response = await rpc(wire, initializeBody(protocolVersion));
  const id = response.headers.get('mcp-session-id');
  return id ? { 'mcp-session-id': id } : {};
}

/** Opens GET /mcp, keeps it open `holdMs` when it is a stream, then closes it. */
async function openGetStream(wire: Wire, headers: Record<string, string>, holdMs = 0): Promise<number> {
  const controller = new AbortController();
  const response = await wire.fetch('/mcp', { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  if (!String(response.headers.get('content-type')).startsWith('text/event-stream')) {
    await response.text();
    return response.status;
  }
  // The stream's silence (or its pings) over this time is what the SSE rule judges.
  if (holdMs) await new Promise((resolve) => setTimeout(resolve, holdMs));
  controller.abort();
  return response.status;
}

const getJson = async (wire: Wire, path: string) => {
  const response = await wire.fetch(path);
  await response.text();
};

const register = (wire: Wire, redirectUris: string[], path = '/register') =>
  wire.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'lint-test', redirect_uris: redirectUris, grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' }),
  });

/** The authorization code flow by hand, as oauth clients do it: DCR, PKCE, consent, token. */
async function authorizationCodeFlow(wire: Wire, scope = 'mcp'): Promise<void> {
  const redirectUri = 'http://127.0.0.1:53682/callback';
  const registration = (await (await register(wire, [redirectUri])).json()) as { client_id: string };
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const resource = `${wire.origin}/mcp`;
  const authorize = new URL('/authorize', wire.origin);
  for (const [k, v] of Object.entries({ response_type: 'code', client_id: registration.client_id, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state: 'lint', scope, resource })) authorize.searchParams.set(k, v);
  const callback = await completeAuthorization(authorize);
  const token = await wire.fetch('/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: redirectUri, client_id: registration.client_id, code_verifier: verifier, resource }).toString(),
  });
  await token.text();
}

const rule = (id: string, match: Matcher[], steps: Step[]): Rule => ({ id, description: id, enabled: true, match, steps });
const jsonReply = (status: number, body: unknown, headers: Record<string, string> = {}): Step => ({ type: 'reply', status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** A JWT-shaped token with these claims (lint reads claims; it does not verify signatures). */
function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'ES256', typ: 'JWT', kid: 'lint' })}.${part(claims)}.${Buffer.from('not-a-signature').toString('base64url')}`;
}

/**
 * A subscriptions/listen stream for tool-list changes: once it is open, a conformance hook changes
 * the tool list; the stream is read until that change arrives (or the stream ends), then closed.
 */
async function listenForToolChange(wire: Wire): Promise<void> {
  await listenUntil(
    (path, init) => wire.fetch(path, init),
    'listen:1',
    { toolsListChanged: true },
    () => callTool((path, init) => wire.fetch(path, init), 'test_trigger_tool_change'),
    (messages) => messages.some((m) => m.method === 'notifications/tools/list_changed'),
  );
}

/** A listen stream answered in the server's place by the front door with these messages. */
const LISTEN: Matcher[] = [{ type: 'jsonrpc-method', methods: ['subscriptions/listen'] }];
const listenReply = (...messages: unknown[]): Step => ({ type: 'reply', status: 200, headers: { 'content-type': 'text/event-stream' }, body: messages.map((m) => `data: ${JSON.stringify(m)}\n\n`).join('') });
const LISTEN_TOOLS_CHANGED = { jsonrpc: '2.0', method: 'notifications/tools/list_changed', params: { _meta: { 'io.modelcontextprotocol/subscriptionId': 'listen:1' } } };
const LISTEN_ACK = { jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: { _meta: { 'io.modelcontextprotocol/subscriptionId': 'listen:1' }, notifications: { toolsListChanged: true } } };

const TOKEN_OK: Matcher[] = [{ type: 'phase', phases: ['token'] }, { type: 'status', statuses: [200] }];

/**
 * A 2026-07-28 client by hand: server/discover, tools/list, then `last` (a method, params and
 * header overrides), each with the `_meta` envelope and the headers derived from its body.
 */
async function modernSession(wire: Wire, last: { method: string; params?: Record<string, unknown>; headers?: Record<string, string> }): Promise<void> {
  const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
  const send = (id: number, method: string, params: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    rpc(wire, { jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } }, { 'mcp-protocol-version': '2026-07-28', 'mcp-method': method, ...(typeof params.name === 'string' ? { 'mcp-name': params.name } : {}), ...headers });
  await send(1, 'server/discover');
  await send(2, 'tools/list');
  await send(3, last.method, last.params, last.headers);
}
const REGIONAL_CALL = { name: 'regional_echo', arguments: { region: 'eu-west-1', message: 'lint' } };
const modernCall = (wire: Wire, headers: Record<string, string>) => modernSession(wire, { method: 'tools/call', params: REGIONAL_CALL, headers });
// Multi-round-trip requests (2026-07-28): the conformance preset's one-elicitation tool, called
// as a 2.x client does it (envelope, Mcp-* headers); JSON answers, so a rule can replace them.
const CONFORMANCE: Setup = { preset: 'conformance' };
const ELICITATION_TOOL = 'test_input_required_result_elicitation';
const TOOLS_CALL: Matcher[] = [{ type: 'jsonrpc-method', methods: ['tools/call'] }];
const USER_NAME = { user_name: { action: 'accept', content: { name: 'Ada' } } };

interface MrtrAnswer {
  result?: { resultType?: string; requestState?: string; inputRequests?: Record<string, unknown> };
  error?: { code: number; message: string };
}

async function mrtrCall(wire: Wire, id: number, extra: Record<string, unknown> = {}, capabilities: Record<string, unknown> = { elicitation: {} }): Promise<MrtrAnswer> {
  const body = {
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name: ELICITATION_TOOL, arguments: {}, ...extra, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': capabilities } },
  };
  const response = await wire.fetch('/mcp', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': ELICITATION_TOOL },
    body: JSON.stringify(body),
  });
  return (await response.json()) as MrtrAnswer;
}

/** Round 1, then the retry `retry` makes of its answer (spec-correct: a new id, every key answered, the state verbatim). */
const mrtrRetry =
  (retry: (state: string) => { id: number; extra: Record<string, unknown> } = (state) => ({ id: 2, extra: { inputResponses: USER_NAME, requestState: state } })) =>
  async (wire: Wire) => {
    const first = await mrtrCall(wire, 1);
    const { id, extra } = retry(first.result!.requestState!);
    await mrtrCall(wire, id, extra);
  };

const POST_SSE: Matcher[] = [{ type: 'path', glob: '/sse' }, { type: 'method', methods: ['POST'] }];
/** A legacy HTTP+SSE stream: the `endpoint` event, then (here) the end. */
const LEGACY_STREAM = rule('legacy-stream', [{ type: 'path', glob: '/sse' }, { type: 'method', methods: ['GET'] }], [{ type: 'reply', status: 200, headers: { 'content-type': 'text/event-stream' }, body: 'event: endpoint\ndata: /messages?sessionId=lint\n\n' }]);
const TOOLS_LIST_MATCH: Matcher[] = [{ type: 'jsonrpc-method', methods: ['tools/list'] }];
const sseReply = (body: string): Step => ({ type: 'reply', status: 200, headers: { 'content-type': 'text/event-stream' }, body });
const AS_METADATA_PATHS: Matcher[] = [{ type: 'path', glob: '/.well-known/oauth-authorization-server**' }];
const EXTERNAL_AS = 'https://auth.example.com';
const EXTERNAL_AS_METADATA = {
  issuer: EXTERNAL_AS,
  authorization_endpoint: `${EXTERNAL_AS}/authorize`,
  token_endpoint: `${EXTERNAL_AS}/token`,
  registration_endpoint: `${EXTERNAL_AS}/register`,
  response_types_supported: ['code'],
  code_challenge_methods_supported: ['S256'],
};
/** Protected Resource Metadata naming an authorization server on another host. */
const externalPrm = (origin: string) =>
  rule('external-as', [{ type: 'path', glob: '/.well-known/oauth-protected-resource**' }], [jsonReply(200, { resource: `${origin}/mcp`, authorization_servers: [EXTERNAL_AS] })]);
const LOOPBACK_REDIRECT = 'http://127.0.0.1:33418/callback';
const CURSOR_REDIRECTS = ['cursor://anysphere.cursor-mcp/oauth/callback', 'https://www.cursor.com/agents/mcp/oauth/callback', 'http://localhost:8787/callback'];

/** DCR with VS Code's loopback URI, then GET /authorize with these parameters (the redirect is not followed). */
async function authorizeRequest(wire: Wire, params: Record<string, string>): Promise<void> {
  const registration = (await (await register(wire, [LOOPBACK_REDIRECT])).json()) as { client_id: string };
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  const authorize = new URL('/authorize', wire.origin);
  for (const [k, v] of Object.entries({ response_type: 'code', client_id: registration.client_id, code_challenge: challenge, code_challenge_method: 'S256', state: 'lint', resource: `${wire.origin}/mcp`, ...params })) authorize.searchParams.set(k, v);
  await (await wire.fetch(`${authorize.pathname}${authorize.search}`, { redirect: 'manual' })).text();
}

/** GET /_as/0/authorize through --intercept-as for this client (the front door answers with the AS's URL; not followed). */
async function interceptedAuthorize(wire: Wire, client: { client_id: string }): Promise<void> {
  const authorize = new URL('/_as/0/authorize', wire.origin);
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  for (const [k, v] of Object.entries({ response_type: 'code', client_id: client.client_id, redirect_uri: LOOPBACK_REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 'lint', resource: `${wire.origin}/mcp` })) authorize.searchParams.set(k, v);
  await (await wire.fetch(`${authorize.pathname}${authorize.search}`, { redirect: 'manual' })).text();
}


// ---- 2026 client reports (issue 16 item 3)
/** A 2026-07-28 request by hand (envelope, mirrored headers); the body is read to its end. */
async function modern(wire: Wire, id: number, method: string, params: Record<string, unknown> = {}): Promise<Response> {
  const response = await wire.fetch('/mcp', modernRequest(id, method, params));
  await response.text();
  return response;
}
/** server/discover answered 200 to a request without a token, as a server that forgot it in its auth middleware does. */
const OPEN_DISCOVER = rule('open-discover', [{ type: 'jsonrpc-method', methods: ['server/discover'] }, { type: 'header', name: 'authorization', negate: true }], [
  jsonReply(200, { jsonrpc: '2.0', id: 1, result: { resultType: 'complete', supportedVersions: ['2026-07-28'], capabilities: { tools: {} }, serverInfo: { name: 'open-discover', version: '1.0.0' } } }),
]);
/** Claude.ai's Client ID Metadata Document URL and its callback (a built-in document stands in when the URL can't be fetched). */
const CLAUDE_AI_CIMD = 'https://claude.ai/oauth/mcp-oauth-client-metadata';
const CLAUDE_AI_CALLBACK = 'https://claude.ai/api/mcp/auth_callback';
/** GET /authorize for a metadata-document client (the redirect is not followed). */
async function cimdAuthorize(wire: Wire): Promise<void> {
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  const authorize = new URL('/authorize', wire.origin);
  for (const [k, v] of Object.entries({ response_type: 'code', client_id: CLAUDE_AI_CIMD, redirect_uri: CLAUDE_AI_CALLBACK, code_challenge: challenge, code_challenge_method: 'S256', state: 'lint', scope: 'mcp', resource: `${wire.origin}/mcp` })) authorize.searchParams.set(k, v);
  await (await wire.fetch(`${authorize.pathname}${authorize.search}`, { redirect: 'manual' })).text();
}
/** The idle limit the listen cases scale down to (from 30 s), and how long a stream is held past it. */
const LISTEN_IDLE: Setup['lint'] = { sseIdleLimitMs: 400 };
const ADVERTISES_EVERYTHING = rule('sdk-default-capabilities', [{ type: 'jsonrpc-method', methods: ['server/discover'] }], [
  {
    type: 'replace-body',
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      result: { resultType: 'complete', supportedVersions: ['2026-07-28'], capabilities: { tools: { listChanged: true }, prompts: { listChanged: true }, resources: { listChanged: true, subscribe: true } }, _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'sdk-defaults', version: '1.0.0' } } },
    }),
    contentType: 'application/json',
  },
]);
/** A listen stream held open past the (scaled-down) idle limit, then closed: the silence is what the rule measures. */
const holdListen = (wire: Wire, notifications: Record<string, unknown>) =>
  listenUntil((path, init) => wire.fetch(path, init), 'listen:1', notifications, () => new Promise((resolve) => setTimeout(resolve, 1000)), (messages) => messages.length > 0);

const CASES: LintCase[] = [
  {
    rule: 'notification-not-202',
    faulty: { profile: { ...NO_AUTH, notificationStatus: 204 } },
    spec: { profile: NO_AUTH },
    async probe(wire) {
      await rpc(wire, { jsonrpc: '2.0', method: 'notifications/initialized' }, await initialize(wire));
    },
  },
  {
    rule: 'get-mcp-501',
    faulty: { profile: { ...NO_AUTH, getStream: 501 } },
    spec: { profile: NO_AUTH },
    probe: async (wire) => void (await openGetStream(wire, await initialize(wire))),
  },
  {
    rule: 'get-mcp-not-405',
    faulty: { profile: { ...NO_AUTH, getStream: 404 } },
    spec: { profile: NO_AUTH },
    probe: async (wire) => {
      await initialize(wire);
      await openGetStream(wire, {}); // without the session: 400 is right when sessions are issued
    },
  },
  {
    rule: 'strict-accept-406',
    faulty: { profile: { ...NO_AUTH, acceptCheck: 'strict' } },
    spec: { profile: NO_AUTH },
    probe: async (wire) => void (await rpc(wire, initializeBody(), { accept: 'application/json' })),
  },
  {
    rule: 'protocol-version-header-required',
    faulty: { profile: NO_AUTH, toggles: { 'require-protocol-version': '400' } },
    spec: { profile: NO_AUTH },
    probe: async (wire) => void (await rpc(wire, TOOLS_LIST, await initialize(wire))),
  },
  {
    rule: 'jsonrpc-id-mismatch',
    faulty: { profile: NO_AUTH, rules: () => [rule('wrong-id', [{ type: 'jsonrpc-method', methods: ['tools/list'] }], [{ type: 'replace-body', body: JSON.stringify({ jsonrpc: '2.0', id: 999, result: { tools: [] } }), contentType: 'application/json' }])] },
    spec: { profile: NO_AUTH },
    probe: async (wire) => void (await rpc(wire, TOOLS_LIST, { ...(await initialize(wire)), 'mcp-protocol-version': '2025-06-18' })),
  },
  {
    rule: 'sse-without-pings',
    // Scaled down from 15 s pings and a 30 s limit: pings every 25 ms, a 400 ms limit, 1 s open.
    faulty: { profile: { ...NO_AUTH, pingIntervalMs: 0 }, lint: { sseIdleLimitMs: 400 } },
    spec: { profile: { ...NO_AUTH, pingIntervalMs: 25 }, lint: { sseIdleLimitMs: 400 } },
    probe: async (wire) => void (await openGetStream(wire, { ...(await initialize(wire)), 'mcp-protocol-version': '2025-06-18' }, 1000)),
  },
  {
    rule: 'cors-missing',
    faulty: { profile: NO_AUTH, rules: () => [rule('no-cors', [], [{ type: 'set-headers', remove: ['Access-Control-Allow-Origin'] }])] },
    spec: { profile: NO_AUTH },
    probe: async (wire) => void (await rpc(wire, initializeBody(), { origin: 'http://localhost:6274' })),
  },
  {
    // The MCP SDK's hostHeaderValidation answer, word for word, as a server behind a tunnel gives it.
    rule: 'host-rejected',
    faulty: { profile: NO_AUTH, rules: () => [rule('sdk-allowed-hosts', [], [jsonReply(403, { jsonrpc: '2.0', error: { code: -32000, message: 'Invalid Host: calm-fox-12.loca.lt' }, id: null })])] },
    spec: { profile: NO_AUTH },
    probe: async (wire) => void (await rpc(wire, initializeBody())),
  },
  {
    rule: 'listen-ack-not-first',
    faulty: { preset: 'conformance', rules: () => [rule('change-before-ack', LISTEN, [listenReply(LISTEN_TOOLS_CHANGED, LISTEN_ACK)])] },
    spec: { preset: 'conformance' },
    probe: listenForToolChange,
  },
  {
    rule: 'listen-subscription-id-mismatch',
    faulty: { preset: 'conformance', rules: () => [rule('untagged', LISTEN, [listenReply(LISTEN_ACK, { jsonrpc: '2.0', method: 'notifications/tools/list_changed' })])] },
    spec: { preset: 'conformance' },
    probe: listenForToolChange,
  },
  {
    rule: 'listen-notification-outside-filter',
    faulty: {
      preset: 'conformance',
      rules: () => [rule('leaky', LISTEN, [listenReply(LISTEN_ACK, { jsonrpc: '2.0', method: 'notifications/prompts/list_changed', params: { _meta: { 'io.modelcontextprotocol/subscriptionId': 'listen:1' } } })])],
    },
    spec: { preset: 'conformance' },
    probe: listenForToolChange,
  },
  {
    rule: 'initialize-missing-session-id',
    faulty: { profile: { ...NO_AUTH, sessionId: 'omit' } },
    spec: { profile: NO_AUTH },
    probe: async (wire) => void (await initialize(wire)),
  },
  {
    rule: 'session-id-not-enforced',
    faulty: {
      profile: NO_AUTH,
      rules: () => [rule('sessionless-ok', [{ type: 'jsonrpc-method', methods: ['tools/list'] }, { type: 'header', name: 'mcp-session-id', negate: true }], [jsonReply(200, { jsonrpc: '2.0', id: 2, result: { tools: [] } })])],
    },
    spec: { profile: NO_AUTH },
    probe: async (wire) => {
      await initialize(wire);
      await rpc(wire, TOOLS_LIST, { 'mcp-protocol-version': '2025-06-18' });
    },
  },
  {
    rule: 'unknown-session-400',
    faulty: { profile: NO_AUTH, toggles: { 'expired-session': '400' } },
    spec: { profile: NO_AUTH },
    probe: async (wire) => {
      await initialize(wire);
      await rpc(wire, TOOLS_LIST, { 'mcp-session-id': 'expired-or-never-issued', 'mcp-protocol-version': '2025-06-18' });
    },
  },
  {
    rule: 'protocol-version-mismatch',
    // A server that echoes 2024-11-05 to one client and answers another one's 2024-11-05 with
    // 2025-06-18 (an instance with a hard-coded version behind the same URL). Answering a newer
    // version alone is no fault: the server may not support the older one.
    faulty: {
      profile: NO_AUTH,
      rules: () => [
        rule('hard-coded-version', [{ type: 'jsonrpc-method', methods: ['initialize'] }, { type: 'header', name: 'x-instance', contains: 'b' }], [
          { type: 'replace-body', body: JSON.stringify({ jsonrpc: '2.0', id: 1, result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 'instance-b', version: '1.0.0' } } }), contentType: 'application/json' },
        ]),
      ],
    },
    spec: { profile: NO_AUTH },
    probe: async (wire) => {
      await initialize(wire, '2024-11-05');
      await rpc(wire, initializeBody('2024-11-05'), { 'x-instance': 'b' });
    },
  },
  {
    rule: 'version-negotiation-error',
    faulty: {
      profile: NO_AUTH,
      rules: () => [rule('refuse-version', [{ type: 'jsonrpc-method', methods: ['initialize'] }], [jsonReply(400, { jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'Unsupported protocol version: 2024-11-05' } })])],
    },
    spec: { profile: NO_AUTH },
    probe: async (wire) => void (await initialize(wire, '2024-11-05')),
  },
  {
    rule: 'header-body-mismatch',
    faulty: { profile: NO_AUTH },
    spec: { profile: NO_AUTH },
    // The client errs: it leaves out the Mcp-Param-Region header regional_echo's schema asks for.
    probe: (wire) => modernCall(wire, { 'mcp-param-region': 'eu-west-1' }),
    faultyProbe: (wire) => modernCall(wire, {}),
  },
  {
    rule: 'protocol-version-header-meta-mismatch',
    faulty: { profile: NO_AUTH },
    spec: { profile: NO_AUTH },
    // The client errs as claude-code#93290 reports: its header names 2025-11-25, its _meta 2026-07-28.
    probe: (wire) => modernSession(wire, { method: 'prompts/list' }),
    faultyProbe: (wire) => modernSession(wire, { method: 'prompts/list', headers: { 'mcp-protocol-version': '2025-11-25' } }),
  },
  {
    rule: 'header-mismatch-not-rejected',
    faulty: { profile: NO_AUTH, rules: () => [rule('takes-any-call', [{ type: 'jsonrpc-method', methods: ['tools/call'] }], [jsonReply(200, { jsonrpc: '2.0', id: 3, result: { resultType: 'complete', content: [{ type: 'text', text: 'ran anyway' }] } })])] },
    spec: { profile: NO_AUTH },
    probe: (wire) => modernCall(wire, { 'mcp-param-region': 'eu-west-1' }),
    faultyProbe: (wire) => modernCall(wire, { 'mcp-param-region': 'us-east-1' }),
  },
  {
    rule: 'result-type-invalid',
    faulty: { profile: NO_AUTH, rules: () => [rule('no-result-type', [{ type: 'jsonrpc-method', methods: ['prompts/list'] }], [{ type: 'replace-body', body: JSON.stringify({ jsonrpc: '2.0', id: 3, result: { prompts: [] } }), contentType: 'application/json' }])] },
    spec: { profile: NO_AUTH },
    probe: (wire) => modernSession(wire, { method: 'prompts/list' }),
  },
  {
    rule: 'unauthorized-without-challenge',
    faulty: { rules: () => [rule('strip-challenge', [{ type: 'status', statuses: [401] }], [{ type: 'set-headers', remove: ['WWW-Authenticate'] }])] },
    spec: {},
    probe: async (wire) => void (await rpc(wire, initializeBody())),
  },
  {
    rule: 'challenge-without-resource-metadata',
    faulty: { profile: { challengeResourceMetadata: false } },
    spec: {},
    probe: async (wire) => void (await rpc(wire, initializeBody())),
  },
  {
    rule: 'lazy-auth-initialize',
    faulty: { profile: NO_AUTH }, // no token needed, yet the metadata still says OAuth
    spec: {},
    probe: async (wire) => {
      await rpc(wire, initializeBody());
      await getJson(wire, '/.well-known/oauth-protected-resource/mcp');
    },
  },
  {
    rule: 'token-validated-on-initialize',
    faulty: { preset: 'reference-001-before-fixes' },
    spec: {},
    probe: async (wire) => void (await sdkSession(wire)),
  },
  {
    rule: 'token-rejected-after-issue',
    // The Claude.ai + Auth0 logs' server with only the initialize fix: initialize passes on the
    // session, and the encrypted token is then checked against the JWKS alone from tools/list on.
    faulty: { profile: { tokenRequired: 'all-but-handshake', accessTokenFormat: 'jwe-like', tokenValidation: 'jwks-only', getStream: 405 } },
    spec: {},
    probe: async (wire) => void (await sdkSession(wire)),
  },
  {
    rule: 'well-known-behind-auth',
    faulty: { rules: () => [rule('auth-everywhere', [{ type: 'path', glob: '/.well-known/**' }], [jsonReply(401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer' })])] },
    spec: {},
    probe: (wire) => getJson(wire, '/.well-known/oauth-protected-resource/mcp'),
  },
  {
    rule: 'discovery-not-json',
    faulty: { rules: () => [rule('spa-fallback', [{ type: 'path', glob: '/.well-known/oauth-authorization-server' }], [{ type: 'reply', status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><title>Sign in</title>' }])] },
    spec: {},
    probe: (wire) => getJson(wire, '/.well-known/oauth-authorization-server'),
  },
  {
    rule: 'prm-resource-mismatch',
    // The upstream names its own origin and the inspector is told not to rewrite it: what a
    // client reaching a server through a proxy or tunnel sees (the TS SDK's "Protected resource … does not match expected …").
    faulty: { upstream: { rewriteOrigins: false, rewriteHost: true } },
    spec: { upstream: { rewriteOrigins: true, rewriteHost: true } },
    probe: async (wire) => {
      await rpc(wire, initializeBody());
      await getJson(wire, '/.well-known/oauth-protected-resource/mcp');
    },
  },
  {
    rule: 'prm-without-authorization-servers',
    faulty: { rules: (origin) => [rule('bare-prm', [{ type: 'path', glob: '/.well-known/oauth-protected-resource/**' }], [jsonReply(200, { resource: `${origin}/mcp`, bearer_methods_supported: ['header'] })])] },
    spec: {},
    probe: (wire) => getJson(wire, '/.well-known/oauth-protected-resource/mcp'),
  },
  {
    rule: 'as-metadata-without-s256',
    faulty: {
      rules: (origin) => [
        rule('no-pkce', [{ type: 'path', glob: '/.well-known/oauth-authorization-server' }], [
          jsonReply(200, { issuer: origin, authorization_endpoint: `${origin}/authorize`, token_endpoint: `${origin}/token`, registration_endpoint: `${origin}/register`, response_types_supported: ['code'], code_challenge_methods_supported: ['plain'] }),
        ]),
      ],
    },
    spec: {},
    probe: (wire) => getJson(wire, '/.well-known/oauth-authorization-server'),
  },
  {
    rule: 'as-metadata-without-registration',
    faulty: { profile: { dynamicClientRegistration: false, clientIdMetadataDocuments: 'off' } },
    spec: {},
    probe: (wire) => getJson(wire, '/.well-known/oauth-authorization-server'),
  },
  {
    // CIMD advertised, "none" dropped from the token endpoint's methods: Claude.ai falls back to DCR.
    rule: 'cimd-without-none',
    faulty: { toggles: { 'private-key-jwt': 'without-none' } },
    spec: {},
    probe: async (wire) => {
      await getJson(wire, '/.well-known/oauth-authorization-server');
      await getJson(wire, '/.well-known/openid-configuration');
    },
  },
  {
    rule: 'oauth-error-not-rfc6749',
    faulty: { toggles: { 'oauth-error-body': 'framework-404' } },
    spec: {},
    probe: async (wire) => void (await (await register(wire, ['http://evil.example/callback'])).text()),
  },
  {
    rule: 'registration-rejects-redirect-uri',
    faulty: { rules: () => [rule('picky-dcr', [{ type: 'path', glob: '/register' }], [jsonReply(400, { error: 'invalid_redirect_uri', error_description: 'redirect_uri is not on the allow list' })])] },
    spec: {},
    probe: async (wire) => void (await (await register(wire, ['https://claude.ai/api/mcp/auth_callback'])).text()),
  },
  {
    rule: 'invalid-client-400',
    faulty: { toggles: { 'invalid-client-status': '400' } },
    spec: {},
    probe: async (wire) => {
      const response = await wire.fetch('/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'from-a-deleted-client', client_id: 'deleted-client' }).toString(),
      });
      await response.text();
    },
  },
  {
    rule: 'missing-session-404',
    // A legacy server answering the 2026-07-28 discovery probe as if a session had expired (csharp-sdk#1765).
    faulty: { rules: () => [rule('discover-404', [{ type: 'jsonrpc-method', methods: ['server/discover'] }], [{ type: 'reply', status: 404, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Invalid session ID' } }) }])] },
    spec: {},
    probe: async (wire) => {
      const response = await wire.fetch('/mcp', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: {} }),
      });
      await response.text();
    },
  },
  {
    rule: 'client-assertion-refused',
    faulty: { toggles: { 'private-key-jwt': 'not-accepted' } },
    spec: {},
    probe: async (wire) => {
      // Metadata first (the rule reads what it offers), then a token request signed with a client
      // assertion: refused as a method where private_key_jwt isn't offered, as this assertion only on spec.
      await (await wire.fetch('/.well-known/oauth-authorization-server')).text();
      const response = await wire.fetch('/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: 'some-code',
          client_id: 'https://client.example/metadata.json',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln',
        }).toString(),
      });
      await response.text();
    },
  },
  {
    rule: 'token-response-without-token-type',
    faulty: { rules: () => [rule('no-token-type', TOKEN_OK, [{ type: 'replace-body', body: JSON.stringify({ access_token: 'opaque-token', expires_in: 3600 }), contentType: 'application/json' }])] },
    spec: {},
    probe: authorizationCodeFlow,
  },
  {
    rule: 'token-response-without-expires-in',
    faulty: { rules: () => [rule('no-expiry', TOKEN_OK, [{ type: 'replace-body', body: JSON.stringify({ access_token: 'opaque-token', token_type: 'Bearer' }), contentType: 'application/json' }])] },
    spec: {},
    probe: authorizationCodeFlow,
  },
  {
    rule: 'token-audience-mismatch',
    faulty: {
      rules: (origin) => [
        rule('wrong-audience', TOKEN_OK, [{ type: 'replace-body', body: JSON.stringify({ access_token: unsignedJwt({ iss: origin, aud: origin, sub: 'user' }), token_type: 'Bearer', expires_in: 3600 }), contentType: 'application/json' }]),
      ],
    },
    spec: {},
    probe: authorizationCodeFlow,
  },
  {
    rule: 'granted-scope-unsupported',
    faulty: { profile: { scopeGrant: 'grant-any' } },
    spec: {},
    async probe(wire) {
      // Discovery first, as clients do: the metadata says what the server supports.
      await getJson(wire, '/.well-known/oauth-protected-resource/mcp');
      await getJson(wire, '/.well-known/oauth-authorization-server');
      await authorizationCodeFlow(wire, 'mcp admin');
    },
  },
  {
    rule: 'mrtr-state-not-echoed',
    faulty: CONFORMANCE,
    spec: CONFORMANCE,
    probe: mrtrRetry((state) => ({ id: 2, extra: { inputResponses: USER_NAME, requestState: `${state}x` } })),
    specProbe: mrtrRetry(),
  },
  {
    rule: 'mrtr-retry-reused-id',
    faulty: CONFORMANCE,
    spec: CONFORMANCE,
    probe: mrtrRetry((state) => ({ id: 1, extra: { inputResponses: USER_NAME, requestState: state } })),
    specProbe: mrtrRetry(),
  },
  {
    rule: 'mrtr-input-responses-missing',
    faulty: CONFORMANCE,
    spec: CONFORMANCE,
    probe: mrtrRetry((state) => ({ id: 2, extra: { inputResponses: {}, requestState: state } })),
    specProbe: mrtrRetry(),
  },
  {
    rule: 'mrtr-abandoned',
    faulty: CONFORMANCE,
    spec: CONFORMANCE,
    // The client calls the tool afresh instead of answering: the first call never completes.
    probe: async (wire) => {
      await mrtrCall(wire, 1);
      await mrtrCall(wire, 2);
    },
    specProbe: mrtrRetry(),
  },
  {
    rule: 'mrtr-input-required-incomplete',
    faulty: { ...CONFORMANCE, rules: () => [rule('empty-input-required', TOOLS_CALL, [{ type: 'replace-body', body: JSON.stringify({ jsonrpc: '2.0', id: 1, result: { resultType: 'input_required' } }), contentType: 'application/json' }])] },
    spec: CONFORMANCE,
    probe: async (wire) => void (await mrtrCall(wire, 1)),
  },
  {
    rule: 'mrtr-input-capability-undeclared',
    faulty: {
      ...CONFORMANCE,
      rules: () => [
        rule('asks-for-sampling', TOOLS_CALL, [
          {
            type: 'replace-body',
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, result: { resultType: 'input_required', inputRequests: { capital: { method: 'sampling/createMessage', params: { messages: [], maxTokens: 10 } } }, requestState: 's' } }),
            contentType: 'application/json',
          },
        ]),
      ],
    },
    spec: CONFORMANCE,
    probe: async (wire) => void (await mrtrCall(wire, 1)),
  },
  {
    // A legacy HTTP+SSE server that takes any POST on its SSE URL with 200: the client's
    // Streamable HTTP initialize, then the GET that shows what the server really speaks.
    rule: 'legacy-sse-post-accepted',
    faulty: { profile: NO_AUTH, rules: () => [rule('post-200', POST_SSE, [{ type: 'reply', status: 200, headers: { 'content-type': 'text/plain' }, body: 'Accepted' }]), LEGACY_STREAM] },
    spec: { profile: NO_AUTH, rules: () => [rule('post-405', POST_SSE, [{ type: 'reply', status: 405, headers: { allow: 'GET' } }]), LEGACY_STREAM] },
    probe: async (wire) => {
      await (await wire.fetch('/sse', { method: 'POST', headers: MCP_JSON, body: JSON.stringify(initializeBody()) })).text();
      await getJson(wire, '/sse');
    },
  },
  {
    // The server ends the SSE answer to tools/list before the response: with neither an event id
    // nor retry (faulty), or primed with both so the client can resume (spec).
    rule: 'sse-closed-without-retry',
    faulty: { profile: NO_AUTH, rules: () => [rule('early-close', TOOLS_LIST_MATCH, [sseReply(`data: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'working' } })}\n\n`)])] },
    spec: { profile: NO_AUTH, rules: () => [rule('early-close-primed', TOOLS_LIST_MATCH, [sseReply('id: tools-1\ndata: \n\nretry: 1000\n\n')])] },
    probe: async (wire) => void (await rpc(wire, TOOLS_LIST, { ...(await initialize(wire, '2025-11-25')), 'mcp-protocol-version': '2025-11-25' })),
  },
  {
    rule: 'prm-single-location',
    faulty: { rules: () => [rule('no-root-prm', [{ type: 'path', glob: '/.well-known/oauth-protected-resource' }], [jsonReply(404, { error: 'not_found' })])] },
    spec: {},
    probe: async (wire) => {
      await getJson(wire, '/.well-known/oauth-protected-resource/mcp');
      await getJson(wire, '/.well-known/oauth-protected-resource');
    },
  },
  {
    // The PRM names an authorization server on another host; ChatGPT asks the MCP host anyway.
    rule: 'as-metadata-missing-on-mcp-host',
    faulty: { rules: (origin) => [externalPrm(origin), rule('no-as-metadata', AS_METADATA_PATHS, [jsonReply(404, { error: 'not_found' })])] },
    spec: { rules: (origin) => [externalPrm(origin), rule('proxied-as-metadata', AS_METADATA_PATHS, [jsonReply(200, EXTERNAL_AS_METADATA)])] },
    probe: async (wire) => {
      await getJson(wire, '/.well-known/oauth-protected-resource/mcp');
      await getJson(wire, '/.well-known/oauth-authorization-server');
      await getJson(wire, '/.well-known/oauth-authorization-server/mcp');
    },
  },
  {
    rule: 'www-authenticate-malformed',
    faulty: { rules: (origin) => [rule('lowercase-bearer', [{ type: 'path', glob: '/mcp' }], [jsonReply(401, { error: 'invalid_token' }, { 'WWW-Authenticate': `bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"` })])] },
    spec: {},
    probe: async (wire) => void (await rpc(wire, initializeBody())),
  },
  {
    // A bot rule in front of the server: Claude.ai's discovery UA gets a challenge page, a browser passes.
    rule: 'egress-blocked',
    faulty: { rules: () => [rule('bot-fight', [{ type: 'header', name: 'user-agent', contains: 'python-httpx' }], [{ type: 'reply', status: 403, headers: { 'content-type': 'text/html; charset=UTF-8' }, body: '<!DOCTYPE html><title>Attention Required! | Cloudflare</title>' }])] },
    spec: {},
    probe: async (wire) => {
      await getJson(wire, '/.well-known/oauth-protected-resource/mcp');
      await (await wire.fetch('/.well-known/oauth-protected-resource/mcp', { headers: { 'user-agent': 'python-httpx/0.28.1' } })).text();
    },
  },
  {
    rule: 'registration-response-invalid',
    faulty: {
      rules: () => [
        rule('sloppy-dcr', [{ type: 'path', glob: '/register' }], [jsonReply(201, { client_id: 'lint-client', client_id_issued_at: '2026-12-05T12:00:00Z', client_secret: 'shh', client_uri: '', logo_uri: null, redirect_uris: ['http://127.0.0.1/callback'] })]),
      ],
    },
    spec: {},
    probe: async (wire) => void (await (await register(wire, [LOOPBACK_REDIRECT])).text()),
  },
  {
    // Registered with one port, the client listens on another (VS Code's fallback from 33418).
    rule: 'loopback-redirect-port-exact',
    faulty: { rules: () => [rule('exact-redirect', [{ type: 'path', glob: '/authorize' }], [{ type: 'reply', status: 400, headers: { 'content-type': 'text/html' }, body: '<h1>Invalid redirect_uri</h1><p>redirect_uri does not match a registered URI</p>' }])] },
    spec: {},
    probe: (wire) => authorizeRequest(wire, { redirect_uri: 'http://127.0.0.1:51234/callback', scope: 'mcp' }),
  },
  {
    // ChatGPT's reconnect: no scope at all.
    rule: 'authorize-scope-rejected',
    faulty: { rules: () => [rule('scope-required', [{ type: 'path', glob: '/authorize' }], [{ type: 'reply', status: 302, headers: { location: `${LOOPBACK_REDIRECT}?error=invalid_scope&error_description=scope+is+required&state=lint` } }])] },
    spec: {},
    probe: (wire) => authorizeRequest(wire, { redirect_uri: LOOPBACK_REDIRECT }),
  },
  {
    // The client's fault: the version header twice over, comma-joined (different-ai/openwork#3944).
    rule: 'protocol-version-header-list',
    faulty: { profile: NO_AUTH },
    spec: { profile: NO_AUTH },
    probe: async (wire) => void (await rpc(wire, TOOLS_LIST, { ...(await initialize(wire)), 'mcp-protocol-version': '2025-06-18' })),
    faultyProbe: async (wire) => void (await rpc(wire, TOOLS_LIST, { ...(await initialize(wire)), 'mcp-protocol-version': '2025-06-18, 2025-06-18' })),
  },
  {
    // Cursor's three redirect URIs in one DCR, refused as a set (faulty) or registered (spec).
    rule: 'registration-mixed-redirect-schemes',
    faulty: { rules: () => [rule('https-only-dcr', [{ type: 'path', glob: '/register' }], [jsonReply(400, { error: 'invalid_redirect_uri', error_description: 'redirect_uris must all use https' })])] },
    spec: {},
    probe: async (wire) => void (await (await register(wire, CURSOR_REDIRECTS)).text()),
  },
  {
    // --intercept-as: a client the front door can't relay (not registered through it) vs one it registered.
    rule: 'as-intercept-blind-leg',
    faulty: { externalAs: true },
    spec: { externalAs: true },
    probe: async (wire) => void (await interceptedAuthorize(wire, (await (await register(wire, [LOOPBACK_REDIRECT], '/_as/0/register')).json()) as { client_id: string })),
    faultyProbe: async (wire) => void (await interceptedAuthorize(wire, { client_id: 'pre-registered-at-the-as' })),
  },
  {
    // The client's fault: it read metadata naming /oauth/authorize and went to /authorize (vscode#315235).
    rule: 'authorize-endpoint-not-from-metadata',
    faulty: { rules: (origin) => [rule('as-under-a-path', [{ type: 'path', glob: '/.well-known/oauth-authorization-server' }], [jsonReply(200, { ...EXTERNAL_AS_METADATA, issuer: origin, authorization_endpoint: `${origin}/oauth/authorize`, token_endpoint: `${origin}/token`, registration_endpoint: `${origin}/register` })])] },
    spec: {},
    probe: async (wire) => {
      await getJson(wire, '/.well-known/oauth-authorization-server');
      await authorizeRequest(wire, { redirect_uri: LOOPBACK_REDIRECT, scope: 'mcp' });
    },
  },
  // ---- hosted authorization servers (issue 17): a client's discovery as the SDK does it, PRM then metadata
  {
    rule: 'as-metadata-issuer-mismatch',
    faulty: { toggles: { 'issuer-trailing-slash': 'added' } },
    spec: {},
    probe: async (wire) => {
      await getJson(wire, '/.well-known/oauth-protected-resource/mcp');
      await getJson(wire, '/.well-known/oauth-authorization-server');
    },
  },
  {
    rule: 'as-metadata-openid-only',
    faulty: { toggles: { 'as-metadata': 'openid-only' } },
    spec: {},
    probe: async (wire) => {
      await getJson(wire, '/.well-known/oauth-authorization-server');
      await getJson(wire, '/.well-known/openid-configuration');
    },
  },
  {
    rule: 'registration-requires-initial-access-token',
    faulty: { toggles: { dcr: 'initial-access-token' } },
    spec: {},
    probe: async (wire) => void (await (await register(wire, [LOOPBACK_REDIRECT])).text()),
  },
  {
    // Auth0's token without audience: encrypted, no kid (the built-in server's jwe-like format).
    rule: 'access-token-without-kid',
    faulty: { profile: { accessTokenFormat: 'jwe-like' } },
    spec: {},
    probe: authorizationCodeFlow,
  },
  // ---- 2026 client reports (issue 16 item 3)
  {
    // claude-code#84299: discovery lets the tokenless client in, its tool list does not.
    rule: 'discover-without-auth',
    faulty: { rules: () => [OPEN_DISCOVER] },
    spec: {},
    probe: async (wire) => {
      await modern(wire, 1, 'server/discover');
      await modern(wire, 2, 'tools/list');
    },
  },
  {
    // The client's fault (claude-code#80731): after the 401 it goes to the AS metadata on the MCP host, PRM unread.
    rule: 'prm-not-fetched',
    faulty: {},
    spec: {},
    probe: async (wire) => {
      await rpc(wire, initializeBody());
      await getJson(wire, '/.well-known/oauth-protected-resource/mcp');
      await getJson(wire, '/.well-known/oauth-authorization-server');
    },
    faultyProbe: async (wire) => {
      await rpc(wire, initializeBody());
      await getJson(wire, '/.well-known/oauth-authorization-server');
    },
  },
  {
    // The client's fault (claude-ai-mcp#823): an authless server answered initialize 200, and the client registers anyway.
    rule: 'oauth-on-authless-server',
    faulty: { preset: 'no-auth' },
    spec: { preset: 'no-auth' },
    probe: async (wire) => {
      const session = await initialize(wire);
      await getJson(wire, '/.well-known/oauth-protected-resource/mcp');
      await rpc(wire, TOOLS_LIST, { ...session, 'mcp-protocol-version': '2025-06-18' });
    },
    faultyProbe: async (wire) => {
      await initialize(wire);
      await getJson(wire, '/.well-known/oauth-protected-resource/mcp');
      await (await register(wire, [LOOPBACK_REDIRECT])).text();
    },
  },
  {
    // claude-ai-mcp#518: the document's host answers 404, and the built-in AS refuses the authorization request naming it.
    rule: 'client-metadata-document-unavailable',
    faulty: { toggles: { 'cimd-document': '404' } },
    spec: {},
    probe: cimdAuthorize,
  },
  {
    // python-sdk#3493: a server/discover advertising every list change and resource subscriptions (what its
    // MCPServer derives from the listen handler alone), then a listen stream with nothing to say.
    rule: 'listen-held-open-idle',
    faulty: { ...CONFORMANCE, lint: LISTEN_IDLE, rules: () => [ADVERTISES_EVERYTHING] },
    spec: { ...CONFORMANCE, lint: LISTEN_IDLE, rules: () => [ADVERTISES_EVERYTHING] },
    probe: async (wire) => {
      await modern(wire, 1, 'server/discover');
      await listenForToolChange(wire);
    },
    faultyProbe: async (wire) => {
      await modern(wire, 1, 'server/discover');
      await holdListen(wire, { toolsListChanged: true });
    },
  },
];

describe('lint rules on real exchanges', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(setup: Setup): Promise<Running> {
    const server = { preset: setup.preset, profile: setup.profile, lint: setup.lint };
    let running: Running;
    if (setup.externalAs) {
      const certs = await makeTestCertificates();
      const { server: reserved, mcpUrl } = await reserveServer();
      const as = await startHttpsAs(certs, mcpUrl);
      cleanups.push(as.close);
      cleanups.push(serveProtectedMcp(reserved, mcpUrl, as).close);
      running = await startInspector({ upstream: mcpUrl.origin, interceptAs: true, interceptAsCa: certs.caPem, lint: server.lint });
    } else if (setup.upstream) {
      const upstream = await startReferenceServer({ preset: setup.preset, profile: setup.profile });
      cleanups.push(upstream.close);
      // Configured with its own address, as most servers are: it names it in its metadata.
      upstream.server.publicUrl = upstream.origin.replace('127.0.0.1', 'localhost');
      running = await startInspector({ upstream: upstream.origin, ...setup.upstream, lint: server.lint });
    } else {
      running = await startInspector(server);
    }
    cleanups.push(running.close);
    for (const [toggle, option] of Object.entries(setup.toggles ?? {})) running.inspector.setToggle(toggle, option);
    if (setup.rules) running.inspector.setRules(setup.rules(running.origin));
    return running;
  }

  /** Resolves once every exchange that started has ended (the recorder's events, no polling). */
  function settled(running: Running, started: Set<string>): Promise<void> {
    return new Promise((resolve) => {
      const done = () => [...started].every((id) => running.ended.some((e) => e.id === id));
      if (done()) return resolve();
      const unsubscribe = running.inspector.subscribe((event) => {
        if (event.type === 'exchange:end' && done()) {
          unsubscribe();
          resolve();
        }
      });
    });
  }

  /** Runs a probe through the front door; returns the findings once all its exchanges ended. */
  async function lintProbe(setup: Setup, probe: (wire: Wire) => Promise<unknown>) {
    const running = await start(setup);
    const started = new Set<string>();
    const announced: LintFinding[] = [];
    running.inspector.subscribe((event) => {
      if (event.type === 'exchange:start') started.add(event.exchange.id);
      else if (event.type === 'lint:finding') announced.push(event.finding);
    });
    await probe({ origin: running.origin, fetch: (path, init) => fetch(`${running.origin}${path}`, init) });
    await settled(running, started);
    return { running, findings: running.inspector.findings(), announced };
  }

  it('has one case per rule of the catalogue', () => {
    expect(CASES.map((c) => c.rule).sort()).toEqual([...LINT_RULE_IDS].sort());
    expect(LINT_RULES.map((r) => r.id)).toEqual([...LINT_RULE_IDS]);
    for (const definition of LINT_RULE_DEFINITIONS) {
      expect(definition.sources.length, definition.id).toBeGreaterThan(0);
      expect(definition.explain()).toContain(definition.fix);
    }
  });

  it.each(CASES.map((c) => [c.rule, c] as const))('%s fires on the faulty server', async (id, c) => {
    const { running, findings, announced } = await lintProbe(c.faulty, c.faultyProbe ?? c.probe);
    const mine = findings.filter((f) => f.ruleId === id);
    expect(mine.length, `findings: ${JSON.stringify(findings, null, 1)}`).toBeGreaterThan(0);
    const finding = mine[0]!;
    expect(finding.message).not.toBe('');
    expect(finding.fix).toBe(LINT_RULES.find((r) => r.id === id)!.fix);
    // Attached to a real exchange of the recording, announced live, and counted in its connection.
    const exchange = running.ended.find((e) => e.id === finding.exchangeId);
    expect(exchange).toBeDefined();
    expect(running.inspector.findingsFor(exchange!.id)).toContainEqual(finding);
    expect(announced).toContainEqual(finding);
    const summary = running.inspector.lintSummary(running.inspector.connectionOf(exchange!)!);
    expect(summary.byRule[id]).toBeGreaterThan(0);
    expect(summary.errors + summary.warnings + summary.infos).toBeGreaterThan(0);
  });

  it.each(CASES.map((c) => [c.rule, c] as const))('%s stays silent on the spec-correct server', async (_id, c) => {
    const { findings, running } = await lintProbe(c.spec, c.specProbe ?? c.probe);
    expect(running.ended.length).toBeGreaterThan(0);
    expect(findings).toEqual([]);
  });

  describe('findings the user asked for (toggles, rules, breakpoint edits)', () => {
    const notification = async (wire: Wire) => void (await rpc(wire, { jsonrpc: '2.0', method: 'notifications/initialized' }, await initialize(wire)));
    const TOGGLE_204 = { kind: 'toggle', id: 'notification-status', option: '204', name: 'Status for notifications → 204 instead of 202' };
    const ASKED = 'You asked for this with the toggle “Status for notifications → 204 instead of 202”; what matters is how the client reacts.';

    it('a toggle the built-in server plays through its profile: causedBy the toggle, a warning, not the server’s error', async () => {
      const { findings, running } = await lintProbe({ profile: NO_AUTH, toggles: { 'notification-status': '204' } }, notification);
      const finding = findings.find((f) => f.ruleId === 'notification-not-202');
      expect(finding, JSON.stringify(findings, null, 1)).toMatchObject({ severity: 'warning', causedBy: TOGGLE_204 });
      expect(finding!.message).toContain(ASKED);
      expect(finding!.message).not.toMatch(/your server/i);
      // The server played it natively: nothing in the front door acted; the exchange names the
      // toggle's rule as the server's doing (byServer), so its row reads "204 (was 202)".
      expect(running.ended.find((e) => e.id === finding!.exchangeId)!.appliedRules).toEqual([expect.objectContaining({ ruleId: 'notifications-204', byServer: true, setStatus: 204, fromStatus: 202 })]);
      const summary = running.inspector.lintSummary(finding!.connectionId!);
      expect(summary).toMatchObject({ errors: 0, warnings: 1 });
      // The capture read again (no toggle on by then) says what the live session said.
      const reread = lintExchanges(JSON.parse(JSON.stringify(running.ended))).findings.find((f) => f.ruleId === 'notification-not-202');
      expect(reread).toMatchObject({ severity: 'warning', causedBy: TOGGLE_204 });
    });

    it('the same toggle as front-door rules in front of another server: causedBy the toggle through the applied rule', async () => {
      const { findings, running } = await lintProbe({ profile: NO_AUTH, upstream: { rewriteOrigins: true }, toggles: { 'notification-status': '204' } }, notification);
      const finding = findings.find((f) => f.ruleId === 'notification-not-202');
      expect(finding, JSON.stringify(findings, null, 1)).toMatchObject({ severity: 'warning', causedBy: TOGGLE_204 });
      expect(finding!.message).toContain(ASKED);
      expect(running.ended.find((e) => e.id === finding!.exchangeId)!.appliedRules.map((r) => r.ruleId)).toEqual(['notifications-204']);
    });

    it('a rule of the user’s that answers in the server’s place: causedBy the rule, error capped at warning', async () => {
      const host = rule('sdk-allowed-hosts', [], [jsonReply(403, { jsonrpc: '2.0', error: { code: -32000, message: 'Invalid Host: calm-fox-12.loca.lt' }, id: null })]);
      const { findings } = await lintProbe({ profile: NO_AUTH, rules: () => [host] }, async (wire) => void (await rpc(wire, initializeBody())));
      const finding = findings.find((f) => f.ruleId === 'host-rejected');
      expect(finding, JSON.stringify(findings, null, 1)).toMatchObject({ severity: 'warning', causedBy: { kind: 'rule', id: 'sdk-allowed-hosts' } });
      expect(finding!.causedBy!.name).toContain('sdk-allowed-hosts: answer 403 without contacting the upstream');
      expect(finding!.message).toContain('You asked for this with the rule “sdk-allowed-hosts: answer 403');
    });

    it('a fault the server makes by itself stays the server’s, whatever rule also touched the exchange', async () => {
      const tag = rule('tag', [], [{ type: 'set-headers', set: { 'x-seen-by': 'inspector' } }]);
      const slow = rule('slow', [], [{ type: 'delay', ms: 1 }]);
      const { findings, running } = await lintProbe({ profile: { ...NO_AUTH, notificationStatus: 204 }, rules: () => [tag, slow] }, notification);
      const finding = findings.find((f) => f.ruleId === 'notification-not-202');
      expect(finding, JSON.stringify(findings, null, 1)).toMatchObject({ severity: 'error' });
      expect(finding!.causedBy).toBeUndefined();
      expect(finding!.message).not.toContain('You asked for this');
      // Both rules ran on it: the header changed (the upstream's own answer is kept, and it is 204 too).
      const exchange = running.ended.find((e) => e.id === finding!.exchangeId)!;
      expect(exchange.appliedRules.map((r) => r.ruleId).sort()).toEqual(['slow', 'tag']);
      expect(exchange.upstreamResponse?.status).toBe(204);
    });
  });

  it('protocol-version-mismatch judges the header after initialize too: the client’s default version instead of the negotiated one (claude-code#92835)', async () => {
    const after = (version: string) => async (wire: Wire) => void (await rpc(wire, TOOLS_LIST, { ...(await initialize(wire, '2025-06-18')), 'mcp-protocol-version': version }));
    const faulty = await lintProbe({ profile: NO_AUTH }, after('2025-11-25'));
    expect(faulty.findings.map((f) => f.ruleId)).toContain('protocol-version-mismatch');
    expect(faulty.findings.find((f) => f.ruleId === 'protocol-version-mismatch')!.message).toContain('negotiated 2025-06-18');
    const spec = await lintProbe({ profile: NO_AUTH }, after('2025-06-18'));
    expect(spec.findings).toEqual([]);
  });

  it('discover-without-auth names what the stateless Claude Code connector walks into: a 200 without a token means "no auth" to it (claude-code#84299)', async () => {
    const connector = async (setup: Setup) => {
      const running = await start(setup);
      const started = new Set<string>();
      running.inspector.subscribe((event) => event.type === 'exchange:start' && started.add(event.exchange.id));
      const result = await running.inspector.simulate('claude-code@2.1.267-connector');
      await settled(running, started);
      return { result, rules: running.inspector.findings().map((f) => f.ruleId) };
    };
    const open = await connector({ rules: () => [OPEN_DISCOVER] });
    expect(open.rules).toContain('discover-without-auth');
    const closed = await connector({});
    expect(closed.rules).not.toContain('discover-without-auth');
  });

  it('prm-not-fetched leaves a client alone that refreshes its token after a 401: it read the metadata when it first signed in', async () => {
    const { findings, running } = await lintProbe({}, async (wire) => {
      await rpc(wire, initializeBody());
      const response = await wire.fetch('/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'kept-from-last-week', client_id: 'known-client' }).toString() });
      await response.text();
    });
    expect(running.ended.some((e) => e.classification.phase === 'token')).toBe(true);
    expect(findings.filter((f) => f.ruleId === 'prm-not-fetched')).toEqual([]);
  });

  it('listen-held-open-idle: a stream whose acknowledgement agreed to nothing is held open for nothing (typescript-sdk#2650)', async () => {
    // The conformance server publishes no resource list changes: asked for them alone, it agrees to nothing.
    const held = await lintProbe({ ...CONFORMANCE, lint: LISTEN_IDLE }, (wire) => holdListen(wire, { resourcesListChanged: true }));
    expect(held.findings.find((f) => f.ruleId === 'listen-held-open-idle')?.message).toContain('agreed to no notification');
    // Asked for what it does publish, without the SDK's blanket capabilities, the same silence is no finding of this rule.
    const quiet = await lintProbe({ ...CONFORMANCE, lint: LISTEN_IDLE }, (wire) => holdListen(wire, { toolsListChanged: true }));
    expect(quiet.findings.filter((f) => f.ruleId === 'listen-held-open-idle')).toEqual([]);
  });

  it('sse-without-pings judges a silent stream while it is still open, once', async () => {
    const running = await start({ profile: { ...NO_AUTH, pingIntervalMs: 0 }, lint: { sseIdleLimitMs: 200 } });
    const wire: Wire = { origin: running.origin, fetch: (path, init) => fetch(`${running.origin}${path}`, init) };
    const announced: LintFinding[] = [];
    const live = new Promise<LintFinding>((resolve) =>
      running.inspector.subscribe((event) => {
        if (event.type !== 'lint:finding' || event.finding.ruleId !== 'sse-without-pings') return;
        announced.push(event.finding);
        resolve(event.finding);
      }),
    );
    const controller = new AbortController();
    const response = await wire.fetch('/mcp', { headers: { accept: 'text/event-stream', ...(await initialize(wire)), 'mcp-protocol-version': '2025-06-18' }, signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const finding = await live;
    // Announced while the stream is open: no end recorded yet.
    expect(running.ended.some((e) => e.id === finding.exchangeId)).toBe(false);
    expect(finding.message).toContain('still open');
    const ended = new Promise<void>((resolve) => running.inspector.subscribe((event) => event.type === 'exchange:end' && event.exchange.id === finding.exchangeId && resolve()));
    controller.abort();
    await ended;
    // Judged again at its end, it is the same finding: not a second one.
    expect(announced).toHaveLength(1);
    expect(running.inspector.findingsFor(finding.exchangeId).filter((f) => f.ruleId === 'sse-without-pings')).toEqual([finding]);
  });

  it('session-id-not-enforced judges by the one meaning of failed: a JSON-RPC error in a 200 is a refusal', async () => {
    const refused = rule('session-required-in-body', [{ type: 'jsonrpc-method', methods: ['tools/list'] }, { type: 'header', name: 'mcp-session-id', negate: true }], [
      jsonReply(200, { jsonrpc: '2.0', id: 2, error: { code: -32000, message: 'Bad Request: Mcp-Session-Id header is required' } }),
    ]);
    const { findings, running } = await lintProbe({ profile: NO_AUTH, rules: () => [refused] }, async (wire) => {
      await initialize(wire);
      await rpc(wire, TOOLS_LIST, { 'mcp-protocol-version': '2025-06-18' });
    });
    expect(running.ended.some((e) => e.classification.jsonRpc?.methods.includes('tools/list') && e.response?.status === 200)).toBe(true);
    expect(findings).toEqual([]);
  });

  it('host-rejected stays silent on a 403 that is about the token’s scope, not the Host', async () => {
    const scope = rule('insufficient-scope', [], [jsonReply(403, { error: 'insufficient_scope', error_description: 'tools/call needs scope mcp:tools' }, { 'www-authenticate': 'Bearer error="insufficient_scope"' })]);
    const { findings } = await lintProbe({ profile: NO_AUTH, rules: () => [scope] }, async (wire) => void (await rpc(wire, initializeBody())));
    expect(findings.map((f) => f.ruleId)).not.toContain('host-rejected');
  });

  it('discovery-not-json stays silent on HEAD of every metadata document (no body is right for HEAD)', async () => {
    const documents = ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'];
    const { running, findings } = await lintProbe({ preset: 'spec' }, async (wire) => {
      for (const path of documents) expect((await wire.fetch(path, { method: 'HEAD' })).status, path).toBe(200);
    });
    expect(running.ended.filter((e) => e.request.method === 'HEAD' && e.classification.phase === 'discovery')).toHaveLength(documents.length);
    expect(findings).toEqual([]);
  });

  it('discovery-not-json still fires on HEAD when the document would be HTML', async () => {
    const spa = rule('spa-fallback', [{ type: 'path', glob: '/.well-known/oauth-authorization-server' }], [{ type: 'reply', status: 200, headers: { 'content-type': 'text/html' } }]);
    const { findings } = await lintProbe({ rules: () => [spa] }, async (wire) => void (await wire.fetch('/.well-known/oauth-authorization-server', { method: 'HEAD' })));
    expect(findings.map((f) => f.ruleId)).toEqual(['discovery-not-json']);
  });

  it('prm-resource-mismatch stays silent for a legacy HTTP+SSE client: /messages is part of the /sse resource', async () => {
    const { findings, running } = await lintProbe({ preset: 'spec' }, async (wire) => {
      const result = await simulate('legacy-sse', { url: `${wire.origin}/sse` });
      expect(result.ok, result.summary).toBe(true);
    });
    // The client used the legacy transport's POST endpoint and read the /sse document.
    expect(running.ended.some((e) => e.request.method === 'POST' && e.request.url.startsWith('/messages?'))).toBe(true);
    expect(running.ended.some((e) => e.request.url === '/.well-known/oauth-protected-resource/sse' && e.response?.status === 200)).toBe(true);
    expect(findings).toEqual([]);
  });

  // Spec-correct servers of every flavour: presets, and SSE answers to POSTs.
  const SPEC_SERVERS: Array<[string, Setup]> = [
    ['spec', { preset: 'spec' }],
    ['spec-2025-06-18', { preset: 'spec-2025-06-18' }],
    ['spec-2025-11-25', { preset: 'spec-2025-11-25' }],
    ['claude-ai', { preset: 'claude-ai' }],
    ['spec, POSTs answered as SSE', { preset: 'spec', profile: { postResponse: 'sse' } }],
  ];

  it.each(SPEC_SERVERS)('finds nothing in a whole MCP SDK session (OAuth, initialize, tools) on %s, from a browser origin too', async (_name, setup) => {
    const { running, findings } = await lintProbe(setup, async (wire) => {
      expect(await sdkSession(wire, { origin: 'http://localhost:6274' })).toBe('connected');
    });
    const phases = running.ended.map((e) => e.classification.phase);
    for (const phase of ['discovery', 'registration', 'authorization', 'token', 'jsonrpc'] as const) expect(phases).toContain(phase);
    expect(findings).toEqual([]);
    const connection = running.inspector.connectionOf(running.ended.find((e) => e.classification.phase === 'token')!)!;
    expect(running.inspector.lintSummary(connection)).toMatchObject({ errors: 0, warnings: 0, infos: 0, byRule: {} });
  });
});

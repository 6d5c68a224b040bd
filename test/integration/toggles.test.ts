import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/shared/exchange';
import type { InspectorEvent } from '../../src/shared/inspectorEvents';
import type { BehaviorProfile } from '../../src/shared/profile';
import type { Rule, Step } from '../../src/shared/rules';
import type { Toggle } from '../../src/shared/toggles';
import { explainStep, InvalidRulesError, parseRules } from '../../src/main/core/proxy/rules';
import { REQUIREMENT_TOGGLES, TOGGLES, toggleOption, UnknownToggleError } from '../../src/main/core/proxy/toggles';
import { startInspector } from '../helpers/inspector';
import { authorizeUrl, pkce, REDIRECT_URI } from '../helpers/oauthWire';
import { completeAuthorization, startReferenceServer } from '../helpers/server';

// Every toggle of the catalogue, every option, on the wire: with the built-in reference server
// (a profile option flips the server itself) and as rules in front of an external upstream.
// One probe per toggle observes the wire; the table says what each option must show.

type Running = Awaited<ReturnType<typeof startInspector>>;
type Mode = 'built-in' | 'rules';
const MODES: Mode[] = ['built-in', 'rules'];

/** What a probe may use: the front door, with every request counted so its exchanges can be awaited. */
interface Wire {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** A POST with headers fetch can't set (Host): its status (the table's probes have it). */
  post?(path: string, body: unknown, headers: Record<string, string>): Promise<number>;
}

const NO_AUTH: Partial<BehaviorProfile> = { tokenRequired: 'none' };
/** The spec profile: real OAuth answers (401 challenges, invalid_client, invalid_redirect_uri). */
const WITH_AUTH: Partial<BehaviorProfile> = {};

const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'toggles-test', version: '1.0.0' } } };
const TOOLS_LIST = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
const SLOW_COUNT = { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'slow_count', arguments: { steps: 3, delayMs: 10 }, _meta: { progressToken: 'toggles' } } };

function rpc(wire: Wire, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return wire.fetch('/mcp', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
}

/** Initializes a session; returns the header that names it (none when the server issued none). */
async function initialize(wire: Wire): Promise<Record<string, string>> {
  const response = await rpc(wire, INITIALIZE);
  await response.text();
  expect(response.status).toBe(200);
  const id = response.headers.get('mcp-session-id');
  return id ? { 'mcp-session-id': id } : {};
}

const registerBadRedirect = (wire: Wire) =>
  wire.fetch('/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: ['http://evil.example/callback'], client_name: 'bad' }) });

const tokenUnknownClient = (wire: Wire) =>
  wire.fetch('/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'nope', client_id: 'no-such-client', redirect_uri: 'http://127.0.0.1:9/cb', code_verifier: 'x'.repeat(43) }).toString(),
  });

/** An OAuth error answer reduced to what the toggles change: status, `error`, `detail`. */
async function oauthAnswer(response: Response) {
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, error: body.error ?? null, detail: body.detail ?? null };
}

/** The JSON-RPC messages of an SSE body, as short labels ("progress 1", "result: …"). */
function sseMessages(text: string): string[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((block) => block.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n'))
    .filter((data) => data.length > 0)
    .map((data) => {
      const message = JSON.parse(data) as { method?: string; params?: { progress?: number }; result?: { content?: Array<{ text?: string }> } };
      if (message.method === 'notifications/progress') return `progress ${message.params?.progress}`;
      if (message.result) return `result: ${message.result.content?.[0]?.text ?? ''}`;
      return message.method ?? 'other';
    });
}

interface ToggleCase {
  toggle: string;
  profile: Partial<BehaviorProfile>;
  /** The inspector's (and the external server's) --public-url. */
  publicUrl?: string;
  /** Options only the built-in server plays (no rules): refused in front of another upstream. */
  builtInOnly?: string[];
  /** Observes the wire effect the toggle names. */
  probe(wire: Wire): Promise<unknown>;
  /** What the probe must observe: for 'off' and for each option tested through this table. */
  expected: Record<string, unknown>;
  /** Extra checks of the option's exchanges. */
  check?(optionId: string, exchanges: Exchange[]): void;
}

const CASES: ToggleCase[] = [
  {
    toggle: 'notification-status',
    profile: NO_AUTH,
    async probe(wire) {
      const session = await initialize(wire);
      const response = await rpc(wire, { jsonrpc: '2.0', method: 'notifications/initialized' }, session);
      // The client's answer to a server request is accepted the same way.
      const answer = await rpc(wire, { jsonrpc: '2.0', id: 'server-1', result: {} }, session);
      await answer.text();
      return { status: response.status, body: await response.text(), response: answer.status };
    },
    expected: { off: { status: 202, body: '', response: 202 }, '204': { status: 204, body: '', response: 204 }, '200': { status: 200, body: '', response: 200 } },
  },
  {
    toggle: 'get-stream',
    profile: NO_AUTH,
    async probe(wire) {
      const session = await initialize(wire);
      const open = async (path: string) => {
        const controller = new AbortController();
        const response = await wire.fetch(path, { headers: { accept: 'text/event-stream', ...session }, signal: controller.signal });
        const seen = { status: response.status, allow: response.headers.get('allow'), stream: String(response.headers.get('content-type')).startsWith('text/event-stream') };
        if (seen.stream) controller.abort();
        else await response.text();
        return seen;
      };
      // The legacy /sse stream is not "GET /mcp": the toggle must leave it alone.
      return { mcp: await open('/mcp'), legacy: (await open('/sse')).status };
    },
    expected: {
      off: { mcp: { status: 200, allow: null, stream: true }, legacy: 200 },
      '405': { mcp: { status: 405, allow: 'POST, DELETE', stream: false }, legacy: 200 },
      '501': { mcp: { status: 501, allow: null, stream: false }, legacy: 200 },
      '404': { mcp: { status: 404, allow: null, stream: false }, legacy: 200 },
    },
  },
  {
    toggle: 'session-id',
    profile: NO_AUTH,
    async probe(wire) {
      const response = await rpc(wire, INITIALIZE);
      const body = (await response.json()) as { result?: { protocolVersion?: string } };
      return { status: response.status, sessionId: response.headers.has('mcp-session-id'), version: body.result?.protocolVersion };
    },
    expected: { off: { status: 200, sessionId: true, version: '2025-06-18' }, omit: { status: 200, sessionId: false, version: '2025-06-18' } },
  },
  {
    toggle: 'initialize-401',
    profile: WITH_AUTH,
    async probe(wire) {
      const response = await rpc(wire, INITIALIZE);
      await response.text();
      const challenge = response.headers.get('www-authenticate') ?? '';
      // A stale token is challenged as well, with or without resource_metadata alike.
      const stale = await rpc(wire, INITIALIZE, { authorization: 'Bearer stale-token' });
      await stale.text();
      return { status: response.status, bearer: /^Bearer\b/.test(challenge), resourceMetadata: challenge.includes('resource_metadata='), stale: [stale.status, (stale.headers.get('www-authenticate') ?? '').includes('resource_metadata=')] };
    },
    expected: {
      off: { status: 401, bearer: true, resourceMetadata: true, stale: [401, true] },
      'without-resource-metadata': { status: 401, bearer: true, resourceMetadata: false, stale: [401, false] },
    },
  },
  {
    toggle: 'scope-grant',
    profile: WITH_AUTH,
    builtInOnly: ['grant-any'],
    async probe(wire) {
      // A client asking for a scope the server does not advertise: discovery, DCR, consent, token.
      const metadata = (await (await wire.fetch('/.well-known/oauth-authorization-server')).json()) as { issuer: string };
      const registration = await wire.fetch('/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' }) });
      const { client_id: clientId } = (await registration.json()) as { client_id: string };
      const { verifier, challenge } = pkce();
      const viaWire = (input: string | URL | Request, init?: RequestInit) => {
        const url = new URL(String(input));
        return wire.fetch(url.pathname + url.search, init);
      };
      const callback = await completeAuthorization(authorizeUrl(metadata.issuer, clientId, { scope: 'admin', code_challenge: challenge }), 'approve', viaWire);
      const token = await wire.fetch('/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code: callback.searchParams.get('code')!, code_verifier: verifier, redirect_uri: REDIRECT_URI }).toString(),
      });
      const { scope, access_token: accessToken } = (await token.json()) as { scope: string; access_token: string };
      return { scope, claim: JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).scope };
    },
    expected: { off: { scope: 'mcp', claim: 'mcp' }, 'grant-any': { scope: 'admin', claim: 'admin' } },
  },
  {
    toggle: 'redirect-uri-matching',
    profile: WITH_AUTH,
    builtInOnly: ['exact'],
    async probe(wire) {
      // VS Code's registration (port 33418), then an authorization request from another loopback port.
      const metadata = (await (await wire.fetch('/.well-known/oauth-authorization-server')).json()) as { issuer: string };
      const registration = await wire.fetch('/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:33418/'], token_endpoint_auth_method: 'none' }) });
      const { client_id: clientId } = (await registration.json()) as { client_id: string };
      const url = authorizeUrl(metadata.issuer, clientId, { redirect_uri: 'http://127.0.0.1:50123/' });
      const answer = await wire.fetch(url.pathname + url.search);
      const page = await answer.text();
      return { status: answer.status, refused: page.includes('is not one the client registered') };
    },
    expected: { off: { status: 200, refused: false }, exact: { status: 400, refused: true } },
  },
  {
    toggle: 'private-key-jwt',
    profile: WITH_AUTH,
    async probe(wire) {
      const metadata = (await (await wire.fetch('/.well-known/oauth-authorization-server')).json()) as { token_endpoint_auth_methods_supported: string[] };
      return metadata.token_endpoint_auth_methods_supported;
    },
    expected: { off: ['none', 'client_secret_post', 'client_secret_basic', 'private_key_jwt'], 'without-none': ['client_secret_post', 'client_secret_basic', 'private_key_jwt'] },
  },
  {
    toggle: 'hide-metadata',
    profile: NO_AUTH,
    async probe(wire) {
      const get = async (path: string) => {
        const response = await wire.fetch(path);
        await response.text();
        return response.status;
      };
      return { root: await get('/.well-known/oauth-protected-resource'), suffixed: await get('/.well-known/oauth-protected-resource/mcp') };
    },
    expected: { off: { root: 200, suffixed: 200 }, 'hide-suffixed': { root: 200, suffixed: 404 }, 'hide-root': { root: 404, suffixed: 200 } },
  },
  {
    toggle: 'oauth-error-body',
    profile: WITH_AUTH,
    async probe(wire) {
      return { register: await oauthAnswer(await registerBadRedirect(wire)), token: await oauthAnswer(await tokenUnknownClient(wire)) };
    },
    expected: {
      off: { register: { status: 400, error: 'invalid_redirect_uri', detail: null }, token: { status: 401, error: 'invalid_client', detail: null } },
      'framework-404': { register: { status: 404, error: null, detail: 'Not Found' }, token: { status: 404, error: null, detail: 'Not Found' } },
    },
  },
  {
    toggle: 'strict-accept',
    profile: NO_AUTH,
    async probe(wire) {
      const statuses: Record<string, number> = {};
      for (const accept of ['application/json', 'text/event-stream', 'application/json, text/event-stream']) {
        const response = await rpc(wire, INITIALIZE, { accept });
        await response.text();
        statuses[accept] = response.status;
      }
      return statuses;
    },
    expected: {
      off: { 'application/json': 200, 'text/event-stream': 200, 'application/json, text/event-stream': 200 },
      strict: { 'application/json': 406, 'text/event-stream': 406, 'application/json, text/event-stream': 200 },
    },
  },
  {
    toggle: 'require-protocol-version',
    profile: NO_AUTH,
    async probe(wire) {
      const session = await initialize(wire);
      const without = await rpc(wire, TOOLS_LIST, session);
      await without.text();
      const withHeader = await rpc(wire, TOOLS_LIST, { ...session, 'mcp-protocol-version': '2025-06-18' });
      await withHeader.text();
      return { without: without.status, with: withHeader.status };
    },
    expected: { off: { without: 200, with: 200 }, '400': { without: 400, with: 200 } },
  },
  {
    toggle: 'host-validation',
    profile: NO_AUTH,
    publicUrl: 'https://calm-fox-12.loca.lt',
    builtInOnly: ['unprotected'],
    async probe(wire) {
      const post = (headers: Record<string, string>) => wire.post!('/mcp', INITIALIZE, { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers });
      return { loopback: await post({}), public: await post({ host: 'calm-fox-12.loca.lt' }), forged: await post({ host: 'evil.example' }), origin: await post({ origin: 'http://evil.example' }) };
    },
    expected: {
      off: { loopback: 200, public: 200, forged: 403, origin: 403 },
      'reject-tunnel-host': { loopback: 200, public: 403, forged: 403, origin: 403 },
      unprotected: { loopback: 200, public: 200, forged: 200, origin: 200 },
    },
  },
  {
    toggle: 'expired-session',
    profile: NO_AUTH,
    async probe(wire) {
      const session = await initialize(wire);
      const expired = await rpc(wire, TOOLS_LIST, { 'mcp-session-id': 'expired-or-never-issued' });
      await expired.text();
      const live = await rpc(wire, TOOLS_LIST, session);
      await live.text();
      return { expired: expired.status, live: live.status };
    },
    expected: { off: { expired: 404, live: 200 }, '400': { expired: 400, live: 200 } },
  },
  {
    toggle: 'invalid-client-status',
    profile: WITH_AUTH,
    probe: async (wire) => oauthAnswer(await tokenUnknownClient(wire)),
    expected: { off: { status: 401, error: 'invalid_client', detail: null }, '400': { status: 400, error: 'invalid_client', detail: null } },
  },
  {
    toggle: '5xx-burst',
    profile: NO_AUTH,
    async probe(wire) {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 4; i++) {
        const response = await rpc(wire, INITIALIZE);
        await response.text();
        statuses.push(response.status);
        if (i === 0) retryAfter = response.headers.get('retry-after');
      }
      return { statuses, retryAfter };
    },
    expected: { off: { statuses: [200, 200, 200, 200], retryAfter: null }, '3x503': { statuses: [503, 503, 503, 200], retryAfter: '1' } },
  },
  {
    toggle: 'sse-transform',
    profile: { tokenRequired: 'none', postResponse: 'sse' },
    async probe(wire) {
      const session = await initialize(wire);
      const response = await rpc(wire, SLOW_COUNT, session);
      return { status: response.status, messages: sseMessages(await response.text()) };
    },
    // delay-first is measured on its own below (its catalogue delay is 5 s).
    expected: {
      off: { status: 200, messages: ['progress 1', 'progress 2', 'progress 3', 'result: Counted to 3.'] },
      'drop-first': { status: 200, messages: ['progress 2', 'progress 3', 'result: Counted to 3.'] },
      'close-after-1': { status: 200, messages: ['progress 1'] },
    },
    check(optionId, exchanges) {
      const call = exchanges.find((e) => e.classification.jsonRpc?.methods[0] === 'tools/call')!;
      // The upstream's events are all recorded, whatever reached the client.
      expect(call.sseEvents.filter((e) => e.kind === 'event').length).toBeGreaterThanOrEqual(optionId === 'close-after-1' ? 1 : 4);
      // Closing after N events is an end state the rule asked for, not a failure.
      expect(call.state).toBe('complete');
    },
  },
];

/**
 * Options tested by their own tests: below (their catalogue delays are seconds long), and the
 * "break a requirement" toggles in test/conformance/breaks.test.ts (the conformance suite notices each).
 */
const TESTED_SEPARATELY: Record<string, string[]> = {
  'slow-token': ['12s'],
  // test/integration/private-key-jwt.test.ts: the ChatGPT profile and the AS against each option.
  'private-key-jwt': ['not-accepted'],
  'cimd-document': ['html', '404'],
  'sse-transform': ['delay-first'],
  // test/integration/hosted-as.test.ts: the MCP SDK clients against each option, built-in and in front of another server.
  'as-metadata': ['openid-only'],
  'issuer-trailing-slash': ['added', 'removed'],
  dcr: ['disabled', 'initial-access-token'],
  'code-challenge-methods': ['omitted', 'plain-only'],
  'access-token-kid': ['jwe', 'jwe-jwks-only'],
  ...Object.fromEntries(REQUIREMENT_TOGGLES.map((t) => [t.id, t.options.slice(1).map((o) => o.id)])),
};

const toggleById = (id: string): Toggle => TOGGLES.find((t) => t.id === id)!;

/** Checks what the recorder says about exchanges a toggle's rules changed. */
function expectRecordedRules(exchanges: Exchange[], rules: Rule[]): void {
  const applied = exchanges.flatMap((exchange) => exchange.appliedRules.map((entry) => ({ exchange, entry })));
  expect(applied.length, 'some exchange records the rule').toBeGreaterThan(0);
  for (const { exchange, entry } of applied) {
    const rule = rules.find((r) => r.id === entry.ruleId);
    expect(rule, `applied rule ${entry.ruleId} belongs to the option`).toBeDefined();
    expect(rule!.steps.map((step) => `${rule!.description}: ${explainStep(step)}`)).toContain(entry.explanation);
    for (const step of rule!.steps) expectStepEffect(exchange, rule!, step);
  }
}

/** The recorded exchange shows what the step did: the client's view, and the upstream's original. */
function expectStepEffect(exchange: Exchange, rule: Rule, step: Step): void {
  switch (step.type) {
    case 'reply':
      expect(exchange.response?.status).toBe(step.status);
      expect(exchange.upstreamResponse, 'a reply never contacts the upstream').toBeUndefined();
      break;
    case 'set-status': {
      expect(exchange.response?.status).toBe(step.status);
      const original = exchange.upstreamResponse?.status;
      expect(original, 'the upstream status is kept').toBeDefined();
      expect(original).not.toBe(step.status);
      const statusMatcher = rule.match.find((m) => m.type === 'status');
      if (statusMatcher?.type === 'status') expect(statusMatcher.statuses).toContain(original);
      break;
    }
    case 'set-headers':
      for (const name of step.remove ?? []) {
        expect(exchange.response?.headers[name.toLowerCase()]).toBeUndefined();
        expect(exchange.upstreamResponse?.headers[name.toLowerCase()], `the upstream's ${name} is kept`).toBeDefined();
      }
      break;
    case 'replace-body':
      expect(exchange.response?.body?.data).toBe(step.body);
      expect(exchange.upstreamResponse?.body?.data).toBeDefined();
      expect(exchange.upstreamResponse?.body?.data).not.toBe(step.body);
      break;
    default:
      break;
  }
}

describe('toggles on the wire', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Built-in: the inspector's own reference server. Rules: an external reference server behind it. */
  async function setup(mode: Mode, profile: Partial<BehaviorProfile>, publicUrl?: string): Promise<Running> {
    if (mode === 'built-in') {
      const running = await startInspector({ profile, publicUrl });
      cleanups.push(running.close);
      return running;
    }
    const upstream = await startReferenceServer({ profile, publicUrl });
    cleanups.push(upstream.close);
    const running = await startInspector({ upstream: upstream.origin, publicUrl });
    cleanups.push(running.close);
    return running;
  }

  /** Resolves once at least `count` exchanges have ended (the recorder's event, no polling). */
  function endedAtLeast(running: Running, count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = (event?: InspectorEvent) => {
        if (event && event.type !== 'exchange:end') return;
        if (running.ended.length < count) return;
        unsubscribe();
        resolve();
      };
      const unsubscribe = running.inspector.subscribe(check);
      check();
    });
  }

  /** Runs a probe and returns what it observed with the exchanges it caused (all ended). */
  async function observe(running: Running, probe: (wire: Wire) => Promise<unknown>): Promise<{ value: unknown; exchanges: Exchange[] }> {
    const before = running.ended.length;
    let sent = 0;
    const wire: Wire = {
      fetch: (path, init) => {
        sent++;
        return fetch(`${running.origin}${path}`, init);
      },
      post: (path, body, headers) => {
        sent++;
        const payload = JSON.stringify(body);
        return new Promise((resolve, reject) => {
          const url = new URL(running.origin);
          const req = request({ host: url.hostname, port: url.port, method: 'POST', path, headers: { 'content-length': Buffer.byteLength(payload), ...headers } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
            res.on('error', reject);
          });
          req.on('error', reject);
          req.end(payload);
        });
      },
    };
    const value = await probe(wire);
    await endedAtLeast(running, before + sent);
    return { value, exchanges: running.ended.slice(before) };
  }

  it('covers every option of the catalogue', () => {
    const catalogue = TOGGLES.flatMap((t) => t.options.slice(1).map((o) => `${t.id}=${o.id}`)).sort();
    const tested = [
      ...CASES.flatMap((c) => Object.keys(c.expected).filter((id) => id !== 'off').map((id) => `${c.toggle}=${id}`)),
      ...Object.entries(TESTED_SEPARATELY).flatMap(([toggle, ids]) => ids.map((id) => `${toggle}=${id}`)),
    ].sort();
    expect(tested).toEqual(catalogue);
    for (const c of CASES) expect(c.expected).toHaveProperty('off');
  });

  describe.each(MODES)('%s upstream', (mode) => {
    it.each(CASES.map((c) => [c.toggle, c] as const))('%s: every option shows on the wire, and off restores the default', async (_id, c) => {
      const toggle = toggleById(c.toggle);
      const running = await setup(mode, c.profile, c.publicUrl);
      const baseline = structuredClone(running.inspector.profile);

      const initial = await observe(running, c.probe);
      expect(initial.value, `${c.toggle}=off`).toEqual(c.expected.off);
      expect(initial.exchanges.flatMap((e) => e.appliedRules)).toEqual([]);

      for (const option of toggle.options.slice(1)) {
        if (!(option.id in c.expected)) continue;
        if (mode === 'rules' && c.builtInOnly?.includes(option.id)) {
          expect(() => running.inspector.setToggle(toggle.id, option.id)).toThrow(/built-in reference server only/);
          expect(running.inspector.toggles[toggle.id]).toBeUndefined();
          continue;
        }
        running.inspector.setToggle(toggle.id, option.id);
        expect(running.inspector.toggles[toggle.id]).toBe(option.id);

        const on = await observe(running, c.probe);
        expect(on.value, `${c.toggle}=${option.id}`).toEqual(c.expected[option.id]);
        expect(on.exchanges.filter((e) => e.state === 'failed')).toEqual([]);
        if (mode === 'built-in' && option.profile) {
          // The server itself answers that way: nothing in the front door changed the exchanges,
          // and the exchanges the option's rules describe name the toggle (the server did it).
          expect(running.inspector.profile).toMatchObject(option.profile);
          const attributed = on.exchanges.flatMap((e) => e.appliedRules);
          expect(attributed.filter((r) => !r.byServer)).toEqual([]);
          for (const entry of attributed) expect(option.rules.map((r) => r.id)).toContain(entry.ruleId);
          if (option.rules.some((r) => r.steps.some((step) => step.type === 'reply' || step.type === 'set-status'))) expect(attributed.length, 'the toggle is named on what it changed').toBeGreaterThan(0);
          expect(on.exchanges.filter((e) => e.upstreamResponse)).toEqual([]);
        } else {
          expectRecordedRules(on.exchanges, option.rules);
        }
        c.check?.(option.id, on.exchanges);

        running.inspector.setToggle(toggle.id, 'off');
        expect(running.inspector.toggles[toggle.id]).toBeUndefined();
        expect(running.inspector.profile).toEqual(baseline);
        const back = await observe(running, c.probe);
        expect(back.value, `${c.toggle} back to off after ${option.id}`).toEqual(c.expected.off);
        expect(back.exchanges.flatMap((e) => e.appliedRules)).toEqual([]);
      }
    });
  });

  it('records the rule and the upstream original when a rule changed the status', async () => {
    const running = await setup('rules', NO_AUTH);
    running.inspector.setToggle('notification-status', '204');
    const { value, exchanges } = await observe(running, CASES.find((c) => c.toggle === 'notification-status')!.probe);
    expect(value).toEqual({ status: 204, body: '', response: 204 });
    const notification = exchanges.find((e) => e.classification.jsonRpc?.methods[0] === 'notifications/initialized')!;
    expect(notification.response?.status).toBe(204);
    expect(notification.upstreamResponse?.status).toBe(202);
    expect(notification.appliedRules).toEqual([{ ruleId: 'notifications-204', explanation: 'Notifications and responses answered 204: change the status to 204', setStatus: 204 }]);
    // The initialize before it was not a notification: untouched.
    const init = exchanges.find((e) => e.classification.jsonRpc?.methods[0] === 'initialize')!;
    expect(init.appliedRules).toEqual([]);
    expect(init.upstreamResponse).toBeUndefined();
  });

  describe.each(MODES)('rule limits, %s upstream', (mode) => {
    const burst = CASES.find((c) => c.toggle === '5xx-burst')!;

    it('5xx-burst: exactly three MCP requests get 503, other phases do not use up the burst, and flipping it on again re-arms it', async () => {
      const running = await setup(mode, NO_AUTH);
      running.inspector.setToggle('5xx-burst', '3x503');
      const discovery = await fetch(`${running.origin}/.well-known/oauth-protected-resource/mcp`);
      await discovery.text();
      expect(discovery.status).toBe(200);

      const first = await observe(running, burst.probe);
      expect(first.value).toEqual({ statuses: [503, 503, 503, 200], retryAfter: '1' });
      const refused = first.exchanges.filter((e) => e.response?.status === 503);
      expect(refused).toHaveLength(3);
      for (const e of refused) expect(e.appliedRules).toEqual([{ ruleId: '503-burst', explanation: '503 burst: answer 503 without contacting the upstream', setStatus: 503 }]);
      expect((await observe(running, burst.probe)).value).toEqual({ statuses: [200, 200, 200, 200], retryAfter: null });

      // "Next 3 requests → 503" chosen again means the next three, not none.
      running.inspector.setToggle('5xx-burst', 'off');
      running.inspector.setToggle('5xx-burst', '3x503');
      expect((await observe(running, burst.probe)).value).toEqual({ statuses: [503, 503, 503, 200], retryAfter: '1' });
    });
  });

  describe.each(MODES)('SSE stream faults, %s upstream', (mode) => {
    const SSE_PROFILE: Partial<BehaviorProfile> = { tokenRequired: 'none', postResponse: 'sse' };
    const catalogueRule = (toggle: string, option: string): Rule => toggleOption(toggle, option).option.rules[0]!;

    /** Sends slow_count and times each SSE message's arrival at the client. */
    async function timedSlowCount(running: Running, session: Record<string, string>) {
      const sentAt = performance.now();
      const response = await fetch(running.info.mcpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...session },
        body: JSON.stringify(SLOW_COUNT),
      });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let buffered = '';
      const arrivals: Array<{ message: string; after: number }> = [];
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        const blocks = buffered.split('\n\n');
        buffered = blocks.pop()!;
        for (const message of sseMessages(blocks.map((b) => `${b}\n\n`).join(''))) arrivals.push({ message, after: performance.now() - sentAt });
      }
      return arrivals;
    }

    it('delay-first holds the first event back at least the delay, then forwards the rest in order', async () => {
      const option = toggleOption('sse-transform', 'delay-first').option;
      expect(option.rules).toHaveLength(1);
      expect(option.rules[0]!.steps).toEqual([{ type: 'sse-delay-event', index: 0, ms: 5000 }]);

      const running = await setup(mode, SSE_PROFILE);
      const session = await initialize({ fetch: (path, init) => fetch(`${running.origin}${path}`, init) });
      const DELAY = 300;
      // The catalogue's matchers with a shorter delay, so the test waits 0.3 s instead of 5.
      const rule = catalogueRule('sse-transform', 'delay-first');
      running.inspector.setRules([{ ...rule, id: 'sse-delay-test', steps: [{ type: 'sse-delay-event', index: 0, ms: DELAY }] }]);

      const arrivals = await timedSlowCount(running, session);
      expect(arrivals.map((a) => a.message)).toEqual(['progress 1', 'progress 2', 'progress 3', 'result: Counted to 3.']);
      const exchange = await running.waitForExchange((e) => e.classification.jsonRpc?.methods[0] === 'tools/call');
      expect(exchange.state).toBe('complete');
      expect(exchange.appliedRules.map((r) => r.explanation)).toEqual([`${rule.description}: hold SSE event #0 back ${DELAY} ms`]);
      // The upstream sent its first event `at` ms into the exchange (which began after the
      // client sent); the client can have it no sooner than DELAY after that.
      const upstreamFirst = exchange.sseEvents.find((e) => e.kind === 'event')!.at;
      expect(arrivals[0]!.after).toBeGreaterThanOrEqual(upstreamFirst + DELAY - 2);
    });

    it('delay-first from the catalogue is applied through setToggle (checked without waiting 5 s)', async () => {
      const running = await setup(mode, SSE_PROFILE);
      const session = await initialize({ fetch: (path, init) => fetch(`${running.origin}${path}`, init) });
      running.inspector.setToggle('sse-transform', 'delay-first');
      const controller = new AbortController();
      // Give up as soon as the proxy has the upstream's first event in hand.
      running.inspector.subscribe((event) => {
        if (event.type === 'exchange:update' && event.sseEvent?.kind === 'event') setImmediate(() => controller.abort());
      });
      const request = fetch(running.info.mcpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...session },
        body: JSON.stringify(SLOW_COUNT),
        signal: controller.signal,
      }).then(async (response) => response.text());
      await expect(request).rejects.toThrow(/abort/i);
      const exchange = await running.waitForExchange((e) => e.classification.jsonRpc?.methods[0] === 'tools/call');
      expect(exchange.state).toBe('aborted');
      expect(exchange.appliedRules).toEqual([{ ruleId: 'sse-delay-0', explanation: 'First SSE event delayed: hold SSE event #0 back 5000 ms' }]);
    });

    it('drop-first and close-after-1 say nothing about a JSON answer they did not change', async () => {
      const running = await setup(mode, NO_AUTH); // postResponse json: no stream to transform
      for (const option of ['drop-first', 'close-after-1']) {
        running.inspector.setToggle('sse-transform', option);
        const { value, exchanges } = await observe(running, async (wire) => {
          const session = await initialize(wire);
          const response = await rpc(wire, SLOW_COUNT, session);
          return { status: response.status, type: response.headers.get('content-type'), body: ((await response.json()) as { result?: unknown }).result };
        });
        expect(value).toEqual({ status: 200, type: 'application/json', body: { content: [{ type: 'text', text: 'Counted to 3.' }] } });
        expect(exchanges.flatMap((e) => e.appliedRules)).toEqual([]);
      }
    });
  });

  describe.each(MODES)('slow token endpoint, %s upstream', (mode) => {
    const slow = toggleOption('slow-token', '12s').option;

    it('the catalogue option delays /token past the 10 s budget', () => {
      expect(slow.rules).toHaveLength(1);
      const [rule] = slow.rules;
      expect(rule!.match).toEqual([{ type: 'phase', phases: ['token'] }]);
      const delays = rule!.steps.flatMap((s) => (s.type === 'delay' ? [s.ms] : []));
      expect(delays).toHaveLength(1);
      expect(delays[0]).toBeGreaterThanOrEqual(10_000);
    });

    it('a delay rule with the same matchers holds /token at least its delay, and nothing else', async () => {
      const running = await setup(mode, WITH_AUTH);
      const DELAY = 200;
      running.inspector.setRules([{ ...slow.rules[0]!, id: 'slow-token-test', steps: [{ type: 'delay', ms: DELAY }] }]);
      const wire: Wire = { fetch: (path, init) => fetch(`${running.origin}${path}`, init) };

      const startedAt = performance.now();
      const answer = await oauthAnswer(await tokenUnknownClient(wire));
      const elapsed = performance.now() - startedAt;
      expect(answer).toEqual({ status: 401, error: 'invalid_client', detail: null }); // the upstream's own answer, later
      expect(elapsed).toBeGreaterThanOrEqual(DELAY - 2);
      const token = await running.waitForExchange((e) => e.classification.phase === 'token');
      expect(token.appliedRules).toEqual([{ ruleId: 'slow-token-test', explanation: `Token endpoint slowed down: wait ${DELAY} ms` }]);
      expect(token.upstreamResponse).toBeUndefined();

      expect((await oauthAnswer(await registerBadRedirect(wire))).status).toBe(400);
      const registration = await running.waitForExchange((e) => e.classification.phase === 'registration');
      expect(registration.appliedRules).toEqual([]);
    });

    it('setToggle applies the catalogue delay to /token (checked without waiting 12 s: the client gives up first)', async () => {
      const running = await setup(mode, WITH_AUTH);
      running.inspector.setToggle('slow-token', '12s');
      const controller = new AbortController();
      // The rule is applied as soon as the request body is known: give up right after.
      running.inspector.subscribe((event) => {
        if (event.type === 'exchange:update' && event.patch?.classification?.phase === 'token') setImmediate(() => controller.abort());
      });
      const request = fetch(`${running.origin}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=authorization_code&code=x&client_id=nobody',
        signal: controller.signal,
      });
      await expect(request).rejects.toThrow(/abort/i);
      const exchange = await running.waitForExchange((e) => e.classification.phase === 'token');
      expect(exchange.state).toBe('aborted');
      expect(exchange.response).toBeUndefined();
      expect(exchange.appliedRules).toEqual([{ ruleId: 'slow-token', explanation: 'Token endpoint slowed down: wait 12000 ms' }]);
    });
  });
});

describe('toggle catalogue and rule validation', () => {
  it('every toggle starts with a pass-through "off" option, and every other option is well-formed rules or a profile field', () => {
    const toggleIds = TOGGLES.map((t) => t.id);
    expect(new Set(toggleIds).size).toBe(toggleIds.length);
    for (const toggle of TOGGLES) {
      expect(toggle.options[0]).toMatchObject({ id: 'off', rules: [] });
      expect(toggle.options[0]!.profile).toBeUndefined();
      const ids = toggle.options.map((o) => o.id);
      expect(new Set(ids).size, toggle.id).toBe(ids.length);
      for (const option of toggle.options.slice(1)) {
        // An option without rules is the built-in server's alone: it must be a profile field.
        if (option.rules.length === 0) expect(option.profile, `${toggle.id}=${option.id}`).toBeDefined();
        expect(parseRules(structuredClone(option.rules))).toEqual(option.rules);
      }
    }
    // Rule ids are unique across the catalogue (limits are counted per rule id).
    expect(() => parseRules(TOGGLES.flatMap((t) => t.options.flatMap((o) => structuredClone(o.rules))))).not.toThrow();
  });

  it('toggleOption names what exists when asked for something that does not', () => {
    expect(() => toggleOption('no-such-toggle', 'off')).toThrow(UnknownToggleError);
    expect(() => toggleOption('get-stream', '418')).toThrow(/Options: off, 405, 501, 404/);
  });

  const valid = { id: 'r', description: 'd', enabled: true, match: [{ type: 'phase', phases: ['jsonrpc'] }], steps: [{ type: 'set-status', status: 400 }] };

  it('parseRules accepts a valid rule and fills defaults', () => {
    expect(parseRules([valid])).toEqual([valid]);
    expect(parseRules([{ id: 'x', steps: [{ type: 'close' }] }])).toEqual([{ id: 'x', description: '', enabled: true, match: [], steps: [{ type: 'close' }] }]);
  });

  it.each([
    ['an unknown matcher type', [{ ...valid, match: [{ type: 'body-contains', text: 'x' }] }], 'rules[0].match[0]'],
    ['a negative delay', [{ ...valid, steps: [{ type: 'delay', ms: -5 }] }], 'rules[0].steps[0]'],
    ['duplicate rule ids', [valid, { ...valid }], /rule id "r" is used twice/],
    ['a status matcher with a reply step', [{ ...valid, match: [{ type: 'status', statuses: [404] }], steps: [{ type: 'reply', status: 200 }] }], /can only change the response/],
    ['a final step before another step', [{ ...valid, steps: [{ type: 'close' }, { type: 'set-status', status: 500 }] }], /must be the last step/],
    ['a status that is not HTTP', [{ ...valid, steps: [{ type: 'set-status', status: 99 }] }], /99 is not an HTTP status/],
    ['a non-positive limit', [{ ...valid, limit: 0 }], 'rules[0].limit'],
  ])('parseRules rejects %s', (_name, rules, message) => {
    expect(() => parseRules(rules)).toThrow(InvalidRulesError);
    expect(() => parseRules(rules)).toThrow(message);
  });
});

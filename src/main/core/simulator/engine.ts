import { randomBytes, randomUUID } from 'node:crypto';
import { readInputRequired } from '../../../shared/mrtr';
import type { McpMethod, ReplayProfile, Reaction, Reactions, SimStep, SimulatedRequest, SimulatedRound, SimulationResult, StepVerdict } from '../../../shared/simulator';
import { answerInputRequest } from './inputAnswers';
import { Wire, WireError, type WireResponse } from './http';
import { parseChallenge, runOAuth, type Challenge, type OAuthHooks } from './oauth';
import type { ParsedSse } from '../wire/sse';
import { checkHttpUrl } from '../wire/url';

// Executes a replay profile: its steps in order (parallel ones at once), each answer matched
// against the profile's reactions, each step a verdict. The engine knows the protocol (how an
// initialize, a 2026-07-28 request or a legacy SSE POST looks); the profile knows the client.

export interface SimulateOptions {
  /** The MCP endpoint (or legacy SSE URL) to connect to. */
  url: string;
  /** Marks every request (header `X-MCP-Inspector-Simulated`); one is made up when absent. */
  runId?: string;
  /** Per-request budget in ms (default 10 000, Claude.ai's budget for discovery and token). */
  timeoutMs?: number;
  /** Headers the user configured for this server (`X-API-Key`): sent unless the client ignores them. */
  headers?: Record<string, string>;
  hooks?: OAuthHooks;
  /** How requests go out (default: global fetch); e.g. a fetch that resolves a tunnel's host names. */
  fetch?: typeof fetch;
  /** A tool the client calls after its handshake (where multi-round-trip requests play out). */
  callTool?: { name: string; arguments?: Record<string, unknown> };
}

/** Bad input a user can cause: a URL that isn't one, an unknown client. */
/** The 2026-07-28 routing headers of a POST (SEP-2243): the method, and the tool a tools/call names. */
function routingHeaders(method: string, params: Record<string, unknown>): Record<string, string> {
  return method === 'tools/call' ? { 'Mcp-Method': method, 'Mcp-Name': String(params.name ?? '') } : { 'Mcp-Method': method };
}

export class SimulationInputError extends Error {}

export function checkUrl(value: string): URL {
  const check = checkHttpUrl(value);
  if ('url' in check) return check.url;
  throw new SimulationInputError(
    check.problem === 'scheme' ? `--url must use http or https, got "${check.scheme}"` : `--url must be an absolute http(s) URL such as https://example.com/mcp, got "${value}"`,
  );
}

interface JsonRpcAnswer {
  id?: string | number | null;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

/** What one JSON-RPC request got back. */
interface Answer {
  response: WireResponse;
  rpc?: JsonRpcAnswer;
  id: number;
}

/** Rounds a client goes through for one request before it gives up, unless its profile says otherwise. */
const DEFAULT_MAX_ROUNDS = 8;

/** How a step ends the run, when it does. */
interface RunEnd {
  kind: 'fail' | 'terminate' | 'stop';
  step: string;
  message: string;
}

const META_VERSION = 'io.modelcontextprotocol/protocolVersion';
const META_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
const META_CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';

/** What a step expects when the profile says nothing: the specification's answers. */
const DEFAULT_REACTIONS: Record<SimStep['type'], Reactions> = {
  probe: { ok: { do: 'continue' }, other: { do: 'warn' } },
  'metadata-prefetch': {},
  oauth: {},
  parallel: {},
  mcp: {
    ok: { do: 'continue' },
    '401': { do: 'oauth' },
    '401-after-auth': { do: 'fail', because: 'the server refused the token it just issued' },
    'no-session-id': { do: 'continue' },
    'version-mismatch': { do: 'fail', because: 'the server answered a protocol version this client does not speak' },
    'rpc-error': { do: 'fail' },
    other: { do: 'fail' },
  },
  initialized: {
    '202': { do: 'continue' },
    ok: { do: 'warn', because: 'the spec answers notifications with 202 Accepted and no body' },
    '401-after-auth': { do: 'fail', because: 'the server refused the token it just issued' },
    other: { do: 'fail' },
  },
  'get-stream': {
    ok: { do: 'continue' },
    '405': { do: 'continue', because: 'POST-only server: fine' },
    '401': { do: 'oauth' },
    other: { do: 'warn', because: 'no server→client stream: server notifications are lost' },
  },
  'delete-session': { ok: { do: 'continue' }, '405': { do: 'continue' }, other: { do: 'warn' } },
};

/** Picks the reaction for what came back: conditions first, then status, class, ok, other. */
function reactionFor(step: SimStep, keys: string[]): { key: string; reaction: Reaction } {
  const own = 'on' in step ? (step.on ?? {}) : {};
  const defaults = DEFAULT_REACTIONS[step.type];
  for (const key of [...keys, 'other']) {
    const reaction = own[key] ?? defaults[key];
    if (reaction) return { key, reaction };
  }
  return { key: 'other', reaction: { do: 'fail' } };
}

function statusKeys(status: number, conditions: string[] = []): string[] {
  return [...conditions, String(status), `${Math.floor(status / 100)}xx`, ...(status >= 200 && status < 300 ? ['ok'] : [])];
}

function pathOf(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search ? u.search.replace(/sessionId=[^&]+/, 'sessionId=…') : ''}`;
}

/** One replay run. */
class ReplayRun {
  readonly runId: string;
  readonly url: URL;
  readonly wire: Wire;
  readonly verdicts: StepVerdict[] = [];
  private token?: string;
  private sessionId?: string;
  private negotiated?: string;
  private era: 'session' | 'stateless';
  private transport: ReplayProfile['transport'];
  private challenge?: Challenge;
  private oauthRan = false;
  /** The server answered without asking for a token: OAuth steps are skipped. */
  private authless = false;
  private nextId = 0;
  private legacy?: { endpoint: string; waiting: Map<string | number, (answer: JsonRpcAnswer) => void> };
  private readonly redirectUri: string;
  tools?: string[];
  end?: RunEnd;

  constructor(
    readonly profile: ReplayProfile,
    private readonly options: SimulateOptions,
  ) {
    this.url = checkUrl(options.url);
    this.runId = options.runId ?? randomUUID();
    this.wire = new Wire({ runId: this.runId, timeoutMs: options.timeoutMs ?? 10_000, browserOrigin: profile.browserOrigin, fetch: options.fetch });
    this.era = profile.protocol.era;
    this.transport = profile.transport;
    // Loopback ports and per-connector ids are chosen at run time by the real clients too.
    this.redirectUri = profile.auth.redirectUri.replace('{port}', String(49152 + Math.floor(Math.random() * 16000))).replace('{id}', randomBytes(8).toString('hex'));
  }

  async run(): Promise<void> {
    const configured = Object.keys(this.options.headers ?? {});
    if (configured.length && this.profile.configuredHeaders === 'ignored') {
      this.verdicts.push({
        step: 'config',
        title: 'Configured headers',
        outcome: 'warn',
        message: `${configured.join(', ')} configured, but this client ignores configured headers and sends none of them`,
        requests: [],
      });
    }
    try {
      for (const step of this.profile.steps) {
        if (!(await this.step(step))) return;
      }
      const tool = this.options.callTool;
      if (tool) await this.step({ type: 'mcp', id: 'tools/call', method: 'tools/call', params: { name: tool.name, arguments: tool.arguments ?? {} } });
    } finally {
      this.wire.closeAll();
    }
  }

  /** Runs a step; false when the run ends here. */
  private async step(step: SimStep): Promise<boolean> {
    switch (step.type) {
      case 'probe':
        return this.probe(step);
      case 'metadata-prefetch':
        return this.prefetch(step);
      case 'oauth':
        return this.oauth(step.id, undefined);
      case 'mcp':
        return this.request(step, step.method, step.params);
      case 'initialized':
        return this.initialized(step);
      case 'get-stream':
        return this.transport === 'legacy-sse' ? this.legacyConnect(step) : this.getStream(step);
      case 'delete-session':
        return this.deleteSession(step);
      case 'parallel': {
        const results = await Promise.all(step.steps.map((child) => this.step(child)));
        return results.every(Boolean);
      }
    }
  }

  private verdict(step: string, title: string): StepVerdict {
    const verdict: StepVerdict = { step, title, outcome: 'ok', message: '', requests: [] };
    this.verdicts.push(verdict);
    return verdict;
  }

  /** Applies a reaction to a verdict; false when the run ends. */
  private async apply(verdict: StepVerdict, reaction: Reaction, what: string): Promise<boolean> {
    const because = reaction.because ? ` (${reaction.because})` : '';
    switch (reaction.do) {
      case 'authless':
        this.authless = true;
        verdict.message ||= `${what}${because}`;
        return true;
      case 'continue':
        verdict.message ||= `${what}${because}`;
        return true;
      case 'warn':
        verdict.outcome = 'warn';
        verdict.message = `${what}${because}`;
        return true;
      case 'stop':
        verdict.outcome = 'fail';
        verdict.message = `${what}: would stop here${because}`;
        this.end ??= { kind: 'stop', step: verdict.step, message: `would stop after ${verdict.title}: ${what}${because}` };
        return false;
      case 'terminate': {
        verdict.outcome = 'fail';
        if (this.sessionId) await this.sendDelete(verdict.requests).catch(() => undefined);
        const request = verdict.title.replace(/\s*\(.*\)$/, ''); // "GET /mcp (SSE stream)" → "GET /mcp"
        verdict.message = `would terminate: ${request} ${what}${because}${this.sessionId ? '; DELETE sent to end the session' : ''}`;
        this.end ??= { kind: 'terminate', step: verdict.step, message: `would terminate: ${request} ${what}${because}` };
        return false;
      }
      case 'fail':
      default:
        verdict.outcome = 'fail';
        verdict.message = `${what}${because}`;
        this.end ??= { kind: 'fail', step: verdict.step, message: `would fail at ${verdict.title}: ${what}${because}` };
        return false;
    }
  }

  private failNetwork(verdict: StepVerdict, err: unknown): false {
    const message = err instanceof WireError ? (err.kind === 'cors' ? `blocked by CORS: ${err.message}` : err.message) : `unexpected error: ${(err as Error).message}`;
    verdict.outcome = 'fail';
    verdict.message = message;
    this.end ??= { kind: 'fail', step: verdict.step, message: `would fail at ${verdict.title}: ${message}` };
    return false;
  }

  // ---- headers --------------------------------------------------------------------------------

  private userAgent(): string {
    const ua = this.profile.userAgent;
    if (this.profile.browserOrigin) return ua.browser;
    return this.token ? (ua.authenticatedMcp ?? ua.mcp) : ua.mcp;
  }

  private mcpHeaders(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    const p = this.profile;
    const headers: Record<string, string | undefined> = { 'User-Agent': this.userAgent() };
    if (p.configuredHeaders === 'sent') Object.assign(headers, this.options.headers);
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (this.sessionId && p.session.echo) headers['Mcp-Session-Id'] = this.sessionId;
    if (this.era === 'session' && this.negotiated) {
      const version = p.protocol.versionHeaderValue ?? (p.protocol.versionHeader === 'negotiated' ? this.negotiated : p.protocol.versionHeader === 'sent-version' ? p.protocol.version : undefined);
      if (version) headers['MCP-Protocol-Version'] = version;
    }
    return { ...headers, ...extra };
  }

  // ---- steps ----------------------------------------------------------------------------------

  private async probe(step: Extract<SimStep, { type: 'probe' }>): Promise<boolean> {
    const url = step.target === 'origin' ? `${this.url.origin}/` : this.url.href;
    const verdict = this.verdict(step.id, `${step.method} ${pathOf(url)} (probe)`);
    let response: WireResponse;
    try {
      response = await this.wire.send({ method: step.method, url, headers: { 'User-Agent': this.profile.userAgent.discovery, ...step.headers } }, verdict.requests);
    } catch (err) {
      return this.failNetwork(verdict, err);
    }
    this.challenge = parseChallenge(response.headers.get('www-authenticate')) ?? this.challenge;
    const { reaction } = reactionFor(step, statusKeys(response.status));
    return this.apply(verdict, reaction, `${response.status}${this.challenge && response.status === 401 ? ' with a Bearer challenge' : ''}`);
  }

  private async prefetch(step: Extract<SimStep, { type: 'metadata-prefetch' }>): Promise<boolean> {
    const verdict = this.verdict(step.id, 'Metadata fetched before any 401');
    const path = this.url.pathname === '/' ? '' : this.url.pathname.replace(/\/+$/, '');
    const found: string[] = [];
    for (const request of step.requests) {
      const url = `${this.url.origin}${request.path.replaceAll('{path}', path)}`;
      try {
        const response = await this.wire.send({ method: request.method, url, headers: { 'User-Agent': this.profile.userAgent.discovery, Accept: 'application/json', ...step.headers } }, verdict.requests);
        if (response.status === 200) found.push(`${request.method} ${pathOf(url)}`);
      } catch (err) {
        return this.failNetwork(verdict, err);
      }
    }
    verdict.message = found.length ? `200 for ${found.join(', ')}` : 'no metadata document answered 200';
    if (step.required) {
      const requiredUrl = `${this.url.origin}${step.required.path.replaceAll('{path}', path)}`;
      const answered = verdict.requests.find((r) => r.url === requiredUrl && r.method === 'GET');
      if (answered?.status !== 200) return this.apply(verdict, { do: 'fail', because: step.required.because }, `${pathOf(requiredUrl)} answered ${answered?.status ?? 'nothing'}`);
    }
    return true;
  }

  private async oauth(stepId: string, challenge: Challenge | undefined): Promise<boolean> {
    if (this.oauthRan || this.authless) return true;
    this.oauthRan = true;
    const outcome = await runOAuth({
      profile: this.profile,
      url: this.url,
      wire: this.wire,
      hooks: this.options.hooks ?? {},
      challenge,
      redirectUri: this.redirectUri,
      verdicts: this.verdicts,
    });
    if (!outcome.ok) {
      const failed = [...this.verdicts].reverse().find((v) => v.step === outcome.failedAt);
      this.end ??= { kind: 'fail', step: outcome.failedAt ?? stepId, message: `would fail at ${failed?.title ?? outcome.failedAt}: ${outcome.message}` };
      return false;
    }
    this.token = outcome.accessToken;
    return true;
  }

  /** A JSON-RPC request step (initialize, server/discover, tools/list, …) with its reactions. */
  private async request(step: Extract<SimStep, { type: 'mcp' }>, method: McpMethod, params?: Record<string, unknown>): Promise<boolean> {
    // A client that fell back from 2026-07-28 has already initialized: server/discover is done.
    if (method === 'server/discover' && this.era === 'session' && this.negotiated) return true;
    const title = () => `POST ${this.legacy ? pathOf(this.legacy.endpoint).split('?')[0] : this.url.pathname} ${method}${this.token ? ' (with token)' : ''}`;
    let verdict = this.verdict(step.id, title());
    for (let attempt = 0; attempt < 3; attempt++) {
      const sentToken = !!this.token;
      let answer: Answer | undefined;
      try {
        answer = await this.call(method, params ?? {}, verdict.requests);
      } catch (err) {
        return this.failNetwork(verdict, err);
      }
      // 2026-07-28: the server needs input first; the client answers and retries under new ids.
      if (this.era === 'stateless' && readInputRequired(answer.rpc?.result)) {
        answer = await this.fulfil(method, params ?? {}, answer, verdict);
        if (!answer) return false;
      }
      const { response, rpc, id } = answer;
      const conditions: string[] = [];
      if (response.status === 401 && sentToken) conditions.push('401-after-auth');
      if (response.status >= 200 && response.status < 300) {
        if (rpc?.error) conditions.push('rpc-error', `rpc-${rpc.error.code}`);
        else if (!rpc) conditions.push('no-answer');
        else if (rpc.id !== id) conditions.push('id-mismatch');
        if (method === 'initialize' && rpc?.result) {
          if (this.transport === 'streamable-http' && !response.headers.get('mcp-session-id')) conditions.push('no-session-id');
          const supported = this.profile.protocol.supportedVersions;
          if (supported && !supported.includes(String(rpc.result.protocolVersion))) conditions.push('version-mismatch');
        }
      }
      if (response.status === 401) this.challenge = parseChallenge(response.headers.get('www-authenticate'));
      const found = reactionFor(step, statusKeys(response.status, conditions));
      const { key } = found;
      // "authless" only means something for an answer to a request sent without a token.
      const reaction = found.reaction.do === 'authless' && sentToken ? { do: 'continue' as const } : found.reaction;
      const what = `${describeAnswer(response, rpc, key)}${verdict.rounds ? ` after ${describeRounds(verdict.rounds)}` : ''}`;

      if (reaction.do === 'oauth' && !this.token) {
        if (this.profile.auth.bearerSchemeCaseSensitive && this.challenge && this.challenge.scheme !== 'Bearer') {
          return this.apply(verdict, { do: 'fail', because: `the challenge scheme is "${this.challenge.scheme}"; this client matches "Bearer" case-sensitively and ignores it` }, what);
        }
        verdict.outcome = 'ok';
        verdict.message = `${what}: starts OAuth${this.challenge?.resourceMetadata ? ' (resource_metadata given)' : ' (no resource_metadata in the challenge)'}`;
        if (!(await this.oauth(step.id, this.challenge))) return false;
        verdict = this.verdict(step.id, title());
        continue;
      }
      if (reaction.do === 'fallback-legacy-sse' && this.transport === 'streamable-http') {
        verdict.message = `${what}: falls back to the legacy HTTP+SSE transport`;
        this.transport = 'legacy-sse';
        const connect = this.verdict(`${step.id}.legacy-sse`, `GET ${this.url.pathname} (legacy SSE fallback)`);
        if (!(await this.openLegacy(connect))) return false;
        verdict = this.verdict(step.id, `${title()} over HTTP+SSE`);
        continue;
      }
      if (reaction.do === 'fallback-initialize' && this.era === 'stateless') {
        verdict.message = `${what}: falls back to the initialize handshake`;
        this.era = 'session';
        const init: Extract<SimStep, { type: 'mcp' }> = { type: 'mcp', id: `${step.id}.fallback-initialize`, method: 'initialize' };
        if (!(await this.request(init, 'initialize'))) return false;
        return this.initialized({ type: 'initialized', id: `${step.id}.fallback-initialized` });
      }
      if (response.status >= 200 && response.status < 300 && rpc?.result) this.take(method, response, rpc.result);
      const ok = await this.apply(verdict, reaction, what);
      if (ok && method === 'tools/list' && this.tools) verdict.message = `${this.tools.length} tools: ${this.tools.join(', ')}`;
      return ok;
    }
    return this.apply(verdict, { do: 'fail' }, 'the request kept being refused');
  }

  /**
   * Plays a multi-round-trip request out: fulfils each `input_required` answer's input requests
   * from the profile's data and retries with `inputResponses` and the `requestState` echoed
   * verbatim, under a new id, until the server answers otherwise. Every round goes in
   * `verdict.rounds`. Returns the last answer, or undefined when the run ends here.
   */
  private async fulfil(method: string, params: Record<string, unknown>, first: Answer, verdict: StepVerdict): Promise<Answer | undefined> {
    const data = this.profile.protocol.inputAnswers ?? {};
    const maxRounds = data.maxRounds ?? DEFAULT_MAX_ROUNDS;
    const rounds: SimulatedRound[] = (verdict.rounds = []);
    let answer = first;
    for (let round = 1; ; round++) {
      const asked = readInputRequired(answer.rpc?.result);
      if (!asked) {
        const error = answer.rpc?.error;
        rounds.push({ round, rpcId: answer.id, answer: error ? `error ${error.code} ${error.message}` : answer.rpc ? 'complete' : `answered ${answer.response.status}` });
        return answer;
      }
      const requests = Object.entries(asked.inputRequests ?? {});
      rounds.push({ round, rpcId: answer.id, asked: requests.map(([key, request]) => ({ key, method: request.method })), ...(asked.requestState !== undefined ? { requestState: true } : {}), answer: 'input_required' });
      if (round >= maxRounds) {
        await this.apply(verdict, { do: 'fail', because: `the client gives up after ${maxRounds} rounds` }, `${describeRounds(rounds)}, the last one input_required again`);
        return undefined;
      }
      const inputResponses: Record<string, unknown> = {};
      for (const [key, request] of requests) {
        const given = answerInputRequest(request, this.profile.protocol.capabilities, data);
        if ('refused' in given) {
          await this.apply(verdict, { do: 'fail', because: given.refused }, `round ${round} asked for ${key} (${request.method})`);
          return undefined;
        }
        inputResponses[key] = given.result;
      }
      try {
        answer = await this.call(method, { ...params, inputResponses, ...(asked.requestState !== undefined ? { requestState: asked.requestState } : {}) }, verdict.requests);
      } catch (err) {
        this.failNetwork(verdict, err);
        return undefined;
      }
    }
  }

  /** Keeps what a successful answer tells the client. */
  private take(method: McpMethod, response: WireResponse, result: Record<string, unknown>): void {
    if (method === 'initialize') {
      this.negotiated = String(result.protocolVersion ?? this.profile.protocol.version);
      const session = response.headers.get('mcp-session-id');
      if (session) this.sessionId = session;
    }
    if (method === 'tools/list' && Array.isArray(result.tools)) {
      this.tools = (result.tools as Array<{ name?: unknown }>).map((t) => String(t.name));
    }
  }

  /** Sends one JSON-RPC request over the current transport and era; resolves with the answer. */
  private async call(method: string, params: Record<string, unknown>, requests: SimulatedRequest[]): Promise<{ response: WireResponse; rpc?: JsonRpcAnswer; id: number }> {
    const id = this.nextId++;
    const p = this.profile.protocol;
    let body: Record<string, unknown>;
    const extra: Record<string, string> = { 'Content-Type': 'application/json', Accept: this.profile.accept };
    if (p.routingHeaders === 'always') Object.assign(extra, routingHeaders(method, params));
    if (method === 'initialize') {
      // A new session: nothing of an earlier one goes with it.
      this.sessionId = undefined;
      this.negotiated = undefined;
      body = { jsonrpc: '2.0', id, method, params: { protocolVersion: p.version === '2026-07-28' ? (p.fallbackVersion ?? '2025-11-25') : p.version, capabilities: p.capabilities, clientInfo: p.clientInfo, ...params } };
    } else if (this.era === 'stateless') {
      const meta = { [META_VERSION]: p.version, [META_CAPABILITIES]: p.capabilities, [META_CLIENT_INFO]: p.clientInfo };
      body = { jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } };
      extra['MCP-Protocol-Version'] = method === 'server/discover' ? p.version : (p.versionHeaderValue ?? p.version);
      Object.assign(extra, routingHeaders(method, params));
    } else {
      body = { jsonrpc: '2.0', id, method, params };
    }
    if (this.transport === 'legacy-sse' && this.legacy) {
      const answered = new Promise<JsonRpcAnswer>((resolve) => this.legacy!.waiting.set(id, resolve));
      const response = await this.wire.send({ method: 'POST', url: this.legacy.endpoint, headers: this.mcpHeaders(extra), body: JSON.stringify(body) }, requests);
      if (response.status !== 202 && (response.status < 200 || response.status > 299)) return { response, id };
      const rpc = await withTimeout(answered, this.options.timeoutMs ?? 10_000, `no response to ${method} on the SSE stream`);
      return { response, rpc, id };
    }
    const response = await this.wire.send({ method: 'POST', url: this.url.href, headers: this.mcpHeaders(extra), body: JSON.stringify(body), stream: true }, requests);
    if (response.events) {
      // A POST answered with an SSE stream: the response is the event that carries our id.
      for await (const event of response.events) {
        const rpc = parseRpc(event);
        if (rpc && rpc.id === id) {
          response.close();
          return { response, rpc, id };
        }
      }
      return { response, id };
    }
    return { response, rpc: jsonRpc(response.text), id };
  }

  private async initialized(step: Extract<SimStep, { type: 'initialized' }>): Promise<boolean> {
    const verdict = this.verdict(step.id, `POST ${this.legacy ? pathOf(this.legacy.endpoint).split('?')[0] : this.url.pathname} notifications/initialized`);
    const body = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const url = this.transport === 'legacy-sse' && this.legacy ? this.legacy.endpoint : this.url.href;
    let response: WireResponse;
    try {
      const routing = this.profile.protocol.routingHeaders === 'always' ? routingHeaders('notifications/initialized', {}) : {};
      response = await this.wire.send({ method: 'POST', url, headers: this.mcpHeaders({ 'Content-Type': 'application/json', Accept: this.profile.accept, ...routing }), body }, verdict.requests);
    } catch (err) {
      return this.failNetwork(verdict, err);
    }
    const conditions = response.status === 401 && this.token ? ['401-after-auth'] : [];
    const { reaction } = reactionFor(step, statusKeys(response.status, conditions));
    return this.apply(verdict, reaction, `answered ${response.status}`);
  }

  private async getStream(step: Extract<SimStep, { type: 'get-stream' }>): Promise<boolean> {
    const verdict = this.verdict(step.id, `GET ${this.url.pathname} (SSE stream)`);
    for (let attempt = 0; attempt < 2; attempt++) {
      let response: WireResponse;
      try {
        const headers = this.mcpHeaders({ Accept: 'text/event-stream' });
        if (!step.withToken) delete headers.Authorization;
        response = await this.wire.send({ method: 'GET', url: this.url.href, headers, stream: true }, verdict.requests);
      } catch (err) {
        return this.failNetwork(verdict, err);
      }
      const sse = !!response.events;
      const conditions = response.status === 401 && this.token && step.withToken ? ['401-after-auth'] : [];
      if (response.status === 200 && !sse) conditions.push('not-sse');
      const { reaction } = reactionFor(step, statusKeys(response.status, conditions));
      if (reaction.do === 'oauth' && !this.token && step.withToken) {
        verdict.message = `${response.status}: starts OAuth`;
        this.challenge = parseChallenge(response.headers.get('www-authenticate'));
        if (!(await this.oauth(step.id, this.challenge))) return false;
        continue;
      }
      // The stream stays open until the run ends, as a client keeps it.
      const what = sse ? `${response.status}: stream open` : `answered ${response.status}${response.headers.get('allow') ? ` with Allow: ${response.headers.get('allow')}` : ''}`;
      return this.apply(verdict, reaction.do === 'oauth' ? { do: 'continue' } : reaction, what);
    }
    return this.apply(verdict, { do: 'warn' }, 'still refused after OAuth');
  }

  /** The legacy (2024-11-05) transport: GET the SSE URL, wait for the `endpoint` event. */
  private async legacyConnect(step: Extract<SimStep, { type: 'get-stream' }>): Promise<boolean> {
    const verdict = this.verdict(step.id, `GET ${this.url.pathname} (HTTP+SSE stream)`);
    return this.openLegacy(verdict, step);
  }

  private async openLegacy(verdict: StepVerdict, step?: Extract<SimStep, { type: 'get-stream' }>): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      let response: WireResponse;
      try {
        response = await this.wire.send({ method: 'GET', url: this.url.href, headers: this.mcpHeaders({ Accept: 'text/event-stream' }), stream: true }, verdict.requests);
      } catch (err) {
        return this.failNetwork(verdict, err);
      }
      if (response.status === 401 && !this.token) {
        verdict.message = '401: starts OAuth';
        if (!(await this.oauth(verdict.step, parseChallenge(response.headers.get('www-authenticate'))))) return false;
        continue;
      }
      if (response.status !== 200 || !response.events) {
        const reaction = step ? reactionFor(step, statusKeys(response.status, ['legacy-refused'])).reaction : { do: 'fail' as const };
        return this.apply(verdict, reaction.do === 'continue' ? { do: 'fail' } : reaction, `answered ${response.status}, not an SSE stream with an endpoint event`);
      }
      const events = response.events[Symbol.asyncIterator]();
      const endpoint = await withTimeout(nextEndpoint(events), this.options.timeoutMs ?? 10_000, 'no endpoint event on the SSE stream').catch((err: Error) => err);
      if (endpoint instanceof Error) return this.apply(verdict, { do: 'fail' }, endpoint.message);
      const resolved = new URL(endpoint, this.url);
      // Both SDK clients refuse an endpoint on another origin ("Endpoint origin does not match connection origin").
      if (resolved.origin !== this.url.origin) return this.apply(verdict, { do: 'fail' }, `Endpoint origin does not match connection origin: ${resolved.origin}`);
      const waiting = new Map<string | number, (answer: JsonRpcAnswer) => void>();
      this.legacy = { endpoint: resolved.href, waiting };
      void (async () => {
        for (;;) {
          const next = await events.next().catch(() => ({ done: true as const, value: undefined }));
          if (next.done) return;
          const rpc = parseRpc(next.value);
          if (rpc?.id !== undefined && rpc.id !== null) waiting.get(rpc.id)?.(rpc);
        }
      })();
      return this.apply(verdict, { do: 'continue' }, `stream open; endpoint ${pathOf(resolved.href)}`);
    }
    return this.apply(verdict, { do: 'fail' }, 'still refused after OAuth');
  }

  private async deleteSession(step: Extract<SimStep, { type: 'delete-session' }>): Promise<boolean> {
    if (!this.sessionId) return true; // nothing to end
    const verdict = this.verdict(step.id, `DELETE ${this.url.pathname} (end the session)`);
    let response: WireResponse;
    try {
      response = await this.sendDelete(verdict.requests);
    } catch (err) {
      return this.failNetwork(verdict, err);
    }
    return this.apply(verdict, reactionFor(step, statusKeys(response.status)).reaction, `answered ${response.status}`);
  }

  private sendDelete(requests: SimulatedRequest[]): Promise<WireResponse> {
    return this.wire.send({ method: 'DELETE', url: this.url.href, headers: this.mcpHeaders() }, requests);
  }
}

function describeAnswer(response: WireResponse, rpc: JsonRpcAnswer | undefined, key: string): string {
  const status = `answered ${response.status}`;
  switch (key) {
    case 'no-session-id':
      return `${status} without Mcp-Session-Id`;
    case 'version-mismatch':
      return `${status} with protocolVersion ${String(rpc?.result?.protocolVersion)}`;
    case 'id-mismatch':
      return `${status} with JSON-RPC id ${String(rpc?.id)}, not the request's`;
    case 'no-answer':
      return `${status} without a JSON-RPC response`;
    default:
      if (rpc?.error) return `${status} with JSON-RPC error ${rpc.error.code} ${rpc.error.message}`;
      if (response.status === 401) {
        const challenge = parseChallenge(response.headers.get('www-authenticate'));
        return `${status}${challenge ? '' : ' without WWW-Authenticate'}`;
      }
      return status;
  }
}

function jsonRpc(text: string): JsonRpcAnswer | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    // Only a JSON-RPC message counts: a 401's OAuth error body ({"error": "invalid_token"}) is not one.
    const isRpc = typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { jsonrpc?: unknown }).jsonrpc === '2.0';
    return isRpc && ('result' in value || 'error' in value) ? (value as JsonRpcAnswer) : undefined;
  } catch {
    return undefined;
  }
}

function parseRpc(event: ParsedSse): JsonRpcAnswer | undefined {
  return event.kind === 'event' && event.data ? jsonRpc(event.data) : undefined;
}

async function nextEndpoint(events: AsyncIterator<ParsedSse>): Promise<string> {
  for (;;) {
    const next = await events.next();
    if (next.done) throw new Error('the SSE stream ended before an endpoint event');
    if (next.value.kind === 'event' && next.value.event === 'endpoint' && next.value.data) return next.value.data.trim();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}

/** "3 rounds (step1: elicitation/create; step2: elicitation/create)". */
function describeRounds(rounds: readonly SimulatedRound[]): string {
  const asked = rounds.flatMap((r) => (r.asked ?? []).map((a) => `${a.key}: ${a.method}`));
  return `${rounds.length} round${rounds.length === 1 ? '' : 's'}${asked.length ? ` (${asked.join('; ')})` : ''}`;
}

/** The one-line result a user reads first. */
function summarize(run: ReplayRun): string {
  if (run.end) return run.end.message;
  const warnings = run.verdicts.filter((v) => v.outcome === 'warn').length;
  const tools = run.tools ? `connected and listed ${run.tools.length} tool${run.tools.length === 1 ? '' : 's'}` : 'connected';
  return warnings ? `${tools}, with ${warnings} warning${warnings === 1 ? '' : 's'}` : tools;
}

export async function runReplay(profile: ReplayProfile, options: SimulateOptions): Promise<SimulationResult> {
  const startedAt = Date.now();
  const started = performance.now();
  const run = new ReplayRun(profile, options);
  await run.run();
  const ok = !run.end && !!run.tools;
  return {
    runId: run.runId,
    profileId: profile.id,
    url: run.url.href,
    ok,
    ...(run.end ? { failedAt: run.end.step } : ok ? {} : { failedAt: 'tools/list' }),
    summary: ok || run.end ? summarize(run) : 'connected but never listed tools',
    steps: run.verdicts,
    ...(run.tools ? { tools: run.tools } : {}),
    startedAt,
    durationMs: Math.round(performance.now() - started),
  };
}

import type { Exchange } from '../../../shared/exchange';
import { COMPARE_STAGES, type CompareDifference, type CompareSide, type CompareStage, type CompareStep, type Comparison, type RegistrationPath } from '../../../shared/compare';
import type { LintFinding } from '../../../shared/lint';
import { lintExchanges, summarize } from '../lint/engine';
import { nameClient } from '../../../shared/clientName';
import { exchangeSighting } from '../recorder/runs';
import { isAuthorizationRequest } from '../recorder/classify';
import { browserLeg } from '../recorder/browserGap';
import { bearerToken, clientUrl, header, isObject, path, requestForm, requestJson, responseMessages } from '../lint/wire';
import { CALLBACK_PREFIX } from '../wire/paths';

// Compare: two client connections side by side. Each exchange becomes a step with a stage
// (discovery, token, initialize, tools/list, …) and a key saying what it asked for. The two
// connections are aligned stage by stage: within a stage, steps with the same key pair up in
// the order they happened (a client's parallel list calls come in any order), a step one
// client skipped or repeated shows as one-sided, and what is left on both sides pairs up as
// "a different request" (PRM at the root on one side, path-suffixed on the other).

/** Request headers worth comparing between clients (docs/client-profiles.md). */
const REQUEST_HEADERS = ['user-agent', 'accept', 'content-type', 'mcp-protocol-version', 'mcp-session-id', 'authorization', 'origin', 'mcp-method', 'mcp-name'] as const;
/** Response headers worth comparing between servers. */
const RESPONSE_HEADERS = ['content-type', 'mcp-session-id', 'www-authenticate', 'allow', 'location', 'access-control-allow-origin'] as const;
/** Headers whose value differs on every run: only their presence is compared. */
const PRESENCE_ONLY = new Set(['mcp-session-id', 'www-authenticate', 'location']);

export interface CompareOptions {
  /**
   * `exact` compares User-Agent strings (two captures); `product` only its first product name
   * (`Claude-User`, `node`, `Mozilla`): a profile and the real client differ in versions.
   */
  userAgent?: 'exact' | 'product';
}

export interface ConnectionInput {
  source: string;
  /** The connection's exchanges (any order). */
  exchanges: readonly Exchange[];
  connectionId?: string;
  /** Lint findings on these exchanges; judged here when not given. */
  findings?: readonly LintFinding[];
}

interface Step {
  stage: CompareStage;
  key: string;
  side: CompareSide;
}

/** The stage and alignment key of an exchange. */
export function stepOf(e: Exchange): { stage: CompareStage; key: string; label: string } {
  const c = e.classification;
  const withToken = bearerToken(e) ? ' (with token)' : '';
  switch (c.phase) {
    case 'discovery':
      return { stage: 'discovery', key: `discovery:${c.discovery ?? path(e)}`, label: c.label };
    case 'registration':
      return { stage: 'registration', key: 'registration', label: c.label };
    case 'authorization':
      return { stage: 'authorization', key: `authorization:${e.request.method}`, label: c.label };
    case 'token':
      return { stage: 'token', key: `token:${c.grantType ?? '?'}`, label: c.label };
    case 'sse-stream':
      return { stage: 'stream', key: `stream:${c.stream ?? '?'}${withToken}`, label: `${c.label}${withToken}` };
    case 'session-end':
      return { stage: 'session-end', key: 'delete', label: c.label };
    case 'jsonrpc': {
      const methods = c.jsonRpc?.methods ?? [];
      const method = methods[0] ?? c.jsonRpc?.kind ?? 'jsonrpc';
      const target = method === 'tools/call' && c.jsonRpc?.target ? ` ${c.jsonRpc.target}` : '';
      const stage: CompareStage =
        method === 'initialize' ? 'initialize' : method === 'notifications/initialized' ? 'initialized' : /\/list$/.test(method) ? 'list' : /\/(call|get|read)$/.test(method) ? 'call' : 'jsonrpc';
      const label = `${methods.join(', ') || method}${target}${withToken}`;
      return { stage, key: `rpc:${methods.join('+') || method}${target}${withToken}`, label };
    }
    default:
      if (e.request.method === 'HEAD') return { stage: 'probe', key: `probe:${path(e)}`, label: c.label };
      return { stage: 'other', key: `${e.request.method} ${path(e)}`, label: c.label };
  }
}

function pick(headers: Exchange['request']['headers'] | undefined, names: readonly string[], options: CompareOptions = {}): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = header(headers, name);
    if (value === undefined) continue;
    // Credentials and per-run ids: keep only what kind of value it was.
    picked[name] = name === 'authorization' ? `${value.split(/\s+/)[0]} …` : PRESENCE_ONLY.has(name) ? '(present)' : value;
    if (name === 'user-agent' && options.userAgent === 'product') picked[name] = value.split(/[\s/]/)[0] ?? value;
  }
  return picked;
}

/** A redirect URI without what changes per run: the port of a loopback redirect, and the query. */
function redirectShape(uri: string): string {
  try {
    const url = new URL(uri);
    const loopback = /^(127\.0\.0\.1|localhost|\[::1\])$/.test(url.hostname);
    return `${url.protocol}//${url.hostname}${loopback && url.port ? ':{port}' : url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return uri;
  }
}

/**
 * A URL parameter (RFC 8707 `resource`) relative to the host the request went to: two runs
 * against two ports, or a tunnel and localhost, send the same thing when it names "this server".
 */
function relativeToHost(value: string, e: Exchange): string {
  try {
    const url = new URL(value);
    const host = new URL(clientUrl(e) ?? '').host;
    return url.host === host ? `{this host}${url.pathname}${url.search}` : value;
  } catch {
    return value;
  }
}

/** The client authentication a token request used (RFC 7591 token_endpoint_auth_method names). */
function clientAuthMethod(e: Exchange, form: URLSearchParams): string {
  if (/^Basic\s/i.test(header(e.request.headers, 'authorization') ?? '')) return 'client_secret_basic';
  if (form.get('client_assertion_type')) return 'private_key_jwt';
  if (form.has('client_secret')) return 'client_secret_post';
  return 'none';
}

/**
 * The OAuth parameters that say how a client behaves, not what this run happened to get: the
 * registration body's fields, the authorization request's query, the token request's grant and
 * client authentication. Values that change per run (state, code, PKCE values) count by presence.
 */
export function oauthParams(e: Exchange): Record<string, string> | undefined {
  const { phase } = e.classification;
  const params: Record<string, string> = {};
  if (phase === 'registration' && e.request.method === 'POST') {
    const body = requestJson(e);
    if (!isObject(body)) return undefined;
    params['dcr.fields'] = Object.keys(body).sort().join(', ');
    for (const field of ['grant_types', 'response_types', 'token_endpoint_auth_method', 'application_type', 'scope']) {
      if (body[field] !== undefined) params[`dcr.${field}`] = [body[field]].flat().map(String).join(' ');
    }
    if (Array.isArray(body.redirect_uris)) params['dcr.redirect_uris'] = body.redirect_uris.map((u) => redirectShape(String(u))).join(' ');
    return params;
  }
  if (isAuthorizationRequest(e)) {
    const query = new URL(e.request.url, 'http://host.invalid').searchParams;
    for (const name of ['response_type', 'code_challenge_method', 'resource', 'scope', 'prompt']) {
      const value = query.get(name);
      if (value !== null) params[`authorize.${name}`] = name === 'resource' ? relativeToHost(value, e) : value;
    }
    for (const name of ['state', 'code_challenge']) params[`authorize.${name}`] = query.has(name) ? '(present)' : '(absent)';
    const redirect = query.get('redirect_uri');
    if (redirect) params['authorize.redirect_uri'] = redirectShape(redirect);
    return params;
  }
  if (phase === 'token') {
    const form = requestForm(e);
    params['token.grant_type'] = form.get('grant_type') ?? '(absent)';
    params['token.client_auth'] = clientAuthMethod(e, form);
    const resource = form.get('resource');
    if (resource !== null) params['token.resource'] = relativeToHost(resource, e);
    if (form.get('grant_type') === 'authorization_code') params['token.code_verifier'] = form.has('code_verifier') ? '(present)' : '(absent)';
    return params;
  }
  return undefined;
}

const isUrlClientId = (id: string | null | undefined) => !!id && /^https:\/\//i.test(id);

/** How the connection's client got its client_id (the exchanges in start order). */
export function registrationPath(exchanges: readonly Exchange[]): RegistrationPath {
  if (exchanges.some((e) => e.classification.phase === 'registration' && e.request.method === 'POST')) return 'dcr';
  const clientIds = exchanges.flatMap((e) => {
    if (isAuthorizationRequest(e)) return [new URL(e.request.url, 'http://host.invalid').searchParams.get('client_id')];
    if (e.classification.phase === 'token') return [requestForm(e).get('client_id') ?? (/^Basic\s/i.test(header(e.request.headers, 'authorization') ?? '') ? 'basic' : null)];
    return [];
  });
  if (clientIds.some(isUrlClientId)) return 'cimd';
  return clientIds.some((id) => !!id) ? 'pre-registered' : 'none';
}

/**
 * The protocol version the connection ended up speaking: the server's initialize answer, or
 * (2026-07-28, no initialize) the version the requests carry in `_meta`; the last one wins.
 */
export function negotiatedVersion(exchanges: readonly Exchange[]): string | undefined {
  let version: string | undefined;
  for (const e of exchanges) {
    const methods = e.classification.jsonRpc?.methods ?? [];
    if (methods.includes('initialize')) {
      const answer = responseMessages(e).find((m) => isObject(m.result) && typeof m.result.protocolVersion === 'string');
      if (answer) version = (answer.result as { protocolVersion: string }).protocolVersion;
    } else if (e.classification.jsonRpc?.protocolVersion && e.response && e.response.status < 300) version = e.classification.jsonRpc.protocolVersion;
  }
  return version;
}

function stepsOf(input: ConnectionInput, findings: readonly LintFinding[], options: CompareOptions): Step[] {
  const ordered = [...input.exchanges].sort((a, b) => a.startedAt - b.startedAt);
  const steps = ordered.map((e, i): Step => {
    const { stage, key, label } = stepOf(e);
    const oauth = oauthParams(e);
    return {
      stage,
      key,
      side: {
        exchangeId: e.id,
        position: i + 1,
        method: e.request.method,
        path: pathShape(e),
        ...(e.response ? { status: e.response.status } : {}),
        label,
        requestHeaders: pick(e.request.headers, REQUEST_HEADERS, options),
        responseHeaders: pick(e.response?.headers, RESPONSE_HEADERS),
        ...(e.classification.jsonRpc?.protocolVersion ? { protocolVersion: e.classification.jsonRpc.protocolVersion } : {}),
        ...(oauth ? { oauth } : {}),
        findings: findings.filter((f) => f.exchangeId === e.id).map((f) => ({ ruleId: f.ruleId, severity: f.severity })),
      },
    };
  });
  return steps;
}

/**
 * Aligns the keys of one stage: same keys pair in order; unmatched ones then pair by position;
 * the rest is one-sided. Returns index pairs in the left side's order, extra right steps last.
 */
export function alignStage(left: readonly string[], right: readonly string[]): Array<[number | undefined, number | undefined]> {
  const taken = new Set<number>();
  const rows: Array<[number | undefined, number | undefined]> = left.map((key, i) => {
    const j = right.findIndex((other, k) => other === key && !taken.has(k));
    if (j === -1) return [i, undefined];
    taken.add(j);
    return [i, j];
  });
  const unmatchedRight = right.map((_, j) => j).filter((j) => !taken.has(j));
  for (const row of rows) if (row[1] === undefined && unmatchedRight.length) row[1] = unmatchedRight.shift();
  return [...rows, ...unmatchedRight.map((j): [undefined, number] => [undefined, j])];
}

function differences(left: CompareSide | undefined, right: CompareSide | undefined): CompareDifference[] {
  if (!left) return [{ kind: 'only-right', right: right!.label }];
  if (!right) return [{ kind: 'only-left', left: left.label }];
  const found: CompareDifference[] = [];
  const differ = (kind: CompareDifference['kind'], l: string | undefined, r: string | undefined, name?: string) => {
    if (l !== r) found.push({ kind, ...(name ? { name } : {}), ...(l !== undefined ? { left: l } : {}), ...(r !== undefined ? { right: r } : {}) });
  };
  if (left.label !== right.label) differ('request', left.label, right.label);
  differ('method', left.method, right.method);
  differ('path', left.path, right.path);
  differ('status', left.status?.toString(), right.status?.toString());
  differ('protocol-version', left.protocolVersion, right.protocolVersion);
  for (const name of REQUEST_HEADERS) differ('request-header', left.requestHeaders[name], right.requestHeaders[name], name);
  for (const name of RESPONSE_HEADERS) differ('response-header', left.responseHeaders[name], right.responseHeaders[name], name);
  for (const name of [...new Set([...Object.keys(left.oauth ?? {}), ...Object.keys(right.oauth ?? {})])].sort()) differ('oauth-param', left.oauth?.[name], right.oauth?.[name], name);
  const leftRules = new Set(left.findings.map((f) => f.ruleId));
  const rightRules = new Set(right.findings.map((f) => f.ruleId));
  for (const id of new Set([...leftRules, ...rightRules])) {
    if (leftRules.has(id) !== rightRules.has(id)) found.push({ kind: 'lint', name: id, ...(leftRules.has(id) ? { left: id } : { right: id }) });
  }
  return found;
}

/** Aligns two connections step by step and names what differs in each step and in the whole. */
/** The request path, a callback relay's number left out: it says in which order clients registered through the front door, not how this one behaves. */
function pathShape(e: Exchange): string {
  const p = path(e);
  return p.startsWith(CALLBACK_PREFIX) ? `${CALLBACK_PREFIX}{k}` : p;
}

/**
 * Leaves out the user's browser at an authorization server's own pages, where one side shows
 * the browser sent there by a front door that fronts the AS (--intercept-as answers the
 * authorization request with a redirect to it, and its callback relay sees the browser come
 * back): a front door never sees those pages, a simulated client's own fetch does. Without
 * that trip on either side, nothing changes.
 */
function withoutBrowserTrips(leftInput: ConnectionInput, rightInput: ConnectionInput): [ConnectionInput, ConnectionInput] {
  const hosts = new Set<string>();
  for (const e of [...leftInput.exchanges, ...rightInput.exchanges]) {
    const leg = browserLeg(e);
    if (leg?.kind === 'authorize') hosts.add(leg.host.toLowerCase());
  }
  if (hosts.size === 0) return [leftInput, rightInput];
  const visible = (input: ConnectionInput): ConnectionInput => ({ ...input, exchanges: input.exchanges.filter((e) => !hosts.has((header(e.request.headers, 'host') ?? '').toLowerCase())) });
  return [visible(leftInput), visible(rightInput)];
}

export function compareConnections(leftAsGiven: ConnectionInput, rightAsGiven: ConnectionInput, options: CompareOptions = {}): Comparison {
  const [leftInput, rightInput] = withoutBrowserTrips(leftAsGiven, rightAsGiven);
  const findingsOf = (input: ConnectionInput) => input.findings ?? lintExchanges(input.exchanges).findings;
  const leftFindings = findingsOf(leftInput);
  const rightFindings = findingsOf(rightInput);
  const left = stepsOf(leftInput, leftFindings, options);
  const right = stepsOf(rightInput, rightFindings, options);
  const steps: CompareStep[] = [];
  for (const stage of COMPARE_STAGES) {
    const l = left.filter((s) => s.stage === stage);
    const r = right.filter((s) => s.stage === stage);
    for (const [i, j] of alignStage(l.map((s) => s.key), r.map((s) => s.key))) {
      const a = i === undefined ? undefined : l[i]!.side;
      const b = j === undefined ? undefined : r[j]!.side;
      steps.push({ stage, ...(a ? { left: a } : {}), ...(b ? { right: b } : {}), differences: differences(a, b) });
    }
  }
  const leftSummary = describe(leftInput, leftFindings);
  const rightSummary = describe(rightInput, rightFindings);
  const whole: CompareDifference[] = orderDifferences(steps, spans(leftInput.exchanges), spans(rightInput.exchanges));
  if (leftSummary.negotiatedVersion !== rightSummary.negotiatedVersion) {
    whole.push({ kind: 'negotiated-version', ...(leftSummary.negotiatedVersion ? { left: leftSummary.negotiatedVersion } : {}), ...(rightSummary.negotiatedVersion ? { right: rightSummary.negotiatedVersion } : {}) });
  }
  if (leftSummary.registration !== rightSummary.registration) whole.push({ kind: 'registration', left: leftSummary.registration, right: rightSummary.registration });
  return {
    left: leftSummary,
    right: rightSummary,
    steps,
    differingSteps: steps.filter((s) => s.differences.length > 0).length,
    differences: whole,
  };
}

interface Span {
  start: number;
  /** Infinity while a stream is open: it happened before nothing. */
  end: number;
}

function spans(exchanges: readonly Exchange[]): Map<string, Span> {
  return new Map(exchanges.map((e) => [e.id, { start: e.startedAt, end: e.timings.end === undefined ? Infinity : e.startedAt + e.timings.end }]));
}

/**
 * Steps paired on both sides that happened in the opposite order. Order means "one had ended
 * before the other started": requests in flight together (parallel lists, a GET stream and the
 * next POST) have none, so a client's concurrency never reads as a difference. The step out of
 * order with the most others is named first, until the rest agree.
 */
function orderDifferences(steps: readonly CompareStep[], leftSpans: Map<string, Span>, rightSpans: Map<string, Span>): CompareDifference[] {
  const paired = steps.filter((s) => s.left && s.right).map((s) => ({ step: s, l: leftSpans.get(s.left!.exchangeId)!, r: rightSpans.get(s.right!.exchangeId)! }));
  const before = (a: Span, b: Span) => a.end < b.start;
  const inverted = (a: (typeof paired)[number], b: (typeof paired)[number]) => (before(a.l, b.l) && before(b.r, a.r)) || (before(b.l, a.l) && before(a.r, b.r));
  const found: CompareDifference[] = [];
  const remaining = new Set(paired);
  for (;;) {
    let worst: (typeof paired)[number] | undefined;
    let worstCount = 0;
    for (const a of remaining) {
      const count = [...remaining].filter((b) => b !== a && inverted(a, b)).length;
      if (count > worstCount) [worst, worstCount] = [a, count];
    }
    if (!worst) return found;
    remaining.delete(worst);
    const other = paired.find((b) => b !== worst && inverted(worst!, b))!;
    const where = (mine: Span, theirs: Span, side: CompareSide) => `#${side.position}, ${before(mine, theirs) ? 'before' : 'after'} ${other.step.left!.label}`;
    found.push({ kind: 'order', name: worst.step.left!.label, left: where(worst.l, other.l, worst.step.left!), right: where(worst.r, other.r, worst.step.right!) });
  }
}

function describe(input: ConnectionInput, findings: readonly LintFinding[]) {
  const inOrder = [...input.exchanges].sort((a, b) => a.startedAt - b.startedAt);
  // Named as the run lists name it: the client that opened MCP beats a bare User-Agent.
  const { name: client } = nameClient(inOrder.map(exchangeSighting));
  const ids = new Set(input.exchanges.map((e) => e.id));
  const version = negotiatedVersion(inOrder);
  return {
    source: input.source,
    ...(input.connectionId ? { connectionId: input.connectionId } : {}),
    client,
    exchanges: input.exchanges.length,
    lint: summarize(input.connectionId ?? input.source, input.exchanges.length, findings.filter((f) => ids.has(f.exchangeId))),
    ...(version ? { negotiatedVersion: version } : {}),
    registration: registrationPath(inOrder),
  };
}

import type { ExchangeSummary } from '../../../shared/controlApi';
import type { ExchangeOutcome, RunVerdict } from '../../../shared/outcome';
import { runVerdict } from '../../../shared/outcome';
import { duration } from './format';
import type { BrowserGap } from '../../../shared/browserGap';

// The handshake of one client RUN, read from its recorded exchanges: which path it took (how
// the client got a client id, which transport era), a checklist of that path's steps — each
// step once, its repeated attempts collapsed with a count, with what happened, what the spec
// expects and the public spec section — and a sequence diagram with only the parties that took
// part. Outcomes come from the rows (src/shared/outcome.ts), the verdict from `runVerdict`.

const SPEC = 'https://modelcontextprotocol.io/specification/2025-11-25';
const LEGACY_SPEC = 'https://modelcontextprotocol.io/specification/2024-11-05';
const DRAFT_SPEC = 'https://modelcontextprotocol.io/specification/draft';

// ------------------------------------------------------------------ paths

/** How the client got a client id (or that it needed none). */
export type AuthPath = 'dcr' | 'cimd' | 'pre-registered' | 'oauth' | 'authless';
/** Which transport era the run used. */
export type TransportPath = 'streamable' | 'stateless' | 'legacy-sse';

export interface RunPath {
  auth: AuthPath;
  transport: TransportPath;
  /** The client_id the authorization request carried. */
  clientId?: string;
}

export const AUTH_PATH_NAMES: Record<AuthPath, string> = {
  dcr: 'OAuth with Dynamic Client Registration',
  cimd: 'OAuth with a Client ID Metadata Document',
  'pre-registered': 'OAuth with a pre-registered client',
  oauth: 'OAuth (no client id seen yet)',
  authless: 'No authorization',
};

export const TRANSPORT_PATH_NAMES: Record<TransportPath, string> = {
  streamable: 'Streamable HTTP with a session (initialize)',
  stateless: '2026-07-28 stateless (server/discover, no session)',
  'legacy-sse': 'Legacy HTTP+SSE (2024-11-05)',
};

const pathOf = (row: ExchangeSummary) => row.url.split('?')[0]!;
const query = (row: ExchangeSummary) => new URLSearchParams(row.url.includes('?') ? row.url.slice(row.url.indexOf('?') + 1) : '');
const isLegacyStream = (row: ExchangeSummary) => row.phase === 'sse-stream' && (row.label === 'legacy SSE stream' || (row.method === 'GET' && /\/sse$/.test(pathOf(row))));
const isLegacyMessage = (row: ExchangeSummary) => row.phase === 'jsonrpc' && query(row).has('sessionId');

/** The path a run took, from its exchanges. */
export function runPath(rows: readonly ExchangeSummary[]): RunPath {
  const authorize = rows.find((r) => r.phase === 'authorization' && query(r).has('client_id'));
  const clientId = authorize ? (query(authorize).get('client_id') ?? undefined) : undefined;
  const oauthSeen = rows.some((r) => r.outcome === 'challenge' || r.phase === 'authorization' || r.phase === 'token' || r.phase === 'registration' || (r.phase === 'discovery' && r.outcome === 'ok'));
  const auth: AuthPath = rows.some((r) => r.phase === 'registration' && r.method === 'POST')
    ? 'dcr'
    : clientId && /^https:\/\//i.test(clientId)
      ? 'cimd'
      : clientId || rows.some((r) => r.phase === 'token')
        ? 'pre-registered'
        : oauthSeen
          ? 'oauth'
          : 'authless';
  const methods = new Set(rows.flatMap((r) => r.rpcMethods));
  const transport: TransportPath = rows.some((r) => isLegacyStream(r) || isLegacyMessage(r))
    ? 'legacy-sse'
    : methods.has('server/discover') && !methods.has('initialize')
      ? 'stateless'
      : 'streamable';
  return { auth, transport, ...(clientId ? { clientId } : {}) };
}

// ------------------------------------------------------------------ checklist

export type StepState = 'done' | 'failed' | 'warned' | 'waiting' | 'skipped';

/** Repeated exchanges of a step that ended the same way, shown once with a count. */
export interface Attempt {
  request: string;
  /** What the client saw: "200", "204 (was 202)", "204 (spec: 202)", "…". */
  status: string;
  outcome: ExchangeOutcome;
  /** Worst lint severity on these exchanges. */
  lint?: 'error' | 'warning';
  /** Whether the answer differs from what the spec expects for this step. */
  unexpected?: boolean;
  count: number;
  /** The first of them (the one to open). */
  id: string;
}

export interface ChecklistStep {
  id: string;
  title: string;
  state: StepState;
  /** One sentence when the attempts alone don't say it (a CIMD client id, a wait). */
  happened?: string;
  attempts: Attempt[];
  /** Why it failed or is flagged. */
  reason?: string;
  expects: string;
  spec: { label: string; url: string };
  /** The exchange that shows it best (the failing one, else the last that worked). */
  evidence?: string;
  optional?: boolean;
}

export interface RunHandshake {
  path: RunPath;
  verdict: RunVerdict;
  steps: ChecklistStep[];
}

type StepId =
  | 'challenge'
  | 'prm'
  | 'as-metadata'
  | 'registered'
  | 'client-id-document'
  | 'pre-registered'
  | 'authorized'
  | 'token'
  | 'no-auth'
  | 'sse-open'
  | 'initialized'
  | 'notified'
  | 'discover'
  | 'stateless'
  | 'get-stream'
  | 'tools-listed'
  | 'tool-called'
  | 'session-end'
  | 'other';

interface StepDefinition {
  title: string;
  expects: string;
  spec: { label: string; url: string };
  optional?: boolean;
  /** The status the spec expects for a 2xx answer (anything else 2xx is flagged). */
  expectStatus?: number;
}

const STEP: Record<StepId, StepDefinition> = {
  challenge: {
    title: '401 challenge',
    expects: 'A request without a token gets 401 with WWW-Authenticate: Bearer resource_metadata="…" (and the scope it needs); the client follows it to the metadata.',
    spec: { label: 'Protected resource metadata discovery', url: `${SPEC}/basic/authorization#protected-resource-metadata-discovery-requirements` },
    optional: true,
  },
  prm: {
    title: 'Protected Resource Metadata',
    expects: 'The client fetches the Protected Resource Metadata (RFC 9728) named in the challenge, or tries the path-suffixed then the root well-known location; it names the authorization server.',
    spec: { label: 'Protected resource metadata discovery', url: `${SPEC}/basic/authorization#protected-resource-metadata-discovery-requirements` },
  },
  'as-metadata': {
    title: 'Authorization server metadata',
    expects: 'The client fetches the authorization server’s metadata (RFC 8414 or OpenID Connect discovery) to learn its endpoints and what it supports (PKCE S256, registration, client id metadata documents).',
    spec: { label: 'Authorization server metadata discovery', url: `${SPEC}/basic/authorization#authorization-server-metadata-discovery` },
  },
  registered: {
    title: 'Registered (Dynamic Client Registration)',
    expects: 'Without a client id, the client POSTs its metadata to the registration_endpoint (RFC 7591) and gets 201 with a client_id.',
    spec: { label: 'Dynamic client registration', url: `${SPEC}/basic/authorization#dynamic-client-registration` },
    expectStatus: 201,
  },
  'client-id-document': {
    title: 'Client ID Metadata Document',
    expects: 'The client_id is an https URL of a JSON document describing the client; the authorization server fetches it (client_id_metadata_document_supported), no registration request is made.',
    spec: { label: 'Client ID metadata documents', url: `${SPEC}/basic/authorization#client-id-metadata-documents` },
  },
  'pre-registered': {
    title: 'Pre-registered client',
    expects: 'A client with a client id issued beforehand for this server uses it directly: no registration request.',
    spec: { label: 'Preregistration', url: `${SPEC}/basic/authorization#preregistration` },
  },
  authorized: {
    title: 'Authorized (browser, PKCE)',
    expects: 'The client opens the authorization endpoint in a browser with PKCE (code_challenge, S256) and the resource parameter; after consent the server redirects to the redirect_uri with a code and the same state.',
    spec: { label: 'Authorization code protection', url: `${SPEC}/basic/authorization#authorization-code-protection` },
  },
  token: {
    title: 'Token',
    expects: 'The client POSTs the code with its code_verifier and the resource to the token endpoint and gets an access token (usually a refresh token too); errors are RFC 6749 JSON like {"error":"invalid_grant"}.',
    spec: { label: 'Token audience binding and validation', url: `${SPEC}/basic/authorization#token-audience-binding-and-validation` },
  },
  'no-auth': {
    title: 'No authorization',
    expects: 'Authorization is optional: a server that needs none answers the first request without a 401 and publishes no OAuth metadata.',
    spec: { label: 'Authorization (optional)', url: `${SPEC}/basic/authorization` },
  },
  'sse-open': {
    title: 'GET /sse (endpoint event)',
    expects: 'The client opens the SSE stream; the server’s first event is `endpoint` with the URL to POST messages to. Answers come back on this stream.',
    spec: { label: 'HTTP with SSE (2024-11-05)', url: `${LEGACY_SPEC}/basic/transports#http-with-sse` },
  },
  initialized: {
    title: 'Initialize',
    expects: 'initialize succeeds (with the token when the server requires one); a session-era server may issue Mcp-Session-Id, which the client sends from then on.',
    spec: { label: 'Lifecycle: initialization', url: `${SPEC}/basic/lifecycle#initialization` },
  },
  notified: {
    title: 'notifications/initialized',
    expects: 'The client sends notifications/initialized; a server answers a notification 202 Accepted with no body (Claude.ai warns on 204).',
    spec: { label: 'Sending messages to the server', url: `${SPEC}/basic/transports#sending-messages-to-the-server` },
    expectStatus: 202,
  },
  discover: {
    title: 'server/discover',
    expects: 'In the 2026-07-28 era there is no initialize: the client asks server/discover for the server’s capabilities, and every request carries _meta with protocolVersion and clientCapabilities.',
    spec: { label: 'Transports (draft, stateless era)', url: `${DRAFT_SPEC}/basic/transports` },
  },
  stateless: {
    title: 'No session',
    expects: 'A stateless run has no initialize and no Mcp-Session-Id: each request stands alone.',
    spec: { label: 'Transports (draft, stateless era)', url: `${DRAFT_SPEC}/basic/transports` },
  },
  'get-stream': {
    title: 'GET stream',
    expects: 'A GET to the MCP endpoint opens an SSE stream for server messages (200 text/event-stream), or is answered 405 when the server offers none.',
    spec: { label: 'Listening for messages from the server', url: `${SPEC}/basic/transports#listening-for-messages-from-the-server` },
    optional: true,
  },
  'tools-listed': {
    title: 'Tools listed',
    expects: 'The client lists the tools (Claude.ai, 2025, only did so when initialize had issued an Mcp-Session-Id).',
    spec: { label: 'Tools: listing tools', url: `${SPEC}/server/tools#listing-tools` },
  },
  'tool-called': {
    title: 'Tool called',
    expects: 'tools/call runs a tool; errors of the tool itself come back as a result with isError: true, not as a JSON-RPC error.',
    spec: { label: 'Tools: calling tools', url: `${SPEC}/server/tools#calling-tools` },
    optional: true,
  },
  'session-end': {
    title: 'Session ended (DELETE)',
    expects: 'A client that is done may DELETE its session (Mcp-Session-Id); a server answers 200/204, or 405 if it does not allow it.',
    spec: { label: 'Session management', url: `${SPEC}/basic/transports#session-management` },
    optional: true,
  },
  other: {
    title: 'Other exchanges',
    expects: 'Anything else the client sent in this run (probes, other list calls, streams).',
    spec: { label: 'Transports', url: `${SPEC}/basic/transports` },
    optional: true,
  },
};

/** The steps of a path, in the order a client goes through them. */
function stepsFor(path: RunPath): StepId[] {
  const auth: StepId[] =
    path.auth === 'authless'
      ? ['no-auth']
      : ['challenge', 'prm', 'as-metadata', path.auth === 'cimd' ? 'client-id-document' : path.auth === 'pre-registered' ? 'pre-registered' : 'registered', 'authorized', 'token'];
  const transport: StepId[] =
    path.transport === 'legacy-sse'
      ? ['sse-open', 'initialized', 'notified', 'tools-listed', 'tool-called']
      : path.transport === 'stateless'
        ? ['discover', 'stateless', 'tools-listed', 'tool-called']
        : ['initialized', 'notified', 'get-stream', 'tools-listed', 'tool-called', 'session-end'];
  return [...auth, ...transport, 'other'];
}

/** The step an exchange belongs to (before the path narrows it down). */
function stepOfRow(row: ExchangeSummary, tokenAt: number): StepId {
  if (row.outcome === 'challenge' && row.startedAt < tokenAt && (row.phase === 'jsonrpc' || row.phase === 'sse-stream' || row.phase === 'other')) return 'challenge';
  switch (row.phase) {
    case 'discovery':
      if (row.discovery?.startsWith('protected-resource')) return 'prm';
      if (row.discovery?.startsWith('authorization-server') || row.discovery?.startsWith('openid-configuration')) return 'as-metadata';
      return 'other';
    case 'registration':
      return 'registered';
    case 'authorization':
      return 'authorized';
    case 'token':
      return 'token';
    case 'sse-stream':
      return isLegacyStream(row) ? 'sse-open' : row.method === 'GET' ? 'get-stream' : 'other';
    case 'session-end':
      return 'session-end';
    case 'jsonrpc': {
      const m = row.rpcMethods;
      if (m.includes('initialize')) return 'initialized';
      if (m.includes('notifications/initialized')) return 'notified';
      if (m.includes('server/discover')) return 'discover';
      if (m.includes('tools/list')) return 'tools-listed';
      if (m.includes('tools/call')) return 'tool-called';
      return 'other';
    }
    default:
      return 'other';
  }
}

/** "204 (was 202)" when a rule or toggle changed it, "204 (spec: 202)" when the spec expects another. */
export function statusText(row: ExchangeSummary, expectStatus?: number): string {
  if (row.status === undefined) return row.error ? `no answer (${row.error})` : row.state === 'streaming' ? 'streaming' : '…';
  if (row.upstreamStatus !== undefined && row.upstreamStatus !== row.status) return `${row.status} (was ${row.upstreamStatus})`;
  if (expectStatus !== undefined && row.status >= 200 && row.status < 300 && row.status !== expectStatus) return `${row.status} (spec: ${expectStatus})`;
  return String(row.status);
}

const lintOf = (row: ExchangeSummary): 'error' | 'warning' | undefined => (row.lint?.errors ? 'error' : row.lint?.warnings ? 'warning' : undefined);

function requestText(row: ExchangeSummary): string {
  const path = pathOf(row);
  if (row.phase === 'jsonrpc') return `${row.method} ${path} · ${row.rpcMethods.join(', ') || row.label}${row.rpcTarget ? ` ${row.rpcTarget}` : ''}`;
  if (row.phase === 'token') return `${row.method} ${path} · ${row.grantType ?? 'token'}`;
  return `${row.method} ${path}`;
}

/** Repeated exchanges that ended the same way, once each with a count, in first-seen order. */
function collapse(rows: readonly ExchangeSummary[], expectStatus?: number): Attempt[] {
  const attempts = new Map<string, Attempt>();
  for (const row of rows) {
    const request = requestText(row);
    const status = statusText(row, expectStatus);
    const lint = lintOf(row);
    const key = `${request}|${status}|${row.outcome}|${lint ?? ''}`;
    const seen = attempts.get(key);
    if (seen) seen.count++;
    else {
      const unexpected = expectStatus !== undefined && row.status !== undefined && row.status >= 200 && row.status < 300 && row.status !== expectStatus;
      attempts.set(key, { request, status, outcome: row.outcome, ...(lint ? { lint } : {}), ...(unexpected ? { unexpected } : {}), count: 1, id: row.id });
    }
  }
  return [...attempts.values()];
}

const succeeded = (row: ExchangeSummary) => row.outcome === 'ok' || row.outcome === 'closed-by-client';

function judgeStep(id: StepId, rows: ExchangeSummary[], verdict: RunVerdict, lintTitle: (ruleId: string) => string): Pick<ChecklistStep, 'state' | 'reason' | 'evidence'> {
  const definition = STEP[id];
  if (rows.length === 0) return { state: definition.optional ? 'skipped' : 'waiting' };
  const failing = verdict.outcome === 'failed' ? rows.find((r) => r.id === verdict.failedAt) : undefined;
  if (failing) return { state: 'failed', reason: verdict.reason ?? failing.outcomeReason, evidence: failing.id };
  // A failure no later exchange of this step made good.
  const lastFailed = rows.findLast((r) => r.outcome === 'failed');
  if (lastFailed && !rows.some((r) => r.startedAt > lastFailed.startedAt && succeeded(r))) return { state: 'failed', reason: lastFailed.outcomeReason ?? `HTTP ${lastFailed.status ?? '—'}`, evidence: lastFailed.id };
  const flagged = rows.filter((r) => r.lint && (r.lint.errors || r.lint.warnings));
  const unexpected = definition.expectStatus !== undefined ? rows.find((r) => r.status !== undefined && r.status >= 200 && r.status < 300 && r.status !== definition.expectStatus) : undefined;
  // A 405 to GET /mcp or DELETE says the server offers none, which the spec allows: answered.
  const declined = id === 'get-stream' || id === 'session-end' ? rows.findLast((r) => r.outcome === 'probe-miss') : undefined;
  const ok = rows.findLast(succeeded) ?? (id === 'challenge' ? rows.findLast((r) => r.outcome === 'challenge') : undefined) ?? declined;
  // A legacy SSE stream that is open is what the client wanted.
  const open = id === 'sse-open' ? rows.findLast((r) => r.outcome === 'in-progress' && r.status !== undefined && r.status < 300) : undefined;
  const worked = ok ?? open;
  if (flagged.length || unexpected) {
    const rules = [...new Set(flagged.flatMap((r) => r.lint!.rules))];
    const why = [unexpected ? `answered ${unexpected.status}; the spec expects ${definition.expectStatus}` : '', rules.length ? `lint: ${rules.map(lintTitle).join('; ')}` : ''].filter(Boolean).join(' — ');
    return { state: 'warned', reason: why, evidence: (flagged[0] ?? unexpected ?? worked)!.id };
  }
  if (worked) return { state: 'done', evidence: worked.id };
  const last = rows[rows.length - 1]!;
  if (rows.every((r) => r.outcome === 'probe-miss')) return { state: 'waiting', reason: 'no document at the locations tried yet', evidence: last.id };
  if (last.outcome === 'challenge') return { state: 'waiting', reason: 'answered 401: the client has to (re)authorize', evidence: last.id };
  return { state: 'waiting', evidence: last.id };
}

/**
 * The checklist of a run's path: each step once, with its attempts collapsed, what the spec
 * expects and where, failed steps with the reason, the run's verdict (`runVerdict`) on top.
 */
export function runHandshake(rows: readonly ExchangeSummary[], lintTitle: (ruleId: string) => string = (id) => id): RunHandshake {
  const ordered = [...rows].sort((a, b) => a.startedAt - b.startedAt);
  const path = runPath(ordered);
  const verdict = runVerdict(ordered);
  const tokenAt = ordered.find((r) => r.phase === 'token' && r.outcome === 'ok')?.startedAt ?? Infinity;
  const ids = stepsFor(path);
  const wanted = new Set(ids);
  const byStep = new Map<StepId, ExchangeSummary[]>(ids.map((id) => [id, []]));
  for (const row of ordered) {
    let id = stepOfRow(row, tokenAt);
    if (id === 'registered' && !wanted.has('registered')) id = 'other';
    if (!wanted.has(id)) id = 'other';
    byStep.get(id)!.push(row);
  }
  const steps: ChecklistStep[] = [];
  for (const id of ids) {
    const stepRows = byStep.get(id)!;
    const definition = STEP[id];
    const step: ChecklistStep = {
      id,
      title: definition.title,
      expects: definition.expects,
      spec: definition.spec,
      attempts: collapse(stepRows, definition.expectStatus),
      ...(definition.optional ? { optional: true } : {}),
      ...judgeStep(id, stepRows, verdict, lintTitle),
    };
    switch (id) {
      case 'client-id-document': {
        const authorize = ordered.find((r) => r.phase === 'authorization');
        Object.assign(step, { state: authorize ? 'done' : 'waiting', evidence: authorize?.id, happened: `client_id is ${path.clientId}: the authorization server reads the client from that document; no registration request.` });
        break;
      }
      case 'pre-registered': {
        const first = ordered.find((r) => r.phase === 'authorization' || r.phase === 'token');
        Object.assign(step, { state: first ? 'done' : 'waiting', evidence: first?.id, happened: path.clientId ? `client_id “${path.clientId}” was not registered in this run: the client came with it.` : 'The client went to the token endpoint without registering in this run.' });
        break;
      }
      case 'registered':
        if (path.auth === 'oauth' && stepRows.length === 0) step.happened = 'Not yet: the client registers (DCR), names a metadata document URL (CIMD), or uses a client id it already has.';
        break;
      case 'no-auth': {
        const first = ordered.find((r) => r.phase === 'jsonrpc' && succeeded(r));
        Object.assign(step, { state: first ? 'done' : 'waiting', evidence: first?.id, happened: first ? 'The server answered without asking for a token.' : 'Not yet.' });
        break;
      }
      case 'stateless': {
        const sessions = ordered.filter((r) => r.sessionId);
        const initialize = ordered.some((r) => r.rpcMethods.includes('initialize'));
        const discovered = byStep.get('discover')?.some(succeeded);
        if (sessions.length || initialize) Object.assign(step, { state: 'warned', reason: `${initialize ? 'an initialize was sent' : ''}${initialize && sessions.length ? '; ' : ''}${sessions.length ? `${sessions.length} exchanges carried an Mcp-Session-Id` : ''}`, evidence: sessions[0]?.id });
        else Object.assign(step, { state: discovered ? 'done' : 'waiting', happened: discovered ? 'No initialize and no Mcp-Session-Id in this run.' : undefined });
        break;
      }
      case 'authorized':
        if (step.state === 'done' && !stepRows.some((r) => r.status !== undefined && r.status >= 300 && r.status < 400)) {
          // The consent page answered, but no redirect back with a code yet.
          step.state = 'waiting';
          step.happened = 'The consent page is waiting for the user.';
        }
        break;
      default:
        break;
    }
    if (step.state === 'waiting' && !step.happened && stepRows.length === 0) step.happened = verdict.outcome === 'failed' ? 'Not reached.' : 'Not yet.';
    if (step.state === 'skipped' && !step.happened) step.happened = id === 'challenge' ? 'The client looked for metadata without being challenged first.' : 'Not done in this run (optional).';
    if (id === 'other' && stepRows.length === 0) continue;
    steps.push(step);
  }
  return { path, verdict, steps };
}

// ------------------------------------------------------------------ sequence diagram

export type Lane = 'client' | 'browser' | 'tunnel' | 'proxy' | 'server' | 'as';

const LANE_TITLES: Record<Lane, string> = {
  client: 'Client',
  browser: 'Browser',
  tunnel: 'Tunnel',
  proxy: 'Inspector',
  server: 'MCP server',
  as: 'Auth server',
};

/** The authorization server answers OAuth endpoints and its own metadata; the MCP server the rest. */
export function targetLane(row: ExchangeSummary): Lane {
  if (row.phase === 'registration' || row.phase === 'authorization' || row.phase === 'token') return 'as';
  if (row.phase === 'discovery' && row.discovery && !row.discovery.startsWith('protected-resource')) return 'as';
  return 'server';
}

export interface SequenceArrow {
  id: string;
  from: Lane;
  to: Lane;
  /** Through a tunnel in front of the inspector. */
  viaTunnel: boolean;
  request: string;
  /** What came back: "401 challenge", "204 (was 202)", "501 failed". */
  response: string;
  outcome: ExchangeOutcome;
  /** Worst lint severity on the exchange: such an arrow is never drawn as plainly ok. */
  lint?: 'error' | 'warning';
  /** Why, for the tooltip. */
  note?: string;
  /** Milliseconds since the run's first request. */
  at: number;
  /** A pause before it worth showing on the time axis (ms). */
  gapBefore?: number;
  /** The browser left from this authorize for another origin's authorization server (shared/browserGap.ts). */
  browserGap?: BrowserGap;
}

export interface Sequence {
  lanes: Array<{ id: Lane; title: string }>;
  arrows: SequenceArrow[];
}

const OUTCOME_WORDS: Record<ExchangeOutcome, string> = {
  ok: '',
  challenge: 'challenge',
  'probe-miss': 'not offered here',
  'closed-by-client': 'closed by the client',
  failed: 'failed',
  'input-required': 'input required',
  'in-progress': '',
};

/** A pause between two requests longer than this gets its own line on the time axis. */
const GAP_MS = 2000;

/**
 * The run as a sequence diagram: only the parties that took part, one arrow pair per exchange, on
 * a time axis; `gaps` (TimelineModel.browserGaps) put the browser's time at another authorization
 * server under the authorize arrow it left from, and the pause before the callback is that gap.
 */
export function sequence(rows: readonly ExchangeSummary[], gaps: readonly BrowserGap[] = []): Sequence {
  const gapFrom = new Map(gaps.map((gap) => [gap.authorizeId, gap]));
  const cameBack = new Set(gaps.map((gap) => gap.callbackId));
  const ordered = [...rows].sort((a, b) => a.startedAt - b.startedAt);
  const start = ordered[0]?.startedAt ?? 0;
  const used = new Set<Lane>(['client', 'proxy']);
  const arrows = ordered.map((row, i): SequenceArrow => {
    const from: Lane = row.clientFamily === 'browser' ? 'browser' : 'client';
    const to = targetLane(row);
    used.add(from).add(to);
    if (row.forwarded) used.add('tunnel');
    const words = OUTCOME_WORDS[row.outcome];
    const lint = lintOf(row);
    const previous = ordered[i - 1];
    const gap = previous ? row.startedAt - previous.startedAt : 0;
    return {
      id: row.id,
      from,
      to,
      viaTunnel: !!row.forwarded,
      request: `${row.method} ${pathOf(row)}${row.rpcMethods.length ? ` · ${row.rpcMethods.join(', ')}` : ''}`,
      response: `${statusText(row, row.rpcMethods.includes('notifications/initialized') ? 202 : undefined)}${words ? ` ${words}` : ''}${row.state === 'streaming' ? ` · ${row.sseEventCount} events` : ''}${lint ? ' ⚠' : ''}`,
      outcome: row.outcome,
      ...(lint ? { lint } : {}),
      note: [row.outcomeReason, row.lint ? `lint: ${row.lint.rules.join(', ')}` : '', row.durationMs !== undefined ? `took ${duration(row.durationMs)}` : ''].filter(Boolean).join('\n'),
      at: row.startedAt - start,
      ...(gap > GAP_MS && !cameBack.has(row.id) ? { gapBefore: gap } : {}),
      ...(gapFrom.has(row.id) ? { browserGap: gapFrom.get(row.id)! } : {}),
    };
  });
  const order: Lane[] = ['client', 'browser', 'tunnel', 'proxy', 'server', 'as'];
  return { lanes: order.filter((lane) => used.has(lane)).map((id) => ({ id, title: LANE_TITLES[id] })), arrows };
}

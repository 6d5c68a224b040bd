import type { Exchange, HttpHeaders, Phase } from './exchange';
import { describeInputs } from './mrtr';
import { clip } from './text';

/** How a multi-round-trip conversation ended (complete, failed, waiting for the client, abandoned): see mrtr.ts. */
export { conversationVerdict, type ConversationOutcome, type ConversationVerdict } from './mrtr';

// The one meaning of "failed" (the client did not get what it asked for), used by
// the status bar, the filters, the timeline, the handshake view, compare, lint, the CLI and the
// HAR export. Pure functions over plain data: the core and the renderer both import them.

/**
 * How one exchange ended, as the client experienced it.
 * - `ok`: the client got what it asked for (2xx/3xx, a JSON-RPC result, a stream the server ended).
 * - `challenge`: a 401 (or a 403 insufficient_scope) carrying `WWW-Authenticate`: the expected
 *   first step of an OAuth handshake, drawn as expected, not as a failure.
 * - `probe-miss`: something the server does not offer here, which the spec allows and clients
 *   expect: a discovery document not at this location (404; clients try the next one), no GET
 *   stream (405 to GET /mcp), no session termination (405 to DELETE).
 * - `closed-by-client`: a stream (SSE) the client closed after a 2xx: a normal end.
 * - `failed`: HTTP ≥ 400 otherwise, an upstream or network error, a JSON-RPC error, an abort
 *   before the answer was complete.
 * - `input-required`: a 2026-07-28 `input_required` result: the server asked the client for input
 *   (elicitation, sampling, roots) and expects a retry; one round of a conversation, neither the
 *   final answer nor a failure.
 * - `in-progress`: no answer yet, or a stream still open.
 */
export type ExchangeOutcome = 'ok' | 'challenge' | 'probe-miss' | 'closed-by-client' | 'failed' | 'input-required' | 'in-progress';

export interface OutcomeJudgement {
  outcome: ExchangeOutcome;
  /** Why, in words, for `failed` (and a short note for `challenge`/`probe-miss`/`closed-by-client`). */
  reason?: string;
}

const header = (headers: HttpHeaders | undefined, name: string): string | undefined => {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The body as text when it was recorded as UTF-8 and not compressed (enough to read an error). */
function plainText(body: { encoding: string; data: string } | undefined, headers: HttpHeaders | undefined): string | undefined {
  if (!body || body.encoding !== 'utf8') return undefined;
  const encoding = header(headers, 'content-encoding');
  if (encoding && encoding !== 'identity') return undefined;
  return body.data;
}

const decodeEntities = (text: string): string =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&');

const squeeze = (text: string, max = 300): string => clip(text.replace(/\s+/g, ' ').trim(), max);

/**
 * The reason an error body gives, in words: an OAuth error (`error` + `error_description`), a
 * JSON-RPC error message, a problem document's `detail`/`title`, or an HTML error page's
 * structured error (`<meta name="oauth-error" …>`, as the reference server writes), else its
 * first heading and paragraph.
 */
export function errorReasonFromBody(text: string | undefined, contentType = ''): string | undefined {
  if (!text) return undefined;
  const trimmed = text.trim();
  if (contentType.includes('json') || trimmed.startsWith('{')) {
    try {
      const json = JSON.parse(trimmed) as Record<string, unknown>;
      const rpcError = json.error as Record<string, unknown> | undefined;
      if (rpcError && typeof rpcError === 'object' && typeof rpcError.message === 'string') return squeeze(`${rpcError.message}${typeof rpcError.code === 'number' ? ` (JSON-RPC error ${rpcError.code})` : ''}`);
      if (typeof json.error === 'string') return squeeze(typeof json.error_description === 'string' ? `${json.error}: ${json.error_description}` : json.error);
      for (const key of ['detail', 'title', 'message']) if (typeof json[key] === 'string') return squeeze(json[key] as string);
    } catch {
      // not JSON after all: read it as text below
    }
  }
  if (contentType.includes('html') || /^<(!doctype|html)/i.test(trimmed)) {
    const meta = (name: string) => new RegExp(`<meta\\s+name="${name}"\\s+content="([^"]*)"`, 'i').exec(trimmed)?.[1];
    const code = meta('oauth-error');
    const description = meta('oauth-error-description');
    if (code) return squeeze(decodeEntities(description ? `${code}: ${description}` : code));
    const strip = (html: string | undefined) => (html ? decodeEntities(html.replace(/<[^>]+>/g, ' ')).trim() : '');
    const heading = strip(/<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(trimmed)?.[1] ?? /<title[^>]*>([\s\S]*?)<\/title>/i.exec(trimmed)?.[1]);
    const paragraph = strip(/<p[^>]*>([\s\S]*?)<\/p>/i.exec(trimmed)?.[1]);
    const words = [heading, paragraph].filter(Boolean).join(': ');
    return words ? squeeze(words) : undefined;
  }
  if (contentType.startsWith('text/plain') || !contentType) return squeeze(trimmed, 200) || undefined;
  return undefined;
}

/** A challenge the client is expected to answer: 401 with WWW-Authenticate, or 403 insufficient_scope. */
function isChallenge(status: number, headers: HttpHeaders): boolean {
  const challenge = header(headers, 'www-authenticate');
  if (!challenge) return false;
  return status === 401 || (status === 403 && /insufficient_scope/i.test(challenge));
}

/** `error="invalid_token", error_description="…"` of a Bearer challenge, in words. */
function challengeReason(challenge: string): string | undefined {
  const param = (name: string) => new RegExp(`${name}="([^"]*)"`, 'i').exec(challenge)?.[1];
  const error = param('error');
  const description = param('error_description');
  return error ? (description ? `${error}: ${description}` : error) : undefined;
}

/** How one exchange ended for the client (see ExchangeOutcome). */
export function exchangeOutcome(exchange: Exchange): OutcomeJudgement {
  const { response, error, state, classification } = exchange;
  const isStream = response ? String(header(response.headers, 'content-type') ?? '').includes('text/event-stream') : false;
  if (error) {
    if (error.kind === 'client-aborted' && response && response.status < 400 && isStream) return { outcome: 'closed-by-client', reason: 'the client closed the stream' };
    return { outcome: 'failed', reason: error.message };
  }
  if (!response) return { outcome: state === 'aborted' ? 'failed' : 'in-progress', ...(state === 'aborted' ? { reason: 'the client left before the answer' } : {}) };
  const { status } = response;
  if (status >= 400) {
    const challenge = isChallenge(status, response.headers);
    // A challenge to a request without a token is the handshake's first step; with a token, the
    // token was refused: a failure, unless a later retry of the step succeeds (see runVerdict).
    if (challenge && !/^Bearer\s/i.test(header(exchange.request.headers, 'authorization') ?? '')) {
      return { outcome: 'challenge', reason: status === 401 ? 'authorization required: the client should discover the authorization server and come back with a token' : 'more scope required' };
    }
    if (challenge && status === 403) return { outcome: 'challenge', reason: 'more scope required: the client should ask for a token with the scope the challenge names' };
    if (status === 404 && classification.phase === 'discovery') return { outcome: 'probe-miss', reason: 'no document at this location; clients try the next one' };
    if (status === 405 && exchange.request.method === 'GET' && classification.phase !== 'discovery') return { outcome: 'probe-miss', reason: 'the server offers no GET stream here (405), which the spec allows' };
    if (status === 405 && exchange.request.method === 'DELETE') return { outcome: 'probe-miss', reason: 'the server does not let clients end sessions (405), which the spec allows' };
    const contentType = String(header(response.headers, 'content-type') ?? '');
    const fromBody = errorReasonFromBody(plainText(response.body, response.headers), contentType) ?? (challenge ? challengeReason(header(response.headers, 'www-authenticate')!) : undefined);
    return { outcome: 'failed', reason: fromBody ? `${status}: ${fromBody}` : `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}` };
  }
  const rpcErrors = classification.jsonRpcResponse?.errors;
  if (rpcErrors?.length) {
    const [first] = rpcErrors;
    return { outcome: 'failed', reason: `${first!.message} (JSON-RPC error ${first!.code}${rpcErrors.length > 1 ? `, and ${rpcErrors.length - 1} more` : ''})` };
  }
  if (state === 'pending' || state === 'streaming') return { outcome: 'in-progress' };
  if (exchange.mrtr?.answer === 'input_required') return { outcome: 'input-required', reason: `the server asked for ${describeInputs(exchange.mrtr)}; the client should retry with inputResponses` };
  if (state === 'aborted') return isStream ? { outcome: 'closed-by-client', reason: 'the client closed the stream' } : { outcome: 'failed', reason: 'the client left before the answer was complete' };
  return { outcome: 'ok' };
}

/** Whether an outcome counts as a failure (status bar, `is:error`, CLI exit codes). */
export const isFailed = (outcome: ExchangeOutcome | undefined): boolean => outcome === 'failed';

// ------------------------------------------------------------------ runs

/** What a run's verdict needs of each exchange: a timeline row (ExchangeSummary) has it all. */
export interface OutcomeRow {
  id: string;
  startedAt: number;
  method: string;
  phase: Phase;
  label: string;
  rpcMethods: string[];
  status?: number;
  outcome: ExchangeOutcome;
  outcomeReason?: string;
}

export type RunOutcome = 'complete' | 'failed' | 'in-progress';

export interface RunVerdict {
  outcome: RunOutcome;
  /** The exchange where it failed (for `failed`). */
  failedAt?: string;
  /** The step, in the handshake's words: "authorize", "token", "initialize", "PRM (path-suffixed)". */
  step?: string;
  /** Why, in words (for `failed`, and what is awaited for `in-progress`). */
  reason?: string;
}

/**
 * The step an exchange stands for, so a failed step that a later exchange did again successfully
 * counts as recovered (a token request retried, a discovery fallback, a re-initialize).
 */
export function stepOf(row: Pick<OutcomeRow, 'phase' | 'label' | 'rpcMethods' | 'method'>): string {
  switch (row.phase) {
    case 'discovery':
      return row.label.replace(/\s*\(.*\)$/, '');
    case 'jsonrpc':
      return row.rpcMethods.join(',') || row.label;
    case 'sse-stream':
      return `${row.method} stream`;
    default:
      return row.phase;
  }
}

/** The exchanges that make a run's goal: the client reached a working MCP session. */
const GOALS = new Set(['initialize', 'server/discover']);

/**
 * A run's verdict from its exchanges (any order): `failed` at the first failed step that no later
 * exchange of the run did again successfully; `complete` when the client reached MCP (an
 * initialize, a 2026-07-28 server/discover, or any answered JSON-RPC request) with nothing failed;
 * else `in-progress`, with what it waits for.
 */
export function runVerdict(rows: readonly OutcomeRow[]): RunVerdict {
  const ordered = [...rows].sort((a, b) => a.startedAt - b.startedAt);
  for (let i = 0; i < ordered.length; i++) {
    const row = ordered[i]!;
    if (row.outcome !== 'failed') continue;
    const step = stepOf(row);
    const recovered = ordered.slice(i + 1).some((later) => stepOf(later) === step && (later.outcome === 'ok' || later.outcome === 'closed-by-client'));
    if (!recovered) return { outcome: 'failed', failedAt: row.id, step: row.label, reason: row.outcomeReason ?? `HTTP ${row.status ?? '—'}` };
  }
  const reached = ordered.some((row) => row.phase === 'jsonrpc' && (row.outcome === 'ok' || row.outcome === 'input-required') && (row.rpcMethods.some((m) => GOALS.has(m)) || row.rpcMethods.some((m) => !m.startsWith('notifications/'))));
  if (reached) return { outcome: 'complete' };
  // Discovery that found nothing anywhere: the run cannot go on.
  const last = ordered[ordered.length - 1];
  if (!last) return { outcome: 'in-progress', reason: 'no exchange yet' };
  if (last.outcome === 'challenge') return { outcome: 'in-progress', step: last.label, reason: 'the client got a 401 challenge and has not followed it yet' };
  if (last.outcome === 'in-progress') return { outcome: 'in-progress', step: last.label, reason: `waiting for ${last.label}` };
  return { outcome: 'in-progress', step: last.label, reason: `last step: ${last.label}; the client has not reached initialize yet` };
}

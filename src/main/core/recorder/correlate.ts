import { createHash } from 'node:crypto';
import { parseJson } from '../wire/json';
import type { Exchange, HttpHeaders, JsonRpcSummary, RpcCorrelation, SseEvent } from '../../../shared/exchange';
import { bodyText } from '../wire/body';
import { isHttpUrl } from '../wire/url';
import { isRedacted, REDACTED } from './redact';

// Pairs JSON-RPC responses with their requests (in the same exchange, on the POST's SSE
// stream, or on a separate GET /sse stream), and groups exchanges into client connections.

const header = (headers: HttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};


/**
 * Union-find over connection keys: a session id, an OAuth client id, a token, a User-Agent
 * from one address. Exchanges sharing any key belong to one connection; the oldest key of a
 * group names it, so ids stay stable as groups grow.
 */
export class ConnectionGroups {
  private readonly parent = new Map<string, string>();
  private readonly order = new Map<string, number>();
  private next = 0;

  private find(key: string): string {
    let root = key;
    while (this.parent.get(root) !== root) root = this.parent.get(root)!;
    let node = key;
    while (node !== root) {
      const up = this.parent.get(node)!;
      this.parent.set(node, root);
      node = up;
    }
    return root;
  }

  private add(key: string): void {
    if (!this.parent.has(key)) {
      this.parent.set(key, key);
      this.order.set(key, this.next++);
    }
  }

  /** Joins the keys into one group and returns the group's id. */
  join(keys: string[]): string | undefined {
    if (keys.length === 0) return undefined;
    keys.forEach((k) => this.add(k));
    let root = this.find(keys[0]!);
    for (const key of keys.slice(1)) {
      const other = this.find(key);
      if (other === root) continue;
      const [older, younger] = this.order.get(root)! <= this.order.get(other)! ? [root, other] : [other, root];
      this.parent.set(younger, older);
      root = older;
    }
    // The stored spelling: exchanges of one connection then share one string for its id.
    return this.parent.get(root) ?? root;
  }

  connectionOf(key: string): string | undefined {
    return this.parent.has(key) ? this.find(key) : undefined;
  }
}

/**
 * A key made from a secret (a token, an authorization code) names it by a short hash: connection
 * ids are shown and exported. A client sends the same token on every request: the last few
 * hashes are kept.
 */
const secretKeys = new Map<string, string>();
function secretKey(kind: 'token' | 'code' | 'state', secret: string): string {
  const cached = secretKeys.get(`${kind}:${secret}`);
  if (cached !== undefined) return cached;
  const key = `${kind}:${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
  secretKeys.set(`${kind}:${secret}`, key);
  if (secretKeys.size > 16) secretKeys.delete(secretKeys.keys().next().value as string);
  return key;
}

/**
 * The session of the legacy HTTP+SSE transport, named in the `endpoint` event's URL and then on
 * every POST: `sessionId` (TypeScript SDK) or `session_id` (Python SDK, FastMCP).
 */
export function legacySessionId(url: string): string | undefined {
  return /[?&]session_?id=([^&\s#]+)/i.exec(url)?.[1];
}

/** The client id of `client_secret_basic` authentication (Authorization: Basic base64(id:secret)). */
function basicClientId(headers: HttpHeaders): string | undefined {
  const basic = /^Basic\s+(\S+)/i.exec(header(headers, 'authorization') ?? '')?.[1];
  if (!basic) return undefined;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
  } catch {
    return decoded.slice(0, colon);
  }
}

/** The query (or fragment) of an authorization redirect: `code`, `state`, or an error. */
function redirectQuery(headers: HttpHeaders | undefined): URLSearchParams | undefined {
  const location = headers && header(headers, 'location');
  if (!location) return undefined;
  const [beforeHash, fragment] = location.split('#');
  const query = beforeHash?.split('?')[1] ?? fragment;
  return query ? new URLSearchParams(query) : undefined;
}

/** PKCE ties the token request (`code_verifier`) to the authorize step (`code_challenge = S256(verifier)`). */
function pkceKey(challenge: string): string {
  return `pkce:${challenge.slice(0, 16)}`;
}

/**
 * The keys that tie an exchange to its client: `strong` keys name one client run for sure
 * (session ids, access-token and code hashes, its own client id, OAuth `state`, PKCE, the
 * simulator's run); `weak` is address + User-Agent, which may only join an exchange that has no
 * strong key to the client's current attempt (see ConnectionModel).
 */
export function identityKeys(exchange: Exchange): { strong: string[]; weak?: string } {
  const strong: string[] = [];
  const { request, response } = exchange;
  if (exchange.simulationRun) strong.push(`sim:${exchange.simulationRun}`);
  const sessionId = header(request.headers, 'mcp-session-id') ?? (response && header(response.headers, 'mcp-session-id'));
  if (sessionId) strong.push(`session:${sessionId}`);
  const legacySession = legacySessionId(request.url);
  if (legacySession) strong.push(`session:${legacySession}`);
  // A redacted export names each token by a pseudonym ([redacted:1]), which still joins what the
  // token joined; an older export's one placeholder for every token must not join clients.
  const bearer = /^Bearer\s+(\S+)/i.exec(header(request.headers, 'authorization') ?? '')?.[1];
  if (bearer && bearer !== REDACTED) strong.push(secretKey('token', bearer));
  const { phase } = exchange.classification;
  const query = request.url.includes('?') ? new URLSearchParams(request.url.split('?')[1]) : undefined;
  const isForm = /application\/x-www-form-urlencoded/i.test(header(request.headers, 'content-type') ?? '');
  const form = phase === 'token' || (phase === 'authorization' && isForm) ? new URLSearchParams(bodyText(request.body) ?? '') : undefined;
  const clientId = query?.get('client_id') ?? form?.get('client_id') ?? (phase === 'token' ? basicClientId(request.headers) : undefined);
  // A Client ID Metadata Document URL names a client application, not one installation of it:
  // it is the same for every user of Claude.ai or VS Code.
  const ownClientId = clientId && !isHttpUrl(clientId) ? clientId : undefined;
  if (ownClientId) strong.push(`client:${ownClientId}`);
  const redirect = phase === 'authorization' ? redirectQuery(response?.headers) : undefined;
  // The authorization code ties the browser's authorize step to the client's token request
  // (the only tie when the client id is shared, as with a metadata document URL).
  const code = phase === 'token' ? form?.get('code') : (redirect?.get('code') ?? undefined);
  if (code && code !== REDACTED) strong.push(secretKey('code', code));
  // `state` ties the authorize request, the consent form's answer and the redirect together.
  const state = phase === 'authorization' ? (query?.get('state') ?? form?.get('state') ?? redirect?.get('state')) : undefined;
  if (state && state !== REDACTED) strong.push(secretKey('state', state));
  const challenge = phase === 'authorization' ? query?.get('code_challenge') : undefined;
  if (challenge) strong.push(pkceKey(challenge));
  const verifier = phase === 'token' ? form?.get('code_verifier') : undefined;
  // A redacted verifier (a pseudonym too) no longer hashes to the challenge.
  if (verifier && !isRedacted(verifier)) strong.push(pkceKey(createHash('sha256').update(verifier).digest('base64url')));
  // Only registration and token answers name keys: other bodies aren't parsed here.
  const responseJson = phase === 'registration' || phase === 'token' ? (parseJson(bodyText(response?.body)) as Record<string, unknown> | undefined) : undefined;
  if (phase === 'registration' && typeof responseJson?.client_id === 'string') strong.push(`client:${responseJson.client_id}`);
  if (phase === 'token' && typeof responseJson?.access_token === 'string' && responseJson.access_token !== REDACTED) strong.push(secretKey('token', responseJson.access_token));
  const userAgent = header(request.headers, 'user-agent');
  return userAgent ? { strong, weak: `ua:${exchange.client.address ?? '?'}:${userAgent}` } : { strong };
}

/** Every key of an exchange, strong ones first (for pairing responses within a connection). */
export function connectionKeys(exchange: Exchange): string[] {
  const { strong, weak } = identityKeys(exchange);
  return weak ? [...strong, weak] : strong;
}

/**
 * Remembers which exchange sent which JSON-RPC request. A response pairs with a pending
 * request of the same id from the same exchange (a POST answered as JSON or SSE) or, failing
 * that, from the same connection (responses on a legacy /sse or GET stream).
 */
export class RpcCorrelator {
  private readonly pending = new Map<string, Array<{ exchangeId: string; method: string; connectionKey?: string }>>();

  constructor(private readonly groups: ConnectionGroups) {}

  private static idKey(id: string | number): string {
    return `${typeof id}:${id}`;
  }

  /** Notes the requests an exchange carried (call when its request is known). */
  requestsSent(exchange: Exchange, connectionKey: string | undefined): void {
    this.requestsIn(parseJson(bodyText(exchange.request.body)), exchange.id, connectionKey);
  }

  /**
   * Notes the requests in a parsed JSON-RPC message or batch, sent by `exchangeId`: the client's
   * in a request body, or the server's (sampling, elicitation) in an SSE event of a stream.
   */
  requestsIn(body: unknown, exchangeId: string, connectionKey: string | undefined): void {
    for (const message of Array.isArray(body) ? body : [body]) {
      const m = message as Record<string, unknown> | undefined;
      if (!m || typeof m.method !== 'string' || (typeof m.id !== 'string' && typeof m.id !== 'number')) continue;
      const list = this.pending.get(RpcCorrelator.idKey(m.id)) ?? [];
      list.push({ exchangeId, method: m.method, connectionKey });
      this.pending.set(RpcCorrelator.idKey(m.id), list);
    }
  }

  /** Forgets the requests of an exchange that will get no answer (refused with an HTTP error, or failed). */
  forget(exchangeId: string): void {
    for (const [key, list] of this.pending) {
      const kept = list.filter((p) => p.exchangeId !== exchangeId);
      if (kept.length === list.length) continue;
      if (kept.length) this.pending.set(key, kept);
      else this.pending.delete(key);
    }
  }

  /** Pairs the responses in a JSON body or an SSE event with the requests that asked for them. */
  responsesSeen(exchange: Exchange, connectionKey: string | undefined, summary: JsonRpcSummary | undefined, sseEvent?: SseEvent): RpcCorrelation[] {
    if (!summary || !['response', 'error', 'batch'].includes(summary.kind)) return [];
    const connection = connectionKey ? this.groups.connectionOf(connectionKey) : undefined;
    const found: RpcCorrelation[] = [];
    for (const id of summary.ids) {
      const list = this.pending.get(RpcCorrelator.idKey(id));
      if (!list) continue;
      let index = list.findIndex((p) => p.exchangeId === exchange.id);
      // On another stream of the connection: the latest request with that id (ids come round
      // again; an older one still pending was never answered).
      if (index === -1 && connection) index = list.findLastIndex((p) => p.connectionKey !== undefined && this.groups.connectionOf(p.connectionKey) === connection);
      if (index === -1) continue;
      const [request] = list.splice(index, 1);
      if (list.length === 0) this.pending.delete(RpcCorrelator.idKey(id));
      found.push({ rpcId: id, method: request!.method, requestExchangeId: request!.exchangeId, ...(sseEvent ? { sseEventIndex: sseEvent.index } : {}) });
    }
    return found;
  }
}

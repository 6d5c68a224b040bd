import { parseJson } from '../wire/json';
import { CALLBACK_PREFIX, requestPath } from '../wire/paths';
import { SseParser } from '../wire/sse';
import { AUTHORIZATION_RESPONSE_RELAY, type Classification, type DiscoveryKind, type Exchange, type HttpHeaders, type JsonRpcSummary } from '../../../shared/exchange';
import { describeFilter, LISTEN_METHOD, parseSubscriptionFilter } from '../../../shared/subscriptions';

// Classifies an exchange into its handshake phase from what is on the wire. Pure functions:
// the recorder calls them once the request body is known and again with the response.

const header = (headers: HttpHeaders, name: string): string | undefined => {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

const WELL_KNOWN: Array<[RegExp, DiscoveryKind, string]> = [
  [/^\/\.well-known\/oauth-protected-resource$/, 'protected-resource-root', 'Protected Resource Metadata (root)'],
  [/^\/\.well-known\/oauth-protected-resource\/.+/, 'protected-resource-suffixed', 'Protected Resource Metadata (path-suffixed)'],
  [/^\/\.well-known\/oauth-authorization-server$/, 'authorization-server-root', 'AS metadata, RFC 8414 (root)'],
  [/^\/\.well-known\/oauth-authorization-server\/.+/, 'authorization-server-suffixed', 'AS metadata, RFC 8414 (path-suffixed)'],
  [/^\/\.well-known\/openid-configuration$/, 'openid-configuration-root', 'OpenID configuration (root)'],
  [/^\/\.well-known\/openid-configuration\/.+/, 'openid-configuration-suffixed', 'OpenID configuration (path-suffixed)'],
  [/^\/.+\/\.well-known\/openid-configuration$/, 'openid-configuration-appended', 'OpenID configuration (path-appended)'],
  [/\/jwks(\.json)?$|^\/\.well-known\/jwks\.json$/, 'jwks', 'JWKS'],
];

function discoveryKind(path: string): [DiscoveryKind, string] | undefined {
  // Every pattern needs one of these: most paths (/mcp, /token…) skip the regexes.
  if (!path.includes('/.well-known/') && !path.includes('/jwks')) return undefined;
  for (const [pattern, kind, label] of WELL_KNOWN) if (pattern.test(path)) return [kind, label];
  if (path.startsWith('/.well-known/')) return ['other-well-known', `well-known ${path.slice(13)}`];
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The methods of the tasks extension (io.modelcontextprotocol/tasks, and the 2025-11-25 tasks/result) that name their task in `params.taskId`. */
const TASK_METHODS = new Set(['tasks/get', 'tasks/update', 'tasks/cancel', 'tasks/result']);

/** Summarises a parsed JSON-RPC body (single message or batch); undefined when it is not JSON-RPC. */
export function summarizeJsonRpc(value: unknown): JsonRpcSummary | undefined {
  const messages = Array.isArray(value) ? value : [value];
  if (messages.length === 0 || !messages.every((m) => isObject(m) && m.jsonrpc === '2.0')) return undefined;
  const summary: JsonRpcSummary = { kind: 'request', methods: [], ids: [] };
  let requests = 0;
  let notifications = 0;
  let results = 0;
  let errors = 0;
  for (const m of messages as Array<Record<string, unknown>>) {
    const id = m.id as string | number | undefined;
    if (typeof m.method === 'string') {
      summary.methods.push(m.method);
      const params = isObject(m.params) ? m.params : {};
      if (id !== undefined) {
        requests++;
        summary.ids.push(id);
      } else notifications++;
      if (m.method === 'initialize') {
        if (typeof params.protocolVersion === 'string') summary.protocolVersion = params.protocolVersion;
        if (isObject(params.clientInfo)) summary.clientInfo = params.clientInfo as JsonRpcSummary['clientInfo'];
      }
      const meta = isObject(params._meta) ? params._meta : undefined;
      if (meta && typeof meta['io.modelcontextprotocol/protocolVersion'] === 'string') {
        summary.protocolVersion = meta['io.modelcontextprotocol/protocolVersion'] as string;
        const info = meta['io.modelcontextprotocol/clientInfo'];
        if (isObject(info)) summary.clientInfo = info as JsonRpcSummary['clientInfo'];
      }
      const target = m.method === 'resources/read' ? params.uri : m.method === 'tools/call' || m.method === 'prompts/get' ? params.name : TASK_METHODS.has(m.method) ? params.taskId : undefined;
      if (typeof target === 'string') summary.target = target;
    } else if ('error' in m) {
      errors++;
      if (id !== undefined && id !== null) summary.ids.push(id);
      const error = isObject(m.error) ? m.error : {};
      (summary.errors ??= []).push({ id: (id ?? null) as string | number | null, code: Number(error.code), message: String(error.message ?? '') });
    } else if ('result' in m) {
      results++;
      if (id !== undefined) summary.ids.push(id);
      // A CreateTaskResult (tasks extension): the task whose tasks/get polls follow.
      if (isObject(m.result) && m.result.resultType === 'task' && typeof m.result.taskId === 'string') summary.taskId = m.result.taskId;
    }
  }
  if (Array.isArray(value)) summary.kind = 'batch'; // a one-element array is a batch too
  else if (requests) summary.kind = 'request';
  else if (notifications) summary.kind = 'notification';
  else if (errors) summary.kind = 'error';
  else if (results) summary.kind = 'response';
  return summary;
}


function jsonRpcLabel(summary: JsonRpcSummary): string {
  if (summary.kind === 'batch') return `batch: ${summary.methods.join(', ') || `${summary.ids.length} responses`}`;
  if (summary.kind === 'response' || summary.kind === 'error') return `${summary.kind} to ${summary.ids.join(', ')}`;
  const method = summary.methods[0] ?? '?';
  return summary.target ? `${method} ${summary.target}` : method;
}

/** "subscriptions/listen stream (tools, prompts)": the 2026-07-28 stream, with what it asked for. */
function listenLabel(body: unknown): string {
  const filter = parseSubscriptionFilter(isObject(body) && isObject(body.params) ? body.params.notifications : undefined);
  return `${LISTEN_METHOD} stream (${filter ? describeFilter(filter) : 'no valid filter'})`;
}

/**
 * The authorization request itself (the browser's GET /authorize?…), not the authorization
 * response a callback relay passed on, which is in the same phase.
 */
export function isAuthorizationRequest(e: Pick<Exchange, 'classification' | 'request'>): boolean {
  return e.classification.phase === 'authorization' && e.request.method === 'GET' && e.classification.label !== AUTHORIZATION_RESPONSE_RELAY;
}

/** Classifies a request from its method, URL, headers and (text) body. */
export function classifyRequest(method: string, url: string, headers: HttpHeaders, bodyText?: string, bodyTruncated = false): Classification {
  const path = requestPath(url).replace(/\/+$/, '') || '/';
  const contentType = (header(headers, 'content-type') ?? '').toLowerCase();
  const accept = (header(headers, 'accept') ?? '').toLowerCase();

  const discovery = discoveryKind(path);
  if (discovery && (method === 'GET' || method === 'HEAD')) return { phase: 'discovery', label: discovery[1], discovery: discovery[0] };
  if (/\/userinfo$/.test(path)) return { phase: 'other', label: 'userinfo', discovery: 'userinfo' };

  if (method === 'POST' && contentType.includes('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(bodyText ?? '');
    const grantType = form.get('grant_type');
    if (grantType) return { phase: 'token', label: `token: ${grantType}`, grantType };
    if (/\/authorize$/.test(path)) return { phase: 'authorization', label: 'authorize: consent decision' };
    // RFC 9126: the authorization request is pushed first, then /authorize carries its request_uri.
    if (/\/par$/.test(path) || (form.has('response_type') && form.has('client_id'))) return { phase: 'authorization', label: 'pushed authorization request (PAR)' };
  }
  // The authorization response (RFC 6749 section 4.1.2) the AS sent the browser back with, at
  // --intercept-as's callback relay: the end of the browser's trip, in the OAuth story.
  if (method === 'GET' && path.startsWith(CALLBACK_PREFIX)) return { phase: 'authorization', label: AUTHORIZATION_RESPONSE_RELAY };
  const queryStart = url.indexOf('?');
  const query = method === 'GET' && queryStart !== -1 ? new URLSearchParams(url.slice(queryStart + 1)) : undefined;
  if (method === 'GET' && (/\/authorize$/.test(path) || (query?.has('client_id') && (query.has('response_type') || query.has('request_uri'))))) {
    return { phase: 'authorization', label: 'authorize' };
  }

  const body = contentType.includes('json') ? parseJson(bodyText) : undefined;
  if (method === 'POST' && body !== undefined) {
    const jsonRpc = summarizeJsonRpc(body);
    if (jsonRpc?.kind === 'request' && jsonRpc.methods[0] === LISTEN_METHOD) return { phase: 'jsonrpc', label: listenLabel(body), jsonRpc, stream: 'listen' };
    if (jsonRpc) return { phase: 'jsonrpc', label: jsonRpcLabel(jsonRpc), jsonRpc };
    if (isObject(body) && ('redirect_uris' in body || /\/register$/.test(path))) return { phase: 'registration', label: 'dynamic client registration' };
  }
  if (method === 'POST' && /\/register$/.test(path)) return { phase: 'registration', label: 'dynamic client registration' };
  // RFC 7592: the registration_client_uri (/register/<client id>) reads, updates or deletes it.
  if (/\/register\/[^/]+$/.test(path) && ['GET', 'PUT', 'DELETE'].includes(method)) {
    return { phase: 'registration', label: `client ${method === 'GET' ? 'read' : method === 'PUT' ? 'update' : 'deletion'} (RFC 7592)` };
  }
  // Say so, rather than a bare "POST /mcp": a body that doesn't parse is what the user must fix.
  if (method === 'POST' && contentType.includes('json') && body === undefined && bodyText?.trim()) {
    return { phase: 'other', label: `${method} ${path}: ${bodyTruncated ? 'body over the recording cap, not classified' : 'body is not valid JSON'}` };
  }

  // A Streamable HTTP server may serve its endpoint at /sse too: a session id says which it is.
  if (method === 'GET' && /\/sse$/.test(path) && !header(headers, 'mcp-session-id')) return { phase: 'sse-stream', label: 'legacy SSE stream', stream: 'legacy-sse' };
  if (method === 'GET' && accept.includes('text/event-stream')) return { phase: 'sse-stream', label: 'GET stream', stream: 'get-stream' };
  if (method === 'DELETE') return { phase: 'session-end', label: 'end session (DELETE)' };
  if (method === 'HEAD') return { phase: 'other', label: `probe (HEAD ${path})` };
  return { phase: 'other', label: `${method} ${path}` };
}

/** Adds what the response says: a POST answered as an SSE stream, the JSON-RPC that came back. */
const UNAUTHORISED = ' (unauthorised)';

export function classifyResponse(classification: Classification, status: number, headers: HttpHeaders, bodyText?: string): Classification {
  const contentType = (header(headers, 'content-type') ?? '').toLowerCase();
  // Object.assign, not a spread: a spread copy that then gains a property gets a hidden
  // class of its own in V8, and every exchange keeps its classification.
  const next: Classification = Object.assign({}, classification);
  if (contentType.includes('text/event-stream') && classification.phase === 'jsonrpc' && classification.stream !== 'listen') next.stream = 'post-response';
  if (contentType.includes('json') && bodyText) {
    const summary = summarizeJsonRpc(parseJson(bodyText));
    if (summary) next.jsonRpcResponse = summary;
  }
  // A listen stream answers with a result only when the server ends it gracefully.
  if ((next.stream === 'post-response' || next.stream === 'listen') && contentType.includes('text/event-stream') && bodyText) {
    const summary = sseResponses(bodyText);
    if (summary) next.jsonRpcResponse = summary;
  }
  // Runs at the response's start and again at its end: mark the label once.
  if (status === 401 && classification.phase === 'jsonrpc' && !classification.label.endsWith(UNAUTHORISED)) next.label = `${classification.label}${UNAUTHORISED}`;
  return next;
}

/** The JSON-RPC responses (results and errors) among the events of a POST's SSE answer. */
function sseResponses(text: string): JsonRpcSummary | undefined {
  const responses: unknown[] = [];
  new SseParser((item) => {
    const message = item.kind === 'event' ? parseJson(item.data) : undefined;
    if (isObject(message) && !('method' in message) && ('result' in message || 'error' in message)) responses.push(message);
  }).push(text);
  return responses.length ? summarizeJsonRpc(responses.length === 1 ? responses[0] : responses) : undefined;
}

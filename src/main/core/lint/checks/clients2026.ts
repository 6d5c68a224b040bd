import type { Exchange } from '../../../../shared/exchange';
import { errorReasonFromBody } from '../../../../shared/outcome';
import { parseSubscriptionFilter } from '../../../../shared/subscriptions';
import { clip } from '../../../../shared/text';
import { before, lastBefore, type LintCheck, type LintContext } from '../rule';
import {
  clientUrl,
  contentType,
  describeRequest,
  isAuthServerMetadata,
  isInitialize,
  isObject,
  isProtectedResourceMetadata,
  onMcpEndpoint,
  path,
  requestForm,
  requestHeader,
  requestJson,
  responseHeader,
  responseJson,
  responseMessages,
  seconds,
  status,
  succeeded,
} from '../wire';

// What 2026's reports show going wrong between a client and a server, judged on both sides:
// a 2026-07-28 server that lets discovery through without a token, clients that skip the
// protected-resource step or start OAuth where nothing asked for it, a client metadata document
// its authorization server could not read, and listen streams held open with nothing to say.

const isDiscover = (e: Exchange) => e.classification.phase === 'jsonrpc' && (e.classification.jsonRpc?.methods ?? []).includes('server/discover');

/** A server/discover answered (2xx, no JSON-RPC error) to a request that carried no token. */
export const unauthenticatedDiscover = (e: Exchange) => isDiscover(e) && succeeded(e) && requestHeader(e, 'authorization') === undefined;

/** A 401 the MCP endpoint gave a request without a token. */
const tokenlessRefusal = (e: Exchange) => onMcpEndpoint(e) && status(e) === 401 && requestHeader(e, 'authorization') === undefined;

const servedPrm = (e: Exchange) => isProtectedResourceMetadata(e) && status(e) === 200 && isObject(responseJson(e));

export const discoverWithoutAuth: LintCheck = (e, context) => {
  if (!unauthenticatedDiscover(e)) return undefined;
  // The same endpoint refusing another request for want of a token, or metadata saying it needs one.
  const refused = context.connection.find((x) => x !== e && tokenlessRefusal(x) && clientUrl(x) === clientUrl(e));
  const prm = refused ? undefined : context.connection.find(servedPrm);
  const evidence = refused ? `${describeRequest(refused)} on the same endpoint was answered 401` : prm ? `the server publishes Protected Resource Metadata at ${path(prm)}` : undefined;
  if (!evidence) return undefined;
  return {
    message: `server/discover without a token was answered 200, yet ${evidence}: a client takes the 200 as "no sign-in needed" and shows the server as connected while its calls fail.`,
    related: [(refused ?? prm)!.id],
  };
};

// ---- the client's OAuth steps, and what should have come before them

/** Requests that belong to OAuth proper: authorization server metadata, registration, authorization, token. */
const isOAuthStep = (e: Exchange) => isAuthServerMetadata(e) || ['registration', 'authorization', 'token'].includes(e.classification.phase);

/**
 * The Protected Resource Metadata URL a 401 to a request without a token names (RFC 9728 section
 * 5.1): where discovery starts. (A client whose token expired may refresh it without reading the
 * document again.)
 */
function challengedMetadataUrl(e: Exchange): string | undefined {
  if (!tokenlessRefusal(e)) return undefined;
  return /resource_metadata\s*=\s*"?([^",\s]+)/i.exec(responseHeader(e, 'www-authenticate') ?? '')?.[1];
}

/** `e` is the client's first OAuth step after `since` in its connection (a finding per attempt, not per step). */
function firstOAuthStepSince(e: Exchange, since: Exchange, context: LintContext): boolean {
  return !before(e, context).some((x) => x.startedAt >= since.startedAt && x !== since && isOAuthStep(x));
}

const isRefresh = (e: Exchange) => e.classification.phase === 'token' && requestForm(e).get('grant_type') === 'refresh_token';

export const prmNotFetched: LintCheck = (e, context) => {
  if (!isOAuthStep(e) || isRefresh(e)) return undefined;
  const challenge = lastBefore(e, context.connection, (x) => challengedMetadataUrl(x) !== undefined);
  if (!challenge || !firstOAuthStepSince(e, challenge, context)) return undefined;
  if (before(e, context).some(isProtectedResourceMetadata)) return undefined;
  return {
    message: `The client went to ${describeRequest(e)} without fetching the Protected Resource Metadata that the 401 on ${path(challenge)} named (${challengedMetadataUrl(challenge)}): it guessed the authorization server (the MCP host?) and the \`resource\` to ask for instead of reading them.`,
    related: [challenge.id],
  };
};

/** initialize or server/discover answered without a token: the server said it needs none. */
const servedWithoutToken = (e: Exchange) => (isInitialize(e) || isDiscover(e)) && succeeded(e) && requestHeader(e, 'authorization') === undefined;

/** The scheme and host a request went to, as the client addressed it. */
const originOf = (e: Exchange) => {
  const url = clientUrl(e);
  return url ? new URL(url).origin : undefined;
};

export const oauthOnAuthlessServer: LintCheck = (e, context) => {
  const phase = e.classification.phase;
  if (!((phase === 'registration' && e.request.method === 'POST') || (phase === 'authorization' && e.request.method === 'GET'))) return undefined;
  // What this host told anyone before: whether a server needs a token is the server's, whoever asked (a
  // client that starts over after discovery begins a new connection, and Claude.ai's backend asks from many).
  const origin = originOf(e);
  const earlier = before(e, context, context.everyHandshake).filter((x) => originOf(x) === origin);
  const served = earlier.findLast(servedWithoutToken);
  if (!served) return undefined;
  // A 401 (a tool call of this connection's too: step-up) or published metadata is a reason to sign in
  // (a lazy-auth server is lazy-auth-initialize's case).
  const refused = (x: Exchange) => onMcpEndpoint(x) && (status(x) === 401 || (status(x) === 403 && /insufficient_scope/i.test(responseHeader(x, 'www-authenticate') ?? '')));
  if ([...earlier, ...before(e, context)].some((x) => refused(x) || servedPrm(x))) return undefined;
  if (earlier.some((x) => x.startedAt >= served.startedAt && x !== served && (x.classification.phase === 'registration' || x.classification.phase === 'authorization'))) return undefined;
  const method = isInitialize(served) ? 'initialize' : 'server/discover';
  const prmAsked = earlier.filter(isProtectedResourceMetadata);
  const prm = prmAsked.length ? `, and no Protected Resource Metadata was found (${prmAsked.map((x) => `${path(x)} → ${status(x) ?? 'no answer'}`).join(', ')})` : ', and no client asked for Protected Resource Metadata';
  return {
    message: `The client started OAuth (${describeRequest(e)}) although ${method} without a token was answered 200 with no challenge${prm}: nothing asked it to sign in.`,
    related: [served.id],
  };
};

// ---- the client's metadata document, as its authorization server read it

/** What an authorization or token request was refused with: the error a redirect carries, or the error answer's reason. */
function refusal(e: Exchange): string | undefined {
  const s = status(e);
  if (s === undefined) return undefined;
  if (s >= 300 && s < 400) {
    const location = responseHeader(e, 'location');
    const query = location ? new URL(location, 'http://x').searchParams : undefined;
    return query?.get('error') ? `${query.get('error')}: ${query.get('error_description') ?? ''}` : undefined;
  }
  if (s < 400) return undefined;
  const body = e.response?.body?.encoding === 'utf8' ? e.response.body.data : undefined;
  return errorReasonFromBody(body, contentType(e.response?.headers));
}

/** The client_id of an authorization (query or form) or token request (form, else HTTP Basic is not a URL). */
function requestedClientId(e: Exchange): string | undefined {
  if (e.classification.phase === 'authorization') return (e.request.method === 'GET' ? new URL(e.request.url, 'http://x').searchParams : requestForm(e)).get('client_id') ?? undefined;
  if (e.classification.phase === 'token' && e.request.method === 'POST') return requestForm(e).get('client_id') ?? undefined;
  return undefined;
}

/** An error that is about reading the client's metadata document: fetching it, or what its URL answered. */
const DOCUMENT_ERROR = /metadata document|client metadata|client_id (url|document)/i;
const FETCH_FAILED = /fetch|retriev|resolv|unreachable|not found|404|not json|html|timed? ?out|did not answer|status/i;

export const clientMetadataDocumentUnavailable: LintCheck = (e) => {
  const clientId = requestedClientId(e);
  if (!clientId || !/^https:\/\//i.test(clientId)) return undefined;
  const reason = refusal(e);
  if (!reason || !DOCUMENT_ERROR.test(reason) || !FETCH_FAILED.test(reason)) return undefined;
  return { message: `The authorization server could not use the client's metadata document ${clientId} and refused ${describeRequest(e)}: "${clip(reason, 200)}".` };
};

// ---- subscriptions/listen held open with nothing to send

/** What a server's discover or initialize result advertises, as capabilities. */
function advertisedCapabilities(e: Exchange): Record<string, unknown> | undefined {
  for (const m of responseMessages(e)) if (isObject(m.result) && isObject(m.result.capabilities)) return m.result.capabilities;
  return undefined;
}

/** Every list change and resource subscriptions advertised at once: what an SDK derives from the mere presence of a listen handler. */
function advertisesEverything(capabilities: Record<string, unknown>): boolean {
  const has = (name: string, flag: string) => isObject(capabilities[name]) && (capabilities[name] as Record<string, unknown>)[flag] === true;
  return has('tools', 'listChanged') && has('prompts', 'listChanged') && has('resources', 'listChanged') && has('resources', 'subscribe');
}

export const listenHeldOpenIdle: LintCheck = (e, context) => {
  if (e.request.method !== 'POST' || e.classification.stream !== 'listen' || !succeeded(e)) return undefined;
  if (!contentType(e.response?.headers).includes('text/event-stream')) return undefined;
  const data = e.sseEvents.filter((s) => s.kind === 'event' && s.data);
  // Anything after the acknowledgement (a notification, the closing result) means the stream had something to say.
  if (data.length !== 1) return undefined;
  const [ack] = responseMessages(e);
  if (!ack || ack.method !== 'notifications/subscriptions/acknowledged') return undefined;
  const endedAt = e.timings.end ?? (context.now !== undefined ? context.now - e.startedAt : undefined);
  if (endedAt === undefined) return undefined;
  const idle = endedAt - data[0]!.at;
  if (idle <= context.options.sseIdleLimitMs) return undefined;
  const held = `The subscriptions/listen stream carried nothing after its acknowledgement for ${seconds(idle)}${e.timings.end === undefined ? ' so far, and is still open' : ''}`;
  const agreed = isObject(ack.params) ? parseSubscriptionFilter(ack.params.notifications) : undefined;
  if (!agreed || Object.values(agreed).every((v) => v !== true && !(Array.isArray(v) && v.length > 0))) {
    return { message: `${held}, although the acknowledgement agreed to no notification at all: the stream can never carry one, and the server holds it open until the client leaves.` };
  }
  const discovery = lastBefore(e, context.everyHandshake, (x) => (isDiscover(x) || isInitialize(x)) && advertisedCapabilities(x) !== undefined && clientUrl(x) === clientUrl(e));
  const capabilities = discovery && advertisedCapabilities(discovery);
  if (!capabilities || !advertisesEverything(capabilities)) return undefined;
  const asked = requestJson(e);
  const askedFor = isObject(asked) && isObject(asked.params) && isObject(asked.params.notifications) ? ` (asked for ${clip(JSON.stringify(asked.params.notifications), 80)})` : '';
  return {
    message: `${held}${askedFor}, on a server that advertised listChanged for tools, prompts and resources and resources.subscribe: if it never publishes those changes, every 2026-07-28 client holds such a stream open for nothing.`,
    related: [discovery.id],
  };
};

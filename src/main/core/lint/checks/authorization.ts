import type { Exchange } from '../../../../shared/exchange';
import { exchangeOutcome, isFailed } from '../../../../shared/outcome';
import { legacySessionId } from '../../recorder/correlate';
import { before, type LintCheck } from '../rule';
import {
  bearerToken,
  clientUrl,
  contentType,
  isAuthServerMetadata,
  isInitialize,
  isObject,
  isProtectedResourceMetadata,
  jwtClaims,
  onMcpEndpoint,
  path,
  requestForm,
  requestHeader,
  requestJson,
  responseHeader,
  responseJson,
  seconds,
  status,
  succeeded,
  describeRequest,
} from '../wire';
import { clip } from '../../../../shared/text';

// Authorization (basic/authorization; RFC 6749, 6750, 7591, 8414, 8707, 9728): the resource
// server's challenges and metadata, then the authorization server's metadata and answers.

// ---- the resource server

export const unauthorizedWithoutChallenge: LintCheck = (e) => {
  if (status(e) !== 401 || !onMcpEndpoint(e) || responseHeader(e, 'www-authenticate') !== undefined) return undefined;
  return { message: `${describeRequest(e)} was answered 401 without a WWW-Authenticate header, so the client can't tell how to authenticate.` };
};

export const challengeWithoutResourceMetadata: LintCheck = (e) => {
  const challenge = responseHeader(e, 'www-authenticate');
  if (status(e) !== 401 || !onMcpEndpoint(e) || !challenge || !/^\s*bearer\b/i.test(challenge)) return undefined;
  if (/resource_metadata\s*=/i.test(challenge)) return undefined;
  return { message: `${describeRequest(e)} was answered 401 with "WWW-Authenticate: ${challenge}", which names no resource_metadata.` };
};

/** A Protected Resource Metadata document the server served (200, JSON). */
export const servedPrm = (e: Exchange) => isProtectedResourceMetadata(e) && status(e) === 200 && isObject(responseJson(e));

/** An initialize accepted (2xx, no JSON-RPC error) without a token: what lazy-auth-initialize judges. */
export const unauthenticatedInitialize = (e: Exchange) => isInitialize(e) && succeeded(e) && requestHeader(e, 'authorization') === undefined;

export const lazyAuthInitialize: LintCheck = (e, context) => {
  if (!unauthenticatedInitialize(e)) return undefined;
  const prm = context.connection.find(servedPrm);
  if (!prm) return undefined;
  return {
    message: `initialize without a token was answered 200, yet the server publishes Protected Resource Metadata at ${path(prm)}: Claude.ai takes the 200 as "no auth" and never starts OAuth.`,
    related: [prm.id],
  };
};

/** A successful token response: the access token and how long it lives. */
function issuedToken(e: Exchange): { accessToken: string; expiresIn?: number } | undefined {
  if (e.classification.phase !== 'token' || status(e) !== 200) return undefined;
  const json = responseJson(e);
  if (!isObject(json) || typeof json.access_token !== 'string') return undefined;
  return { accessToken: json.access_token, expiresIn: typeof json.expires_in === 'number' ? json.expires_in : undefined };
}

/** The latest successful token response of the connection before `e`, when its token can still be valid. */
function freshIssuance(e: Exchange, context: Parameters<LintCheck>[1]): { issuance: Exchange; sameToken: boolean; age: number } | undefined {
  const issuance = before(e, context, context.handshake).filter((x) => issuedToken(x)).at(-1);
  const issued = issuance && issuedToken(issuance);
  if (!issuance || !issued) return undefined;
  const age = e.startedAt - issuance.startedAt;
  if (issued.expiresIn !== undefined && age > issued.expiresIn * 1000) return undefined; // expired: the 401 is right
  return { issuance, sameToken: issued.accessToken === bearerToken(e), age };
}

function rejectedFreshToken(e: Exchange, context: Parameters<LintCheck>[1], where: string) {
  const fresh = freshIssuance(e, context);
  if (!fresh) return undefined;
  const challenge = responseHeader(e, 'www-authenticate');
  return {
    message: `${describeRequest(e)} with ${fresh.sameToken ? 'the token' : 'a token'} the token endpoint issued ${seconds(fresh.age)} earlier was answered 401${challenge ? ` (${challenge})` : ''}: the server rejects its own fresh token ${where}.`,
    related: [fresh.issuance.id],
  };
}

export const tokenValidatedOnInitialize: LintCheck = (e, context) => {
  if (!isInitialize(e) || status(e) !== 401 || !bearerToken(e)) return undefined;
  return rejectedFreshToken(e, context, 'on initialize');
};

export const tokenRejectedAfterIssue: LintCheck = (e, context) => {
  if (isInitialize(e) || !onMcpEndpoint(e) || status(e) !== 401 || !bearerToken(e)) return undefined;
  return rejectedFreshToken(e, context, 'after initialize');
};

const isMetadataDocument = (e: Exchange) => isProtectedResourceMetadata(e) || isAuthServerMetadata(e);

export const wellKnownBehindAuth: LintCheck = (e) => {
  const s = status(e);
  if (!isMetadataDocument(e) || (s !== 401 && s !== 403)) return undefined;
  return { message: `${e.classification.label} (${path(e)}) was answered ${s}: metadata must be readable without a token.` };
};

export const discoveryNotJson: LintCheck = (e) => {
  const s = status(e);
  if (!isMetadataDocument(e) && e.classification.phase !== 'registration') return undefined;
  // Only answers the client got (a 404 probe, a challenge, an error or a body cut short is another story).
  if (s === undefined || exchangeOutcome(e).outcome !== 'ok') return undefined;
  if (s >= 300 && s < 400) return { message: `${e.classification.label} (${path(e)}) was answered with a ${s} redirect${responseHeader(e, 'location') ? ` to ${responseHeader(e, 'location')}` : ''} instead of JSON.` };
  const type = contentType(e.response?.headers);
  // HEAD gets the headers GET would get and no body (RFC 9110 §9.3.2): only a Content-Type
  // that is not JSON says the document is not JSON.
  if (e.request.method === 'HEAD') {
    if (!type || type.includes('json')) return undefined;
    return { message: `${e.classification.label} (HEAD ${path(e)}) was answered ${s} with ${type}: a GET would get that instead of JSON.` };
  }
  if (isObject(responseJson(e)) && type.includes('json')) return undefined;
  return { message: `${e.classification.label} (${path(e)}) was answered ${s} with ${type || 'no Content-Type'}${isObject(responseJson(e)) ? '' : ' and a body that is not a JSON object'}.` };
};

/**
 * Where the client reached the MCP server in this connection: the Streamable HTTP endpoint, or
 * the legacy transport's SSE URL. The legacy transport's POST endpoint (the URL its `endpoint`
 * event names, with the session in the query) belongs to the resource of the SSE URL, not one
 * of its own: the client was configured with, and asks metadata for, the SSE URL.
 */
function mcpUrlsUsed(context: { connection: readonly Exchange[] }): Array<{ url: string; exchange: Exchange }> {
  return context.connection
    .filter((x) => (onMcpEndpoint(x) && !isLegacyMessagePost(x)) || x.classification.stream === 'legacy-sse')
    .map((exchange) => ({ url: clientUrl(exchange)!, exchange }))
    .filter((used) => used.url);
}

/** A POST to the legacy HTTP+SSE transport's message endpoint (`/messages?sessionId=…`). */
const isLegacyMessagePost = (e: Exchange) => e.request.method === 'POST' && legacySessionId(e.request.url) !== undefined;

/** The resource a PRM document names for the URL it was fetched from. */
function prmResource(e: Exchange): unknown {
  const json = responseJson(e);
  return isObject(json) ? json.resource : undefined;
}

function describeMismatch(resource: string, expected: string): string {
  let r: URL;
  let x: URL;
  try {
    r = new URL(resource);
    x = new URL(expected);
  } catch {
    return 'it is not an absolute URL';
  }
  if (r.origin !== x.origin) return `the origin differs (${r.origin} vs ${x.origin})`;
  const rp = r.pathname.replace(/\/+$/, '');
  const xp = x.pathname.replace(/\/+$/, '');
  if (rp === xp) return 'they differ only in a trailing slash';
  if (xp.startsWith(`${rp}/`) || rp === '') return 'it is a prefix of the URL, which VS Code and Claude.ai reject (the TypeScript SDK accepts it)';
  return 'the path differs';
}

export const prmResourceMismatch: LintCheck = (e, context) => {
  if (!servedPrm(e)) return undefined;
  const resource = prmResource(e);
  const urls = mcpUrlsUsed(context);
  // A client that moved to another transport (Streamable HTTP, then legacy SSE) used both URLs.
  if (typeof resource === 'string' && urls.some((u) => u.url === resource)) return undefined;
  const used = urls[0];
  // Without an MCP request, the path-suffixed URL still says which resource it describes.
  const suffix = e.classification.discovery === 'protected-resource-suffixed' ? path(e).replace(/^\/\.well-known\/oauth-protected-resource/, '') : undefined;
  const origin = clientUrl(e) ? new URL(clientUrl(e)!).origin : undefined;
  const expected = used?.url ?? (suffix && origin ? `${origin}${suffix}` : undefined);
  if (typeof resource !== 'string') return { message: `The Protected Resource Metadata at ${path(e)} has no "resource" string.` };
  if (!expected || resource === expected) return undefined;
  return {
    message: `The Protected Resource Metadata names resource "${resource}" but the client ${used ? 'uses' : 'asked for the metadata of'} "${expected}": ${describeMismatch(resource, expected)}.`,
    related: used ? [used.exchange.id] : undefined,
  };
};

export const prmWithoutAuthorizationServers: LintCheck = (e) => {
  if (!servedPrm(e)) return undefined;
  const servers = (responseJson(e) as Record<string, unknown>).authorization_servers;
  if (Array.isArray(servers) && servers.some((s) => typeof s === 'string' && s)) return undefined;
  return { message: `The Protected Resource Metadata at ${path(e)} has ${servers === undefined ? 'no' : 'an empty or invalid'} "authorization_servers".` };
};

// ---- the authorization server

/** An authorization server metadata document the server served (200, JSON). */
function asMetadata(e: Exchange): Record<string, unknown> | undefined {
  if (!isAuthServerMetadata(e) || status(e) !== 200) return undefined;
  const json = responseJson(e);
  return isObject(json) ? json : undefined;
}

export const asMetadataWithoutS256: LintCheck = (e) => {
  const metadata = asMetadata(e);
  if (!metadata) return undefined;
  const methods = metadata.code_challenge_methods_supported;
  if (Array.isArray(methods) && methods.includes('S256')) return undefined;
  const seen = methods === undefined ? 'no code_challenge_methods_supported' : `code_challenge_methods_supported ${JSON.stringify(methods)}`;
  return { message: `${e.classification.label} (${path(e)}) has ${seen}; 2025-11-25 clients refuse to go on without S256.` };
};

export const asMetadataWithoutRegistration: LintCheck = (e) => {
  const metadata = asMetadata(e);
  if (!metadata || typeof metadata.registration_endpoint === 'string' || metadata.client_id_metadata_document_supported === true) return undefined;
  return { message: `${e.classification.label} (${path(e)}) has neither registration_endpoint nor client_id_metadata_document_supported: a client without a pre-registered id can't register.` };
};

const isOAuthEndpoint = (e: Exchange) => e.classification.phase === 'registration' || e.classification.phase === 'token';

/** The `error` and `error_description` of an RFC 6749 error body, when the body is one. */
function oauthError(e: Exchange): { error: string; description?: string } | undefined {
  const json = responseJson(e);
  if (!isObject(json) || typeof json.error !== 'string') return undefined;
  return { error: json.error, description: typeof json.error_description === 'string' ? json.error_description : undefined };
}

export const oauthErrorNotRfc6749: LintCheck = (e) => {
  const s = status(e);
  if (!isOAuthEndpoint(e) || s === undefined || s < 400 || oauthError(e)) return undefined;
  const body = clip(e.response?.body?.data ?? '', 120);
  return { message: `${e.classification.label} was answered ${s} with ${contentType(e.response?.headers) || 'no Content-Type'} ${body ? `"${body}"` : '(empty body)'}, not {"error": "…"}.` };
};

/** Redirect URIs real clients register (docs/client-profiles.md), and loopback URIs on any port. */
const REAL_CLIENT_REDIRECTS: Array<[RegExp, string]> = [
  [/^https:\/\/claude\.(ai|com)\/api\/mcp\/auth_callback$/, 'Claude.ai'],
  [/^https:\/\/chatgpt\.com\/connector/, 'ChatGPT'],
  [/^https:\/\/(insiders\.)?vscode\.dev\/redirect$/, 'VS Code'],
  [/^(cursor:\/\/|https:\/\/www\.cursor\.com\/agents\/mcp\/oauth\/callback)/, 'Cursor'],
  [/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/, 'a loopback client (Claude Code, VS Code, mcp-remote, MCP Inspector)'],
];

export const registrationRejectsRedirectUri: LintCheck = (e) => {
  const s = status(e);
  if (e.classification.phase !== 'registration' || s === undefined || !isFailed(exchangeOutcome(e).outcome)) return undefined;
  const error = oauthError(e);
  const aboutRedirects = error && (error.error === 'invalid_redirect_uri' || /redirect/i.test(error.description ?? ''));
  if (!aboutRedirects) return undefined;
  const body = requestJson(e);
  const uris = isObject(body) && Array.isArray(body.redirect_uris) ? body.redirect_uris.filter((u): u is string => typeof u === 'string') : [];
  const real = uris.map((uri) => [uri, REAL_CLIENT_REDIRECTS.find(([pattern]) => pattern.test(uri))?.[1]] as const).filter(([, who]) => who);
  if (real.length === 0) return undefined;
  return { message: `Registration was refused (${s} ${error!.error}) for ${real.map(([uri, who]) => `${uri} (${who})`).join(', ')}.` };
};

export const invalidClient400: LintCheck = (e) => {
  if (e.classification.phase !== 'token' || status(e) !== 400 || oauthError(e)?.error !== 'invalid_client') return undefined;
  return { message: `The token endpoint answered invalid_client with 400; Claude.ai registers again only on 401.` };
};

/** A successful token response's JSON body. */
export function tokenResponse(e: Exchange): Record<string, unknown> | undefined {
  if (e.classification.phase !== 'token' || status(e) !== 200) return undefined;
  const json = responseJson(e);
  return isObject(json) && 'access_token' in json ? json : undefined;
}

export const tokenResponseWithoutTokenType: LintCheck = (e) => {
  const json = tokenResponse(e);
  if (!json || typeof json.token_type === 'string') return undefined;
  return { message: `The token response (${e.classification.label}) has no token_type.` };
};

export const tokenResponseWithoutExpiresIn: LintCheck = (e) => {
  const json = tokenResponse(e);
  if (!json || typeof json.expires_in === 'number') return undefined;
  return { message: `The token response (${e.classification.label}) has no expires_in${json.expires_in !== undefined ? ` number (got ${JSON.stringify(json.expires_in)})` : ''}.` };
};

export const tokenAudienceMismatch: LintCheck = (e, context) => {
  const json = tokenResponse(e);
  if (!json || typeof json.access_token !== 'string') return undefined;
  const claims = jwtClaims(json.access_token);
  if (!claims || claims.aud === undefined) return undefined; // opaque or encrypted: nothing to read
  // What the token should be for: the resource the client asked for, else the PRM's resource.
  const asked = requestForm(e).get('resource');
  const prm = context.connection.filter((x) => servedPrm(x)).map((x) => ({ x, resource: prmResource(x) })).find((p) => typeof p.resource === 'string');
  const expected = asked ?? (prm?.resource as string | undefined);
  if (!expected) return undefined;
  const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).map(String);
  if (audiences.includes(expected)) return undefined;
  return {
    message: `The access token's aud is ${audiences.map((a) => `"${a}"`).join(', ')} but it was asked for ${asked ? `resource "${expected}"` : `the PRM resource "${expected}"`}.`,
    related: !asked && prm ? [prm.x.id] : undefined,
  };
};

/** A metadata document's `scopes_supported` strings, when it has the array. */
function scopesSupported(e: Exchange): string[] | undefined {
  const json = responseJson(e);
  if (!isObject(json) || !Array.isArray(json.scopes_supported)) return undefined;
  return json.scopes_supported.filter((s): s is string => typeof s === 'string');
}

/** Whether a served PRM document lists `issuer` in its `authorization_servers`. */
function namesAuthorizationServer(prm: Exchange, issuer: unknown): boolean {
  const servers = (responseJson(prm) as Record<string, unknown>).authorization_servers;
  return Array.isArray(servers) && servers.includes(issuer);
}

/** What a token response grants: its `scope`, and a JWT access token's `scope` claim (they may differ). */
function grantedScopes(json: Record<string, unknown>): string[] {
  const claims = typeof json.access_token === 'string' ? jwtClaims(json.access_token) : undefined;
  const lists = [json.scope, claims?.scope].filter((v): v is string => typeof v === 'string');
  return [...new Set(lists.flatMap((list) => list.split(' ')).filter(Boolean))];
}

export const grantedScopeUnsupported: LintCheck = (e, context) => {
  const json = tokenResponse(e);
  if (!json) return undefined;
  const granted = grantedScopes(json);
  if (granted.length === 0) return undefined;
  // The authorization server's own word: the metadata that sent the client to this token
  // endpoint. Discovery can belong to an earlier connection (before a client id existed).
  const earlier = before(e, context, context.everyHandshake);
  const metadataExchange = earlier.filter((x) => asMetadata(x)?.token_endpoint === clientUrl(e)).at(-1);
  const advertised = metadataExchange && scopesSupported(metadataExchange);
  if (!metadataExchange || !advertised) return undefined;
  // The resources that name this authorization server may advertise scopes of their own.
  const issuer = asMetadata(metadataExchange)!.issuer;
  const resources = earlier.filter((x) => servedPrm(x) && namesAuthorizationServer(x, issuer));
  const supported = new Set([...advertised, ...resources.flatMap((x) => scopesSupported(x) ?? [])]);
  const outside = granted.filter((scope) => !supported.has(scope));
  if (outside.length === 0) return undefined;
  return {
    message: `The token endpoint granted ${outside.map((s) => `"${s}"`).join(', ')}, which scopes_supported (${[...supported].join(' ') || 'empty'}) does not list${resources.length ? ' in the authorization server or resource metadata' : ` at ${path(metadataExchange)}`}.`,
    related: [metadataExchange.id, ...resources.map((x) => x.id)],
  };
};
